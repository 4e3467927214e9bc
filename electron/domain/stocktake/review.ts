/**
 * Review by the hub pharmacist: send doubtful lines back for a recount, approve (the adjustments post), or
 * cancel. Approval posts, in one transaction, one ledger row per line with a variance:
 * - surplus (盘盈, count_surplus): +variance into the lot at the lot's unit cost;
 * - shortage (盘亏, count_shortage): −variance out of the lot, valued from the lot like any outflow.
 * The variance is the one recorded at entry (counted − book at entry), so movements after the entry do not
 * change it; if the lot no longer holds enough for a shortage (more was issued after the count), the
 * approval is refused and the line should be recounted.
 */
import type { HandlerContext, WriteContext } from '../context';
import { sql } from '../../db/database';
import { AppError } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import { postingContext } from '../stock/common';
import { assertPostable, postMovement } from '../stock/ledger';
import { accessibleHead, lineStates, stocktakeDetail, type StocktakeHead } from './read';
import { drawWeighted, selectionWeight } from './selection';

function assertSubmitted(head: StocktakeHead, action: string): void {
  if (head.status !== 'submitted') {
    const why = head.status === 'counting' ? '还在盘点中，尚未提交' : head.status === 'approved' ? '已审核过账' : '已作废';
    throw new AppError('INVALID_STATE', `盘点单 ${head.docNo} ${why}，不能${action}`);
  }
}

export function requestRecount(ctx: WriteContext, input: ParsedInput<'stocktakes.requestRecount'>) {
  const db = ctx.db;
  const head = accessibleHead(ctx, input.id);
  assertSubmitted(head, '退回复盘');
  const lines = new Map(lineStates(db, head.id).map((l) => [l.id, l]));
  const ids = [...new Set(input.lineIds)];
  const insert = sql(db, 'INSERT INTO stocktake_recounts (stocktake_id, line_id, count_id, reason, requested_by, requested_at) VALUES (?, ?, ?, ?, ?, ?)');
  ids.forEach((lineId, i) => {
    const line = lines.get(lineId);
    if (!line?.current) throw new AppError('VALIDATION', '要复盘的行不属于这张盘点单', [{ path: `lineIds.${i}`, message: '盘点行不存在' }]);
    insert.run(head.id, line.id, line.current.id, input.reason, ctx.user.id, ctx.now.toISOString());
  });
  sql(db, "UPDATE stocktakes SET status = 'counting' WHERE id = ?").run(head.id);
  ctx.audit.target = `stocktake:${head.id}`;
  return stocktakeDetail(ctx, head.id);
}

export function approveStocktake(ctx: WriteContext, input: ParsedInput<'stocktakes.approve'>) {
  const db = ctx.db;
  const head = accessibleHead(ctx, input.id);
  assertSubmitted(head, '审核');
  const posting = postingContext(ctx, input.businessDate);
  if (posting.businessDate < head.startDate) {
    throw new AppError('BUSINESS_RULE', `记账日期不能早于盘点开始日期 ${head.startDate}`, [{ path: 'businessDate', message: '不能早于盘点开始日期' }]);
  }
  assertPostable(db, posting.businessDate, ctx.today);

  const lines = lineStates(db, head.id);
  const byId = new Map(lines.map((l) => [l.id, l]));
  const reasons = new Map<number, { reasonCode: string; reasonNote: string | null }>();
  input.reasons.forEach((r, i) => {
    if (!byId.has(r.lineId)) throw new AppError('VALIDATION', '差异原因对应的行不属于这张盘点单', [{ path: `reasons.${i}.lineId`, message: '盘点行不存在' }]);
    if (r.reasonCode === 'other' && !r.reasonNote) {
      throw new AppError('VALIDATION', `第 ${byId.get(r.lineId)!.lineNo} 行选择“其他”原因时须填写说明`, [
        { path: `reasons.${i}.reasonNote`, message: '请说明原因' },
      ]);
    }
    reasons.set(r.lineId, r);
  });
  const missing = lines.filter((l) => l.current && l.current.countedQty !== l.current.bookQty && !reasons.has(l.id));
  if (missing.length > 0) {
    throw new AppError(
      'VALIDATION',
      `有 ${missing.length} 行差异没有填写原因：${missing
        .slice(0, 5)
        .map((l) => `第 ${l.lineNo} 行 ${l.drugName}`)
        .join('；')}`,
    );
  }

  let matched = 0;
  let surplus = 0;
  let shortage = 0;
  const update = sql(
    db,
    'UPDATE stocktake_lines SET final_count_id = ?, reason_code = ?, reason_note = ?, adjustment_qty = ?, adjustment_amount = ?, ledger_id = ? WHERE id = ?',
  );
  for (const line of lines) {
    const count = line.current;
    if (!count || line.status !== 'counted') throw new AppError('INVALID_STATE', `第 ${line.lineNo} 行还没有有效的盘点数`);
    const variance = count.countedQty - count.bookQty;
    if (variance === 0) {
      matched += 1;
      update.run(count.id, null, null, 0, 0, null, line.id);
      continue;
    }
    let row: ReturnType<typeof postMovement>;
    try {
      row = postMovement(posting, {
        storeId: head.storeId,
        lotId: line.lotId,
        qty: variance,
        movement: variance > 0 ? 'count_surplus' : 'count_shortage',
        docType: 'stocktake',
        docId: head.id,
        docLineId: line.id,
      });
    } catch (err) {
      if (err instanceof AppError && err.code === 'INSUFFICIENT_STOCK') {
        throw new AppError(
          'INSUFFICIENT_STOCK',
          `第 ${line.lineNo} 行 ${line.drugName} 批号 ${line.batchNo}：盘亏 ${-variance}${line.baseUnit} 超过该批次现有账面，盘点后又有出库。请退回复盘后再审核。`,
        );
      }
      throw err;
    }
    if (row.amount > 0) surplus += row.amount;
    else shortage -= row.amount;
    const reason = reasons.get(line.id)!;
    update.run(count.id, reason.reasonCode, reason.reasonNote, variance, row.amount, row.id, line.id);
  }
  sql(
    db,
    `UPDATE stocktakes SET status = 'approved', decided_by = ?, decided_at = ?, decision_note = ?, business_date = ?, line_count = ?, matched_count = ?,
                           surplus_amount = ?, shortage_amount = ? WHERE id = ?`,
  ).run(ctx.user.id, ctx.now.toISOString(), input.note, posting.businessDate, lines.length, matched, surplus, shortage, head.id);
  ctx.audit.target = `stocktake:${head.id}`;
  ctx.audit.details = { matched, lines: lines.length, surplus, shortage };
  return stocktakeDetail(ctx, head.id);
}

export function cancelStocktake(ctx: WriteContext, input: ParsedInput<'stocktakes.cancel'>) {
  const db = ctx.db;
  const head = accessibleHead(ctx, input.id);
  if (head.status !== 'counting' && head.status !== 'submitted') {
    throw new AppError('INVALID_STATE', `盘点单 ${head.docNo} ${head.status === 'approved' ? '已审核过账' : '已作废'}，不能作废`);
  }
  sql(db, "UPDATE stocktakes SET status = 'cancelled', decided_by = ?, decided_at = ?, cancel_reason = ? WHERE id = ?").run(
    ctx.user.id,
    ctx.now.toISOString(),
    input.reason,
    head.id,
  );
  ctx.audit.target = `stocktake:${head.id}`;
  return stocktakeDetail(ctx, head.id);
}

/** Draws again from the recorded seed and weight inputs; the result must equal the recorded selection. */
export function verifySelection(ctx: HandlerContext, input: ParsedInput<'stocktakes.verifySelection'>) {
  const head = accessibleHead(ctx, input.id);
  if (head.kind !== 'spot' || head.seed === null || head.sampleSize === null) throw new AppError('BUSINESS_RULE', '全面盘点没有随机抽样');
  const rows = sql(
    ctx.db,
    `SELECT drug_id AS drugId, stock_value AS stockValue, dispensed_amount AS dispensedAmount, weight, pick_order AS pickOrder
       FROM stocktake_candidates WHERE stocktake_id = ? ORDER BY position`,
  ).all(head.id) as { drugId: number; stockValue: number; dispensedAmount: number; weight: number; pickOrder: number | null }[];
  const weightsMatch = rows.every((r) => r.weight === selectionWeight(r.stockValue, r.dispensedAmount));
  const recorded = rows
    .filter((r) => r.pickOrder !== null)
    .sort((a, b) => a.pickOrder! - b.pickOrder!)
    .map((r) => r.drugId);
  const recomputed = drawWeighted(
    head.seed,
    rows.map((r) => selectionWeight(r.stockValue, r.dispensedAmount)),
    head.sampleSize,
  ).map((i) => rows[i].drugId);
  return {
    reproduced: weightsMatch && recorded.length === recomputed.length && recorded.every((d, i) => d === recomputed[i]),
    weightsMatch,
    recorded,
    recomputed,
  };
}
