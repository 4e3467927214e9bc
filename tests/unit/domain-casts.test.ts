import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `as never` makes the compiler accept anything, so a SELECT's rows and the contract's outputs stop being checked
 * against each other. The domain casts a statement's rows to the contract's own types (MethodOutput<…>) or to a
 * declared row type; none is left, and none may come back.
 */
const root = path.resolve(import.meta.dirname, '../..');
const files = (dir: string): string[] =>
  readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(`${dir}/${e.name}`) : /\.ts$/.test(e.name) ? [`${dir}/${e.name}`] : [],
  );

describe('casts in the domain', () => {
  it('has no `as never`', () => {
    const found = files('electron/domain').flatMap((f) =>
      readFileSync(path.join(root, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (/\bas never\b/.test(line.replace(/\/\/.*$/, '')) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });
});
