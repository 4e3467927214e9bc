import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * "(? IS NULL OR col = ?)" makes SQLite plan one statement for every combination of filters, so a filtered
 * list scans the whole table, years of it (BENCHMARKS.md). Optional filters are written with `sql.where` and
 * `given` (electron/db/sql.ts), which give each combination its own statement and index. Every file is converted:
 * the list below is empty and may not grow.
 */
const NOT_YET_CONVERTED: Record<string, number> = {};

const root = path.resolve(__dirname, '../..');
// Positional (`? IS NULL OR`) and named (`@supplierId IS NULL OR`) parameters alike.
const OPTIONAL_FILTER = /(\?|[@:$]\w+)\s+IS\s+NULL\s+OR\b/gi;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(rel);
    return /\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

/** Code only: line comments and block comments may explain the old form. */
const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

describe('optional filters in domain queries', () => {
  it('are written with sql.where and given, except in the files not yet converted (and never more there)', () => {
    const found: Record<string, number> = {};
    for (const file of sourceFiles('electron/domain')) {
      const n = withoutComments(readFileSync(path.join(root, file), 'utf8')).match(OPTIONAL_FILTER)?.length ?? 0;
      if (n > 0) found[file] = n;
    }
    const grown = Object.entries(found).filter(([file, n]) => n > (NOT_YET_CONVERTED[file] ?? 0));
    expect(grown.map(([file, n]) => `${file}: ${n} "(? IS NULL OR …)" (allowed ${NOT_YET_CONVERTED[file] ?? 0}); use sql.where / given`)).toEqual([]);
    // A converted file leaves the list, so the list tells the truth.
    const stale = Object.keys(NOT_YET_CONVERTED).filter((file) => (found[file] ?? 0) < NOT_YET_CONVERTED[file]);
    expect(stale.map((file) => `${file}: converted, take it off NOT_YET_CONVERTED`)).toEqual([]);
  });
});
