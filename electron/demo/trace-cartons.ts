/**
 * Cartons (大码/中码) in the demo hub, through the real handlers: one supplier ships a coded drug by the carton —
 * two middle packs of five boxes — with its code association file, which the pharmacist imports; the carton is
 * received against an order still open by scanning its code; one clinic's delivery is picked by scanning a middle
 * pack, the next clinic's by scanning the opened carton, which stands for the five boxes left in it. The doctors sign
 * by scanning: one scans the middle pack, the other finds a box missing and signs for what she scanned; the hub
 * takes the missing box back. Played two days before today, on a coded drug the other trace plant does not use.
 */
import type { Clock } from '../app';
import { sql } from '../db/database';
import type { Runtime } from '../runtime';
import { addDays, chinaDate, periodOf } from '../../shared/dates';
import { isPeriodClosed } from '../domain/stock/ledger';
import { PHARMACIST, doctorOf, demoSessions } from './actors';

const BOXES_PER_MIDDLE = 5;

/** 码上放心 layout: the product's 7-digit prefix, then 13 digits; cartons and middle packs in their own ranges. */
const code = (prefix: string, serial: number) => `${prefix}${String(serial).padStart(13, '0')}`;

export async function plantDemoCartons(runtime: Runtime): Promise<string> {
  const db = runtime.app.db;
  const realClock = runtime.app.clock;
  const day = addDays(chinaDate(realClock.now()), -2);
  if (isPeriodClosed(db, periodOf(day))) return 'cartons skipped: a closed month';
  const clinics = (sql(db, 'SELECT id FROM clinics WHERE active = 1 ORDER BY code LIMIT 2 OFFSET 2').all() as { id: number }[]).map((c) => c.id);
  // An order the supplier is still to deliver, of a coded drug, with room for a carton of ten boxes.
  const drug = sql(
    db,
    `SELECT d.id, d.pack_size AS packSize, d.trace_prefix AS prefix, pl.id AS poLineId, pl.po_id AS poId
       FROM purchase_order_lines pl JOIN purchase_orders po ON po.id = pl.po_id JOIN drugs d ON d.id = pl.drug_id
      WHERE po.status IN ('sent', 'partly_received') AND substr(po.sent_at, 1, 10) < ? AND d.trace_prefix IS NOT NULL AND d.active = 1
        AND pl.qty - pl.received_qty >= ? * d.pack_size
        AND d.id NOT IN (SELECT id FROM drugs WHERE trace_prefix IS NOT NULL AND active = 1 ORDER BY id LIMIT 2)
      ORDER BY po.id DESC, pl.line_no LIMIT 1`,
  ).get(day, 2 * BOXES_PER_MIDDLE) as { id: number; packSize: number; prefix: string; poLineId: number; poId: number } | undefined;
  if (clinics.length < 2 || !drug) return 'cartons skipped: no open order of a coded drug';
  // The carton's batch must be the one first-expiry-first gives the picker: a day before the hub's earliest batch.
  const firstExpiry = (
    sql(
      db,
      `SELECT min(l.expiry_date) AS e FROM stock_balances b JOIN stores s ON s.id = b.store_id AND s.kind = 'hub' JOIN lots l ON l.id = b.lot_id
        WHERE b.drug_id = ? AND b.qty > 0`,
    ).get(drug.id) as { e: string | null }
  ).e;
  const expiryDate = firstExpiry ? addDays(firstExpiry, -1) : addDays(day, 720);
  if (expiryDate < addDays(day, 200)) return 'cartons skipped: the drug has a batch near expiry at the hub';
  const carton = code(drug.prefix, 3_900_000_001);
  const middles = [code(drug.prefix, 3_800_000_001), code(drug.prefix, 3_800_000_002)];
  const boxesOf = (m: number) => Array.from({ length: BOXES_PER_MIDDLE }, (_, k) => code(drug.prefix, 3_700_000_001 + m * BOXES_PER_MIDDLE + k));
  const file = [
    '上级码,下级码,包装层级',
    ...middles.map((m) => `${carton},${m},大码`),
    ...middles.flatMap((m, i) => boxesOf(i).map((b) => `${m},${b},中码`)),
  ].join('\r\n');

  let minute = 0;
  const clock: Clock = { now: () => new Date(Date.parse(`${day}T14:00:00+08:00`) + minute++ * 60_000) };
  runtime.app.clock = clock;
  const { as, logout } = demoSessions(runtime);
  try {
    const ph = as(PHARMACIST);
    const reqs: { clinicId: number; id: number }[] = [];
    for (const clinicId of clinics) {
      const req = await as(doctorOf(runtime, clinicId)).call('requisitions.submit', {
        submitToken: `demo-carton-${clinicId}-${day}`,
        note: '整箱配送示例',
        lines: [{ drugId: drug.id, qty: BOXES_PER_MIDDLE * drug.packSize, enteredIn: 'base' as const, note: null }],
      });
      const full = await ph.call('requisitions.get', { id: req.id });
      await ph.call('requisitions.decide', { id: req.id, lines: full.lines.map((l) => ({ lineId: l.id, decision: 'approved' as const, reason: null })) });
      reqs.push({ clinicId, id: req.id });
    }
    const order = await ph.call('orders.get', { id: drug.poId });
    // The supplier's association file, imported as the pharmacist would: through the real import.
    await ph.call('trace.packagesImport', {
      supplierId: order.supplierId,
      file: { filename: `追溯码关联关系-${day}.csv`, base64: Buffer.from(file, 'utf8').toString('base64') },
    });
    await ph.call('receipts.create', {
      poId: drug.poId,
      invoiceNo: `4398${String(drug.poId).padStart(6, '0')}`,
      invoiceDate: day,
      lines: [
        {
          poLineId: drug.poLineId,
          batchNo: `${day.slice(2, 4)}X${String(drug.poId).padStart(5, '0')}`,
          mfgDate: addDays(day, -45),
          expiryDate,
          qty: 2 * BOXES_PER_MIDDLE * drug.packSize,
          traceCodes: [carton],
        },
      ],
    });
    // The first clinic's boxes picked by scanning a middle pack, the second's by scanning the opened carton.
    // Both doctors sign by scanning: the first scans the middle pack, which stands for its boxes; the second scans
    // box by box and one box is missing, so 实收 is what she scanned (按扫码数填写实收) and the hub takes the box back.
    for (const [i, r] of reqs.entries()) {
      const approved = await ph.call('requisitions.get', { id: r.id });
      const delivery = await ph.call('deliveries.create', {
        clinicId: r.clinicId,
        lines: approved.lines.map((l) => ({ requisitionLineId: l.id, qty: l.approvedQty ?? l.requestedQty, traceCodes: [i === 0 ? middles[0] : carton] })),
      });
      const short = i === 1 ? delivery.lines[0] : null; // the carton's boxes are on the first (first-expiry) line
      await as(doctorOf(runtime, r.clinicId)).call('deliveries.sign', {
        id: delivery.id,
        lines: delivery.lines.map((l) => ({
          lineId: l.id,
          receivedQty: l === short ? l.qty - drug.packSize : l.qty,
          reason: l === short ? '少一盒：扫码只扫到 4 盒，送货员说中码拆开时漏装' : null,
        })),
        scannedCodes: short ? boxesOf(1).slice(0, BOXES_PER_MIDDLE - 1) : [middles[0]],
      });
      if (short)
        await ph.call('deliveries.resolve', { id: delivery.id, lineId: short.id, resolution: 'returned_to_hub', note: '漏装的一盒在中心库找到，退回库存' });
    }
    return 'cartons';
  } catch (e) {
    return `cartons skipped: ${(e as Error).message}`;
  } finally {
    await logout();
    runtime.app.clock = realClock;
  }
}
