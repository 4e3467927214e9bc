import type { HandlerContext, WriteContext } from '../context';
import { assertClinicAccess, clinicScope } from '../scope';
import { givenFilters, sql, type ReadDb } from '../../db/database';
import { AppError, notFound } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import { postingContext } from './common';
import { allocateFefo, assertPostable, postMovement, reverseDocument, type Allocation, type PostingContext } from './ledger';
import { assertActiveClinic, clinicStores } from '../master-data/stores';
import { drugSnapshot } from '../master-data/drugs';

function requireClinic(ctx: HandlerContext, requested: number | undefined): number {
  const clinicId = clinicScope(ctx, requested);
  if (clinicId === null) throw new AppError('VALIDATION', '请选择村卫生室', [{ path: 'clinicId', message: '请选择村卫生室' }]);
  return clinicId;
}

/** Records drugs used on a patient: lots first-expiry-first, never more than the clinic holds. */
export function createDispensing(ctx: WriteContext, input: ParsedInput<'dispensing.create'>) {
  const db = ctx.db;
  const clinicId = requireClinic(ctx, input.clinicId);
  if (input.clientToken) {
    // A retried or double-clicked submit returns the entry already made.
    const existing = sql(db, 'SELECT id, clinic_id AS clinicId FROM dispensings WHERE client_token = ?').get(input.clientToken) as
      | { id: number; clinicId: number }
      | undefined;
    if (existing) {
      if (existing.clinicId !== clinicId) throw new AppError('CONFLICT', '提交标识已被使用');
      return getDispensing(db, existing.id);
    }
  }
  assertActiveClinic(db, clinicId);
  const posting = postingContext(ctx, input.businessDate);
  assertPostable(db, posting.businessDate, ctx.today);
  const { storeId } = clinicStores(db, clinicId);

  const dispensingId = postDispensingEntry(posting, storeId, {
    clinicId,
    rxNo: input.rxNo,
    visitNo: input.visitNo,
    note: input.note,
    clientToken: input.clientToken ?? null,
    lines: input.lines.map((l) => ({ drugId: l.drugId, qty: l.qty })),
  }).id;
  ctx.audit.target = `dispensing:${dispensingId}`;
  return getDispensing(db, dispensingId);
}

export interface EntryLine {
  drugId: number;
  qty: number;
  /** Lots to take from first (a box whose code the settlement names); the rest first-expiry-first. */
  prefer?: { lotId: number; qty: number }[];
}

/**
 * Writes one dispensing entry and its ledger rows on the posting's date, inside the caller's transaction:
 * each line takes its preferred lots (as far as they hold stock on that date), then first-expiry-first.
 * Returns the entry and its lines' ids and amounts in the order given.
 */
export function postDispensingEntry(
  posting: PostingContext,
  storeId: number,
  head: { clinicId: number; rxNo: string | null; visitNo: string | null; note: string | null; clientToken: string | null; lines: EntryLine[] },
): { id: number; lines: { id: number; amount: number; lots: Allocation[] }[]; total: number } {
  const db = posting.db;
  // The date's own refusals (future, closed month, back-dating limit) come before any word about stock.
  assertPostable(db, posting.businessDate, posting.today, posting.datedOn);
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO dispensings (clinic_id, business_date, rx_no, visit_no, note, status, total_amount, client_token, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, 'posted', 0, ?, ?, ?)`,
  ).run(head.clinicId, posting.businessDate, head.rxNo, head.visitNo, head.note, head.clientToken, posting.userId, posting.now.toISOString());
  const dispensingId = Number(lastInsertRowid);
  let total = 0;
  const lines = head.lines.map((line, i) => {
    const d = drugSnapshot(db, line.drugId);
    const { lastInsertRowid: lineId } = sql(
      db,
      `INSERT INTO dispensing_lines (dispensing_id, line_no, drug_id, qty, amount, drug_name, spec, pack_unit, base_unit, pack_size)
       VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`,
    ).run(dispensingId, i + 1, d.drugId, line.qty, d.drugName, d.spec, d.packUnit, d.baseUnit, d.packSize);
    let amount = 0;
    const taken: Allocation[] = [];
    const post = (lotId: number, qty: number) => {
      const row = postMovement(posting, {
        storeId,
        lotId,
        qty: -qty,
        movement: 'dispense',
        docType: 'dispensing',
        docId: dispensingId,
        docLineId: Number(lineId),
      });
      amount -= row.amount;
    };
    let left = line.qty;
    for (const p of line.prefer ?? []) {
      if (left === 0) break;
      const take = Math.min(left, p.qty);
      if (take <= 0) continue;
      post(p.lotId, take);
      const lot = sql(db, 'SELECT batch_no AS batchNo, expiry_date AS expiryDate FROM lots WHERE id = ?').get(p.lotId) as {
        batchNo: string;
        expiryDate: string;
      };
      taken.push({ lotId: p.lotId, qty: take, ...lot });
      left -= take;
    }
    if (left > 0) {
      for (const lot of allocateFefo(db, storeId, line.drugId, left, posting.businessDate)) {
        post(lot.lotId, lot.qty);
        taken.push(lot);
      }
    }
    sql(db, 'UPDATE dispensing_lines SET amount = ? WHERE id = ?').run(amount, lineId);
    total += amount;
    return { id: Number(lineId), amount, lots: taken };
  });
  sql(db, 'UPDATE dispensings SET total_amount = ? WHERE id = ?').run(total, dispensingId);
  return { id: dispensingId, lines, total };
}

/** Undoes an entry with reversing ledger rows; the drugs go back to the lots they came from. */
export function reverseDispensing(ctx: WriteContext, input: ParsedInput<'dispensing.reverse'>) {
  const db = ctx.db;
  const entry = sql(db, 'SELECT id, clinic_id AS clinicId, status, business_date AS businessDate FROM dispensings WHERE id = ?').get(input.id) as
    | { id: number; clinicId: number; status: string; businessDate: string }
    | undefined;
  if (!entry) throw notFound('用药登记');
  assertClinicAccess(ctx, entry.clinicId);
  if (entry.status !== 'posted') throw new AppError('INVALID_STATE', '该用药登记已冲销');
  // The reversal is booked on the entry's own date, in its month, which must still be open; the date was
  // given when the entry was made, so the back-dating limit counts from there.
  reverseDocument(postingContext(ctx, entry.businessDate, entry.businessDate), 'dispensing', entry.id, { docType: 'dispensing', docId: entry.id });
  sql(db, "UPDATE dispensings SET status = 'reversed', reversed_by = ?, reversed_at = ?, reverse_reason = ? WHERE id = ?").run(
    ctx.user.id,
    ctx.now.toISOString(),
    input.reason,
    entry.id,
  );
  ctx.audit.target = `dispensing:${entry.id}`;
  return getDispensing(db, entry.id);
}

const ENTRY_SELECT = `SELECT d.id, d.clinic_id AS clinicId, d.business_date AS businessDate, d.rx_no AS rxNo, d.visit_no AS visitNo, d.note, d.status,
    d.total_amount AS totalAmount, u.display_name AS createdByName, d.created_at AS createdAt, d.reverse_reason AS reverseReason
  FROM dispensings d JOIN users u ON u.id = d.created_by`;

type EntryHead = { id: number } & Record<string, unknown>;

function withLines(db: ReadDb, heads: EntryHead[]) {
  if (heads.length === 0) return [];
  const ids = heads.map((h) => h.id);
  const placeholders = ids.map(() => '?').join(',');
  const lines = db
    .prepare(
      `SELECT id, dispensing_id AS dispensingId, line_no AS lineNo, drug_id AS drugId, drug_name AS drugName, spec, pack_unit AS packUnit,
              base_unit AS baseUnit, pack_size AS packSize, qty, amount
         FROM dispensing_lines WHERE dispensing_id IN (${placeholders}) ORDER BY dispensing_id, line_no`,
    )
    .all(...ids) as ({ id: number; dispensingId: number } & Record<string, unknown>)[];
  const lots = db
    .prepare(
      `SELECT g.doc_line_id AS lineId, l.batch_no AS batchNo, l.expiry_date AS expiryDate, -g.qty AS qty
         FROM ledger g JOIN lots l ON l.id = g.lot_id
        WHERE g.doc_type = 'dispensing' AND g.doc_id IN (${placeholders}) AND g.reverses_id IS NULL ORDER BY g.id`,
    )
    .all(...ids) as { lineId: number; batchNo: string; expiryDate: string; qty: number }[];
  return heads.map((h) => ({
    ...h,
    lines: lines
      .filter((l) => l.dispensingId === h.id)
      .map(({ dispensingId: _d, ...l }) => ({ ...l, lots: lots.filter((x) => x.lineId === l.id).map(({ lineId: _l, ...x }) => x) })),
  })) as never[];
}

export function getDispensing(db: ReadDb, id: number) {
  const head = sql(db, `${ENTRY_SELECT} WHERE d.id = ?`).get(id) as EntryHead | undefined;
  if (!head) throw notFound('用药登记');
  return withLines(db, [head])[0];
}

export function listDispensings(ctx: HandlerContext, input: ParsedInput<'dispensing.list'>) {
  const clinicId = clinicScope(ctx, input.clinicId);
  const from = input.from ?? input.to ?? ctx.today;
  const to = input.to ?? input.from ?? ctx.today;
  // Only the filters given, so each case has its index (dispensings_clinic, or dispensings_date for every clinic).
  const { where, params } = givenFilters([
    ['d.clinic_id = ?', clinicId],
    ['d.business_date >= ?', from],
    ['d.business_date <= ?', to],
  ]);
  const heads = sql(ctx.db, `${ENTRY_SELECT} ${where} ORDER BY d.business_date DESC, d.id DESC LIMIT ?`).all(...params, input.limit) as EntryHead[];
  return withLines(ctx.db, heads);
}
