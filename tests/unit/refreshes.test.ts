/**
 * What a write changes is declared once, in the contract (shared/contract/refreshes.ts), not kept by hand per screen:
 * every family with a write method is declared, every family named exists, a write that posts stock makes every view
 * of the books stale (dispensing once left the stock card as it was), and no page keeps its own list.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { api } from '../../shared/contract';
import { familiesRefreshedBy, REFRESHES } from '../../shared/contract/refreshes';

const families = new Set(Object.keys(api).map((m) => m.split('.')[0]));
const writers = new Set(
  Object.entries(api)
    .filter(([, spec]) => (spec as { write?: boolean }).write)
    .map(([m]) => m.split('.')[0]),
);

describe('what a write refreshes', () => {
  it('is declared for every family that writes, naming only families that exist', () => {
    expect([...writers].filter((f) => !(f in REFRESHES))).toEqual([]);
    expect(Object.entries(REFRESHES).flatMap(([f, list]) => [f, ...list].filter((x) => !families.has(x)))).toEqual([]);
  });

  it('makes every view of the books stale after a posting of stock', () => {
    for (const method of [
      'dispensing.create',
      'receipts.create',
      'deliveries.sign',
      'returns.decide',
      'writeoffs.decide',
      'stocktakes.approve',
      'reconciliation.post',
    ]) {
      const refreshed = familiesRefreshedBy(method);
      for (const view of ['stock', 'statements', 'trace', 'workbench', 'dispensing', 'periods']) expect(refreshed, `${method} → ${view}`).toContain(view);
    }
  });

  it('is kept by no page: mutations name no refresh list of their own', () => {
    const sources = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? sources(full) : /\.tsx?$/.test(e.name) ? [full] : [];
      });
    const root = path.resolve(import.meta.dirname, '../../renderer/src/pages');
    const lists = sources(root).filter((f) => /\binvalidates\b/.test(fs.readFileSync(f, 'utf8')));
    expect(lists.map((f) => path.relative(root, f))).toEqual([]);
  });
});
