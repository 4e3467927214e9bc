/**
 * The month's box moves (药品追溯码) as the prefecture package carries them: what lets the prefecture server see a box
 * sold in two townships, which no hub can see alone. Read from box_events, the hub's append-only record of every box
 * move (stock/boxes.ts), by business date; a closed month's events can no longer change.
 *
 * - Moves along the chain (receipt, delivery, sign-off, return, write-off) go as they were booked; a refused scan
 *   recorded as evidence there (a foreign box at sign-off) moved nothing and is left out, as are moves the enum has no
 *   word for (a box back from transit, lost in transit) and the boxes of a reversed receipt.
 * - Sales: every code scanned for sale is sent once per scan, evidence included (a second sale, a stray or unknown box,
 *   a code of another drug): a code scanned for sale twice is exactly what the server's sold-once index catches. Two
 *   things are not a sale: a reversed dispensing (its boxes went back on the shelf), and a later take from a box
 *   already opened (拆零: the box was sold when it was first opened).
 */
import { sql, type ReadDb } from '../../db/database';
import { periodBounds } from '../../../shared/dates';
import type { SectionRows } from '../../../shared/prefecture/package';

type PackageEvent = SectionRows['traceEvents'][number]['event'];

const EVENT_OF: Partial<Record<string, PackageEvent>> = {
  receipt: 'receipt',
  issue: 'delivery',
  sign: 'sign',
  dispense: 'dispense',
  return: 'return',
  writeoff: 'writeoff',
};

interface BoxEventRow {
  id: number;
  code: string;
  event: string;
  drugId: number;
  clinicId: number | null;
  docType: string;
  docId: number;
  ledgerId: number | null;
  anomaly: string | null;
  businessDate: string;
}

export function traceEventRows(
  db: ReadDb,
  period: string,
  o: { hubCode: string; nhsaCodeOf: (drugId: number) => string; clinicCodeOf: (clinicId: number) => string | null },
): SectionRows['traceEvents'] {
  const { first, last } = periodBounds(period);
  const events = sql(
    db,
    `SELECT id, code, event, drug_id AS drugId, clinic_id AS clinicId, doc_type AS docType, doc_id AS docId, ledger_id AS ledgerId, anomaly,
            business_date AS businessDate
       FROM box_events INDEXED BY box_events_date
      WHERE business_date BETWEEN ? AND ? AND drug_id IS NOT NULL AND event IN ('receipt', 'issue', 'sign', 'dispense', 'return', 'writeoff')
      ORDER BY id`,
  ).all(first, last) as BoxEventRow[];
  const receiptStatus = sql(db, 'SELECT status FROM receipts WHERE id = ?');
  const dispensingStatus = sql(db, 'SELECT status FROM dispensings WHERE id = ?');
  // A take from a box an earlier entry (still posted) already took from without a word against it: the box was opened then.
  const openedBefore = sql(
    db,
    `SELECT 1 FROM box_events p JOIN dispensings d ON d.id = p.doc_id
      WHERE p.code = ? AND p.id < ? AND p.event = 'dispense' AND p.anomaly IS NULL AND p.doc_type = 'dispensing' AND d.status = 'posted' LIMIT 1`,
  );
  const status = (stmt: typeof receiptStatus, id: number) => (stmt.get(id) as { status: string } | undefined)?.status;

  const out: SectionRows['traceEvents'] = [];
  for (const e of events) {
    const event = EVENT_OF[e.event]!;
    if (event === 'dispense') {
      if (e.docType !== 'dispensing' || status(dispensingStatus, e.docId) !== 'posted') continue;
      if (e.anomaly === null && openedBefore.get(e.code, e.id)) continue;
    } else {
      if (e.anomaly !== null) continue;
      if (event === 'receipt' && status(receiptStatus, e.docId) === 'reversed') continue;
    }
    out.push({
      hubCode: o.hubCode,
      period,
      clinicCode: e.clinicId === null ? null : o.clinicCodeOf(e.clinicId),
      nhsaCode: o.nhsaCodeOf(e.drugId),
      traceCode: e.code,
      event,
      businessDate: e.businessDate,
      docKey: `${e.docType}:${e.docId}`,
      ledgerId: e.ledgerId,
    });
  }
  return out;
}
