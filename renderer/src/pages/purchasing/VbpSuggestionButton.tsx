import { Button, Popover, Space, Tag, Typography } from 'antd';
import type { VbpSuggestion } from '../../../../shared/contract/requisitions';
import { formatUnitPrice } from '../../../../shared/money';
import { useApiMutation } from '../../api/hooks';
import { qtyText, yuan, type UnitInfo } from './format';

/**
 * 应采尽采: shows the 集采 drugs that may replace the requested one dose for dose (same generic name, dosage
 * form and strength per base unit), the quantity before → after (the same base units in the other pack),
 * their price per base unit and what the line would save, and lets the pharmacist switch the given
 * requisition lines to one of them.
 */
export function VbpSuggestionButton({ suggestion, lineIds, unit }: { suggestion: VbpSuggestion; lineIds: number[]; unit: UnitInfo }) {
  const baseUnit = unit.baseUnit;
  const sw = useApiMutation('requisitions.switchToVbp', {
    success: '已改为集采药品',
  });
  const content = (
    <div style={{ maxWidth: 420 }}>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        有同通用名、同剂型、每{baseUnit}含量相同的集采中选药品，按“应采尽采”应优先采购；替换后数量按{baseUnit}不变。
        {suggestion.currentUnitPrice !== null && ` 当前药品每${baseUnit} ¥${formatUnitPrice(suggestion.currentUnitPrice, 2)}。`}
      </Typography.Paragraph>
      {suggestion.alternatives.map((a) => (
        <div key={a.drugId} className="vbp-alt">
          <div>
            <strong>{a.drugName}</strong> {a.spec} <Tag color="magenta">集采{a.vbpBatch ? ` ${a.vbpBatch}` : ''}</Tag>
          </div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {a.manufacturer}
            {a.supplierName ? ` · ${a.supplierName}` : ' · 未设置配送企业'}
          </Typography.Text>
          <output className="vbp-qty" aria-label={`${a.drugName} ${a.spec} 数量换算`}>
            数量 {qtyText(suggestion.qty, unit)} → <strong>{qtyText(suggestion.qty, a)}</strong>
          </output>
          <div>
            {a.unitPrice !== null ? `每${a.baseUnit} ¥${formatUnitPrice(a.unitPrice, 2)}` : '无价格'}
            {a.saving !== null && (
              <Typography.Text type={a.saving >= 0 ? 'success' : 'danger'} style={{ marginLeft: 8 }}>
                {a.saving >= 0 ? `本行节省 ${yuan(a.saving)}` : `本行多花 ${yuan(-a.saving)}`}
              </Typography.Text>
            )}
          </div>
          {lineIds.length > 0 && (
            <Button
              size="small"
              type="primary"
              ghost
              loading={sw.isPending}
              style={{ marginTop: 4 }}
              onClick={() => sw.mutate({ lineIds, vbpDrugId: a.drugId })}
            >
              改为此集采药品{lineIds.length > 1 ? `（${lineIds.length} 行请领）` : ''}
            </Button>
          )}
        </div>
      ))}
    </div>
  );
  return (
    <Popover content={content} title="集采替代建议" trigger="click">
      <Button size="small" color="magenta" variant="outlined">
        <Space size={4}>有集采替代</Space>
      </Button>
    </Popover>
  );
}
