/**
 * Counting: the counter enters what is on the shelf, lot by lot.
 *
 * Movements during a count: the book figure of a line is read from stock_balances at the moment its count
 * is entered, inside the same transaction, so anything dispensed, signed for or returned before the entry
 * is already in it, and anything after it is not. variance = counted − book at entry. The ledger position
 * at the entry is kept, so the reviewer sees exactly which rows moved between the start and the entry.
 */
import type { HandlerContext, WriteContext } from '../context';
import { sql } from '../../db/database';
import { AppError, notFound } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import { currentLedgerId, insertLine } from './create';
import { LOT_WITH_DRUG, type LotWithDrug } from './lot-with-drug';
import { accessibleHead, canCount, isCounter, lineStates, stocktakeDetail, type StocktakeHead } from './read';

function assertCounter(ctx: HandlerContext, head: StocktakeHead): void {
  if (head.status !== 'counting') {
    const why = head.status === 'submitted' ? '已提交，等待审核' : head.status === 'approved' ? '已审核过账' : '已作废';
    throw new AppError('INVALID_STATE', `盘点单 ${head.docNo} ${why}，不能再录入`);
  }
  if (!isCounter(ctx, head)) {
    throw new AppError(
      'BUSINESS_RULE',
      head.counterMode === 'self' ? `盘点单 ${head.docNo} 是村医自盘，只能由该卫生室的村医录入` : `盘点单 ${head.docNo} 由药库人员现场盘点，村医不能录入`,
    );
  }
}

export function recordCounts(ctx: WriteContext, input: ParsedInput<'stocktakes.count'>) {
  const db = ctx.db;
  const head = accessibleHead(ctx, input.id);
  assertCounter(ctx, head);
  const lines = new Map(lineStates(db, head.id).map((l) => [l.id, l]));
  const seen = new Set<number>();
  input.entries.forEach((e, i) => {
    if (!lines.has(e.lineId)) throw new AppError('VALIDATION', '盘点行不属于这张盘点单', [{ path: `entries.${i}.lineId`, message: '盘点行不存在' }]);
    if (seen.has(e.lineId)) throw new AppError('VALIDATION', '同一行在一次提交中出现了两次', [{ path: `entries.${i}.lineId`, message: '重复的行' }]);
    seen.add(e.lineId);
  });
  const book = sql(db, 'SELECT qty, value FROM stock_balances WHERE store_id = ? AND lot_id = ?');
  const insert = sql(
    db,
    `INSERT INTO stocktake_counts (stocktake_id, line_id, counted_qty, book_qty, book_value, book_ledger_id, note, counted_by, counted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const mark = currentLedgerId(db);
  for (const e of input.entries) {
    const line = lines.get(e.lineId)!;
    const b = (book.get(head.storeId, line.lotId) as { qty: number; value: number } | undefined) ?? { qty: 0, value: 0 };
    insert.run(head.id, line.id, e.countedQty, b.qty, b.value, mark, e.note, ctx.user.id, ctx.now.toISOString());
  }
  ctx.audit.target = `stocktake:${head.id}`;
  return stocktakeDetail(ctx, head.id);
}

/** Drugs whose lots the counter may add: the drawn drugs of a spot check, any drug for a full count. */
const ALLOWED_DRUG = `(@kind = 'full' OR l.drug_id IN (SELECT drug_id FROM stocktake_candidates WHERE stocktake_id = @id AND pick_order IS NOT NULL))`;

/** Known lots (received by the hub at some time) not on the sheet and not on this store's book now. */
export function foundLots(ctx: HandlerContext, input: ParsedInput<'stocktakes.foundLots'>) {
  const head = accessibleHead(ctx, input.id);
  if (!canCount(ctx, head)) return [];
  const q = input.q?.trim() ?? '';
  return sql(
    ctx.db,
    `SELECT ${LOT_WITH_DRUG}
         FROM lots l JOIN drugs d ON d.id = l.drug_id
        WHERE l.id NOT IN (SELECT lot_id FROM stocktake_lines WHERE stocktake_id = @id)
          AND NOT EXISTS (SELECT 1 FROM stock_balances b WHERE b.store_id = @store AND b.lot_id = l.id AND b.qty > 0)
          AND ${ALLOWED_DRUG}
          AND (@q = '' OR instr(d.generic_name, @q) > 0 OR instr(upper(l.batch_no), upper(@q)) > 0 OR d.nhsa_code LIKE upper(@q) || '%')
        ORDER BY d.generic_name, l.expiry_date DESC, l.id DESC LIMIT 100`,
  ).all({ id: head.id, kind: head.kind, store: head.storeId, q }) as LotWithDrug[];
}

/**
 * Adds a lot the sheet does not have: found stock (the book shows none of it here), or a lot that reached
 * the store after the count began (a delivery signed meanwhile). Either way it is a known batch of the drug.
 */
export function addLine(ctx: WriteContext, input: ParsedInput<'stocktakes.addLine'>) {
  const db = ctx.db;
  const head = accessibleHead(ctx, input.id);
  assertCounter(ctx, head);
  const lot = sql(db, `SELECT ${LOT_WITH_DRUG} FROM lots l JOIN drugs d ON d.id = l.drug_id WHERE l.id = @lot AND ${ALLOWED_DRUG}`).get({
    lot: input.lotId,
    id: head.id,
    kind: head.kind,
  }) as Parameters<typeof insertLine>[4] | undefined;
  if (!lot) {
    const exists = sql(db, 'SELECT 1 FROM lots WHERE id = ?').get(input.lotId);
    if (!exists) throw notFound('批次');
    throw new AppError('BUSINESS_RULE', '本次抽查只盘点抽中的药品，不能添加其他药品的批次');
  }
  const already = sql(db, 'SELECT line_no AS lineNo FROM stocktake_lines WHERE stocktake_id = ? AND lot_id = ?').get(head.id, lot.lotId) as
    | { lineNo: number }
    | undefined;
  if (already) throw new AppError('DUPLICATE', `批号 ${lot.batchNo} 已在盘点表第 ${already.lineNo} 行`);
  const atStart = sql(db, 'SELECT coalesce(sum(qty), 0) AS qty FROM ledger WHERE store_id = ? AND lot_id = ? AND id <= ?').get(
    head.storeId,
    lot.lotId,
    head.startLedgerId,
  ) as {
    qty: number;
  };
  const now = sql(db, 'SELECT qty FROM stock_balances WHERE store_id = ? AND lot_id = ?').get(head.storeId, lot.lotId) as { qty: number } | undefined;
  const lineNo = (sql(db, 'SELECT coalesce(max(line_no), 0) + 1 AS n FROM stocktake_lines WHERE stocktake_id = ?').get(head.id) as { n: number }).n;
  const lineId = insertLine(db, head.id, lineNo, (now?.qty ?? 0) > 0 ? 'book' : 'found', lot, atStart.qty, ctx.user.id, ctx.now);
  ctx.audit.target = `stocktake:${head.id}`;
  ctx.audit.details = { lineId, lotId: lot.lotId };
  return stocktakeDetail(ctx, head.id);
}

export function submitCount(ctx: WriteContext, input: ParsedInput<'stocktakes.submit'>) {
  const db = ctx.db;
  const head = accessibleHead(ctx, input.id);
  assertCounter(ctx, head);
  const lines = lineStates(db, head.id);
  const open = lines.filter((l) => l.status !== 'counted');
  if (lines.length === 0) throw new AppError('BUSINESS_RULE', '盘点表没有任何行，不能提交');
  if (open.length > 0) {
    const names = open.slice(0, 5).map((l) => `第 ${l.lineNo} 行 ${l.drugName} 批号 ${l.batchNo}`);
    throw new AppError(
      'BUSINESS_RULE',
      `还有 ${open.length} 行没有录入${open.some((l) => l.status === 'recount') ? '或需要复盘' : ''}：${names.join('；')}${open.length > 5 ? '……' : ''}`,
    );
  }
  sql(db, "UPDATE stocktakes SET status = 'submitted', submitted_by = ?, submitted_at = ? WHERE id = ?").run(ctx.user.id, ctx.now.toISOString(), head.id);
  ctx.audit.target = `stocktake:${head.id}`;
  return stocktakeDetail(ctx, head.id);
}
