import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { makeFingerprint } from '../../shared/supervision';
import { buildSyntheticHub, type SyntheticHub } from '../helpers/supervision';

/** The supervision API on the planted synthetic hub: listing, detail, dismissal, thresholds, schedules, dashboard, access. */
let h: SyntheticHub;
let ph: InternalClient;
let fin: InternalClient;
let doc: InternalClient;
const window = { from: '2026-03-01', to: '2026-06-30' };
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code: string }) => e.code,
  );

beforeAll(async () => {
  h = await buildSyntheticHub({ plants: true });
  ph = InternalClient.asUser(h.hub.runtime, 'yaoku');
  fin = InternalClient.asUser(h.hub.runtime, 'caiwu');
  doc = InternalClient.asUser(h.hub.runtime, 'cy2');
}, 240_000);
afterAll(() => h?.hub.close());

describe('supervision API', () => {
  it('lists the planted signals with their numbers, and opens one to its ledger rows with document numbers', async () => {
    const list = await fin.call('supervision.signals', window);
    expect(new Set(list.rows.map((r) => r.fingerprint))).toEqual(new Set(h.plants.map((p) => p.fingerprint)));
    const spike = list.rows.find((r) => r.ruleKey === 'spike')!;
    expect(spike.numbers.map((n) => n.label)).toContain('稳健 Z 值');
    expect(spike.drugs[0].name).toBeTruthy();
    const detail = await fin.call('supervision.signal', { fingerprint: spike.fingerprint });
    expect(detail.ledger).toHaveLength(spike.ledgerCount);
    expect(detail.ledger.every((r) => r.movement === 'dispense' && r.qty < 0 && r.docType === 'dispensing' && r.docNo)).toBe(true);
    expect(detail.rule.description).toContain('3.5');
    expect(detail.history).toHaveLength(16);
    const marked = detail.history.filter((w) => w.marked);
    expect(marked.map((w) => w.weekStart)).toEqual([spike.periodFrom]);
    expect(marked[0].qty).toBe(spike.numbers[0].value);

    const swap = list.rows.find((r) => r.ruleKey === 'swap')!;
    const swapRows = (await ph.call('supervision.signal', { fingerprint: swap.fingerprint })).ledger;
    expect(swapRows.some((r) => r.movement === 'count_shortage' && r.docNo?.startsWith('PD'))).toBe(true);
  });

  it('dismissal needs a note, is recorded and audited, hides the signal, and reopens it when the numbers get worse', async () => {
    const fp = makeFingerprint('closed', h.clinicIds[1], [], '2026-05');
    const bad = await ph.call('supervision.dismiss', { fingerprint: fp, note: '' }).catch((e) => e);
    expect(bad.code).toBe('VALIDATION');
    expect(bad.message).toMatch(/排除说明/);
    expect(await codeOf(fin.call('supervision.dismiss', { fingerprint: fp, note: '已电话核实' }))).toBe('FORBIDDEN');
    expect(await codeOf(ph.call('supervision.dismiss', { fingerprint: 'closed:99:1:2026-05', note: '已电话核实' }))).toBe('NOT_FOUND');

    await ph.call('supervision.dismiss', { fingerprint: fp, note: '周日义诊，有活动记录' });
    const db = h.hub.runtime.app.db;
    const row = sql(db, 'SELECT note, severity, dismissed_by AS by FROM signal_dismissals WHERE fingerprint = ?').get(fp) as {
      note: string;
      severity: number;
      by: number;
    };
    expect(row.note).toBe('周日义诊，有活动记录');
    const audit = sql(db, "SELECT target, outcome, username FROM audit_log WHERE method = 'supervision.dismiss' AND outcome = 'ok'").all() as {
      target: string;
      username: string;
    }[];
    expect(audit).toHaveLength(1);
    expect(audit[0].username).toBe('yaoku');
    expect(audit[0].target).toMatch(/^signal_dismissal:\d+$/);

    expect((await ph.call('supervision.signals', window)).rows.map((r) => r.fingerprint)).not.toContain(fp);
    const dismissed = (await ph.call('supervision.signals', { ...window, status: 'dismissed' })).rows;
    expect(dismissed.map((r) => r.fingerprint)).toEqual([fp]);
    expect(dismissed[0].lastDismissal?.note).toBe('周日义诊，有活动记录');
    expect(await codeOf(ph.call('supervision.dismiss', { fingerprint: fp, note: '再次排除' }))).toBe('INVALID_STATE');

    // Another Sunday entry in May: the numbers got worse, so the signal is back, marked reopened.
    const drugId = sql(
      db,
      "SELECT drug_id AS d FROM ledger g JOIN stores s ON s.id = g.store_id WHERE s.clinic_id = ? AND g.movement = 'dispense' LIMIT 1",
    ).get(h.clinicIds[1]) as { d: number };
    // A late entry a month back: past the default back-dating limit, so the pharmacist widens it first.
    await ph.call('system.updatePostingRules', { maxBackdateDays: 31 });
    await doc.call('dispensing.create', { businessDate: '2026-05-31', lines: [{ drugId: drugId.d, qty: 3 }] });
    const again = (await ph.call('supervision.signals', window)).rows.find((r) => r.fingerprint === fp)!;
    expect(again.status).toBe('reopened');
    expect(again.severity).toBeGreaterThan(row.severity);
  });

  it('thresholds are validated, change what fires, are audited, and reset to defaults', async () => {
    const bad = await ph.call('supervision.setThresholds', { ruleKey: 'spike', values: { zThreshold: 0 } }).catch((e) => e);
    expect(bad.code).toBe('VALIDATION');
    expect(await codeOf(ph.call('supervision.setThresholds', { ruleKey: 'round', values: { minRepeats: 2.5 } }))).toBe('VALIDATION');
    expect(await codeOf(ph.call('supervision.setThresholds', { ruleKey: 'round', values: { nonsense: 2 } }))).toBe('VALIDATION');
    expect(await codeOf(fin.call('supervision.setThresholds', { ruleKey: 'spike', values: { minRatio: 20 } }))).toBe('FORBIDDEN');

    const info = await ph.call('supervision.setThresholds', { ruleKey: 'spike', values: { minRatio: 20 } });
    expect(info.params.find((p) => p.key === 'minRatio')!.value).toBe(20);
    expect(info.description).toContain('20 倍');
    expect((await ph.call('supervision.signals', { ...window, ruleKey: 'spike' })).rows).toEqual([]);
    await ph.call('supervision.setThresholds', { ruleKey: 'spike', values: { minRatio: null } });
    expect((await ph.call('supervision.signals', { ...window, ruleKey: 'spike' })).rows).toHaveLength(2);
    const audit = sql(h.hub.runtime.app.db, "SELECT count(*) AS n FROM audit_log WHERE method = 'supervision.setThresholds' AND outcome = 'ok'").get() as {
      n: number;
    };
    expect(audit.n).toBe(2);
  });

  it('closed days follow the clinic schedule set by the hub', async () => {
    const before = (await ph.call('supervision.schedules', {})).find((s) => s.clinicId === h.clinicIds[2])!;
    expect(before.restWeekdays).toEqual([7]);
    await ph.call('supervision.setSchedule', { clinicId: h.clinicIds[2], restWeekdays: [], holidays: [] });
    const rows = (await ph.call('supervision.signals', { ...window, ruleKey: 'closed', status: 'all' })).rows;
    expect(rows.map((r) => r.clinicId)).toEqual([h.clinicIds[1]]);
    await ph.call('supervision.setSchedule', { clinicId: h.clinicIds[2], restWeekdays: [7], holidays: [{ date: '2026-05-01', name: '劳动节' }] });
    expect((await ph.call('supervision.signals', { ...window, ruleKey: 'closed', status: 'all' })).rows).toHaveLength(2);
  });

  it('the dashboard figures add up to their drill-down rows', async () => {
    const d = await fin.call('supervision.dashboard', { from: '2026-01', to: '2026-06' });
    expect(d.basis).toBe('receipts');
    expect(d.insurance.total.amount).toBeGreaterThan(0);
    const rows = await fin.call('supervision.drilldown', { figure: 'insurance', from: '2026-01', to: '2026-06' });
    expect(rows.rows.reduce((a, r) => a + (r.amount ?? 0), 0)).toBe(d.insurance.total.amount);
    const catalog = await fin.call('supervision.drilldown', { figure: 'insurance', from: '2026-01', to: '2026-06', flag: true });
    expect(catalog.rows.reduce((a, r) => a + (r.amount ?? 0), 0)).toBe(d.insurance.total.catalogAmount);
    // Per clinic: what it took (deliveries); the month series sums to the clinic's row.
    const c = d.insurance.clinics.find((x) => x.clinicId === h.clinicIds[0])!;
    const one = await fin.call('supervision.dashboard', { from: '2026-01', to: '2026-06', clinicId: h.clinicIds[0] });
    expect(one.basis).toBe('deliveries');
    expect(one.insurance.months.reduce((a, m) => a + m.amount, 0)).toBe(c.amount);
    const consumption = await fin.call('supervision.drilldown', {
      figure: 'consumption',
      from: '2026-01',
      to: '2026-06',
      period: '2026-04',
      clinicId: h.clinicIds[0],
    });
    const april = d.consumption.months.find((m) => m.period === '2026-04' && m.clinicId === h.clinicIds[0])!;
    expect(consumption.rows.reduce((a, r) => a + (r.amount ?? 0), 0)).toBe(april.amount);
    expect(d.accuracy.stores.some((s) => s.stocktakes > 0)).toBe(true);
    expect(d.signals.open).toBeGreaterThan(0);
    const out = await fin.call('supervision.drilldown', { figure: 'stockout', from: '2026-01', to: '2026-06' });
    const outDays = out.rows.reduce((a, r) => a + Number(/断货 (\d+) 天/.exec(r.docLabel ?? '')![1]), 0);
    expect(outDays).toBe(d.stockouts.clinics.reduce((a, c) => a + c.stockoutDays, 0));
    expect(d.stockouts.clinics.every((c) => c.formularyDrugs >= 4)).toBe(true);
    const acc = await fin.call('supervision.drilldown', { figure: 'accuracy', from: '2026-01', to: '2026-06' });
    expect(acc.rows.length).toBe(d.accuracy.stores.reduce((a, s) => a + s.stocktakes, 0));
  });

  it('village doctors are refused', async () => {
    expect(await codeOf(doc.call('supervision.dashboard', { from: '2026-01', to: '2026-06', clinicId: h.clinicIds[1] }))).toBe('FORBIDDEN');
    expect(await codeOf(doc.call('supervision.signals', window))).toBe('FORBIDDEN');
    expect(await codeOf(doc.call('supervision.signal', { fingerprint: makeFingerprint('closed', h.clinicIds[1], [], '2026-05') }))).toBe('FORBIDDEN');
  });
});
