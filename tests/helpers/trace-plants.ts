/**
 * A generated quarter of scanned boxes for the trace rules, played day by day through the real handlers: the hub
 * receives coded boxes, delivers to four clinics every Monday scanning what it picks, the doctors sign the next
 * day scanning what arrived, and dispense whole boxes on their open days scanning each one (seeded RNG). Planted
 * cases, each at a known clinic and month, are listed with the fingerprint their rule should give; near misses
 * (a box dispensed on its last valid day, a box of an earlier delivery scanned again at sign-off) are played in
 * both histories and must not fire. With `plants: false` the same history runs without the plants.
 */
import { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { addDays } from '../../shared/dates';
import { isoWeekday, makeFingerprint, type RuleKey } from '../../shared/supervision';
import { ManualClock, createClinic, createTestHub, createUser, type TestHub } from './runtime';
import { seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from './stock';
import { rng, type Plant } from './supervision';

export interface TraceHistory {
  hub: TestHub;
  plants: Plant[];
  clinicIds: number[];
  start: string;
  end: string;
}

export const TRACE_START = '2026-01-05'; // a Monday
export const TRACE_END = '2026-03-29';

const code = (prefix: string, n: number) => `${prefix}${String(n).padStart(13, '0')}`;

export async function buildTraceHistory(opts: { plants: boolean; seed?: number }): Promise<TraceHistory> {
  const clock = new ManualClock(new Date(`${TRACE_START}T01:00:00.000Z`));
  const hub = await createTestHub({ clock });
  const db = hub.runtime.app.db;
  const r = rng(opts.seed ?? 11);
  const clinicIds: number[] = [];
  for (let i = 0; i < 4; i++) clinicIds.push((await createClinic(hub, `T${i + 1}`, `追溯${i + 1}村卫生室`)).id);
  await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
  for (let i = 0; i < 4; i++) await createUser(hub, { username: `cy${i + 1}`, role: 'village_doctor', clinicId: clinicIds[i] });
  // Sessions expire as the clock moves on: each call acts as the user without one (as the synthetic hub does).
  const pharmacist = { call: ((m: never, i: never) => InternalClient.asUser(hub.runtime, 'yaoku').call(m, i)) as InternalClient['call'] };
  const doctors = clinicIds.map((_, i) => ({
    call: ((m: never, input: never) => InternalClient.asUser(hub.runtime, `cy${i + 1}`).call(m, input)) as InternalClient['call'],
  }));
  const storeOf = (clinicId: number) => (sql(db, "SELECT id FROM stores WHERE kind = 'clinic' AND clinic_id = ?").get(clinicId) as { id: number }).id;

  const supplierId = seedSupplier(hub);
  const drug = (name: string, packSize: number, prefix: string) => {
    const d = seedDrug(hub, { name, packSize, supplierId, packPrice: 20_000_000 });
    sql(db, 'UPDATE drugs SET trace_prefix = ? WHERE id = ?').run(prefix, d.id);
    return { ...d, prefix };
  };
  const amox = drug('阿莫西林胶囊', 10, '8123456');
  const ibu = drug('布洛芬缓释胶囊', 20, '8654321');
  // 葡萄糖酸钙: one short-dated batch, delivered once to two clinics (the expired-box plants and a near miss).
  const cal = drug('葡萄糖酸钙口服液', 10, '8777777');
  const weekly = [amox, ibu];

  const hubShelf = new Map<number, string[]>();
  const receive = async (d: SeedDrug & { prefix: string }, boxes: number, batchNo: string, expiryDate: string) => {
    const codes = Array.from({ length: boxes }, (_, i) => code(d.prefix, i + 1));
    const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug: d, qty: boxes * d.packSize }]);
    await pharmacist.call('receipts.create', {
      poId,
      invoiceNo: `FP${d.id}`,
      lines: [{ poLineId: lineIds[0], batchNo, expiryDate, qty: boxes * d.packSize, traceCodes: codes }],
    });
    hubShelf.set(d.id, codes);
  };
  for (const d of weekly) await receive(d, 200, `B${d.id}`, '2028-12-31');
  await receive(cal, 6, 'CAL2602', '2026-02-20');

  /** Codes on each clinic's shelf, per drug, first received first. */
  const shelves = clinicIds.map(() => new Map<number, string[]>());
  const shelf = (c: number, drugId: number) => shelves[c].get(drugId) ?? shelves[c].set(drugId, []).get(drugId)!;
  const deliver = async (c: number, lines: { d: SeedDrug; boxes: number }[], extraScans: string[] = []) => {
    const reqLines = seedApprovedRequisition(
      hub,
      clinicIds[c],
      lines.map((l) => ({ drug: l.d, qty: l.boxes * l.d.packSize })),
    );
    const picked = lines.map((l) => hubShelf.get(l.d.id)!.splice(0, l.boxes));
    const delivery = await pharmacist.call('deliveries.create', {
      clinicId: clinicIds[c],
      lines: lines.map((l, i) => ({ requisitionLineId: reqLines[i], qty: l.boxes * l.d.packSize, traceCodes: picked[i] })),
    });
    return async () => {
      await doctors[c].call('deliveries.sign', {
        id: delivery.id,
        signDate: today(),
        lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })),
        scannedCodes: [...picked.flat(), ...extraScans],
      });
      lines.forEach((l, i) => shelf(c, l.d.id).push(...picked[i]));
    };
  };
  const dispense = (c: number, d: SeedDrug, traceCodes: string[], qty = d.packSize * Math.max(1, traceCodes.length)) =>
    doctors[c].call('dispensing.create', { lines: [{ drugId: d.id, qty, traceCodes }] });

  /** A line whose scan is evidence moves no box: its pack comes first-expiry-first, one of the shelf's boxes unscanned. */
  const dispenseEvidence = async (c: number, d: SeedDrug, traceCodes: string[]) => {
    await dispense(c, d, traceCodes, d.packSize);
    shelf(c, d.id).pop();
  };

  const plants: Plant[] = [];
  const plant = (rule: RuleKey, c: number, month: string, what: string) => {
    if (opts.plants) plants.push({ rule, fingerprint: makeFingerprint(rule, clinicIds[c], [], month), what });
  };
  /** Plays a case on the day given (plants only in the planted history; near misses in both). */
  const cases = new Map<string, (() => Promise<void>)[]>();
  const on = (date: string, run: () => Promise<void>) => cases.set(date, [...(cases.get(date) ?? []), run]);
  const planted = (date: string, rule: RuleKey, c: number, what: string, run: () => Promise<void>) => {
    plant(rule, c, date.slice(0, 7), what);
    if (opts.plants) on(date, run);
  };
  const sold: string[][] = clinicIds.map(() => []);

  // 重复追溯码: a box sold again at its clinic; one sold after it was written off; one after it went back to the hub.
  planted('2026-02-11', 'dupcode', 0, '同一盒再次销售', async () => {
    await dispenseEvidence(0, amox, [sold[0][0]]);
  });
  planted('2026-03-11', 'dupcode', 1, '报损后又销售', async () => {
    const lotId = (sql(db, 'SELECT lot_id AS lotId FROM trace_codes WHERE code = ?').get(shelf(1, ibu.id)[0]) as { lotId: number }).lotId;
    const boxCode = shelf(1, ibu.id).shift()!;
    const w = await doctors[1].call('writeoffs.create', {
      storeId: storeOf(clinicIds[1]),
      reasonCode: 'damaged',
      lines: [{ lotId, qty: ibu.packSize, traceCodes: [boxCode] }],
    });
    await pharmacist.call('writeoffs.decide', { id: w.id, approve: true });
    await dispenseEvidence(1, ibu, [boxCode]);
  });
  planted('2026-03-18', 'dupcode', 2, '退回中心库后又销售', async () => {
    const boxCode = shelf(2, amox.id).shift()!;
    const lotId = (sql(db, 'SELECT lot_id AS lotId FROM trace_codes WHERE code = ?').get(boxCode) as { lotId: number }).lotId;
    const ret = await doctors[2].call('returns.create', {
      kind: 'clinic_to_hub',
      reasonCode: 'overstock',
      lines: [{ lotId, qty: amox.packSize, traceCodes: [boxCode] }],
    });
    await pharmacist.call('returns.decide', { id: ret.id, accept: true });
    await dispenseEvidence(2, amox, [boxCode]);
  });
  // 串货: a box on another clinic's shelf scanned at this one's counter.
  planted('2026-02-18', 'stray', 3, '别的卫生室的盒', async () => {
    await dispenseEvidence(3, amox, [shelf(1, amox.id).at(-1)!]);
  });
  planted('2026-03-04', 'stray', 0, '别的卫生室的盒', async () => {
    await dispenseEvidence(0, ibu, [shelf(2, ibu.id).at(-1)!]);
  });
  // 体外采购: a well-formed code of the right product that the hub never received.
  planted('2026-02-04', 'outside', 2, '未入库的码', async () => {
    await dispenseEvidence(2, amox, [code(amox.prefix, 9_000_001)]);
  });
  planted('2026-03-25', 'outside', 3, '未入库的码', async () => {
    await dispenseEvidence(3, ibu, [code(ibu.prefix, 9_000_002)]);
  });
  // 串换: the clinic's own 布洛芬 box scanned on an 阿莫西林 line.
  planted('2026-01-21', 'codeswap', 0, '布洛芬的码登记为阿莫西林', async () => {
    await dispenseEvidence(0, amox, [shelf(0, ibu.id)[0]]);
  });
  planted('2026-03-12', 'codeswap', 2, '布洛芬的码登记为阿莫西林', async () => {
    await dispenseEvidence(2, amox, [shelf(2, ibu.id)[0]]);
  });
  // 葡萄糖酸钙 (有效期至 2026-02-20) reaches T1, T2 and T4 on 2026-02-02; T1 uses its box on the last valid day
  // (near miss); T2 and T4 use theirs after the expiry (plants, in the planted history only).
  const calDelivery: number[] = [0, 1, 3];
  on('2026-02-20', async () => {
    await dispense(0, cal, [shelf(0, cal.id).shift()!]);
  });
  planted('2026-02-25', 'expired', 1, '过期后用药', async () => {
    await dispense(1, cal, [shelf(1, cal.id).shift()!]);
  });
  planted('2026-03-09', 'expired', 3, '过期后用药', async () => {
    await dispense(3, cal, [shelf(3, cal.id).shift()!]);
  });
  // 签收到未配送的码: a box still in the hub store scanned at sign-off (plants); a box of an earlier delivery to the
  // same clinic scanned again at sign-off (near miss: flagged at sign-off, but the hub did issue it to this clinic).
  const signExtras = new Map<string, string[]>();
  const signExtra = (date: string, c: number, pick: () => string) =>
    on(date, async () => {
      signExtras.set(`${date}:${c}`, [pick()]);
    });
  if (opts.plants) {
    plant('unissued', 1, '2026-02', '中心库从未配送的盒');
    signExtra('2026-02-09', 1, () => hubShelf.get(ibu.id)!.at(-1)!);
    plant('unissued', 3, '2026-03', '中心库从未配送的盒');
    signExtra('2026-03-16', 3, () => hubShelf.get(amox.id)!.at(-2)!);
  }
  signExtra('2026-02-23', 2, () => shelf(2, amox.id)[0]);

  let pendingSigns: (() => Promise<void>)[] = [];
  function today(): string {
    return clock.now().toISOString().slice(0, 10);
  }
  for (let date = TRACE_START; date <= TRACE_END; date = addDays(date, 1)) {
    clock.set(`${date}T01:00:00.000Z`);
    const weekday = isoWeekday(date);
    for (const run of pendingSigns) await run();
    pendingSigns = [];
    for (const run of cases.get(date) ?? []) await run();
    if (weekday === 1) {
      // Picked and sent on Monday, signed on Tuesday (with any extra box a case set up for that sign-off).
      for (let c = 0; c < 4; c++) {
        const lines = weekly.map((d) => ({ d, boxes: 3 }));
        if (date === '2026-02-02' && calDelivery.includes(c)) lines.push({ d: cal, boxes: 1 });
        pendingSigns.push(await deliver(c, lines, signExtras.get(`${date}:${c}`) ?? []));
      }
      continue;
    }
    if (weekday === 7) continue;
    for (let c = 0; c < 4; c++) {
      for (const d of weekly) {
        if (!r.chance(0.45) || shelf(c, d.id).length === 0) continue;
        const boxCode = shelf(c, d.id).shift()!;
        await dispense(c, d, [boxCode]);
        sold[c].push(boxCode);
      }
    }
  }
  return { hub, plants, clinicIds, start: TRACE_START, end: TRACE_END };
}
