/**
 * 追溯码 in the demo hub, through the real handlers: one supply of a coded drug to two clinics, received,
 * picked, signed and sold by scanning every box; then the second clinic scans what a fund inspector would
 * flag — a box already sold at the first clinic (重复追溯码), a box still on the first clinic's shelf (串货), a
 * code the hub never received (体外采购) and another product's code (串换) — so the 追溯 page and the
 * trace signals are not empty. Clinic B's sign-off scans a box the hub never issued; clinic A writes off one box
 * and returns one to the hub by scanning, then sells the written-off box again. Played on the days before today (the clock is moved, as the other plants do).
 */
import type { Clock } from '../app';
import { sql } from '../db/database';
import type { Runtime } from '../runtime';
import { addDays, chinaDate, periodOf } from '../../shared/dates';
import { isPeriodClosed } from '../domain/stock/ledger';
import { PHARMACIST, doctorOf, demoSessions } from './actors';

/** Box k of a product: the 7-digit prefix, then a 13-digit serial (码上放心 layout). */
const boxCode = (prefix: string, k: number) => `${prefix}${String(26_000_000 + k).padStart(13, '0')}`;

export async function plantDemoTrace(runtime: Runtime): Promise<string> {
  const db = runtime.app.db;
  const realClock = runtime.app.clock;
  const today = chinaDate(realClock.now());
  const days = [4, 3, 2].map((k) => addDays(today, -k));
  if (days.some((d) => isPeriodClosed(db, periodOf(d)))) return 'trace skipped: a closed month';
  const clinics = (sql(db, 'SELECT id FROM clinics WHERE active = 1 ORDER BY code').all() as { id: number }[]).map((c) => c.id);
  const drugs = sql(
    db,
    `SELECT d.id, d.pack_size AS packSize, d.trace_prefix AS prefix FROM drugs d
       JOIN supplier_prices p ON p.drug_id = d.id AND p.supplier_id = d.default_supplier_id AND p.active = 1
      WHERE d.trace_prefix IS NOT NULL AND d.active = 1 ORDER BY d.id LIMIT 2`,
  ).all() as { id: number; packSize: number; prefix: string }[];
  if (clinics.length < 2 || drugs.length < 2) return 'trace skipped: no coded drug';
  const [drug, other] = drugs;
  const [a, b] = clinics;
  let day = days[0];
  let minute = 0;
  const clock: Clock = { now: () => new Date(Date.parse(`${day}T10:00:00+08:00`) + minute++ * 60_000) };
  runtime.app.clock = clock;
  const { as, logout } = demoSessions(runtime);
  try {
    const ph = as(PHARMACIST);
    const packs = { [a]: 6, [b]: 3 };
    const codes = Array.from({ length: 9 }, (_, k) => boxCode(drug.prefix, k + 1));
    const shortDated = codes[8];
    const reqs = [];
    for (const clinicId of [a, b]) {
      const req = await as(doctorOf(runtime, clinicId)).call('requisitions.submit', {
        submitToken: `demo-trace-${clinicId}-${day}`,
        note: '追溯码示例',
        lines: [{ drugId: drug.id, qty: packs[clinicId] * drug.packSize, enteredIn: 'base' as const, note: null }],
      });
      const full = await ph.call('requisitions.get', { id: req.id });
      await ph.call('requisitions.decide', { id: req.id, lines: full.lines.map((l) => ({ lineId: l.id, decision: 'approved' as const, reason: null })) });
      reqs.push({ clinicId, id: req.id });
    }
    const ids = reqs.map((r) => r.id);
    const preview = await ph.call('aggregation.preview', { requisitionIds: ids, hubReplenishment: false });
    const made = await ph.call('aggregation.create', { requisitionIds: ids, hubReplenishment: false, fingerprint: preview.fingerprint, note: '追溯码示例' });
    for (const o of made.orders) {
      await ph.call('orders.send', { id: o.id });
      const order = await ph.call('orders.get', { id: o.id });
      await ph.call('receipts.create', {
        poId: o.id,
        invoiceNo: `4399${String(o.id).padStart(6, '0')}`,
        invoiceDate: day,
        // If these requests make the hub order the coded drug, one box comes from a short-dated batch. In the demo's
        // history the hub already holds it, so no order is made for it and its boxes are first seen at picking; the
        // demo's expired box (过期药盒用药) is trace-expired.ts'.
        lines: order.lines.flatMap((l) => {
          const normal = {
            poLineId: l.id,
            batchNo: `${day.slice(2, 4)}T${String(o.id).padStart(5, '0')}`,
            mfgDate: addDays(day, -60),
            expiryDate: addDays(day, 900),
            qty: l.qty,
            traceCodes: [] as string[],
          };
          if (l.drugId !== drug.id) return [normal];
          const boxes = Math.floor(l.qty / drug.packSize);
          return [
            { ...normal, qty: l.qty - drug.packSize, traceCodes: codes.slice(0, boxes - 1) },
            { ...normal, batchNo: `${normal.batchNo}E`, mfgDate: addDays(day, -700), expiryDate: days[1], qty: drug.packSize, traceCodes: [shortDated] },
          ];
        }),
      });
    }
    // Picking and signing by scanning: clinic A gets the short-dated box and boxes 1–5, clinic B boxes 6–8.
    for (const r of reqs) {
      const approved = await ph.call('requisitions.get', { id: r.id });
      const mine = r.clinicId === a ? [shortDated, ...codes.slice(0, 5)] : codes.slice(5, 8);
      const delivery = await ph.call('deliveries.create', {
        clinicId: r.clinicId,
        lines: approved.lines.map((l) => ({ requisitionLineId: l.id, qty: l.approvedQty ?? l.requestedQty, traceCodes: mine })),
      });
      await as(doctorOf(runtime, r.clinicId)).call('deliveries.sign', {
        id: delivery.id,
        lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty, reason: null })),
        // Clinic B's doctor also scans a box that came with the goods but that the hub never issued (签收到未配送的码).
        scannedCodes: r.clinicId === b ? [...mine, boxCode(drug.prefix, 902)] : mine,
      });
    }
    await logout();
    day = days[1];
    await as(doctorOf(runtime, a)).call('dispensing.create', {
      businessDate: day,
      visitNo: 'MZ-DEMO-0001',
      lines: [{ drugId: drug.id, qty: drug.packSize * 2, traceCodes: [codes[0], codes[1]] }],
    });
    await logout();
    day = days[2];
    await as(doctorOf(runtime, b)).call('dispensing.create', {
      businessDate: day,
      visitNo: 'MZ-DEMO-0002',
      lines: [
        { drugId: drug.id, qty: drug.packSize * 2, traceCodes: [codes[0], codes[4], codes[6]] },
        { drugId: drug.id, qty: 1, traceCodes: [boxCode(drug.prefix, 900), boxCode(other.prefix, 901)] },
      ],
    });
    // Clinic A writes off a crushed box and sends one back to the hub, scanning each; the written-off box is then
    // scanned at A's counter again (sold after a write-off: 重复追溯码).
    const doctorA = as(doctorOf(runtime, a));
    const hubPharmacist = as(PHARMACIST);
    const lotOf = (code: string) => (sql(db, 'SELECT lot_id AS lotId FROM trace_codes WHERE code = ?').get(code) as { lotId: number }).lotId;
    const storeA = (sql(db, "SELECT id FROM stores WHERE kind = 'clinic' AND clinic_id = ?").get(a) as { id: number }).id;
    const writeoff = await doctorA.call('writeoffs.create', {
      storeId: storeA,
      reasonCode: 'damaged',
      reason: '外盒压破，胶囊受潮',
      lines: [{ lotId: lotOf(codes[2]), qty: drug.packSize, traceCodes: [codes[2]] }],
    });
    await hubPharmacist.call('writeoffs.decide', { id: writeoff.id, approve: true, businessDate: day, note: '已核实' });
    const back = await doctorA.call('returns.create', {
      kind: 'clinic_to_hub',
      reasonCode: 'overstock',
      reason: '用量减少，退回一盒',
      businessDate: day,
      lines: [{ lotId: lotOf(codes[3]), qty: drug.packSize, traceCodes: [codes[3]] }],
    });
    await hubPharmacist.call('returns.decide', { id: back.id, accept: true, businessDate: day });
    await doctorA.call('dispensing.create', {
      businessDate: day,
      visitNo: 'MZ-DEMO-0003',
      lines: [{ drugId: drug.id, qty: drug.packSize, traceCodes: [codes[2]] }],
    });
    await doctorA.call('dispensing.create', {
      businessDate: day,
      visitNo: 'MZ-DEMO-0004',
      lines: [{ drugId: drug.id, qty: drug.packSize, traceCodes: [shortDated] }],
    });
    return 'trace';
  } catch (e) {
    return `trace skipped: ${(e as Error).message}`;
  } finally {
    await logout();
    runtime.app.clock = realClock;
  }
}
