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
  for (const re of [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]) {
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
    const domUse = sourceFiles('shared').filter((f) =>
      /\b(window|document|localStorage|navigator|process)\s*\./.test(fs.readFileSync(path.join(root, f), 'utf8')),
    );
    expect(domUse).toEqual([]);
  });

  it('finds imports at all (the scanner itself works)', () => {
    expect(importsOf(path.join('electron', 'desktop', 'main.ts'))).toContain('electron');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Floors of the main process, bottom to top. A file imports only its own floor and the floors below it; shared/ is
// below them all. (README "项目结构 · Layout" and ../shared/style.md describe why.)

const FLOORS: { name: string; owns: (file: string) => boolean }[] = [
  { name: 'lib', owns: (f) => f.startsWith('electron/lib/') || f === 'electron/errors.ts' || f === 'electron/paths.ts' },
  { name: 'db', owns: (f) => f.startsWith('electron/db/') },
  { name: 'domain', owns: (f) => f.startsWith('electron/domain/') },
  { name: 'app/runtime', owns: (f) => f === 'electron/app.ts' || f === 'electron/runtime.ts' },
  { name: 'api', owns: (f) => f.startsWith('electron/api/') },
  { name: 'http/ipc', owns: (f) => f.startsWith('electron/http/') || f.startsWith('electron/ipc/') },
  { name: 'startup', owns: (f) => f === 'electron/serve.ts' || /^electron\/(desktop|demo|tools)\//.test(f) },
];

function floorOf(file: string): number {
  const i = FLOORS.findIndex((fl) => fl.owns(file));
  if (i < 0) throw new Error(`${file} is on no floor: add its folder to FLOORS`);
  return i;
}

/** The repository files a file imports (relative specifiers only), as repo paths with their extension. */
function localImportsOf(file: string): string[] {
  return importsOf(file)
    .filter((m) => m.startsWith('.'))
    .flatMap((m) => {
      const base = path.join(path.dirname(file), m);
      const hit = [`${base}.ts`, `${base}.tsx`, base, path.join(base, 'index.ts')].find(
        (c) => fs.existsSync(path.join(root, c)) && fs.statSync(path.join(root, c)).isFile(),
      );
      return hit ? [hit.split(path.sep).join('/')] : [];
    });
}

/** Imports that go up a floor: `from → to (from floor → to floor)`. */
function upwardImports(edges: [from: string, to: string][]): string[] {
  return edges
    .filter(([from, to]) => to.startsWith('electron/') && floorOf(to) > floorOf(from))
    .map(([from, to]) => `${from} → ${to} (${FLOORS[floorOf(from)].name} → ${FLOORS[floorOf(to)].name})`);
}

/** Strongly connected groups of more than one file (or a file importing itself): import circles. */
function importCircles(edges: [string, string][]): string[][] {
  const next = new Map<string, string[]>();
  for (const [a, b] of edges) next.set(a, [...(next.get(a) ?? []), b]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || (next.get(v) ?? []).includes(v)) circles.push(group.sort());
    }
  };
  for (const v of new Set(edges.flat())) if (!index.has(v)) visit(v);
  return circles;
}

const edgesOf = (dir: string): [string, string][] =>
  sourceFiles(dir).flatMap((f) => {
    const from = f.split(path.sep).join('/');
    return localImportsOf(from).map((to) => [from, to] as [string, string]);
  });

describe('floors', () => {
  it('the main process imports only its own floor and those below', () => {
    expect(upwardImports(edgesOf('electron'))).toEqual([]);
  });

  it('has no import circles in electron/, renderer/ or shared/ (type-only imports included)', () => {
    const all = [...edgesOf('electron'), ...edgesOf('renderer'), ...edgesOf('shared')];
    expect(importCircles(all)).toEqual([]);
  });

  it('catches a misplaced import and a circle (the checks themselves can fail)', () => {
    expect(upwardImports([['electron/domain/stock/ledger.ts', 'electron/api/dispatch.ts']])).toEqual([
      'electron/domain/stock/ledger.ts → electron/api/dispatch.ts (domain → api)',
    ]);
    expect(upwardImports([['electron/api/dispatch.ts', 'electron/domain/stock/ledger.ts']])).toEqual([]);
    expect(
      importCircles([
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
        ['c', 'd'],
      ]),
    ).toEqual([['a', 'b', 'c']]);
    expect(
      importCircles([
        ['a', 'b'],
        ['b', 'c'],
      ]),
    ).toEqual([]);
  });

  it('puts every main-process file on a floor', () => {
    expect(() => sourceFiles('electron').forEach((f) => floorOf(f.split(path.sep).join('/')))).not.toThrow();
  });
});
