import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { generateDemoHub } from '../../electron/demo/generate';
import { Runtime } from '../../electron/runtime';
import { ManualClock, tempDir } from '../helpers/runtime';

/**
 * stock.onHand totals, filters and sorts every drug of a store but lists the lots only of the page it returns (the
 * hub's stock is hundreds of drugs and over a thousand lots). Every page must still carry each of its rows' lots, as
 * stock.lots gives them, whatever page and filter is asked for.
 */

const NOW = new Date('2026-11-20T03:00:00.000Z');
let dir: string;
let runtime: Runtime;

beforeAll(async () => {
  dir = tempDir();
  const builder = new Runtime({ dataDir: dir, demo: true, clock: new ManualClock(NOW) });
  await generateDemoHub(builder, { clinics: 3, purchasingWeeks: 6 });
  builder.close();
  runtime = new Runtime({ dataDir: dir, demo: true, clock: new ManualClock(NOW), validateOutputs: true });
}, 300_000);

afterAll(() => {
  runtime?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('stock.onHand pages', () => {
  it("lists each row's lots on every page, as stock.lots does, and the pages add up to the whole list", async () => {
    const pharmacist = InternalClient.asUser(runtime, 'yaoku');
    const hubStore = runtime.app.db.prepare("SELECT id FROM stores WHERE kind = 'hub'").get() as { id: number };
    for (const filter of ['in_stock', 'near_expiry', 'all'] as const) {
      const whole = await pharmacist.call('stock.onHand', { storeId: hubStore.id, filter, page: 1, pageSize: 500 });
      expect(whole.total, `drugs under ${filter}`).toBe(whole.rows.length);
      if (filter === 'in_stock') expect(whole.total).toBeGreaterThan(8);
      const pageSize = 4;
      const pages = [];
      for (let page = 1; (page - 1) * pageSize < whole.total; page++) {
        const answer = await pharmacist.call('stock.onHand', { storeId: hubStore.id, filter, page, pageSize });
        expect(answer.total).toBe(whole.total);
        expect(answer.totalValue).toBe(whole.totalValue);
        pages.push(...answer.rows);
      }
      expect(pages).toEqual(whole.rows);
      for (const row of pages.filter((r) => (r.qty ?? 0) > 0)) {
        const lots = await pharmacist.call('stock.lots', { storeId: hubStore.id, drugId: row.drugId });
        expect(row.lots, `${row.genericName} under ${filter}`).toEqual(lots);
        expect(row.lots.reduce((n, l) => n + l.qty, 0)).toBe(row.qty);
      }
    }
  }, 120_000);
});
