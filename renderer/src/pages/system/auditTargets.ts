import { matchPath } from 'react-router';
import { ROUTES } from '../../app/routes';

/**
 * What an audit row's target ('<kind>:<id>') is called, and where the record can be opened. A link is
 * offered only when the app has a screen at that path, so new document screens light up by themselves.
 */
const KINDS: Record<string, { label: string; path?: (id: string) => string }> = {
  user: { label: '用户', path: () => '/system/users' },
  clinic: { label: '村卫生室', path: () => '/master/clinics' },
  settings: { label: '系统设置', path: () => '/system/settings' },
  supplier: { label: '配送企业', path: (id) => `/master/suppliers/${id}` },
  drug: { label: '药品', path: (id) => `/master/drugs/${id}` },
  requisition: { label: '请领单', path: (id) => `/purchasing/requisitions/${id}` },
  aggregation: { label: '汇总单', path: (id) => `/purchasing/aggregations/${id}` },
  purchase_order: { label: '采购订单', path: (id) => `/purchasing/orders/${id}` },
  receipt: { label: '验收入库单', path: (id) => `/stock/receipts/${id}` },
  issue: { label: '出库配送单', path: (id) => `/stock/issues/${id}` },
  delivery: { label: '出库配送单', path: (id) => `/stock/issues/${id}` },
  dispensing: { label: '用药登记', path: (id) => `/stock/dispensing/${id}` },
  return: { label: '退货单', path: (id) => `/stock/returns/${id}` },
  write_off: { label: '报损单', path: (id) => `/stock/write-offs/${id}` },
  stocktake: { label: '盘点单', path: (id) => `/stocktake/${id}` },
  statement: { label: '结算单', path: (id) => `/settlement/statements/${id}` },
  payment: { label: '付款', path: (id) => `/settlement/payments/${id}` },
  period: { label: '会计期间', path: () => '/settlement/periods' },
};

export interface TargetView {
  text: string;
  href: string | null;
}

function routeExists(path: string): boolean {
  const pathname = path.split('?')[0];
  return ROUTES.some((r) => matchPath({ path: r.path, end: true }, pathname) !== null);
}

/** The words a handler noted to name the record (ctx.audit.details): a document number, or a name. */
function nameIn(details: Record<string, unknown> | null | undefined): string | null {
  for (const key of ['docNo', 'name', 'username', 'code']) {
    const v = details?.[key];
    if (typeof v === 'string' && v) return v;
  }
  return null;
}

export function describeTarget(target: string | null, details?: Record<string, unknown> | null): TargetView | null {
  if (!target) return null;
  const i = target.indexOf(':');
  const kind = i > 0 ? target.slice(0, i) : target;
  const id = i > 0 ? target.slice(i + 1) : '';
  const known = KINDS[kind];
  const label = known?.label ?? kind;
  const name = nameIn(details);
  const text = name ? `${label} ${name}` : id ? `${label} #${id}` : label;
  const path = known?.path?.(id) ?? null;
  return { text, href: path && routeExists(path) ? path : null };
}

export const TARGET_KIND_OPTIONS = Object.entries(KINDS)
  .filter(([kind]) => kind !== 'delivery')
  .map(([value, k]) => ({ value, label: k.label }));
