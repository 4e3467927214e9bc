/**
 * Starting a stocktake: a full count of one store, or a random spot check of N drugs at a clinic.
 *
 * The spot-check draw is made here, on the server, with a seed nobody chose (crypto random), and stored
 * with the stocktake: the seed, the algorithm, the time, and every candidate drug with its weight inputs
 * in the order the sampler read them. A draw cannot be re-rolled quietly: a second draw is a second
 * document, and the first one can only be cancelled with a reason, which stays in the history.
 */
import type { WriteContext } from '../context';
import { sql, type ReadDb, type WriteDb } from '../../db/database';
import { AppError } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import { addMonths, periodOf } from '../../../shared/dates';
import { SELECTION_WINDOW_MONTHS } from '../../../shared/stocktake';
import { nextDocNo } from '../docno';
import { stocktakeDetail } from './read';
import { drawWeighted, SELECTION_ALGORITHM, selectionWeight } from './selection';
import { LOT_WITH_DRUG, type LotWithDrug } from './lot-with-drug';
import { assertActiveClinic, clinicStores, getStore } from '../master-data/stores';
import { chineseOrder } from '../../lib/chinese-order';

interface BookLot extends LotWithDrug {
  qty: number;
  value: number;
}

function bookLots(db: ReadDb, storeId: number): BookLot[] {
  return sql(
    db,
    `SELECT ${LOT_WITH_DRUG}, b.qty, b.value
       FROM stock_balances b JOIN lots l ON l.id = b.lot_id JOIN drugs d ON d.id = l.drug_id
      WHERE b.store_id = ? AND b.qty > 0 ORDER BY b.drug_id, l.expiry_date, l.id`,
  ).all(storeId) as BookLot[];
}

export function currentLedgerId(db: ReadDb): number {
  return (sql(db, 'SELECT coalesce(max(id), 0) AS id FROM ledger').get() as { id: number }).id;
}

export interface Candidate {
  drugId: number;
  stockValue: number;
  dispensedAmount: number;
  dispensedQty: number;
  weight: number;
}

/**
 * The drugs a clinic holds, in drug-id order, with the inputs of their weights: book value now, and what
 * was dispensed in the window (this month so far and the SELECTION_WINDOW_MONTHS before it).
 */
export function spotCandidates(db: ReadDb, storeId: number, lots: { drugId: number; value: number }[], today: string): Candidate[] {
  const value = new Map<number, number>();
  for (const l of lots) value.set(l.drugId, (value.get(l.drugId) ?? 0) + l.value);
  const dispensed = new Map(
    (
      sql(
        db,
        `SELECT drug_id AS drugId, -sum(qty) AS qty, -sum(amount) AS amount FROM stock_period_totals
          WHERE store_id = ? AND movement = 'dispense' AND period BETWEEN ? AND ? GROUP BY drug_id`,
      ).all(storeId, periodOf(addMonths(today, -SELECTION_WINDOW_MONTHS)), periodOf(today)) as { drugId: number; qty: number; amount: number }[]
    ).map((r) => [r.drugId, r]),
  );
  return [...value.keys()]
    .sort((a, b) => a - b)
    .map((drugId) => {
      const stockValue = value.get(drugId)!;
      const d = dispensed.get(drugId);
      const dispensedAmount = Math.max(0, d?.amount ?? 0);
      return { drugId, stockValue, dispensedAmount, dispensedQty: Math.max(0, d?.qty ?? 0), weight: selectionWeight(stockValue, dispensedAmount) };
    });
}

export function createStocktake(ctx: WriteContext, input: ParsedInput<'stocktakes.create'>) {
  const db = ctx.db;
  let storeId: number;
  let clinicId: number | null;
  if (input.kind === 'spot') {
    assertActiveClinic(db, input.clinicId!);
    clinicId = input.clinicId!;
    storeId = clinicStores(db, clinicId).storeId;
  } else {
    const store = getStore(db, input.storeId!);
    if (store.kind === 'transit')
      throw new AppError('BUSINESS_RULE', '在途库房不能盘点：在途药品以配送单签收为准', [{ path: 'storeId', message: '请选择中心药库或村卫生室库房' }]);
    if (store.clinicId !== null) assertActiveClinic(db, store.clinicId);
    storeId = store.id;
    clinicId = store.clinicId;
  }
  if (input.counterMode === 'self' && clinicId === null) {
    throw new AppError('BUSINESS_RULE', '中心药库只能由药库人员盘点', [{ path: 'counterMode', message: '中心药库请选择“药库人员现场盘点”' }]);
  }
  if (input.counterMode === 'self') {
    const doctors = (sql(db, "SELECT count(*) AS n FROM users WHERE clinic_id = ? AND role = 'village_doctor' AND active = 1").get(clinicId) as { n: number })
      .n;
    if (doctors === 0)
      throw new AppError('BUSINESS_RULE', '该卫生室没有启用的村医账号，不能自盘；请选择现场盘点', [{ path: 'counterMode', message: '该卫生室没有村医账号' }]);
  }
  const open = sql(db, "SELECT doc_no AS docNo FROM stocktakes WHERE store_id = ? AND status IN ('counting', 'submitted')").get(storeId) as
    | { docNo: string }
    | undefined;
  if (open) throw new AppError('CONFLICT', `该库房已有未完成的盘点 ${open.docNo}，请先审核或作废后再发起`);

  const lots = bookLots(db, storeId);
  let chosen: BookLot[];
  let candidates: Candidate[] = [];
  let picks: number[] = [];
  let seed: number | null = null;
  if (input.kind === 'spot') {
    candidates = spotCandidates(db, storeId, lots, ctx.today);
    if (candidates.length === 0) throw new AppError('BUSINESS_RULE', '该卫生室目前没有在库药品，无法抽查');
    seed = ctx.hub.drawSeed();
    picks = drawWeighted(
      seed,
      candidates.map((c) => c.weight),
      input.sampleSize!,
    );
    const order = new Map(picks.map((index, i) => [candidates[index].drugId, i]));
    chosen = lots
      .filter((l) => order.has(l.drugId))
      .sort((a, b) => order.get(a.drugId)! - order.get(b.drugId)! || a.expiryDate.localeCompare(b.expiryDate) || a.lotId - b.lotId);
  } else {
    chosen = [...lots].sort(
      (a, b) => chineseOrder.compare(a.drugName, b.drugName) || a.drugId - b.drugId || a.expiryDate.localeCompare(b.expiryDate) || a.lotId - b.lotId,
    );
  }

  const docNo = nextDocNo(db, 'PD', ctx.today);
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO stocktakes (doc_no, kind, store_id, clinic_id, counter_mode, blind, status, note, start_ledger_id, start_date, seed, algorithm,
                             sample_size, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'counting', ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    docNo,
    input.kind,
    storeId,
    clinicId,
    input.counterMode,
    input.blind ? 1 : 0,
    input.note,
    currentLedgerId(db),
    ctx.today,
    seed,
    seed === null ? null : SELECTION_ALGORITHM,
    input.kind === 'spot' ? input.sampleSize! : null,
    ctx.user.id,
    ctx.now.toISOString(),
  );
  const stocktakeId = Number(lastInsertRowid);

  const pickOrder = new Map(picks.map((index, i) => [index, i + 1]));
  const insertCandidate = sql(
    db,
    `INSERT INTO stocktake_candidates (stocktake_id, position, drug_id, stock_value, dispensed_amount, dispensed_qty, weight, pick_order)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  candidates.forEach((c, i) =>
    insertCandidate.run(stocktakeId, i + 1, c.drugId, c.stockValue, c.dispensedAmount, c.dispensedQty, c.weight, pickOrder.get(i) ?? null),
  );
  chosen.forEach((l, i) => insertLine(db, stocktakeId, i + 1, 'book', l, l.qty, null, ctx.now));

  ctx.audit.target = `stocktake:${stocktakeId}`;
  ctx.audit.details = seed === null ? { docNo } : { docNo, seed, algorithm: SELECTION_ALGORITHM, drawn: picks.map((i) => candidates[i].drugId) };
  return stocktakeDetail(ctx, stocktakeId);
}

export function insertLine(
  db: WriteDb,
  stocktakeId: number,
  lineNo: number,
  origin: 'book' | 'found',
  l: Omit<BookLot, 'qty' | 'value'>,
  bookQtyAtStart: number,
  addedBy: number | null,
  now: Date,
): number {
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO stocktake_lines (stocktake_id, line_no, origin, drug_id, lot_id, book_qty_at_start, drug_name, spec, manufacturer, pack_unit, base_unit,
                                  pack_size, batch_no, expiry_date, unit_cost, added_by, added_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    stocktakeId,
    lineNo,
    origin,
    l.drugId,
    l.lotId,
    bookQtyAtStart,
    l.drugName,
    l.spec,
    l.manufacturer,
    l.packUnit,
    l.baseUnit,
    l.packSize,
    l.batchNo,
    l.expiryDate,
    l.unitCost,
    addedBy,
    addedBy === null ? null : now.toISOString(),
  );
  return Number(lastInsertRowid);
}
