/**
 * The stock ledger: every movement is one append-only row, and the balance of its store × lot is updated
 * in the same transaction (callers run inside a write handler's transaction). A closed month takes no
 * postings; corrections are new rows that reverse old ones.
 *
 * The order of postings (台账顺序) is by business date, then by ledger id (the order rows were recorded in):
 * a back-dated row (补录) sits at the end of its own day, after everything already booked on that day. Every
 * running balance — the stock card, first-expiry-first allocation, the checks of the books — follows this
 * order, and stock is valid at every instant of it, not only now: a posting dated D must find the stock at
 * D and must leave every later running balance of its store × lot at or above zero (availability.ts).
 * Back-dating itself is bounded by the hub's limit (backdating.ts).
 */
import { sql, type ReadDb, type WriteDb } from '../../db/database';
import { AppError } from '../../errors';
import { lineAmount, type Fen } from '../../../shared/money';
import { MOVEMENT_LABELS, type Movement } from '../../../shared/stock';
import { dayLabel, periodOf } from '../../../shared/dates';
import { ledgerInvariantResults } from './invariants';
import { explainAvailability, lotAvailableAt } from './availability';
import { assertWithinBackdating } from './backdating';
import { assertQuarantineExit, notQuarantined } from './quarantine-guard';

/** Which kind of document a ledger row belongs to. */
export type DocType = 'receipt' | 'delivery' | 'dispensing' | 'return' | 'writeoff' | 'stocktake';

export interface PostingContext {
  db: WriteDb;
  userId: number;
  /** The business date the movements are booked on ('YYYY-MM-DD'). */
  businessDate: string;
  /** Today in China time, to refuse postings dated in the future. */
  today: string;
  now: Date;
  /**
   * The day the business date was given, from which the back-dating limit counts: today, unless a document
   * fixed its date earlier (a clinic's return, dated when the doctor asked for it) or a correction keeps
   * the date of what it corrects (a reversal of a dispensing).
   */
  datedOn?: string;
  /** Told when a row is posted on a date before today (补录), so the audit log can say so. */
  onBackdated?: (businessDate: string) => void;
}

export interface DocRef {
  docType: DocType;
  docId: number;
  docLineId?: number | null;
}

export interface MovementInput extends DocRef {
  storeId: number;
  lotId: number;
  /** Signed base units: positive into the store, negative out of it. */
  qty: number;
  movement: Movement;
  /** Exact amount in fen for incoming rows whose value is known (a receipt at its invoice amount, the
   * receiving side of a transfer). Outgoing rows are valued from the lot. */
  amount?: Fen;
  reversesId?: number;
}

export interface PostedRow {
  id: number;
  storeId: number;
  lotId: number;
  drugId: number;
  qty: number;
  amount: Fen;
  unitCost: number;
}

interface LotRow {
  id: number;
  drugId: number;
  unitCost: number;
  expiryDate: string;
  batchNo: string;
}

function getLot(db: ReadDb, lotId: number): LotRow {
  const lot = sql(db, 'SELECT id, drug_id AS drugId, unit_cost AS unitCost, expiry_date AS expiryDate, batch_no AS batchNo FROM lots WHERE id = ?').get(
    lotId,
  ) as LotRow | undefined;
  if (!lot) throw new AppError('NOT_FOUND', '批次不存在');
  return lot;
}

function formatPeriod(period: string): string {
  return `${period.slice(0, 4)}年${Number(period.slice(5, 7))}月`;
}

/** The latest closed month ('YYYY-MM'), or null when no month has been closed. */
export function latestClosedPeriod(db: ReadDb): string | null {
  const row = sql(db, "SELECT max(period) AS period FROM periods WHERE status = 'closed'").get() as { period: string | null };
  return row.period;
}

/**
 * Closed months form a prefix of time (月结 closes months in order and reopens only the latest), so a
 * month is closed when it, or any later month, is closed: a month with no business of its own before
 * the latest close is closed with it.
 */
export function isPeriodClosed(db: ReadDb, period: string): boolean {
  const latest = latestClosedPeriod(db);
  return latest !== null && period <= latest;
}

/** Refuses a posting into the future, into a closed month, or further back than the back-dating limit. */
export function assertPostable(db: ReadDb, businessDate: string, today: string, datedOn: string = today): void {
  if (businessDate > today) throw new AppError('BUSINESS_RULE', `业务日期 ${businessDate} 晚于今天，不能提前记账`);
  const period = periodOf(businessDate);
  const latest = latestClosedPeriod(db);
  if (latest !== null && period <= latest) {
    const upTo = latest === period ? '' : `（已结账至${formatPeriod(latest)}）`;
    throw new AppError('PERIOD_CLOSED', `${formatPeriod(period)}已结账${upTo}，不能再记入该月的业务（业务日期 ${businessDate}）`);
  }
  assertWithinBackdating(db, businessDate, datedOn);
}

function drugLabel(db: ReadDb, drugId: number): string {
  const d = sql(db, 'SELECT generic_name AS name, spec FROM drugs WHERE id = ?').get(drugId) as { name: string; spec: string } | undefined;
  return d ? `${d.name}（${d.spec}）` : `药品 ${drugId}`;
}

/** Posts one movement and updates its balance. Must run inside the caller's write transaction. */
export function postMovement(p: PostingContext, m: MovementInput): PostedRow {
  if (!Number.isSafeInteger(m.qty) || m.qty === 0) throw new AppError('VALIDATION', '数量必须是非零整数');
  assertPostable(p.db, p.businessDate, p.today, p.datedOn);
  const lot = getLot(p.db, m.lotId);
  assertQuarantineExit(p.db, m.lotId, m);
  const balance = sql(p.db, 'SELECT qty, value FROM stock_balances WHERE store_id = ? AND lot_id = ?').get(m.storeId, m.lotId) as
    | { qty: number; value: number }
    | undefined;
  const have = balance ?? { qty: 0, value: 0 };

  let amount: number;
  if (m.qty < 0) {
    // What the store × lot holds at the end of the posting's day and at every moment after it.
    const at = lotAvailableAt(p.db, m.storeId, m.lotId, p.businessDate, have.qty);
    if (at.available < -m.qty) {
      throw new AppError(
        'INSUFFICIENT_STOCK',
        `库存不足：${drugLabel(p.db, lot.drugId)} 批号 ${lot.batchNo} ${explainAvailability(p.db, m.storeId, m.lotId, p.businessDate, at, -m.qty)}，需要 ${-m.qty}`,
      );
    }
    // Emptying a lot takes its whole remaining value, so no stray fen is ever left behind.
    const computed = m.amount !== undefined ? -m.amount : lineAmount(-m.qty, lot.unitCost);
    amount = have.qty === -m.qty ? -have.value : -Math.min(have.value, computed);
  } else {
    amount = m.amount ?? lineAmount(m.qty, lot.unitCost);
    if (amount < 0) throw new AppError('VALIDATION', '入库金额不能为负');
  }

  const qtyAfter = have.qty + m.qty;
  const valueAfter = have.value + amount;
  sql(
    p.db,
    `INSERT INTO stock_balances (store_id, lot_id, drug_id, qty, value) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (store_id, lot_id) DO UPDATE SET qty = excluded.qty, value = excluded.value`,
  ).run(m.storeId, m.lotId, lot.drugId, qtyAfter, qtyAfter === 0 ? 0 : valueAfter);

  const period = periodOf(p.businessDate);
  const { lastInsertRowid } = sql(
    p.db,
    `INSERT INTO ledger (store_id, drug_id, lot_id, movement, qty, unit_cost, amount, doc_type, doc_id, doc_line_id,
                         reverses_id, business_date, period, user_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    m.storeId,
    lot.drugId,
    m.lotId,
    m.movement,
    m.qty,
    lot.unitCost,
    amount,
    m.docType,
    m.docId,
    m.docLineId ?? null,
    m.reversesId ?? null,
    p.businessDate,
    period,
    p.userId,
    p.now.toISOString(),
  );
  sql(
    p.db,
    `INSERT INTO stock_period_totals (store_id, drug_id, period, movement, qty, amount) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (store_id, drug_id, period, movement) DO UPDATE SET qty = qty + excluded.qty, amount = amount + excluded.amount`,
  ).run(m.storeId, lot.drugId, period, m.movement, m.qty, amount);
  if (p.businessDate < p.today) p.onBackdated?.(p.businessDate);

  return { id: Number(lastInsertRowid), storeId: m.storeId, lotId: m.lotId, drugId: lot.drugId, qty: m.qty, amount: amount as Fen, unitCost: lot.unitCost };
}

/** Moves stock between two stores at its book value: the receiving side gets exactly what the sending side lost. */
export function transfer(
  p: PostingContext,
  t: DocRef & { fromStoreId: number; toStoreId: number; lotId: number; qty: number; outMovement: Movement; inMovement: Movement },
): { out: PostedRow; in: PostedRow } {
  if (t.qty <= 0) throw new AppError('VALIDATION', '调拨数量必须大于 0');
  const out = postMovement(p, { ...t, storeId: t.fromStoreId, qty: -t.qty, movement: t.outMovement });
  const into = postMovement(p, { ...t, storeId: t.toStoreId, qty: t.qty, movement: t.inMovement, amount: -out.amount as Fen });
  return { out, in: into };
}

interface LedgerRow {
  id: number;
  storeId: number;
  lotId: number;
  movement: Movement;
  qty: number;
  amount: number;
  reversedBy: number | null;
}

/**
 * Reverses every not-yet-reversed row of a document (newest first, so a transfer is undone from its
 * receiving side), with new rows that point at the old ones. Refused when the stock has moved on.
 */
export function reverseDocument(p: PostingContext, docType: DocType, docId: number, reversal: DocRef): PostedRow[] {
  const rows = sql(
    p.db,
    `SELECT l.id, l.store_id AS storeId, l.lot_id AS lotId, l.movement, l.qty, l.amount,
            (SELECT r.id FROM ledger r WHERE r.reverses_id = l.id) AS reversedBy
       FROM ledger l WHERE l.doc_type = ? AND l.doc_id = ? AND l.reverses_id IS NULL ORDER BY l.id DESC`,
  ).all(docType, docId) as LedgerRow[];
  const pending = rows.filter((r) => r.reversedBy === null);
  if (pending.length === 0) throw new AppError('INVALID_STATE', '该单据没有可冲销的记账');
  return pending.map((r) => reverseRow(p, r, reversal));
}

/** Reverses one ledger row. */
export function reverseRow(p: PostingContext, row: Pick<LedgerRow, 'id' | 'storeId' | 'lotId' | 'movement' | 'qty' | 'amount'>, reversal: DocRef): PostedRow {
  try {
    return postMovement(p, {
      ...reversal,
      storeId: row.storeId,
      lotId: row.lotId,
      qty: -row.qty,
      movement: row.movement,
      amount: -row.amount as Fen,
      reversesId: row.id,
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'INSUFFICIENT_STOCK') {
      throw new AppError('INSUFFICIENT_STOCK', `不能冲销：相关库存已被使用。${err.message}`);
    }
    throw err;
  }
}

export interface Allocation {
  lotId: number;
  qty: number;
  batchNo: string;
  expiryDate: string;
}

/**
 * First-expiry-first: takes qty base units of a drug from a store's lots, earliest expiry first, as they
 * stood on `asOf`: only lots not expired on that day, and of each only what it held then and still holds at
 * every moment after (a back-dated issue cannot take what was there only later, nor what later postings
 * used). Quarantined lots (不合格品区) are never taken. Refuses (with what is there, how much of it is expired, and since when it is there) when there
 * is not enough.
 */
export function allocateFefo(db: ReadDb, storeId: number, drugId: number, qty: number, asOf: string): Allocation[] {
  const lots = sql(
    db,
    `SELECT b.lot_id AS lotId, b.qty, l.batch_no AS batchNo, l.expiry_date AS expiryDate
       FROM stock_balances b JOIN lots l ON l.id = b.lot_id
      WHERE b.store_id = ? AND b.drug_id = ? AND b.qty > 0 AND ${notQuarantined('b.lot_id')}
      ORDER BY l.expiry_date, l.id`,
  ).all(storeId, drugId) as Allocation[];
  const usable = lots.filter((l) => l.expiryDate >= asOf).map((l) => ({ lot: l, at: lotAvailableAt(db, storeId, l.lotId, asOf, l.qty) }));
  const available = usable.reduce((n, u) => n + u.at.available, 0);
  if (available < qty) {
    const expired = lots.reduce((n, l) => n + (l.expiryDate < asOf ? l.qty : 0), 0);
    // Lots held now but not (all) on the date: say when they came, or what later postings took.
    const dated = usable
      .filter((u) => u.at.laterLow !== null && (u.at.available < u.at.atDate || u.at.atDate < u.lot.qty))
      .map((u) => `批号 ${u.lot.batchNo} ${explainAvailability(db, storeId, u.lot.lotId, asOf, u.at, qty, true)}`);
    const when = dated.length ? dayLabel(asOf) : ' ';
    throw new AppError(
      'INSUFFICIENT_STOCK',
      `库存不足：${drugLabel(db, drugId)}${when}需要 ${qty}，可用 ${available}${expired ? `（另有已过期 ${expired}，不能使用）` : ''}${dated.length ? `（${dated.join('；')}）` : ''}`,
    );
  }
  const out: Allocation[] = [];
  let left = qty;
  for (const { lot, at } of usable) {
    if (left === 0) break;
    const take = Math.min(left, at.available);
    if (take > 0) out.push({ ...lot, qty: take });
    left -= take;
  }
  return out;
}

export function createLot(
  db: WriteDb,
  lot: { drugId: number; batchNo: string; mfgDate: string | null; expiryDate: string; unitCost: number; supplierId: number | null; now: Date },
): number {
  const { lastInsertRowid } = sql(
    db,
    'INSERT INTO lots (drug_id, batch_no, mfg_date, expiry_date, unit_cost, supplier_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(lot.drugId, lot.batchNo, lot.mfgDate, lot.expiryDate, lot.unitCost, lot.supplierId, lot.now.toISOString());
  return Number(lastInsertRowid);
}

export function movementLabel(m: Movement): string {
  return MOVEMENT_LABELS[m];
}

export interface InvariantProblem {
  check: string;
  detail: string;
}

/**
 * Proves the books are consistent: balances equal ledger sums per store × lot, monthly totals equal ledger
 * sums, nothing negative, and every row's drug is its lot's drug. An empty list means all is well.
 * (The checks themselves live in invariants.ts, shared with the admin's data check and the CLI.)
 */
export function checkLedgerInvariants(db: ReadDb, limit = 50): InvariantProblem[] {
  return ledgerInvariantResults(db).flatMap((c) => c.problems.slice(0, limit).map((detail) => ({ check: c.label, detail })));
}

/** A digest of the whole stock book, for tests that must prove nothing changed. */
export function ledgerChecksum(db: ReadDb): string {
  const row = db
    .prepare(
      `SELECT (SELECT count(*) FROM ledger) AS n, (SELECT coalesce(sum(qty), 0) FROM ledger) AS q,
              (SELECT coalesce(sum(amount), 0) FROM ledger) AS a, (SELECT coalesce(max(id), 0) FROM ledger) AS m,
              (SELECT coalesce(sum(qty * lot_id), 0) FROM stock_balances) AS b`,
    )
    .get() as Record<string, number>;
  return Object.values(row).join(':');
}
