/**
 * Boxes across hubs. A hub that scans its boxes along the chain (a generated quarter played through the real handlers)
 * sends each closed month's box moves in its package; the prefecture server, on a throwaway PostgreSQL cluster, finds
 * each box the hub itself saw sold twice; a box opened and taken from twice (拆零) or sold and reversed is no second
 * sale. A second hub selling the first hub's boxes is a conflict between the two, and the evidence survives the first
 * hub sending that month again (a reopen and re-close).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { buildMonthPackage, type HubSigner } from '../../electron/domain/prefecture/build';
import { loadOrCreateHubKey } from '../../electron/domain/prefecture/key';
import { encodePackage } from '../../electron/domain/prefecture/seal';
import { createPool, migrateCentral, type Pool } from '../../central/server/db';
import { addCounty, registerHub } from '../../central/server/hubs';
import { ingestPackage } from '../../central/server/ingest';
import { reseal } from '../../central/server/plant';
import { SECTION_NAMES, type BuiltPackage } from '../../shared/prefecture/package';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster';
import { scratchDirs } from '../helpers/runtime';
import { buildTraceHistory, type TraceHistory } from '../helpers/trace-plants';

const scratch = scratchDirs();
const AT = new Date('2026-04-05T02:00:00.000Z');
let cluster: PgCluster;
let pool: Pool;
let history: TraceHistory;
let hubA: HubSigner;
let hubB: HubSigner;
/** The March box opened and taken from twice, and the March box sold and reversed. */
let opened: string;
let reversed: string;

const as = (user: string) => InternalClient.asUser(history.hub.runtime, user);
const db = () => history.hub.runtime.app.db;
const build = (period: string) => buildMonthPackage(db(), period, hubA, history.hub.clock.now());
const ingest = (pkg: BuiltPackage) => ingestPackage(pool, encodePackage(pkg), AT, { ip: '127.0.0.1' });

beforeAll(async () => {
  cluster = await startPgCluster();
  pool = createPool(cluster.url);
  await migrateCentral(pool, 'central/migrations');
  history = await buildTraceHistory({ plants: true });

  // On the history's last day, a clinic opens a box of 阿莫西林 (10 粒) and takes from it twice, and sells another whole
  // box that the entry's reversal puts back on the shelf: the clinic whose shelf holds the most of it.
  const amoxId = (sql(db(), "SELECT id FROM drugs WHERE generic_name = '阿莫西林胶囊'").get() as { id: number }).id;
  const richest = sql(
    db(),
    `SELECT s.clinic_id AS clinicId, s.id AS storeId FROM stock_balances b JOIN stores s ON s.id = b.store_id
      WHERE s.kind = 'clinic' AND b.drug_id = ? GROUP BY s.id ORDER BY sum(b.qty) DESC LIMIT 1`,
  ).get(amoxId) as { clinicId: number; storeId: number };
  const doctor = as(`cy${history.clinicIds.indexOf(richest.clinicId) + 1}`);
  [opened, reversed] = (
    sql(db(), "SELECT code FROM trace_codes WHERE store_id = ? AND drug_id = ? AND state = 'in_stock' ORDER BY code LIMIT 2").all(richest.storeId, amoxId) as {
      code: string;
    }[]
  ).map((b) => b.code);
  await doctor.call('dispensing.create', { lines: [{ drugId: amoxId, qty: 3, traceCodes: [opened] }] });
  await doctor.call('dispensing.create', { lines: [{ drugId: amoxId, qty: 4, traceCodes: [opened] }] });
  const sold = await doctor.call('dispensing.create', { lines: [{ drugId: amoxId, qty: 10, traceCodes: [reversed] }] });
  await doctor.call('dispensing.reverse', { id: sold.id, reason: '登记错了病人' });

  history.hub.clock.set('2026-04-02T01:00:00.000Z');
  for (const period of ['2026-01', '2026-02', '2026-03']) await as('admin').call('periods.close', { period, acknowledgeWarnings: true });

  hubA = { code: 'H411621001', name: '追溯镇卫生院', countyCode: '411621', key: loadOrCreateHubKey(history.hub.dataDir) };
  hubB = { code: 'H411621002', name: '邻镇卫生院', countyCode: '411621', key: loadOrCreateHubKey(scratch()) };
  await addCounty(pool, '411621', '扶沟县');
  for (const h of [hubA, hubB]) await registerHub(pool, { code: h.code, name: h.name, countyCode: h.countyCode, publicKey: h.key.publicKeyBase64 }, AT, null);
}, 300_000);
afterAll(async () => {
  await pool?.end();
  cluster?.stop();
  await history?.hub.close();
});

/** Codes the hub itself saw sold twice (重复追溯码 after an earlier sale, not after a write-off or a return) in the months given. */
function hubDuplicateSales(from: string, to: string): string[] {
  return (
    sql(
      db(),
      `SELECT DISTINCT e.code FROM box_events e
        WHERE e.event = 'dispense' AND e.anomaly = 'duplicate_sale' AND e.business_date BETWEEN ? AND ?
          AND EXISTS (SELECT 1 FROM box_events p WHERE p.code = e.code AND p.event = 'dispense' AND p.id < e.id)
        ORDER BY e.code`,
    ).all(from, to) as { code: string }[]
  ).map((r) => r.code);
}

const sales = (pkg: BuiltPackage, code: string) => pkg.sections.traceEvents.filter((e) => e.event === 'dispense' && e.traceCode === code);

describe('box moves in the prefecture package', () => {
  it('carries the month’s moves along the chain and one sale per box scanned for sale', () => {
    const feb = build('2026-02');
    const events = new Set(feb.sections.traceEvents.map((e) => e.event));
    expect([...events].sort()).toEqual(['delivery', 'dispense', 'sign']);
    for (const e of feb.sections.traceEvents) {
      expect(e.businessDate.slice(0, 7)).toBe('2026-02');
      expect(e.hubCode).toBe(hubA.code);
    }
    // Every dispense row of the package names a ledger row of the same package's month, at a clinic.
    const ledgerIds = new Set(feb.sections.ledger.map((g) => g.ledgerId));
    for (const e of feb.sections.traceEvents.filter((x) => x.event === 'dispense')) {
      expect(e.clinicCode).toMatch(/^T\d$/);
      if (e.ledgerId !== null) expect(ledgerIds.has(e.ledgerId)).toBe(true);
    }
    // The box sold twice at T1 in February is sent as two sales.
    for (const code of hubDuplicateSales('2026-02-01', '2026-02-28')) expect(sales(feb, code).length + sales(build('2026-01'), code).length).toBe(2);
    // January's receipts are the hub's, with no clinic.
    const jan = build('2026-01');
    const receipts = jan.sections.traceEvents.filter((e) => e.event === 'receipt');
    expect(receipts.length).toBeGreaterThan(400);
    expect(new Set(receipts.map((e) => e.clinicCode))).toEqual(new Set([null]));
    // Every NHSA code the moves name is in the package's drugs.
    const drugs = new Set(jan.sections.drugs.map((d) => d.nhsaCode));
    expect(jan.sections.traceEvents.every((e) => drugs.has(e.nhsaCode))).toBe(true);
  });

  it('sends an opened box once, however many takes, and no sale that was reversed', () => {
    const mar = build('2026-03');
    expect(sales(mar, opened)).toHaveLength(1);
    expect(sales(mar, reversed)).toEqual([]);
    // Both boxes arrived by delivery and sign-off like the others.
    expect(mar.sections.traceEvents.filter((e) => e.traceCode === reversed).map((e) => e.event)).toEqual(expect.arrayContaining(['delivery', 'sign']));
  });
});

describe('box moves at the prefecture server', () => {
  it('finds each box the hub saw sold twice, and nothing for an opened or reversed box', async () => {
    for (const period of ['2026-01', '2026-02', '2026-03']) expect(await ingest(build(period))).toMatchObject({ outcome: 'accepted', version: 1 });
    const conflicts = (
      await pool.query<{ code: string; first: number; second: number }>(
        'SELECT trace_code AS code, first_hub_id AS first, hub_id AS second FROM trace_conflicts ORDER BY trace_code',
      )
    ).rows;
    const duplicates = hubDuplicateSales('2026-01-01', '2026-03-31');
    expect(duplicates.length).toBeGreaterThanOrEqual(1);
    expect(conflicts.map((c) => c.code)).toEqual(expect.arrayContaining(duplicates));
    expect(conflicts.map((c) => c.code)).not.toContain(opened);
    expect(conflicts.map((c) => c.code)).not.toContain(reversed);
    // Every other conflict is a code the hub flagged at the counter (a stray box, a code of another drug, an unknown code).
    const flagged = new Set(
      (sql(db(), "SELECT DISTINCT code FROM box_events WHERE event = 'dispense' AND anomaly IS NOT NULL").all() as { code: string }[]).map((r) => r.code),
    );
    for (const c of conflicts) expect(flagged.has(c.code)).toBe(true);
  });

  it('keeps the evidence of a box sold at two hubs when the first hub sends the month again', async () => {
    const hubId = async (code: string) => (await pool.query<{ id: number }>('SELECT id FROM hubs WHERE code = $1', [code])).rows[0].id;
    const [a, b] = [await hubId(hubA.code), await hubId(hubB.code)];
    // Hub B's March sells the very boxes hub A sold in March (as a box carried from one township to the next would be).
    const mar = build('2026-03');
    const marchSales = [...new Set(mar.sections.traceEvents.filter((e) => e.event === 'dispense').map((e) => e.traceCode))].sort();
    // The boxes whose sale on file is A's March (the others were first sold, at A, in an earlier month).
    const aMarch = (
      await pool.query<{ code: string }>("SELECT trace_code AS code FROM trace_facts WHERE hub_id = $1 AND event = 'dispense' AND period = '2026-03-01'", [a])
    ).rows
      .map((r) => r.code)
      .sort();
    expect(aMarch.length).toBeGreaterThan(10);
    const relabelled = structuredClone(mar);
    relabelled.manifest.hub = { code: hubB.code, name: hubB.name, countyCode: hubB.countyCode, keyId: hubB.key.keyId };
    relabelled.manifest.publicKey = hubB.key.publicKeyBase64;
    for (const name of SECTION_NAMES) for (const row of relabelled.sections[name] as { hubCode: string }[]) row.hubCode = hubB.code;
    const fromB = await ingest(reseal(relabelled, hubB.key));
    expect(fromB, JSON.stringify(fromB)).toMatchObject({ outcome: 'accepted' });
    const between = async (first: number, second: number) =>
      (
        await pool.query<{ code: string }>(
          "SELECT DISTINCT trace_code AS code FROM trace_conflicts WHERE first_hub_id = $1 AND hub_id = $2 AND period = '2026-03-01'",
          [first, second],
        )
      ).rows
        .map((r) => r.code)
        .sort();
    expect(await between(a, b)).toEqual(marchSales);

    // Hub A reopens March and closes it again: version 2 replaces version 1, and B's sales are now the ones on file.
    await as('admin').call('periods.reopen', { period: '2026-03', reason: '补录一张报损单' });
    await as('admin').call('periods.close', { period: '2026-03', acknowledgeWarnings: true });
    expect(await ingest(build('2026-03'))).toMatchObject({ outcome: 'replaced', version: 2 });
    expect(await between(a, b)).toEqual(marchSales.filter((c) => !aMarch.includes(c)));
    expect(await between(b, a)).toEqual(expect.arrayContaining(aMarch));
    const onFile = (
      await pool.query<{ hub: number; n: number }>(
        "SELECT hub_id AS hub, count(*)::int AS n FROM trace_facts WHERE event = 'dispense' AND trace_code = ANY($1) GROUP BY hub_id",
        [aMarch],
      )
    ).rows;
    expect(onFile).toEqual([{ hub: b, n: aMarch.length }]);
  });
});
