import { Tag } from 'antd';
import { SHORTFALL_RESOLUTION_LABELS, type RequisitionLine } from '../../../../shared/contract/requisitions';
import { qtyText } from './format';

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
 * What happened to a requisition line after review that the clinic and the hub must both see: goods issued
 * that never arrived (and what the hub did about them).
 */
export function LineNotices({ line }: { line: RequisitionLine }) {
  if (line.shortfalls.length === 0) return null;
  return (
    <div className="line-notices">
      {line.shortfalls.map((s, i) => (
        <div key={`s${i}`} className="line-notice">
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
