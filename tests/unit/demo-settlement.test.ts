import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runtime } from '../../electron/runtime';
import { InternalClient } from '../../electron/api/internal';
import { generateDemoHub } from '../../electron/demo/generate';
import { checkLedgerInvariants } from '../../electron/domain/stock/ledger';
import { ManualClock, tempDir } from '../helpers/runtime';

let runtime: Runtime;
let dir: string;

beforeAll(async () => {
  dir = tempDir();
  const clock = new ManualClock(new Date('2026-11-20T03:00:00.000Z'));
  runtime = new Runtime({ dataDir: dir, demo: true, clock, validateOutputs: true });
  // Eight weeks back from 20 November: September and October are closed on the 3rd of the next month.
  await generateDemoHub(runtime, { clinics: 3, purchasingWeeks: 8 });
}, 300_000);
afterAll(() => {
  runtime.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('demo settlement history', () => {
  it('has closed months with snapshots, a backup each, and supplier payments', async () => {
    const db = runtime.app.db;
    expect(db.prepare("SELECT period FROM periods WHERE status = 'closed' ORDER BY period").all()).toEqual([{ period: '2026-09' }, { period: '2026-10' }]);
    const closes = db.prepare("SELECT period, backup_file AS backup FROM period_events WHERE action = 'close' ORDER BY id").all() as {
      period: string;
      backup: string;
    }[];
    expect(closes.map((c) => c.period)).toEqual(['2026-09', '2026-10']);
    for (const c of closes) expect(c.backup).toMatch(/before-close\.sqlite$/);
    const payments = db.prepare('SELECT pay_date AS d, count(*) AS n FROM supplier_payments GROUP BY pay_date ORDER BY pay_date').all() as {
      d: string;
      n: number;
    }[];
    expect(payments.map((p) => p.d)).toEqual(['2026-10-10', '2026-11-10']);
    expect(checkLedgerInvariants(db)).toEqual([]);

    const finance = InternalClient.asUser(runtime, 'caiwu');
    const october = await finance.call('statements.clinics', { period: '2026-10' });
    expect(october.closed).toBe(true);
    expect(october.totals.amountDue).toBeGreaterThan(0);
    const suppliers = await finance.call('statements.suppliers', { period: '2026-11' });
    // Paid 90 % of what was owed at the end of October: the rest carries forward.
    for (const row of suppliers.rows.filter((r) => r.opening > 0)) expect(row.paid).toBe(Math.floor((row.opening * 90) / 100));
  });

  it('has the 上报地市 settings filled in and each closed month exported to a file on its close day', async () => {
    const months = await InternalClient.asUser(runtime, 'yaoku').call('prefecture.months', {});
    expect(months.configured).toBe(true);
    const sends = months.rows.map((r) => ({
      period: r.period,
      version: r.version,
      sends: r.sends.map((s) => [s.target, s.at.slice(0, 10), s.userName, s.bytes > 1000]),
    }));
    expect(sends).toEqual([
      { period: '2026-10', version: 1, sends: [['file', '2026-11-03', '周药师', true]] },
      { period: '2026-09', version: 1, sends: [['file', '2026-10-03', '周药师', true]] },
    ]);
  });
});
