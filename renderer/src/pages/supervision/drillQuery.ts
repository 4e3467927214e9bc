import type { MethodInput } from '../../../../shared/contract';
import { DRILL_FIGURES } from '../../../../shared/contract/supervision';

export type DrillInput = MethodInput<'supervision.drilldown'>;

/** A drill-down as the print route's address (/print/drilldown?figure=vbp&from=…): the drawer's rows, printable. */
export function drillQuery(input: DrillInput): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(input)) if (v !== undefined && v !== null) q.set(k, String(v));
  return q.toString();
}

/** The drill-down of a print address; null when the address names no figure. */
export function drillFrom(params: URLSearchParams): DrillInput | null {
  const figure = params.get('figure') as DrillInput['figure'] | null;
  const from = params.get('from');
  const to = params.get('to');
  if (!figure || !(DRILL_FIGURES as readonly string[]).includes(figure) || !from || !to) return null;
  const num = (k: string) => (params.get(k) ? Number(params.get(k)) : undefined);
  const flag = params.get('flag');
  return {
    figure,
    from,
    to,
    clinicId: num('clinicId'),
    storeId: num('storeId'),
    period: params.get('period') || undefined,
    flag: flag === null ? undefined : flag === 'true',
  };
}

/** The filter line of a drill-down's print and sheet: 期间, 月份, 卫生室 (or 全乡), 库房. */
export function drillFilterText(input: DrillInput, clinicName: string | null, storeName: string | null): string {
  return [`${input.from} 至 ${input.to}`, input.period ? `只看 ${input.period}` : null, clinicName ?? '全乡', storeName].filter(Boolean).join('，');
}
