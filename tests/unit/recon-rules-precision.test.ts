import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRules } from '../../electron/domain/supervision/engine';
import { checkLedgerInvariants } from '../../electron/domain/stock/ledger';
import { RECON_RULE_KEYS } from '../../shared/supervision';
import { fee, importFees } from '../helpers/reconciliation';
import { buildReconPlantHub, type ReconPlantHub } from '../helpers/recon-plants';
import { scoreRules } from '../helpers/precision';

/**
 * The settlement-difference rules on two generated months of three insured clinics (settlement details
 * imported and dispensing posted through the real handlers): with planted 虚开, 串换 and above-stock
 * settlements each rule finds its plants (recall ≥ 0.9) and little else (precision ≥ 0.9); on the same
 * history without plants — lagged dispensing, self-paid visits and reversed lines included — none fires.
 */
let planted: ReconPlantHub;
let clean: ReconPlantHub;

beforeAll(async () => {
  planted = await buildReconPlantHub({ plants: true });
  clean = await buildReconPlantHub({ plants: false });
}, 600_000);
afterAll(async () => {
  await planted?.h.hub.close();
  await clean?.h.hub.close();
});

const windowOf = (p: ReconPlantHub) => ({ from: p.start, to: p.end, clinicId: null });

describe('settlement-difference rules on planted cases', () => {
  it('the generated books are consistent', () => {
    expect(checkLedgerInvariants(planted.h.hub.runtime.app.db)).toEqual([]);
    expect(checkLedgerInvariants(clean.h.hub.runtime.app.db)).toEqual([]);
  });

  it('find the plants with precision and recall ≥ 0.9 (table per rule)', () => {
    const signals = evaluateRules(planted.h.hub.runtime.app.db, windowOf(planted), RECON_RULE_KEYS);
    const table = scoreRules(RECON_RULE_KEYS, planted.plants, signals);
    for (const rule of RECON_RULE_KEYS) {
      expect(table[rule].plants, rule).toBeGreaterThanOrEqual(3);
      expect(table[rule].recall, rule).toBeGreaterThanOrEqual(0.9);
      expect(table[rule].precision, rule).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('stay quiet on the clean history', () => {
    const signals = evaluateRules(clean.h.hub.runtime.app.db, windowOf(clean), RECON_RULE_KEYS);
    expect(signals.map((s) => `${s.fingerprint}: ${s.summary}`)).toEqual([]);
  });

  it('give the same fingerprints run after run, and the figures behind each', () => {
    const db = planted.h.hub.runtime.app.db;
    const first = evaluateRules(db, windowOf(planted), RECON_RULE_KEYS);
    const again = evaluateRules(db, windowOf(planted), RECON_RULE_KEYS);
    expect(again.map((s) => [s.fingerprint, s.severity])).toEqual(first.map((s) => [s.fingerprint, s.severity]));
    // One month alone finds that month's signals as the whole span did.
    const april = evaluateRules(db, { from: '2026-04-01', to: '2026-04-30', clinicId: null }, RECON_RULE_KEYS);
    expect(april.map((s) => s.fingerprint).sort()).toEqual(
      first
        .filter((s) => s.periodFrom >= '2026-04-01')
        .map((s) => s.fingerprint)
        .sort(),
    );
    for (const s of first) {
      expect(s.numbers.length, s.fingerprint).toBeGreaterThan(0);
      expect(s.severity, s.fingerprint).toBeGreaterThan(0);
      expect(s.summary, s.fingerprint).toMatch(/就诊ID/);
    }
  });

  // Last: it changes the planted hub.
  it('are dismissed like the others, reopen when more is settled, and follow their thresholds', async () => {
    const h = planted.h;
    const ph = h.as('yaoku');
    const march = { from: '2026-03-01', to: '2026-03-31' };
    const fp = planted.plants.find(
      (p) => p.rule === 'notgiven' && p.fingerprint.endsWith(`:${h.drugs.ibu.id}:2026-03`) && p.fingerprint.includes(`:${h.clinics[0].id}:`),
    )!;
    const before = (await ph.call('supervision.signals', { ...march, ruleKey: 'notgiven' })).rows.find((r) => r.fingerprint === fp.fingerprint)!;
    expect(before.numbers.find((n) => n.label === '已结算未发药数量')!.value).toBe(60);
    await ph.call('supervision.dismiss', { fingerprint: fp.fingerprint, note: '核实：三位患者的用药漏登，已补录' });
    expect((await ph.call('supervision.signals', { ...march, ruleKey: 'notgiven' })).rows.map((r) => r.fingerprint)).not.toContain(fp.fingerprint);
    // One more visit settled in March and never dispensed: the figure grows, the signal comes back.
    await importFees(h, 0, [fee('MD-LATE-1', '2026-03-27 10:00:00', h.drugs.ibu, 20, 490_000, { sn: 'LATE-1' })], '补传.csv');
    const back = (await ph.call('supervision.signals', { ...march, ruleKey: 'notgiven' })).rows.find((r) => r.fingerprint === fp.fingerprint)!;
    expect(back).toMatchObject({ status: 'reopened', severity: 80 });
    // A higher minimum quantity silences it.
    await ph.call('supervision.setThresholds', { ruleKey: 'notgiven', values: { minQty: 100 } });
    const after = await ph.call('supervision.signals', { ...march, ruleKey: 'notgiven', status: 'all' });
    expect(after.rows.map((r) => r.fingerprint)).not.toContain(fp.fingerprint);
  });
});
