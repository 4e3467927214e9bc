/**
 * The expired-box example (过期药盒用药) in the demo hub, through the real handlers: a clinic asks for one box of a
 * coded drug more than the hub holds, so the aggregation orders it; the supplier delivers a short-dated batch (有效期至
 * three days before today), which is received with its box codes, picked first (first-expiry-first) with the hub's
 * other boxes of the drug and signed for by scanning; two days before today the village doctor scans that box at the counter, past its expiry. Played on
 * a coded drug and a clinic the other trace plants do not use.
 */
import type { Clock } from '../app';
import { sql } from '../db/database';
import type { Runtime } from '../runtime';
import { addDays, chinaDate, periodOf } from '../../shared/dates';
import { isPeriodClosed } from '../domain/stock/ledger';
import { PHARMACIST, doctorOf, demoSessions } from './actors';

/** 码上放心 layout: the product's 7-digit prefix, then 13 digits, in a range of its own. */
const boxCode = (prefix: string, k: number) => `${prefix}${String(27_000_000 + k).padStart(13, '0')}`;

export async function plantDemoExpiredBox(runtime: Runtime): Promise<string> {
  const db = runtime.app.db;
  const realClock = runtime.app.clock;
  const today = chinaDate(realClock.now());
  const [received, expiry, used] = [5, 3, 2].map((k) => addDays(today, -k));
  if ([received, used].some((d) => isPeriodClosed(db, periodOf(d)))) return 'expired box skipped: a closed month';
  const clinic = sql(db, 'SELECT id FROM clinics WHERE active = 1 ORDER BY code LIMIT 1 OFFSET 4').get() as { id: number } | undefined;
  // A coded drug with a contract price and nothing on order, the one the hub holds fewest boxes of: the clinic asks
  // for one box more than the hub holds, so the aggregation orders a box and the short-dated batch comes in.
  const drug = sql(
    db,
    `SELECT d.id, d.pack_size AS packSize, d.trace_prefix AS prefix, h.qty AS hubQty
       FROM drugs d JOIN supplier_prices p ON p.drug_id = d.id AND p.supplier_id = d.default_supplier_id AND p.active = 1
       JOIN (SELECT b.drug_id, sum(b.qty) AS qty FROM stock_balances b JOIN stores s ON s.id = b.store_id AND s.kind = 'hub' GROUP BY b.drug_id) h
         ON h.drug_id = d.id
      WHERE d.trace_prefix IS NOT NULL AND d.active = 1
        AND d.id NOT IN (SELECT id FROM drugs WHERE trace_prefix IS NOT NULL AND active = 1 ORDER BY id LIMIT 2)
        AND NOT EXISTS (SELECT 1 FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.po_id
                         WHERE l.drug_id = d.id AND o.status IN ('draft', 'sent', 'partly_received'))
      ORDER BY h.qty / d.pack_size, d.id LIMIT 1`,
  ).get() as { id: number; packSize: number; prefix: string; hubQty: number } | undefined;
  if (!clinic || !drug) return 'expired box skipped: no clinic or no coded drug';

  let day = received;
  let minute = 0;
  const clock: Clock = { now: () => new Date(Date.parse(`${day}T09:00:00+08:00`) + minute++ * 60_000) };
  runtime.app.clock = clock;
  const { as, logout } = demoSessions(runtime);
  try {
    const ph = as(PHARMACIST);
    const doctor = as(doctorOf(runtime, clinic.id));
    const req = await doctor.call('requisitions.submit', {
      submitToken: `demo-expired-${clinic.id}-${day}`,
      note: '过期药盒示例',
      lines: [{ drugId: drug.id, qty: drug.hubQty + drug.packSize, enteredIn: 'base' as const, note: null }],
    });
    const full = await ph.call('requisitions.get', { id: req.id });
    await ph.call('requisitions.decide', { id: req.id, lines: full.lines.map((l) => ({ lineId: l.id, decision: 'approved' as const, reason: null })) });
    const preview = await ph.call('aggregation.preview', { requisitionIds: [req.id], hubReplenishment: false });
    const made = await ph.call('aggregation.create', {
      requisitionIds: [req.id],
      hubReplenishment: false,
      fingerprint: preview.fingerprint,
      note: '过期药盒示例',
    });
    const codes: string[] = [];
    for (const o of made.orders) {
      await ph.call('orders.send', { id: o.id });
      const order = await ph.call('orders.get', { id: o.id });
      await ph.call('receipts.create', {
        poId: o.id,
        invoiceNo: `4397${String(o.id).padStart(6, '0')}`,
        invoiceDate: day,
        lines: order.lines.map((l) => {
          const boxes = Array.from({ length: Math.floor(l.qty / drug.packSize) }, (_, k) => boxCode(drug.prefix, codes.length + k + 1));
          if (l.drugId === drug.id) codes.push(...boxes);
          return {
            poLineId: l.id,
            batchNo: `${day.slice(2, 4)}E${String(o.id).padStart(5, '0')}`,
            mfgDate: addDays(day, -700),
            // Short-dated: accepted with the near-expiry warning, as a hub short of the drug would.
            expiryDate: expiry,
            qty: l.qty,
            traceCodes: l.drugId === drug.id ? boxes : [],
          };
        }),
      });
    }
    if (codes.length === 0) return 'expired box skipped: the aggregation ordered nothing';
    const approved = await ph.call('requisitions.get', { id: req.id });
    const delivery = await ph.call('deliveries.create', {
      clinicId: clinic.id,
      lines: approved.lines.map((l) => ({ requisitionLineId: l.id, qty: l.approvedQty ?? l.requestedQty, traceCodes: [codes[0]] })),
    });
    await doctor.call('deliveries.sign', {
      id: delivery.id,
      lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty, reason: null })),
      scannedCodes: [codes[0]],
    });
    // Sessions expire over the days between: the doctor signs in again on the day of use.
    await logout();
    day = used;
    await as(doctorOf(runtime, clinic.id)).call('dispensing.create', {
      businessDate: day,
      visitNo: 'MZ-DEMO-0005',
      lines: [{ drugId: drug.id, qty: drug.packSize, traceCodes: [codes[0]] }],
    });
    return 'expired box';
  } catch (e) {
    return `expired box skipped: ${(e as Error).message}`;
  } finally {
    await logout();
    runtime.app.clock = realClock;
  }
}
