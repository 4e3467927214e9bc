import { Tag } from 'antd';
import { formatFen, formatUnitPrice } from '../../../../shared/money';
import { formatQty, formatQtyWithBase } from '../../../../shared/units';
import {
  INSURANCE_CLASS_LABELS,
  LINE_DECISION_LABELS,
  REQUISITION_STATUS_LABELS,
  type LineDecision,
  type RequisitionStatus,
} from '../../../../shared/contract/requisitions';
import { ORDER_STATUS_LABELS, type OrderStatus } from '../../../../shared/contract/orders';
import { formatChinaDateTime } from '../../components/hubClock';
import './purchasing.css';

export interface UnitInfo {
  packSize: number;
  packUnit: string;
  baseUnit: string;
}

/** "2盒" / "2盒6粒" / "18粒", as everywhere in the app (shared/units.ts). */
export const qtyShort = (qty: number, u: UnitInfo): string => formatQty(qty, u.packSize, u.packUnit, u.baseUnit);

/** With the base-unit total whenever packs are involved: "2盒（48粒）", "2盒6粒（共 54粒）", "18粒". */
export const qtyText = (qty: number, u: UnitInfo): string => formatQtyWithBase(qty, u.packSize, u.packUnit, u.baseUnit);

export const yuan = (fen: number | null | undefined) => (fen === null || fen === undefined ? '—' : `¥${formatFen(fen)}`);
export const packPriceText = (micro: number | null | undefined, u?: UnitInfo) =>
  micro === null || micro === undefined ? '—' : `¥${formatUnitPrice(micro, 2)}${u ? `/${u.packUnit}` : ''}`;

/** Basis points as a percentage with two decimals, integers only: 5833 → "58.33%". */
export const percent = (bp: number) => `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')}%`;

export const specText = (l: { spec: string; manufacturer?: string }) => l.spec + (l.manufacturer ? ` · ${l.manufacturer}` : '');

const REQ_COLORS: Record<RequisitionStatus, string> = { draft: 'default', submitted: 'processing', reviewed: 'cyan', closed: 'success', cancelled: 'default' };
export const RequisitionStatusTag = ({ status, aggregated }: { status: RequisitionStatus; aggregated?: boolean }) => (
  <Tag color={REQ_COLORS[status]}>{status === 'reviewed' && aggregated ? '已汇总' : REQUISITION_STATUS_LABELS[status]}</Tag>
);

const DECISION_COLORS: Record<LineDecision, string> = { pending: 'default', approved: 'success', adjusted: 'warning', rejected: 'error' };
export const DecisionTag = ({ decision }: { decision: LineDecision }) => <Tag color={DECISION_COLORS[decision]}>{LINE_DECISION_LABELS[decision]}</Tag>;

const ORDER_COLORS: Record<OrderStatus, string> = {
  draft: 'default',
  sent: 'processing',
  partly_received: 'warning',
  received: 'success',
  short_closed: 'volcano',
  cancelled: 'default',
};
export const OrderStatusTag = ({ status }: { status: OrderStatus }) => <Tag color={ORDER_COLORS[status]}>{ORDER_STATUS_LABELS[status]}</Tag>;

export function DrugTags({ insuranceClass, vbp }: { insuranceClass: 'A' | 'B' | 'none'; vbp: boolean }) {
  return (
    <>
      {vbp && <Tag color="magenta">集采</Tag>}
      <Tag color={insuranceClass === 'none' ? 'default' : 'blue'}>{INSURANCE_CLASS_LABELS[insuranceClass]}</Tag>
    </>
  );
}

/** An instant shown in China time, 'YYYY-MM-DD HH:mm', wherever the browser is. */
export const dateTime = (iso: string | null | undefined) => (iso ? formatChinaDateTime(iso, false) : '—');

export const AMC_FORMULA =
  '月均用量 = 近 90 天净用药量 × 30 ÷ max(有库存天数, 15)。有库存天数：该药在本室账上余额大于 0 的天数（缺货的日子不计入，避免低估）；首次收到该药不足 90 天的，按首次收货以来的天数计算。';
export const suggestionFormula = (months: number) => `建议请领量 = ${months} 个月 × 月均用量 − 现有库存 − 在途数量，不足 0 按 0，向上取整到整包装。`;
