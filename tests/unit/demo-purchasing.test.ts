import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runtime } from '../../electron/runtime';
import { generateDemoHub } from '../../electron/demo/generate';
import { ManualClock, tempDir } from '../helpers/runtime';
import { ledgerChecksum } from '../../electron/domain/stock/ledger';
import { InternalClient } from '../../electron/api/internal';

let runtime: Runtime;
let dir: string;
let realDrawSeed: () => number;
const count = (q: string, ...p: unknown[]) => (runtime.app.db.prepare(q).get(...p) as { n: number }).n;

beforeAll(async () => {
  dir = tempDir();
  const clock = new ManualClock(new Date('2026-11-20T03:00:00.000Z'));
  runtime = new Runtime({ dataDir: dir, demo: true, clock, validateOutputs: true });
  realDrawSeed = runtime.app.drawSeed;
  // The real demo: its catalog (suppliers, contract prices, hub min/max), then weeks of purchasing.
  await generateDemoHub(runtime, { clinics: 6, purchasingWeeks: 6 });
}, 300_000);
afterAll(() => {
  runtime.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('demo purchasing history', () => {
  it('leaves requisitions in every state the screens show', () => {
    const states = runtime.app.db.prepare('SELECT status, count(*) AS n FROM requisitions GROUP BY status').all() as { status: string; n: number }[];
    const by = Object.fromEntries(states.map((s) => [s.status, s.n]));
    expect(by.closed).toBeGreaterThan(5);
    expect(by.submitted).toBeGreaterThan(0);
    expect(by.draft).toBe(1);
    expect(count("SELECT count(*) AS n FROM requisitions WHERE status = 'reviewed' AND aggregation_id IS NULL")).toBeGreaterThan(0);
    expect(count("SELECT count(*) AS n FROM requisition_lines WHERE decision = 'adjusted'")).toBeGreaterThan(0);
    expect(count('SELECT count(*) AS n FROM requisition_lines WHERE original_drug_id IS NOT NULL')).toBeGreaterThan(0);
  });

  it('has orders in every status, linked back to the clinics they serve', () => {
    const statuses = (runtime.app.db.prepare('SELECT DISTINCT status FROM purchase_orders').all() as { status: string }[]).map((s) => s.status).sort();
    // Draft orders appear when today's second run needs the suppliers (the hub's own stock may cover it).
    expect(statuses).toEqual(expect.arrayContaining(['cancelled', 'partly_received', 'received', 'sent']));
    expect(count('SELECT count(*) AS n FROM purchase_order_line_sources')).toBeGreaterThan(10);
  });

  it('dispenses at the clinics, so suggestions come from real consumption', () => {
    expect(count("SELECT count(*) AS n FROM ledger WHERE movement = 'dispense'")).toBeGreaterThan(50);
    expect(count('SELECT count(*) AS n FROM requisition_lines WHERE amc > 0')).toBeGreaterThan(0);
  });

  it('spot-checks clinics every week, each approved the day it was drawn, and closes past months', () => {
    expect(count("SELECT count(*) AS n FROM stocktakes WHERE kind = 'spot' AND status = 'approved'")).toBeGreaterThan(4);
    expect(count("SELECT count(*) AS n FROM stocktakes WHERE status IN ('counting', 'submitted')")).toBe(0);
    expect(count('SELECT count(*) AS n FROM stocktakes WHERE business_date <> start_date')).toBe(0);
    expect(count("SELECT count(*) AS n FROM ledger WHERE movement IN ('count_surplus', 'count_shortage')")).toBeGreaterThan(0);
    expect(count("SELECT count(*) AS n FROM periods WHERE status = 'closed'")).toBeGreaterThan(0);
  });

  it('has near-expiry lots and levels the pharmacist set, so 库存预警 has real cases to show', async () => {
    const near = count(
      "SELECT count(*) AS n FROM stock_balances b JOIN lots l ON l.id = b.lot_id WHERE b.qty > 0 AND l.expiry_date < date('2026-11-20', '+180 days')",
    );
    expect(near).toBeGreaterThan(0);
    expect(count('SELECT count(*) AS n FROM store_watch WHERE min_qty IS NOT NULL')).toBeGreaterThan(0);
    expect(count('SELECT count(*) AS n FROM store_watch WHERE watched = 0')).toBeGreaterThan(0);
    const alerts = await InternalClient.asUser(runtime, 'yaoku').call('stock.alerts', { kinds: ['near_expiry', 'expired'] });
    expect(alerts.total).toBe(near);
  });

  it("fills the hub 阴凉库's sheet from a month of its logger file, imported through the real handler", () => {
    const area = (
      runtime.app.db.prepare("SELECT a.id FROM storage_areas a JOIN stores s ON s.id = a.store_id WHERE s.kind = 'hub' AND a.kind = 'cool'").get() as {
        id: number;
      }
    ).id;
    expect(count('SELECT count(*) AS n FROM logger_imports WHERE area_id = ?', area)).toBe(1);
    expect(count('SELECT count(*) AS n FROM logger_readings WHERE area_id = ?', area)).toBe(29 * 48);
    // Every day of the file fills both slots; the last day is written by hand.
    expect(count('SELECT count(*) AS n FROM env_readings WHERE area_id = ? AND logger_reading_id IS NOT NULL', area)).toBe(29 * 2);
    expect(count('SELECT count(*) AS n FROM env_readings WHERE area_id = ? AND logger_reading_id IS NULL', area)).toBe(2);
  });

  it('is the same hub every time: a second demo plays the same ledger', async () => {
    const other = tempDir();
    const twin = new Runtime({ dataDir: other, demo: true, clock: new ManualClock(new Date('2026-11-20T03:00:00.000Z')), validateOutputs: true });
    try {
      await generateDemoHub(twin, { clinics: 6, purchasingWeeks: 6 });
      expect(ledgerChecksum(twin.app.db)).toBe(ledgerChecksum(runtime.app.db));
    } finally {
      twin.close();
      fs.rmSync(other, { recursive: true, force: true });
    }
  }, 300_000);

  it('gives the clock and the spot-check seed source back, and leaves no demo sessions behind', () => {
    expect(runtime.app.clock.now().toISOString()).toBe('2026-11-20T03:00:00.000Z');
    expect(runtime.app.drawSeed).toBe(realDrawSeed);
    expect(count("SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.role = 'village_doctor'")).toBe(0);
  });
});
