import { Tag } from 'antd';
import { SHORTFALL_RESOLUTION_LABELS, type RequisitionLine } from '../../../../shared/contract/requisitions';
import { dateTime, qtyText } from './format';

/** After a 集采 switch: the same base units, in the requested drug's packs → in the 集采 drug's packs. */
export function SwitchedQty({ line }: { line: RequisitionLine }) {
  const o = line.originalDrug;
  if (!o) return null;
  const qty = line.approvedQty ?? line.requestedQty;
  const before = qtyText(qty, { packSize: o.packSize, packUnit: o.packUnit, baseUnit: line.baseUnit });
  const after = qtyText(qty, line);
  return (
    <div className="line-notice">
      数量 {before} → {after}
    </div>
  );
}

/**
 * What happened to a requisition line after review that the clinic and the hub must both see: an order
 * buying for it that was closed short, and goods issued that never arrived (and what the hub did about them).
 */
export function LineNotices({ line }: { line: RequisitionLine }) {
  const closed = line.shortClosedOrder;
  if (line.shortfalls.length === 0 && !closed) return null;
  return (
    <div className="line-notices">
      {closed && (
        <div className="line-notice">
          <Tag color="volcano">采购终止</Tag>
          采购订单 {closed.orderDocNo}（{closed.supplierName}）已于 {dateTime(closed.closedAt)} 终止收货：{closed.reason}。
          {line.approvedQty !== null && line.approvedQty > line.issuedQty
            ? `尚未配送的 ${qtyText(line.approvedQty - line.issuedQty, line)} 重新等待汇总采购。`
            : ''}
        </div>
      )}
      {line.shortfalls.map((s) => (
        <div key={`s${s.deliveryId}`} className="line-notice">
          <Tag color={s.resolution ? 'orange' : 'gold'}>{s.resolution ? SHORTFALL_RESOLUTION_LABELS[s.resolution] : '签收差异待药库处理'}</Tag>
          配送单 {s.deliveryDocNo} 少到 {qtyText(s.qty, line)}
          {s.reason ? `（${s.reason}）` : ''}
          {s.resolution ? '，已重新计入待配送' : ''}
          {s.resolutionNote ? `。药库说明：${s.resolutionNote}` : ''}
        </div>
      ))}
    </div>
  );
}
