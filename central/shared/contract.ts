/**
 * The prefecture server's API, declared once: name, input schema, who may call it, whether it writes. The HTTP
 * server validates every input with these schemas before a handler runs; the pages import the same file.
 * County scoping: a county viewer's call is limited to the hubs of their own county (checked in the handlers);
 * `countyScoped` marks the methods that name a county or a hub and say so in the access matrix test.
 */
import { z } from 'zod';
import { countyCode, hubCode, periodText } from '../../shared/prefecture/package';

z.config(z.locales.zhCN());

export const CENTRAL_ROLES = ['prefecture_admin', 'county_viewer', 'director'] as const;
export type CentralRole = (typeof CENTRAL_ROLES)[number];
export const CENTRAL_ROLE_LABELS: Record<CentralRole, string> = {
  prefecture_admin: '地市管理员',
  county_viewer: '县区查看',
  director: '领导查看（只读）',
};

export type CentralAccess = 'public' | 'authenticated' | readonly CentralRole[];

export interface CentralMethod<I extends z.ZodType = z.ZodType> {
  summary: string;
  access: CentralAccess;
  write: boolean;
  /** Names a county or a hub: a county viewer may only name their own. */
  countyScoped?: boolean;
  /** Request body limit when above the server's 1 MB (a package file uploaded as base64). */
  maxBodyBytes?: number;
  input: I;
}

const m = <I extends z.ZodType>(spec: CentralMethod<I>) => spec;
const ADMIN = ['prefecture_admin'] as const;
const empty = z.object({}).strict().default({});
const id = z
  .number({ error: '必须是编号' })
  .int('编号必须是整数')
  .positive('编号必须大于 0')
  .max(2 ** 31, '编号过大');
const range = z
  .object({ from: periodText, to: periodText, countyCode: countyCode.optional() })
  .refine((v) => v.from <= v.to, { path: ['to'], message: '结束月份不能早于开始月份' })
  .refine((v) => monthsBetween(v.from, v.to) < 36, { path: ['from'], message: '统计区间最长 36 个月' });
const password = z.string({ error: '请填写密码' }).min(10, '密码至少 10 位').max(200, '密码过长');
const name = (label: string, max = 60) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(1, `请填写${label}`)
    .max(max, `${label}不能超过 ${max} 个字`);

export function monthsBetween(from: string, to: string): number {
  return (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
}

export const SIGNAL_KINDS = ['duplicate_box', 'price_gap', 'clinic_outlier'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];
export const SIGNAL_TITLES: Record<SignalKind, string> = {
  duplicate_box: '同一追溯码在两处销售',
  price_gap: '同药同批号同配送企业价格不一',
  clinic_outlier: '村卫生室月用药金额异常',
};

/** A package file from a USB stick: at most 64 MB (a large hub's month is a few MB), sent as base64. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

export const EXPORT_TABLES = ['counties', 'hubs', 'clinics', 'notReported', 'signals'] as const;

export const centralApi = {
  'auth.login': m({
    summary: '登录',
    access: 'public',
    write: true,
    input: z.object({ username: name('用户名'), password: z.string().min(1, '请填写密码').max(200) }),
  }),
  'auth.logout': m({ summary: '退出登录', access: 'authenticated', write: true, input: empty }),
  'auth.me': m({ summary: '当前用户', access: 'authenticated', write: false, input: empty }),
  'auth.changePassword': m({
    summary: '修改本人密码',
    access: 'authenticated',
    write: true,
    input: z.object({ oldPassword: z.string().min(1).max(200), newPassword: password }),
  }),

  'overview.periods': m({ summary: '有上报数据的月份（最近的在前）', access: 'authenticated', write: false, input: empty }),
  'overview.kpis': m({
    summary: '三保总览：上报卫生院与村卫生室数、集采品种与金额、降价幅度、目录内占比、断货天数、抽查相符率',
    access: 'authenticated',
    write: false,
    countyScoped: true,
    input: range,
  }),
  'overview.counties': m({ summary: '按县区排名', access: 'authenticated', write: false, countyScoped: true, input: range }),
  'overview.hubs': m({ summary: '按卫生院排名（某县区或全部）', access: 'authenticated', write: false, countyScoped: true, input: range }),
  'overview.clinics': m({
    summary: '某卫生院的村卫生室排名',
    access: 'authenticated',
    write: false,
    countyScoped: true,
    input: z.object({ hubId: id, from: periodText, to: periodText }),
  }),
  'overview.hubMonth': m({
    summary: '某卫生院某月：上报版本、三保数字、本院信号',
    access: 'authenticated',
    write: false,
    countyScoped: true,
    input: z.object({ hubId: id, period: periodText }),
  }),
  'overview.notReported': m({
    summary: '某月尚未上报的卫生院',
    access: 'authenticated',
    write: false,
    countyScoped: true,
    input: z.object({ period: periodText, countyCode: countyCode.optional() }),
  }),

  'signals.list': m({
    summary: '跨卫生院信号：同一追溯码两处销售、同药同批号同企业价格不一、村卫生室用药金额异常',
    access: 'authenticated',
    write: false,
    countyScoped: true,
    input: range,
  }),
  'signals.detail': m({
    summary: '信号明细：规则说明、数字与两处（或各院）的原始行',
    access: 'authenticated',
    write: false,
    countyScoped: true,
    input: z.object({ key: z.string().min(3).max(200), from: periodText, to: periodText }),
  }),

  'packages.list': m({
    summary: '收到的上报包（含被取代的版本）',
    access: 'authenticated',
    write: false,
    countyScoped: true,
    input: z.object({ period: periodText.optional(), hubId: id.optional() }),
  }),

  'packages.upload': m({
    summary: '上传卫生院用U盘报送的上报包文件（.stpkg）：与网络上报同样校验，同一版本重复上传不会重复入库',
    access: ADMIN,
    write: true,
    maxBodyBytes: Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 4096,
    input: z.object({
      filename: z.string({ error: '请选择文件' }).trim().min(1, '请选择文件').max(200, '文件名过长'),
      base64: z
        .string({ error: '请选择文件' })
        .min(1, '文件是空的')
        .max(Math.ceil((MAX_UPLOAD_BYTES * 4) / 3), `文件超过 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`)
        .regex(/^[A-Za-z0-9+/]+={0,2}$/, '文件内容编码有误，请重新选择文件'),
    }),
  }),

  'counties.list': m({ summary: '县区列表', access: 'authenticated', write: false, input: empty }),
  'counties.create': m({ summary: '添加县区', access: ADMIN, write: true, input: z.object({ code: countyCode, name: name('县区名称') }) }),
  'hubs.list': m({
    summary: '已登记的卫生院',
    access: 'authenticated',
    write: false,
    countyScoped: true,
    input: z.object({ countyCode: countyCode.optional() }),
  }),
  'hubs.register': m({
    summary: '登记卫生院（编码、名称、县区、签名公钥）',
    access: ADMIN,
    write: true,
    input: z.object({ code: hubCode, name: name('卫生院名称'), countyCode, publicKey: z.string().trim().min(40, '请粘贴完整的签名公钥').max(200, '公钥过长') }),
  }),
  'hubs.update': m({
    summary: '修改卫生院：停用/启用，或更换签名公钥（卫生院换电脑后）',
    access: ADMIN,
    write: true,
    input: z.object({ hubId: id, active: z.boolean().optional(), publicKey: z.string().trim().min(40).max(200).optional() }),
  }),
  'users.list': m({ summary: '用户列表', access: ADMIN, write: false, input: empty }),
  'users.create': m({
    summary: '添加用户（县区查看须指定县区）',
    access: ADMIN,
    write: true,
    input: z
      .object({
        username: z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9_.-]{3,32}$/, '用户名为 3–32 位字母、数字或 _ . -'),
        displayName: name('姓名'),
        role: z.enum(CENTRAL_ROLES),
        countyCode: countyCode.nullable(),
        initialPassword: password,
      })
      .refine((v) => (v.role === 'county_viewer') === (v.countyCode !== null), { path: ['countyCode'], message: '县区查看用户须指定一个县区，其他角色不指定' }),
  }),
  'audit.list': m({
    summary: '审计日志',
    access: ADMIN,
    write: false,
    input: z.object({ page: z.number().int().min(1).max(100_000).default(1), method: z.string().max(60).optional() }),
  }),
  'export.table': m({
    summary: '把表格导出为 Excel',
    access: 'authenticated',
    write: false,
    countyScoped: true,
    input: z.object({ table: z.enum(EXPORT_TABLES), from: periodText, to: periodText, countyCode: countyCode.optional(), hubId: id.optional() }),
  }),
};

export type CentralApi = typeof centralApi;
export type CentralMethodName = keyof CentralApi;
export type CentralInput<K extends CentralMethodName> = z.output<CentralApi[K]['input']>;

export function isCentralMethod(name: string): name is CentralMethodName {
  return Object.hasOwn(centralApi, name);
}

// ───── Outputs (typed for the pages; produced by the server's handlers) ─────

export interface Figures {
  purchaseAmount: number;
  catalogAmount: number;
  catalogShareBp: number | null;
  vbpAmount: number;
  vbpDrugs: number;
  /** fen saved against the price before 集采 (drugs with a reference price only). */
  savings: number;
  /** value at the price before 集采 of the same 集采 purchases. */
  referenceAmount: number;
  priceDropBp: number | null;
  dispensedAmount: number;
  stockoutDays: number;
  formularyDrugs: number;
  countedLines: number;
  matchedLines: number;
  accuracyBp: number | null;
  signals: number;
}

export interface Kpis extends Figures {
  hubsTotal: number;
  hubsReporting: number;
  clinicsReporting: number;
  months: string[];
  catalogTargetBp: number;
  byCounty: { countyCode: string; countyName: string; catalogShareBp: number | null }[];
}

export interface CountyRank extends Figures {
  countyCode: string;
  countyName: string;
  hubsTotal: number;
  hubsReporting: number;
}
export interface HubRank extends Figures {
  hubId: number;
  hubCode: string;
  hubName: string;
  countyCode: string;
  countyName: string;
  monthsReported: number;
  clinics: number;
}
export interface ClinicRank {
  clinicCode: string;
  clinicName: string;
  deliveredAmount: number;
  catalogShareBp: number | null;
  dispensedAmount: number;
  stockoutDays: number;
  countedLines: number;
  matchedLines: number;
  accuracyBp: number | null;
  hubSignals: number;
}

export interface CrossSignal {
  key: string;
  kind: SignalKind;
  title: string;
  summary: string;
  severity: number;
  period: string;
  hubs: { hubId: number; hubCode: string; hubName: string; countyCode: string }[];
  numbers: { label: string; value: number | null; unit: string }[];
}

export interface SignalDetail {
  signal: CrossSignal;
  rule: string;
  columns: { key: string; title: string }[];
  rows: Record<string, string | number | null>[];
}
