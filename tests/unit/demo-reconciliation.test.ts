/**
 * The demo hub's settlement details: clinic C01 has last month and this month so far imported through the
 * real handlers, and its reconciliation shows a few differences of each kind the village produces.
 */
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
  await generateDemoHub(runtime, { clinics: 2, purchasingWeeks: 8 });
}, 300_000);
afterAll(() => {
  runtime.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('demo settlement details', () => {
  it('gives clinic C01 two months of settled lines with differences of every kind a village produces', async () => {
    const finance = InternalClient.asUser(runtime, 'caiwu');
    const [october] = await finance.call('reconciliation.overview', { period: '2026-10' });
    expect(october.clinicCode).toBe('C01');
    expect(october.settledLines).toBeGreaterThan(50);
    expect(october.lastDate).toBe('2026-10-31');
    const november = await finance.call('reconciliation.clinic', { clinicId: october.clinicId, from: '2026-11-01', to: '2026-11-19' });
    const october31 = await finance.call('reconciliation.clinic', { clinicId: october.clinicId, from: '2026-10-01', to: '2026-10-31' });
    const kinds = new Set([...november.totals.byKind, ...october31.totals.byKind].map((k) => k.kind));
    for (const k of ['settled_not_dispensed', 'dispensed_not_settled', 'self_pay', 'visit_mismatch', 'price_mismatch', 'unknown_drug', 'code_settled_twice']) {
      expect(kinds, k).toContain(k);
    }
    // Most of the month matches: the differences are a few, not the rule.
    const rows = [...november.rows, ...october31.rows];
    expect(rows.filter((r) => r.kinds.length === 0).length).toBeGreaterThan(rows.length / 2);
    // Yesterday's settled-but-not-recorded visit can be posted from the settlement.
    const doctor = InternalClient.asUser(runtime, 'cy01');
    const review = await doctor.call('reconciliation.postingPreview', { date: '2026-11-19' });
    expect(review.postable).toBeGreaterThan(0);
    // The second clinic imported nothing.
    const all = await finance.call('reconciliation.overview', { period: '2026-11' });
    expect(all.find((c) => c.clinicCode === 'C02')).toMatchObject({ settledLines: 0, lastDate: null });
    expect(checkLedgerInvariants(runtime.app.db)).toEqual([]);
  });
});
