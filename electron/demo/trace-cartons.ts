/**
 * Cartons (大码/中码) in the demo hub, through the real handlers: one supplier ships a coded drug by the carton —
 * two middle packs of five boxes — with its code association file, which the pharmacist imports; the carton is
 * received by scanning its code, one clinic's delivery is picked by scanning a middle pack, and the next clinic's by
 * scanning the opened carton, which stands for the five boxes left in it. Played two days before today, on a coded
 * drug the other trace plant does not use and the hub holds none of.
 */
import { InternalClient } from '../api/internal';
import type { Clock } from '../app';
import { sql } from '../db/database';
import type { Runtime } from '../runtime';
import { addDays, chinaDate, periodOf } from '../../shared/dates';
import { isPeriodClosed } from '../domain/stock/ledger';

const PHARMACIST = 'yaoku';
const BOXES_PER_MIDDLE = 5;

function doctorOf(runtime: Runtime, clinicId: number): string {
  return (
    sql(runtime.app.db, "SELECT username FROM users WHERE clinic_id = ? AND role = 'village_doctor' AND active = 1 ORDER BY id LIMIT 1").get(clinicId) as {
      username: string;
    }
  ).username;
}

/** 码上放心 layout: the product's 7-digit prefix, then 13 digits; cartons and middle packs in their own ranges. */
const code = (prefix: string, serial: number) => `${prefix}${String(serial).padStart(13, '0')}`;

export async function plantDemoCartons(runtime: Runtime): Promise<string> {
  const db = runtime.app.db;
  const realClock = runtime.app.clock;
  const day = addDays(chinaDate(realClock.now()), -2);
  if (isPeriodClosed(db, periodOf(day))) return 'cartons skipped: a closed month';
  const clinics = (sql(db, 'SELECT id FROM clinics WHERE active = 1 ORDER BY code LIMIT 2 OFFSET 2').all() as { id: number }[]).map((c) => c.id);
  const drug = sql(
    db,
    `SELECT d.id, d.pack_size AS packSize, d.trace_prefix AS prefix FROM drugs d
       JOIN supplier_prices p ON p.drug_id = d.id AND p.supplier_id = d.default_supplier_id AND p.active = 1
      WHERE d.trace_prefix IS NOT NULL AND d.active = 1
        -- Nothing of it at the hub: first-expiry-first then gives the picker the carton's own batch.
        AND NOT EXISTS (SELECT 1 FROM stock_balances b JOIN stores s ON s.id = b.store_id AND s.kind = 'hub' WHERE b.drug_id = d.id AND b.qty > 0)
        AND d.id NOT IN (SELECT id FROM drugs WHERE trace_prefix IS NOT NULL AND active = 1 ORDER BY id LIMIT 2)
      ORDER BY d.id LIMIT 1`,
  ).get() as { id: number; packSize: number; prefix: string } | undefined;
  if (clinics.length < 2 || !drug) return 'cartons skipped: no coded drug';
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
  const clients: InternalClient[] = [];
  const as = (u: string) => {
    const c = InternalClient.asUser(runtime, u);
    clients.push(c);
    return c;
  };
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
    const ids = reqs.map((r) => r.id);
    const preview = await ph.call('aggregation.preview', { requisitionIds: ids, hubReplenishment: false });
    const made = await ph.call('aggregation.create', { requisitionIds: ids, hubReplenishment: false, fingerprint: preview.fingerprint, note: '整箱配送示例' });
    const orderId = made.orders[0].id;
    await ph.call('orders.send', { id: orderId });
    const order = await ph.call('orders.get', { id: orderId });
    // The supplier's association file, imported as the pharmacist would: through the real import.
    await ph.call('trace.packagesImport', {
      supplierId: order.supplierId,
      file: { filename: `追溯码关联关系-${day}.csv`, base64: Buffer.from(file, 'utf8').toString('base64') },
    });
    await ph.call('receipts.create', {
      poId: orderId,
      invoiceNo: `4398${String(orderId).padStart(6, '0')}`,
      invoiceDate: day,
      lines: order.lines.map((l) => ({
        poLineId: l.id,
        batchNo: `${day.slice(2, 4)}X${String(orderId).padStart(5, '0')}`,
        mfgDate: addDays(day, -45),
        expiryDate: addDays(day, 720),
        qty: l.qty,
        traceCodes: l.drugId === drug.id ? [carton] : [],
      })),
    });
    // The first clinic's boxes picked by scanning a middle pack, the second's by scanning the opened carton.
    for (const [i, r] of reqs.entries()) {
      const approved = await ph.call('requisitions.get', { id: r.id });
      const delivery = await ph.call('deliveries.create', {
        clinicId: r.clinicId,
        lines: approved.lines.map((l) => ({ requisitionLineId: l.id, qty: l.approvedQty ?? l.requestedQty, traceCodes: [i === 0 ? middles[0] : carton] })),
      });
      await as(doctorOf(runtime, r.clinicId)).call('deliveries.sign', {
        id: delivery.id,
        lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty, reason: null })),
        scannedCodes: [],
      });
    }
    return 'cartons';
  } catch (e) {
    return `cartons skipped: ${(e as Error).message}`;
  } finally {
    for (const c of clients.splice(0)) await c.call('auth.logout', {}).catch(() => undefined);
    runtime.app.clock = realClock;
  }
}
