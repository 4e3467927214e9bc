import { Tag } from 'antd';
import type { RuleKey } from '../../../../shared/supervision';
import { formatFen } from '../../../../shared/money';

export const RULE_COLORS: Record<RuleKey, string> = {
  spike: 'red',
  exceed: 'volcano',
  swap: 'magenta',
  round: 'orange',
  closed: 'purple',
  shortage: 'gold',
  dupcode: 'red',
  stray: 'geekblue',
  outside: 'cyan',
  codeswap: 'magenta',
  coldchain: 'blue',
  notgiven: 'red',
  visitswap: 'magenta',
  overstock: 'volcano',
  expired: 'volcano',
  unissued: 'purple',
};

const STATUS = {
  open: { text: '待处理', color: 'red' },
  reopened: { text: '重新出现', color: 'volcano' },
  dismissed: { text: '已排除', color: 'default' },
} as const;

export function SignalStatus({ status }: { status: keyof typeof STATUS }) {
  return <Tag color={STATUS[status].color}>{STATUS[status].text}</Tag>;
}

export function RuleTag({ rule, title }: { rule: RuleKey; title: string }) {
  return <Tag color={RULE_COLORS[rule]}>{title}</Tag>;
}

/** A signal's figure with its unit: amounts in yuan, others as they are. */
export function numberText(n: { value: number | null; unit: string }): string {
  if (n.value === null) return '∞';
  if (n.unit === 'fen') return `¥${formatFen(n.value)}`;
  return `${n.value.toLocaleString('zh-CN')}${n.unit && n.unit !== '最小单位' ? ` ${n.unit}` : ''}`;
}

export const signalPath = (fingerprint: string) => `/supervision/signals/${encodeURIComponent(fingerprint)}`;
