import { Tag } from 'antd';
import { SHORTFALL_RESOLUTION_LABELS, type RequisitionLine } from '../../../../shared/contract/requisitions';
import { qtyText } from './format';

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
