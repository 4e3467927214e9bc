import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  const full = path.join(root, dir);
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(rel);
    return /\.(ts|tsx)$/.test(e.name) ? [rel] : [];
  });
}

/** Every module specifier a file imports (static, dynamic, re-exports and require). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const found = new Set<string>();
  for (const re of [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\bimport\s+['"]([^'"]+)['"]/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const m of text.matchAll(re)) found.add(m[1]);
  }
  return [...found];
}

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

describe('module boundaries', () => {
  it('keeps electron imports inside electron/desktop (the thin shell)', () => {
    const offenders = sourceFiles('electron')
      .filter((f) => !f.startsWith(path.join('electron', 'desktop')))
      .filter((f) => importsOf(f).includes('electron'));
    expect(offenders).toEqual([]);
  });

  it('keeps electron and better-sqlite3 out of the renderer', () => {
    const offenders = sourceFiles('renderer').flatMap((f) =>
      importsOf(f)
        .filter((m) => m === 'electron' || m === 'better-sqlite3' || NODE_BUILTINS.has(m) || m.includes('/electron/'))
        .map((m) => `${f} → ${m}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps shared/ free of Node, DOM-only and main-process code', () => {
    const offenders = sourceFiles('shared').flatMap((f) =>
      importsOf(f)
        .filter((m) => NODE_BUILTINS.has(m) || m === 'electron' || m === 'better-sqlite3' || m.includes('/electron/') || m.includes('/renderer/'))
        .map((m) => `${f} → ${m}`),
    );
    expect(offenders).toEqual([]);
    const domUse = sourceFiles('shared').filter((f) => /\b(window|document|localStorage|navigator|process)\s*\./.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(domUse).toEqual([]);
  });

  it('finds imports at all (the scanner itself works)', () => {
    expect(importsOf(path.join('electron', 'desktop', 'main.ts'))).toContain('electron');
  });
});
