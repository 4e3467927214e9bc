import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { generateDemoHub } from '../../electron/demo/generate';
import { checkLedgerInvariants } from '../../electron/domain/stock/ledger';
import { Runtime } from '../../electron/runtime';
import { RULE_KEYS } from '../../shared/supervision';
import { ManualClock, tempDir } from '../helpers/runtime';

/** The demo hub's planted cases: every rule shows at least one signal, made through the real handlers. */
let runtime: Runtime;
let dir: string;

beforeAll(async () => {
  dir = tempDir();
  runtime = new Runtime({ dataDir: dir, demo: true, clock: new ManualClock(new Date('2026-11-20T03:00:00.000Z')), validateOutputs: true });
  await generateDemoHub(runtime, { clinics: 7, purchasingWeeks: 8 });
}, 400_000);
afterAll(() => {
  runtime.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('demo supervision', () => {
  it('has signals of every rule, each opening to its ledger rows', async () => {
    expect(checkLedgerInvariants(runtime.app.db)).toEqual([]);
    const director = InternalClient.asUser(runtime, 'caiwu');
    const list = await director.call('supervision.signals', { from: '2026-11-01', to: '2026-11-20' });
    console.table(list.rules.map((r) => ({ rule: r.key, signals: r.count })));
    for (const r of list.rows) console.log(r.fingerprint, r.summary);
    for (const rule of RULE_KEYS) expect(list.rules.find((r) => r.key === rule)!.count, rule).toBeGreaterThan(0);
    const first = await director.call('supervision.signal', { fingerprint: list.rows[0].fingerprint });
    expect(first.ledger.length).toBeGreaterThan(0);
    const dash = await director.call('supervision.dashboard', { from: '2026-09', to: '2026-11' });
    expect(dash.insurance.total.amount).toBeGreaterThan(0);
    expect(dash.vbp.total.vbpAmount).toBeGreaterThan(0);
    expect(dash.consumption.topDrugs.length).toBeGreaterThan(0);
    // GSP: clinics without a fridge, the log's missed and out-of-range readings, insulin issued with a reason.
    expect(dash.storageLog.clinics.some((c) => !c.hasFridge)).toBe(true);
    expect(dash.storageLog.clinics.reduce((n, c) => n + c.outOfRange, 0)).toBeGreaterThan(0);
    expect(dash.storageLog.clinics.reduce((n, c) => n + c.missed, 0)).toBeGreaterThan(0);
    const overridden = runtime.app.db.prepare('SELECT count(*) AS n FROM delivery_lines WHERE storage_override_reason IS NOT NULL').get() as { n: number };
    expect(overridden.n).toBeGreaterThan(0);
  });

  it('has a supplier shipping by the carton: the association imported, deliveries picked by middle pack and by the opened carton, signed by scanning with one box short', async () => {
    const pharmacist = InternalClient.asUser(runtime, 'yaoku');
    const imports = runtime.app.db.prepare('SELECT added FROM trace_package_imports').all() as { added: number }[];
    expect(imports).toEqual([{ added: 12 }]);
    const carton = (runtime.app.db.prepare('SELECT DISTINCT parent_code AS code FROM trace_packages WHERE level = 3').get() as { code: string }).code;
    const lookup = await pharmacist.call('trace.lookup', { code: carton });
    // The box the second doctor did not scan at sign-off was taken back by the hub; every other box is at its clinic.
    expect(lookup.package).toMatchObject({ level: 3, boxCount: 10, atHubCount: 1 });
    expect(new Set(lookup.package!.boxes.map((b) => b.state))).toEqual(new Set(['in_stock']));
    const moves = runtime.app.db
      .prepare(
        "SELECT e.event, count(*) AS n FROM box_events e JOIN trace_packages m ON m.child_code = e.code WHERE m.level = 2 AND e.event IN ('sign', 'transit_back') GROUP BY e.event ORDER BY e.event",
      )
      .all();
    expect(moves).toEqual([
      { event: 'sign', n: 9 },
      { event: 'transit_back', n: 1 },
    ]);
    const issued = runtime.app.db
      .prepare(
        "SELECT count(DISTINCT e.doc_id) AS docs, count(*) AS boxes FROM box_events e JOIN trace_packages m ON m.child_code = e.code WHERE e.event = 'issue' AND m.level = 2",
      )
      .get();
    expect(issued).toEqual({ docs: 2, boxes: 10 });
  });
});
