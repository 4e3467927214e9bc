/** The hub's review of requisitions (请领审核): decisions per line, and 应采尽采 switches to 集采 drugs. */
import { sql } from '../../db/database';
import type { HandlerContext, WriteContext } from '../context';
import { AppError, invalidState } from '../../errors';
import { closeIfFulfilled, isUnderReview, requisitionRow } from './requisitions';
import { getDrug } from './drugs';
import { substitutionRefusal } from './strength';
import { describeQtyWithBase } from '../master-data/quantities';
import type { RequisitionStatus } from '../../../shared/contract/requisitions';

export interface DecisionInput {
  lineId: number;
  decision: 'approved' | 'adjusted' | 'rejected';
  approvedQty?: number;
  reason: string | null;
}

interface ReviewLine {
  id: number;
  lineNo: number;
  requisitionId: number;
  drugName: string;
  spec: string;
  packSize: number;
  packUnit: string;
  baseUnit: string;
  requestedQty: number;
  issuedQty: number;
}

function reviewLine(ctx: HandlerContext, lineId: number): ReviewLine | undefined {
  return sql(
    ctx.db,
    `SELECT id, line_no AS lineNo, requisition_id AS requisitionId, drug_name AS drugName, spec, pack_size AS packSize,
        pack_unit AS packUnit, base_unit AS baseUnit, requested_qty AS requestedQty, issued_qty AS issuedQty
       FROM requisition_lines WHERE id = ?`,
  ).get(lineId) as ReviewLine | undefined;
}

const notReviewable = (status: string, aggregated: boolean) =>
  invalidState(
    aggregated
      ? '该请领单已汇总采购，不能再修改审核结果'
      : status === 'draft'
        ? '该请领单尚未提交'
        : status === 'cancelled'
          ? '该请领单已作废'
          : '该请领单已完成，不能再审核',
  );

/** Applies decisions to lines of one requisition; marks it reviewed when no line is left pending. */
export function decideLines(ctx: WriteContext, requisitionId: number, decisions: DecisionInput[]): void {
  const req = requisitionRow(ctx.db, requisitionId);
  if (!isUnderReview(req)) throw notReviewable(req.status, req.aggregationId !== null);
  const at = ctx.now.toISOString();
  const issues: { path: string; message: string }[] = [];
  const seen = new Set<number>();
  const updates: { id: number; decision: string; qty: number; reason: string | null }[] = [];

  decisions.forEach((d, i) => {
    const line = reviewLine(ctx, d.lineId);
    if (!line || line.requisitionId !== requisitionId) {
      issues.push({ path: `lines.${i}.lineId`, message: '该行不属于这张请领单' });
      return;
    }
    const label = `第 ${line.lineNo} 行 ${line.drugName}（${line.spec}）`;
    if (seen.has(d.lineId)) issues.push({ path: `lines.${i}.lineId`, message: `${label}重复` });
    seen.add(d.lineId);
    if (line.issuedQty > 0) issues.push({ path: `lines.${i}.lineId`, message: `${label}已开始出库，不能再修改审核结果` });
    const reason = d.reason?.trim() || null;
    switch (d.decision) {
      case 'approved':
        if (d.approvedQty !== undefined && d.approvedQty !== line.requestedQty) {
          issues.push({ path: `lines.${i}.approvedQty`, message: `${label}：同意时数量即请领数量；要改数量请选择“调整”并填写原因` });
        }
        updates.push({ id: line.id, decision: 'approved', qty: line.requestedQty, reason });
        break;
      case 'adjusted':
        if (d.approvedQty === undefined) issues.push({ path: `lines.${i}.approvedQty`, message: `${label}：请填写调整后的数量` });
        else if (d.approvedQty === 0) issues.push({ path: `lines.${i}.approvedQty`, message: `${label}：调整为 0 请选择“驳回”` });
        else if (d.approvedQty === line.requestedQty) {
          issues.push({
            path: `lines.${i}.approvedQty`,
            message: `${label}：调整后的数量与请领数量相同（${describeQtyWithBase(line.requestedQty, line)}），请选择“同意”`,
          });
        }
        if (!reason) issues.push({ path: `lines.${i}.reason`, message: `${label}：调整数量必须填写原因` });
        updates.push({ id: line.id, decision: 'adjusted', qty: d.approvedQty ?? 0, reason });
        break;
      case 'rejected':
        if (!reason) issues.push({ path: `lines.${i}.reason`, message: `${label}：驳回必须填写原因` });
        updates.push({ id: line.id, decision: 'rejected', qty: 0, reason });
        break;
    }
  });
  if (issues.length) throw new AppError('VALIDATION', issues[0].message, issues);

  const update = sql(ctx.db, 'UPDATE requisition_lines SET decision = ?, approved_qty = ?, decision_reason = ?, decided_by = ?, decided_at = ? WHERE id = ?');
  for (const u of updates) update.run(u.decision, u.qty, u.reason, ctx.user.id, at, u.id);

  const pending = (
    sql(ctx.db, "SELECT count(*) AS n FROM requisition_lines WHERE requisition_id = ? AND decision = 'pending'").get(requisitionId) as { n: number }
  ).n;
  if (pending === 0) {
    sql(ctx.db, "UPDATE requisitions SET status = 'reviewed', reviewed_at = ?, reviewed_by = ?, updated_at = ? WHERE id = ?").run(
      at,
      ctx.user.id,
      at,
      requisitionId,
    );
    // Nothing approved at all: there is nothing to deliver, the requisition is done.
    closeIfFulfilled(ctx.db, requisitionId, ctx.now);
  } else {
    sql(ctx.db, 'UPDATE requisitions SET updated_at = ? WHERE id = ?').run(at, requisitionId);
  }
}

/**
 * 应采尽采: switches requisition lines to a 集采 drug of the same generic name, dosage form and strength per
 * base unit (strength.ts), so the base-unit quantities stay exactly and so does the dose. A pack of another
 * size needs no rounding here: a line stays in packs when its quantity is whole packs of the new drug, else
 * it is shown in base units; the aggregation rounds the order up to whole packs as for any line. The
 * requested drug is kept on the line (original_*), and the audit log names both with the quantity before and
 * after.
 */
export function switchToVbp(ctx: WriteContext, lineIds: number[], vbpDrugId: number): number {
  const vbp = getDrug(ctx.db, vbpDrugId);
  if (!vbp.vbp) throw new AppError('BUSINESS_RULE', `${vbp.genericName}（${vbp.spec}）不是集采中选药品`);
  if (!vbp.active) throw new AppError('BUSINESS_RULE', `${vbp.genericName}（${vbp.spec}）已停用`);
  const at = ctx.now.toISOString();
  const update = sql(
    ctx.db,
    `UPDATE requisition_lines SET
        original_drug_id = coalesce(original_drug_id, drug_id),
        original_drug_name = coalesce(original_drug_name, drug_name),
        original_spec = coalesce(original_spec, spec),
        original_manufacturer = coalesce(original_manufacturer, manufacturer),
        switched_by = ?, switched_at = ?,
        drug_id = ?, drug_name = ?, spec = ?, dosage_form = ?, manufacturer = ?, pack_unit = ?, base_unit = ?, pack_size = ?,
        insurance_class = ?, vbp = 1,
        entered_in = CASE WHEN requested_qty % ? = 0 THEN entered_in ELSE 'base' END
      WHERE id = ?`,
  );
  const switched: string[] = [];
  for (const lineId of [...new Set(lineIds)]) {
    const line = sql(
      ctx.db,
      `SELECT l.id, l.requisition_id AS requisitionId, l.drug_id AS drugId, l.issued_qty AS issuedQty, l.line_no AS lineNo,
          l.requested_qty AS requestedQty, l.approved_qty AS approvedQty, r.doc_no AS docNo, r.status, r.aggregation_id AS aggregationId
         FROM requisition_lines l JOIN requisitions r ON r.id = l.requisition_id WHERE l.id = ?`,
    ).get(lineId) as
      | {
          id: number;
          requisitionId: number;
          drugId: number;
          issuedQty: number;
          lineNo: number;
          requestedQty: number;
          approvedQty: number | null;
          docNo: string;
          status: RequisitionStatus;
          aggregationId: number | null;
        }
      | undefined;
    if (!line) throw new AppError('NOT_FOUND', '请领行不存在');
    if (!isUnderReview({ status: line.status, aggregationId: line.aggregationId })) throw notReviewable(line.status, line.aggregationId !== null);
    if (line.issuedQty > 0) throw invalidState(`${line.docNo} 第 ${line.lineNo} 行已开始出库，不能更换药品`);
    if (line.drugId === vbp.id) continue;
    const current = getDrug(ctx.db, line.drugId);
    if (current.vbp) throw new AppError('BUSINESS_RULE', `${line.docNo} 第 ${line.lineNo} 行已是集采药品`);
    const refusal = substitutionRefusal(current, vbp);
    if (refusal) {
      throw new AppError(
        'BUSINESS_RULE',
        `${line.docNo} 第 ${line.lineNo} 行 ${current.genericName}（${current.spec}）不能改为集采药品 ${vbp.genericName}（${vbp.spec}）：${refusal}`,
        [{ path: 'vbpDrugId', message: refusal }],
      );
    }
    update.run(
      ctx.user.id,
      at,
      vbp.id,
      vbp.genericName,
      vbp.spec,
      vbp.dosageForm,
      vbp.manufacturer,
      vbp.packUnit,
      vbp.baseUnit,
      vbp.packSize,
      vbp.insuranceClass,
      vbp.packSize,
      line.id,
    );
    sql(ctx.db, 'UPDATE requisitions SET updated_at = ? WHERE id = ?').run(at, line.requisitionId);
    const qty = line.approvedQty ?? line.requestedQty;
    switched.push(`${line.docNo}#${line.lineNo}:${current.id}→${vbp.id} ${describeQtyWithBase(qty, current)} → ${describeQtyWithBase(qty, vbp)}`);
  }
  ctx.audit.target = `drug:${vbp.id}`;
  ctx.audit.details = { switched };
  return switched.length;
}
