import { z } from 'zod';
import { defineMethod } from './define';
import { id, isoDate, ok, period, requiredText, text } from './common';
import { MOVEMENTS } from '../stock';
import { RULE_KEYS } from '../supervision';

/** Supervision is the hub's: the director and finance read it, the pharmacist and admin also tune it. Village doctors do not see it. */
const READ_ROLES = ['admin', 'pharmacist', 'finance'] as const;
const TUNE_ROLES = ['admin', 'pharmacist'] as const;

const int = z.number().int();
export const ruleKey = z.enum(RULE_KEYS, { error: '未知的规则' });

const dateRange = {
  from: isoDate,
  to: isoDate,
};
const refineRange = <T extends { from: string; to: string }>(v: T, ctx: z.RefinementCtx) => {
  if (v.from > v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: '结束日期不能早于开始日期' });
};
const periodRange = { from: period, to: period, clinicId: id.optional() };
const refinePeriods = <T extends { from: string; to: string }>(v: T, ctx: z.RefinementCtx) => {
  if (v.from > v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: '结束月份不能早于开始月份' });
};

export const ruleParam = z.object({
  key: z.string(),
  label: z.string(),
  unit: z.string(),
  min: z.number(),
  max: z.number(),
  integer: z.boolean(),
  default: z.number(),
  value: z.number(),
});

export const ruleInfo = z.object({ key: ruleKey, title: z.string(), description: z.string(), params: z.array(ruleParam) });

export const signalNumber = z.object({ label: z.string(), value: z.number().nullable(), unit: z.string() });

export const signalDrug = z.object({ id: int, name: z.string(), spec: z.string(), packSize: int, packUnit: z.string(), baseUnit: z.string() });

export const signalDismissal = z.object({ id: int, note: z.string(), severity: z.number(), dismissedByName: z.string(), dismissedAt: z.string() });

export const signalRow = z.object({
  fingerprint: z.string(),
  ruleKey,
  ruleTitle: z.string(),
  clinicId: int,
  clinicCode: z.string(),
  clinicName: z.string(),
  storeId: int,
  drugs: z.array(signalDrug),
  periodFrom: z.string(),
  periodTo: z.string(),
  summary: z.string(),
  numbers: z.array(signalNumber),
  severity: z.number(),
  ledgerCount: int,
  status: z.enum(['open', 'dismissed', 'reopened']),
  lastDismissal: signalDismissal.nullable(),
});

export const ledgerRow = z.object({
  id: int,
  businessDate: z.string(),
  storeId: int,
  storeName: z.string(),
  drugId: int,
  drugName: z.string(),
  spec: z.string(),
  packSize: int,
  packUnit: z.string(),
  baseUnit: z.string(),
  movement: z.enum(MOVEMENTS),
  qty: int,
  amount: int,
  docType: z.string(),
  docId: int,
  docNo: z.string().nullable(),
  batchNo: z.string(),
  userName: z.string(),
  createdAt: z.string(),
});

const shareFigures = { amount: int, catalogAmount: int, items: int, catalogItems: int };
const vbpFigures = { amount: int, vbpAmount: int, savings: int, withoutReference: int };
const clinicHead = { clinicId: int, clinicCode: z.string(), clinicName: z.string() };

export const dashboard = z.object({
  from: z.string(),
  to: z.string(),
  /** Basis of purchase figures: the hub's receipts (all clinics) or the deliveries to one clinic. */
  basis: z.enum(['receipts', 'deliveries']),
  insurance: z.object({
    months: z.array(z.object({ period: z.string(), ...shareFigures })),
    clinics: z.array(z.object({ ...clinicHead, ...shareFigures })),
    total: z.object(shareFigures),
  }),
  vbp: z.object({
    months: z.array(z.object({ period: z.string(), ...vbpFigures })),
    clinics: z.array(z.object({ ...clinicHead, ...vbpFigures })),
    total: z.object(vbpFigures),
  }),
  stockouts: z.object({
    from: z.string(),
    to: z.string(),
    clinics: z.array(z.object({ ...clinicHead, storeId: int, formularyDrugs: int, drugsOut: int, stockoutDays: int })),
  }),
  nearExpiry: z.object({
    before: z.string(),
    stores: z.array(z.object({ storeId: int, storeName: z.string(), clinicId: int.nullable(), lots: int, value: int, expiredValue: int })),
  }),
  consumption: z.object({
    months: z.array(z.object({ period: z.string(), clinicId: int, amount: int })),
    clinics: z.array(z.object({ ...clinicHead, storeId: int, amount: int })),
    topDrugs: z.array(z.object({ drugId: int, name: z.string(), spec: z.string(), amount: int, qty: int, baseUnit: z.string() })),
  }),
  accuracy: z.object({
    months: z.array(z.object({ period: z.string(), countedLines: int, matchedLines: int, matchRateBp: int.nullable() })),
    stores: z.array(
      z.object({
        storeId: int,
        storeName: z.string(),
        clinicId: int.nullable(),
        stocktakes: int,
        countedLines: int,
        matchedLines: int,
        matchRateBp: int.nullable(),
        shortageAmount: int,
      }),
    ),
  }),
  signals: z.object({ open: int, byRule: z.array(z.object({ key: ruleKey, title: z.string(), open: int })) }),
});

export const DRILL_FIGURES = ['insurance', 'vbp', 'stockout', 'nearExpiry', 'consumption', 'accuracy'] as const;

export const drillRow = z.object({
  key: z.string(),
  date: z.string().nullable(),
  docLabel: z.string().nullable(),
  /** An app route that shows the document (or the stock card). */
  link: z.string().nullable(),
  clinicCode: z.string().nullable(),
  storeName: z.string().nullable(),
  storeId: int.nullable(),
  drugId: int.nullable(),
  drugName: z.string().nullable(),
  spec: z.string().nullable(),
  qty: int.nullable(),
  packSize: int.nullable(),
  packUnit: z.string().nullable(),
  baseUnit: z.string().nullable(),
  amount: int.nullable(),
  tags: z.array(z.string()),
  note: z.string().nullable(),
});

export const schedule = z.object({
  clinicId: int,
  clinicCode: z.string(),
  clinicName: z.string(),
  restWeekdays: z.array(int),
  holidays: z.array(z.object({ date: z.string(), name: z.string().nullable() })),
  updatedAt: z.string().nullable(),
});

export const supervisionApi = {
  'supervision.dashboard': defineMethod({
    summary: '三保看板：医保目录占比、集采占比与节约金额、断货天数、近效期金额、用药趋势、账实相符率（按月、按卫生室）',
    access: READ_ROLES,
    write: false,
    input: z.object(periodRange).superRefine(refinePeriods),
    output: dashboard,
  }),
  'supervision.drilldown': defineMethod({
    summary: '看板数字的明细：单据行、批次或药品（带库存台账和单据链接）',
    access: READ_ROLES,
    write: false,
    input: z
      .object({
        figure: z.enum(DRILL_FIGURES, { error: '未知的指标' }),
        ...periodRange,
        /** One month of the range ('YYYY-MM'), when a bar or point was clicked. */
        period: period.optional(),
        storeId: id.optional(),
        /** insurance: only catalog (true) or only non-catalog (false) lines; vbp: only 集采 lines (true). */
        flag: z.boolean().optional(),
      })
      .superRefine(refinePeriods),
    output: z.object({ title: z.string(), rows: z.array(drillRow), truncated: z.boolean() }),
  }),
  'supervision.rules': defineMethod({
    summary: '异常信号规则：说明（代入当前阈值）与可调阈值',
    access: READ_ROLES,
    write: false,
    input: z.object({}).strict().default({}),
    output: z.array(ruleInfo),
  }),
  'supervision.setThresholds': defineMethod({
    summary: '修改一条规则的阈值（留空的参数恢复默认值），记入审计日志',
    access: TUNE_ROLES,
    write: true,
    input: z.object({ ruleKey, values: z.record(text(40, '参数名'), z.number({ error: '阈值必须是数字' }).nullable()) }),
    output: ruleInfo,
  }),
  'supervision.signals': defineMethod({
    summary: '在一个期间内运行异常规则：每条信号带规则、数字和台账行数；已排除的默认不显示',
    access: READ_ROLES,
    write: false,
    input: z
      .object({
        ...dateRange,
        clinicId: id.optional(),
        ruleKey: ruleKey.optional(),
        status: z.enum(['active', 'dismissed', 'all']).default('active'),
      })
      .superRefine(refineRange),
    output: z.object({ rows: z.array(signalRow), rules: z.array(z.object({ key: ruleKey, title: z.string(), count: int })) }),
  }),
  'supervision.signal': defineMethod({
    summary: '一条异常信号：规则说明、数字、用药历史和背后的台账行（带单据号）',
    access: READ_ROLES,
    write: false,
    input: z.object({ fingerprint: text(120, '信号编号').min(1, '缺少信号编号') }),
    output: z.object({
      signal: signalRow,
      rule: ruleInfo,
      dismissals: z.array(signalDismissal),
      ledger: z.array(ledgerRow),
      /** Weekly dispensing of the signal's first drug at the clinic, with the signal's weeks marked. */
      history: z.array(z.object({ weekStart: z.string(), qty: int, marked: z.boolean() })),
    }),
  }),
  'supervision.dismiss': defineMethod({
    summary: '排除一条异常信号：必须写明核实情况；记录人、时间和当时的数字，数字变坏时信号重新出现',
    access: TUNE_ROLES,
    write: true,
    input: z.object({ fingerprint: text(120, '信号编号').min(1, '缺少信号编号'), note: requiredText(500, '排除说明').min(4, '排除说明至少 4 个字，请写明核实情况') }),
    output: ok,
  }),
  'supervision.schedules': defineMethod({
    summary: '各村卫生室的休息日和节假日（休息日用药规则按此判断）',
    access: READ_ROLES,
    write: false,
    input: z.object({}).strict().default({}),
    output: z.array(schedule),
  }),
  'supervision.setSchedule': defineMethod({
    summary: '设置一个村卫生室的每周休息日和节假日',
    access: TUNE_ROLES,
    write: true,
    input: z.object({
      clinicId: id,
      restWeekdays: z.array(z.number().int().min(1, '星期应为 1–7').max(7, '星期应为 1–7')).max(7).default([]),
      holidays: z
        .array(z.object({ date: isoDate, name: text(40, '节假日名称').nullish().transform((v) => v || null) }))
        .max(366, '节假日最多 366 天')
        .default([]),
    }),
    output: schedule,
  }),
};
