/**
 * An audit row's details as lines people read ('显示名称：张医生 → 张三', '数量：12'), never raw JSON: the
 * screen's expanded row, the printed 审计日志 and its Excel export all show these same lines (issue 17 Low).
 * A change is written by the handler as { field: { from, to } } (see changedFields on the server).
 */
import { ROLE_LABELS } from './contract/define';

/** Field names as a person knows them; an unknown field keeps its own name. */
const FIELD_LABELS: Record<string, string> = {
  id: '编号',
  name: '名称',
  code: '编码',
  username: '用户名',
  displayName: '姓名',
  role: '角色',
  phone: '电话',
  active: '启用',
  village: '行政村',
  address: '地址',
  clinicId: '卫生室',
  storeId: '库房',
  drugId: '药品',
  supplierId: '配送企业',
  docNo: '单据号',
  reason: '原因',
  note: '备注',
  remark: '备注',
  qty: '数量',
  packPrice: '包装单价',
  amount: '金额',
  date: '日期',
  businessDate: '业务日期',
  from: '从',
  to: '至',
  month: '月份',
  period: '会计期间',
  lines: '明细',
  prices: '价格',
  batchNo: '批号',
  expiryDate: '有效期至',
  changes: '改动',
  changed: '改动条数',
  maxBackdateDays: '最多补录天数',
  keep: '保留份数',
  dir: '目录',
  input: '请求内容',
  truncated: '记录过长，已截断',
  lineId: '明细行',
  lotId: '批次',
  matched: '相符',
  surplus: '盘盈',
  shortage: '盘亏',
  event: '事件',
  rule: '规则',
  severity: '级别',
  fingerprint: '信号',
  values: '取值',
  sizeBytes: '大小（字节）',
  verified: '已校验',
  reversal: '冲销',
  identityMonths: '身份信息保留月数',
  holidays: '节假日',
  restWeekdays: '休息日',
  warnings: '提示',
  factMonths: '月度事实',
  backupFile: '备份文件',
  dispensings: '用药登记',
  postable: '可记账',
  created: '新增',
  updated: '更新',
  unchanged: '无变化',
  skippedRows: '跳过的行',
  batches: '分批写入（批）',
  mode: '方式',
};

/** Coded values shown by their names ('pharmacist' → '药剂科'). */
const VALUE_LABELS: Record<string, Record<string, string>> = { role: ROLE_LABELS, mode: { all: '整个文件', cleanRowsOnly: '只导入无错误的行' } };

export const auditFieldLabel = (key: string) => FIELD_LABELS[key] ?? key;

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A change as the handlers note it: exactly { from, to }. */
const isChange = (v: unknown): v is { from: unknown; to: unknown } => isRecord(v) && Object.keys(v).length === 2 && 'from' in v && 'to' in v;

function valueText(v: unknown, key?: string): string {
  if (key && typeof v === 'string' && VALUE_LABELS[key]?.[v]) return VALUE_LABELS[key][v];
  if (v === null || v === undefined || v === '') return '（空）';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (Array.isArray(v)) return v.every((x) => !isRecord(x) && !Array.isArray(x)) ? v.map((x) => valueText(x)).join('、') : `${v.length} 项`;
  if (isRecord(v))
    return Object.entries(v)
      .map(([k, x]) => `${auditFieldLabel(k)} ${valueText(x)}`)
      .join('，');
  return String(v);
}

/** One line per field: nested objects under their parent's name, a row of a list as '明细 第 2 行'. */
function linesOf(value: Record<string, unknown>, prefix: string, depth: number): string[] {
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const label = `${prefix}${auditFieldLabel(key)}`;
    if (key === 'changes' && isRecord(v)) out.push(...linesOf(v, prefix, depth + 1));
    else if (isChange(v)) out.push(`${label}：${valueText(v.from, key)} → ${valueText(v.to, key)}`);
    else if (isRecord(v) && depth < 2) out.push(...linesOf(v, `${label} · `, depth + 1));
    else if (Array.isArray(v) && v.some(isRecord) && depth < 2)
      v.forEach((x, i) => out.push(isRecord(x) ? `${label} 第 ${i + 1} 行：${valueText(x)}` : `${label}：${valueText(x)}`));
    else out.push(`${label}：${valueText(v, key)}`);
  }
  return out;
}

/** What the handler noted (the changes, a document number) and what the request said, as lines. */
export function auditDetailParts(details: Record<string, unknown> | null | undefined): { noted: string[]; request: string[] } {
  if (!details) return { noted: [], request: [] };
  const { input, ...noted } = details;
  const request = isRecord(input) ? linesOf(input, '', 0) : input !== undefined ? [`${auditFieldLabel('input')}：${valueText(input)}`] : [];
  return { noted: linesOf(noted, '', 0), request };
}

/** What the handler noted first, then the request; a record cut at 2,000 characters says so. */
export function auditDetailLines(details: Record<string, unknown> | null | undefined): string[] {
  const { noted, request } = auditDetailParts(details);
  return [...noted, ...request];
}

/** An instant as China time 'YYYY-MM-DD HH:mm:ss' (the hub's clock, whatever the reader's time zone). */
export function auditTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export const AUDIT_ERROR_LABELS: Record<string, string> = {
  FORBIDDEN: '角色无权',
  FORBIDDEN_CLINIC: '访问他室数据',
  PASSWORD_CHANGE_REQUIRED: '须先改密码',
  CSRF: '跨站请求',
  UNAUTHENTICATED: '未登录',
  SESSION_EXPIRED: '登录已过期',
  BAD_CREDENTIALS: '密码错误',
  TOO_MANY_REQUESTS: '登录受限',
};

export const AUDIT_TRANSPORT_LABELS: Record<string, string> = { http: '浏览器', ipc: '桌面版', internal: '系统' };

/** What each kind of audit target is called ('requisition' → 请领单). */
export const AUDIT_TARGET_KINDS: Record<string, string> = {
  user: '用户',
  clinic: '村卫生室',
  settings: '系统设置',
  supplier: '配送企业',
  drug: '药品',
  requisition: '请领单',
  aggregation: '汇总单',
  purchase_order: '采购订单',
  receipt: '验收入库单',
  delivery: '出库配送单',
  dispensing: '用药登记',
  return: '退货单',
  writeoff: '报损单',
  stocktake: '盘点单',
  statement: '结算单',
  period: '会计期间',
  settlement_import: '结算明细导入',
  settlement_lines: '结算明细（含个人信息）',
};

/** The first phrase of a method's summary: '新建村卫生室（同时建立…）' → '新建村卫生室'. */
export const shortSummary = (summary: string | null) => (summary ? summary.split(/[：；，（(]/)[0].slice(0, 24) : null);

/** A target as people name it: '请领单 QL-202603-0007', from the record's label or what the handler noted. */
export function auditTargetText(target: string | null, label: string | null, details: Record<string, unknown> | null | undefined): string | null {
  if (!target) return null;
  const i = target.indexOf(':');
  const kind = i > 0 ? target.slice(0, i) : target;
  const id = i > 0 ? target.slice(i + 1) : '';
  let name = label;
  for (const key of ['docNo', 'name', 'username', 'code']) {
    const v = details?.[key];
    if (!name && typeof v === 'string' && v) name = v;
  }
  return `${AUDIT_TARGET_KINDS[kind] ?? kind} ${name ?? (id ? `#${id}` : '')}`.trim();
}

/** The filter line of the printed and exported log: only what is chosen, by name. */
export function auditFilterLines(
  f: { method?: string; outcome?: string; from?: string; to?: string; target?: string; ip?: string },
  names: { user?: string | null; clinic?: string | null; outcomeLabel?: string | null },
): string[] {
  const lines: string[] = [];
  if (names.user) lines.push(`用户：${names.user}`);
  if (names.clinic) lines.push(`卫生室：${names.clinic}`);
  if (f.method) lines.push(`接口：${f.method.includes('.') ? f.method : `${f.method}.*`}`);
  if (names.outcomeLabel) lines.push(`结果：${names.outcomeLabel}`);
  if (f.from || f.to) lines.push(`日期：${f.from ?? '最早'} 至 ${f.to ?? '今天'}`);
  if (f.target) lines.push(`对象：${f.target.includes(':') ? f.target : (AUDIT_TARGET_KINDS[f.target] ?? f.target)}`);
  if (f.ip) lines.push(`地址：${f.ip}`);
  return lines.length ? lines : ['全部记录'];
}
