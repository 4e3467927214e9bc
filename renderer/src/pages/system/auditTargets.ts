import { matchPath } from 'react-router';

/**
 * What an audit row's target ('<kind>:<id>') is called, and where the record can be opened. A link is
 * offered only when the app has a screen at that path, so new document screens light up by themselves.
 */
const KINDS: Record<string, { label: string; paths: ((id: string) => string)[] }> = {
  user: { label: '用户', paths: [() => '/system/users'] },
  clinic: { label: '村卫生室', paths: [() => '/master/clinics'] },
  settings: { label: '系统设置', paths: [() => '/system/settings'] },
  supplier: { label: '配送企业', paths: [(id) => `/master/suppliers/${id}`, () => '/master/suppliers'] },
  drug: { label: '药品', paths: [(id) => `/master/drugs/${id}`, () => '/master/catalog', () => '/master/drugs'] },
  requisition: { label: '请领单', paths: [(id) => `/purchasing/requisitions/${id}`, () => '/purchasing/requisitions', () => '/clinic/requisitions'] },
  aggregation: { label: '汇总单', paths: [(id) => `/purchasing/aggregations/${id}`, () => '/purchasing/aggregations'] },
  purchase_order: { label: '采购订单', paths: [(id) => `/purchasing/orders/${id}`, () => '/purchasing/orders'] },
  receipt: { label: '验收入库单', paths: [(id) => `/stock/receipts/${id}`, () => '/stock/receipts'] },
  delivery: { label: '出库配送单', paths: [(id) => `/stock/deliveries/${id}`, () => '/stock/deliveries'] },
  dispensing: { label: '用药登记', paths: [(id) => `/clinic/dispensing/${id}`, () => '/clinic/dispensing'] },
  return: { label: '退货单', paths: [(id) => `/stock/returns/${id}`, () => '/stock/returns'] },
  writeoff: { label: '报损单', paths: [(id) => `/stock/writeoffs/${id}`, () => '/stock/writeoffs'] },
  stocktake: { label: '盘点单', paths: [(id) => `/stocktake/${id}`, () => '/stocktake'] },
  statement: { label: '结算单', paths: [(id) => `/settlement/statements/${id}`, () => '/settlement/statements'] },
  period: { label: '会计期间', paths: [() => '/settlement/periods'] },
  settlement_import: { label: '结算明细导入', paths: [() => '/settlement/reconciliation'] },
  settlement_lines: { label: '结算明细（含个人信息）', paths: [() => '/settlement/reconciliation'] },
};

export interface TargetView {
  text: string;
  href: string | null;
}

function routeExists(path: string, routes: readonly string[]): boolean {
  const pathname = path.split('?')[0];
  return routes.some((r) => matchPath({ path: r, end: true }, pathname) !== null);
}

/** The record's name: the server's label (document number or name), else what the handler noted. */
function nameIn(label: string | null, details: Record<string, unknown> | null | undefined): string | null {
  if (label) return label;
  for (const key of ['docNo', 'name', 'username', 'code']) {
    const v = details?.[key];
    if (typeof v === 'string' && v) return v;
  }
  return null;
}

export function describeTarget(
  target: string | null,
  label: string | null,
  details: Record<string, unknown> | null | undefined,
  routes: readonly string[],
): TargetView | null {
  if (!target) return null;
  const i = target.indexOf(':');
  const kind = i > 0 ? target.slice(0, i) : target;
  const id = i > 0 ? target.slice(i + 1) : '';
  const known = KINDS[kind];
  const name = nameIn(label, details);
  const text = `${known?.label ?? kind} ${name ?? (id ? `#${id}` : '')}`.trim();
  const href = known?.paths.map((p) => p(id)).find((p) => routeExists(p, routes)) ?? null;
  return { text, href };
}

export const TARGET_KIND_OPTIONS = Object.entries(KINDS).map(([value, k]) => ({ value, label: k.label }));
