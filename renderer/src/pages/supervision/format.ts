import { formatFen } from '../../../../shared/money';

/** A share as a percentage with one decimal ('—' when there is nothing to divide). */
export function pct(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part * 1000) / whole) / 10;
}

export const pctText = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)}%`);

export const yuan = (fen: number) => `¥${formatFen(fen)}`;

/** Axis labels in 万元 when large, 元 otherwise (ticks only: tooltips show exact amounts). */
export const yuanAxis = (fen: number) => (Math.abs(fen) >= 1_000_000 ? `${(fen / 1_000_000).toFixed(1)}万` : `${Math.round(fen / 100)}`);

export const monthLabel = (period: string) => `${Number(period.slice(5, 7))}月`;

export const bpText = (bp: number | null) => (bp === null ? '—' : `${(bp / 100).toFixed(1)}%`);
