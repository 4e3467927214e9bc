/**
 * The prefecture package of a closed month is built from what the close fixed (issue 24's month facts): a resend
 * of the same version carries the same content whatever changed since (a renamed clinic, a threshold, a
 * dismissal), and the build from the facts equals the live build of a month where nothing changed. A month whose
 * facts are not stored yet is built live, and the manifest says which.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type WriteDb } from '../../electron/db/database';
import { monthFactsSettled } from '../../electron/domain/month-facts/background';
import { buildMonthPackage, type HubSigner } from '../../electron/domain/prefecture/build';
import { loadOrCreateHubKey } from '../../electron/domain/prefecture/key';
import type { BuiltPackage } from '../../shared/prefecture/package';
import { RULE_PARAMS, type RuleKey } from '../../shared/supervision';
import { createSimHub, simulate, type SimHub } from '../helpers/settlement';

let sim: SimHub;
let signer: HubSigner;

beforeAll(async () => {
  sim = await createSimHub('2026-01-05');
  // Thresholds loose enough that the simulated months have signals to carry.
  const admin = sim.as('admin');
  await admin.call('supervision.setThresholds', { ruleKey: 'round', values: { roundBase: 2, minRepeats: 2, minSharePct: 1 } });
  await admin.call('supervision.setThresholds', { ruleKey: 'spike', values: { zThreshold: 1, minRatio: 1, minQty: 1, historyWeeks: 4, minActiveWeeks: 1 } });
  await admin.call('supervision.setThresholds', { ruleKey: 'exceed', values: { minExcess: 1, minSharePct: 1 } });
  await simulate(sim, '2026-03-05', { seed: 20260105, opsPerDay: 5, close: true });
  await monthFactsSettled(); // each close's worker stored its months' facts
  signer = { code: 'H411621001', name: '测试镇卫生院', countyCode: '411621', key: loadOrCreateHubKey(sim.hub.dataDir) };
}, 240_000);
afterAll(async () => {
  await sim?.hub.close();
});

const db = () => sim.hub.runtime.app.db as unknown as WriteDb;
const build = (period: string) => buildMonthPackage(db(), period, signer, sim.hub.clock.now());
/** What a package says, without when it was built. */
const content = (pkg: BuiltPackage) => {
  const { producedAt: _at, ...manifest } = pkg.manifest;
  return { manifest, sections: pkg.sections };
};

/** Builds the month as if its facts were not stored yet (the worker still running), then puts them back. */
function buildLive(period: string): BuiltPackage {
  const set = sql(db(), "SELECT * FROM month_fact_sets WHERE period = ? AND kind = 'package'").get(period) as Record<string, unknown>;
  sql(db(), "DELETE FROM month_fact_sets WHERE period = ? AND kind = 'package'").run(period);
  try {
    return build(period);
  } finally {
    sql(db(), 'INSERT INTO month_fact_sets (period, kind, event_id, computed_at, params) VALUES (?, ?, ?, ?, ?)').run(
      set.period,
      set.kind,
      set.event_id,
      set.computed_at,
      set.params,
    );
  }
}

describe('prefecture package from month facts', () => {
  it('builds a closed month from the facts stored at its close, equal to the live build where nothing changed', () => {
    for (const period of ['2026-01', '2026-02']) {
      const fromFacts = build(period);
      expect(fromFacts.manifest.builtFrom, period).toBe('facts');
      expect(fromFacts.sections.signals.length, period).toBeGreaterThan(0);
      expect(fromFacts.sections.stockouts.length, period).toBeGreaterThan(0);
      const live = buildLive(period);
      expect(live.manifest.builtFrom, period).toBe('live');
      expect(live.sections, period).toEqual(fromFacts.sections);
      expect(live.manifest.sections, period).toEqual(fromFacts.manifest.sections);
    }
  });

  it('resends the same content after a renamed clinic, a threshold change and a dismissal', async () => {
    const period = '2026-02';
    const first = build(period);
    const admin = sim.as('admin');
    // The clinic the month's first signal is about is renamed and moved to another village.
    const signal = first.sections.signals[0];
    const clinics = (await admin.call('clinics.list', {})) as { id: number; code: string; name: string; village: string | null; active: boolean }[];
    const clinic = clinics.find((c) => c.code === signal.clinicCode)!;
    await admin.call('clinics.update', { id: clinic.id, active: clinic.active, code: clinic.code, name: `${clinic.name}（新）`, village: '新村' });
    // Its signal is dismissed, and its rule made as strict as it goes.
    await admin.call('supervision.dismiss', { fingerprint: signal.fingerprint, note: '已核实：季节性用药' });
    const rule = signal.ruleKey as RuleKey;
    await admin.call('supervision.setThresholds', { ruleKey: rule, values: Object.fromEntries(RULE_PARAMS[rule].map((p) => [p.key, p.max])) });
    await monthFactsSettled(); // the threshold change refills the rule's signal sets; the package's stay as the close saw them

    const resend = build(period);
    expect(resend.manifest.builtFrom).toBe('facts');
    expect(content(resend)).toEqual(content(first));
    // What changed is real: the month built live now says otherwise.
    const live = buildLive(period);
    expect(live.sections.clinics.find((c) => c.clinicCode === clinic.code)!.name).toBe(`${clinic.name}（新）`);
    expect(live.sections.signals.find((s) => s.fingerprint === signal.fingerprint)?.status).not.toBe(signal.status);
    expect(live.sections.signals).not.toEqual(first.sections.signals);
  }, 120_000);

  it('the 上报地市 list says of each send whether its package came from the stored facts or was computed live', async () => {
    const admin = sim.as('admin');
    await admin.call('prefecture.saveSettings', { hubCode: 'H411621001', countyCode: '411621', serverUrl: null, serverCaPem: null });
    await admin.call('prefecture.export', { period: '2026-01' });
    // The same month while its facts are not stored (the close's worker still running): computed live.
    const set = sql(db(), "SELECT * FROM month_fact_sets WHERE period = '2026-01' AND kind = 'package'").get() as Record<string, unknown>;
    sql(db(), "DELETE FROM month_fact_sets WHERE period = '2026-01' AND kind = 'package'").run();
    try {
      await admin.call('prefecture.export', { period: '2026-01' });
    } finally {
      sql(db(), 'INSERT INTO month_fact_sets (period, kind, event_id, computed_at, params) VALUES (?, ?, ?, ?, ?)').run(
        set.period,
        set.kind,
        set.event_id,
        set.computed_at,
        set.params,
      );
    }
    const months = (await admin.call('prefecture.months', {})) as { rows: { period: string; sends: { builtFrom: string | null }[] }[] };
    const sends = months.rows.find((r) => r.period === '2026-01')!.sends;
    expect(sends.map((s) => s.builtFrom)).toEqual(['live', 'facts']); // newest first
  }, 120_000);
});
