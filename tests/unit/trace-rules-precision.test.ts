import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRules } from '../../electron/domain/supervision/engine';
import { checkLedgerInvariants } from '../../electron/domain/stock/ledger';
import { defaultThresholds, RULE_PARAMS, RULE_TITLES, TRACE_RULE_KEYS } from '../../shared/supervision';
import { RULES } from '../../electron/domain/supervision/rules';
import { buildTraceHistory, type TraceHistory } from '../helpers/trace-plants';
import { scoreRules } from '../helpers/precision';

/**
 * The trace rules on a generated quarter of scanned boxes (handlers all the way): with planted cases — the same
 * box sold twice, sold after a write-off or a return, at a clinic it never reached, a code never received, another
 * product's code, an expired box, a box at sign-off the hub never issued — each rule finds its plants with
 * precision and recall ≥ 0.9; on the same history without plants no trace rule fires.
 */
let planted: TraceHistory;
let clean: TraceHistory;

beforeAll(async () => {
  planted = await buildTraceHistory({ plants: true });
  clean = await buildTraceHistory({ plants: false });
}, 300_000);
afterAll(async () => {
  await planted?.hub.close();
  await clean?.hub.close();
});

const windowOf = (h: TraceHistory) => ({ from: h.start, to: h.end, clinicId: null });

describe('trace rules on generated histories', () => {
  it('the generated ledgers are consistent', () => {
    expect(checkLedgerInvariants(planted.hub.runtime.app.db)).toEqual([]);
    expect(checkLedgerInvariants(clean.hub.runtime.app.db)).toEqual([]);
  });

  it('each rule finds its plants with precision and recall ≥ 0.9', () => {
    const signals = evaluateRules(planted.hub.runtime.app.db, windowOf(planted));
    const table = scoreRules(TRACE_RULE_KEYS, planted.plants, signals);
    for (const rule of TRACE_RULE_KEYS) {
      expect(table[rule].plants, rule).toBeGreaterThanOrEqual(2);
      expect(table[rule].recall, rule).toBeGreaterThanOrEqual(0.9);
      expect(table[rule].precision, rule).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('no trace rule fires on the history without plants (near misses included)', () => {
    const signals = evaluateRules(clean.hub.runtime.app.db, windowOf(clean)).filter((s) => (TRACE_RULE_KEYS as readonly string[]).includes(s.ruleKey));
    expect(signals.map((s) => `${s.fingerprint}: ${s.summary}`)).toEqual([]);
  });

  it('explains the expired-box and sign-off rules like the others: rule text with thresholds, the box in the summary', () => {
    expect(RULE_TITLES.expired).toBe('过期药盒用药');
    expect(RULES.expired.describe(defaultThresholds('expired'))).toBe(
      '按自然月统计：村卫生室用药登记时扫到的追溯码中，用药日期已过该盒有效期的码 ≥ 1 个时报警（每个码的说明见信号详情；已冲销的用药登记不计）。',
    );
    expect(RULE_PARAMS.unissued.map((p) => p.key)).toEqual(['minCodes']);
    const signals = evaluateRules(planted.hub.runtime.app.db, windowOf(planted));
    const expired = signals.find((s) => s.ruleKey === 'expired' && s.periodFrom.startsWith('2026-02'))!;
    expect(expired.summary).toContain('有效期至 2026-02-20，2026-02-25 仍用于病人（过期 5 天）');
    // A grace period of a week lets the box used five days late pass.
    const lenient = evaluateRules(planted.hub.runtime.app.db, windowOf(planted), ['expired'], { expired: { minCodes: 1, graceDays: 7 } });
    expect(lenient.filter((s) => s.ruleKey === 'expired').map((s) => s.periodFrom.slice(0, 7))).toEqual(['2026-03']);
  });
});
