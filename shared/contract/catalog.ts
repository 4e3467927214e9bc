import { z } from 'zod';
import { defineMethod } from './define';
import { fileContent, id, nonNegativeQty, optionalText, pageOf, paging, requiredText, unitPrice } from './common';
import { approvalNoProblem, nhsaCodeProblem, normalizeApprovalNo, normalizeCode, tracePrefixProblem } from '../drugCodes';
import { IMPORT_FIELDS } from '../catalogColumns';

const HUB_ROLES = ['admin', 'pharmacist', 'finance'] as const;
const EDITORS = ['admin', 'pharmacist'] as const;

/** 医保药品编码, normalised (full-width folded, upper-case) then validated. */
export const nhsaCode = z
  .string({ error: '请填写医保药品编码' })
  .transform(normalizeCode)
  .superRefine((v, ctx) => {
    const problem = nhsaCodeProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** 批准文号; "H20003263" is completed to "国药准字H20003263". Empty means none. */
export const approvalNo = z
  .string({ error: '批准文号必须是文字' })
  .nullish()
  .transform((v) => (v && v.trim() ? normalizeApprovalNo(v) : null))
  .superRefine((v, ctx) => {
    const problem = v === null ? null : approvalNoProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const tracePrefix = z
  .string({ error: '追溯码前缀必须是文字' })
  .nullish()
  .transform((v) => (v && v.trim() ? v.trim() : null))
  .superRefine((v, ctx) => {
    const problem = v === null ? null : tracePrefixProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const insuranceClass = z.enum(['A', 'B', 'none'], { error: '医保类别应为 甲类(A)、乙类(B) 或 非医保(none)' });
export type InsuranceClass = z.infer<typeof insuranceClass>;

/** A price per pack in micro-yuan (1 yuan = 1,000,000). */
export const packPrice = unitPrice;

const packSize = z
  .number({ error: '包装数量必须是数字' })
  .int('包装数量必须是整数')
  .min(1, '包装数量至少为 1')
  .max(100_000, '包装数量过大');

const level = nonNegativeQty.nullish().transform((v) => v ?? null);

/** The rules across fields, shared by the API and the workbook import. Paths are field names. */
export interface DrugRuleInput {
  vbp: boolean;
  vbpBatch: string | null;
  vbpPrice: number | null;
  hubMin: number | null;
  hubMax: number | null;
  clinicMin: number | null;
  clinicMax: number | null;
}
export function drugRuleProblems(d: DrugRuleInput): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (!d.vbp && d.vbpBatch) out.push({ path: 'vbpBatch', message: '非集采药品不应填写集采批次' });
  if (!d.vbp && d.vbpPrice !== null) out.push({ path: 'vbpPrice', message: '非集采药品不应填写中选价格' });
  if (d.hubMin !== null && d.hubMax !== null && d.hubMin > d.hubMax) out.push({ path: 'hubMax', message: '中心库库存上限不能小于下限' });
  if (d.clinicMin !== null && d.clinicMax !== null && d.clinicMin > d.clinicMax) out.push({ path: 'clinicMax', message: '村卫生室库存上限不能小于下限' });
  return out;
}

export const drugFields = {
  nhsaCode,
  genericName: requiredText(100, '通用名'),
  tradeName: optionalText(100, '商品名'),
  dosageForm: requiredText(30, '剂型'),
  spec: requiredText(100, '规格'),
  packUnit: requiredText(10, '包装单位'),
  baseUnit: requiredText(10, '最小单位'),
  packSize,
  manufacturer: requiredText(100, '生产企业'),
  approvalNo,
  insuranceClass,
  essential: z.boolean().default(false),
  vbp: z.boolean().default(false),
  vbpBatch: optionalText(30, '集采批次'),
  vbpPrice: packPrice.nullish().transform((v) => v ?? null),
  referencePrice: packPrice.nullish().transform((v) => v ?? null),
  rx: z.boolean().default(true),
  zeroMarkup: z.boolean().default(true),
  defaultSupplierId: id.nullish().transform((v) => v ?? null),
  hubMin: level,
  hubMax: level,
  clinicMin: level,
  clinicMax: level,
  tracePrefix,
};

const withDrugRules = <T extends z.ZodType<DrugRuleInput>>(schema: T) =>
  schema.superRefine((d, ctx) => {
    for (const p of drugRuleProblems(d)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
  });

export const drugInput = withDrugRules(z.object(drugFields));
export type DrugInput = z.input<typeof drugInput>;

/**
 * What a drug picker shows for one hit. stockQty: base units at the asked store (null without a store, and
 * while a blind count hides the drug's book there from the caller: then bookHidden is true).
 */
export const drugHit = z.object({
  id: z.number().int(),
  nhsaCode: z.string(),
  genericName: z.string(),
  tradeName: z.string().nullable(),
  dosageForm: z.string(),
  spec: z.string(),
  packUnit: z.string(),
  baseUnit: z.string(),
  packSize: z.number().int(),
  manufacturer: z.string(),
  approvalNo: z.string().nullable(),
  insuranceClass,
  essential: z.boolean(),
  vbp: z.boolean(),
  vbpBatch: z.string().nullable(),
  rx: z.boolean(),
  active: z.boolean(),
  stockQty: z.number().int().nullable(),
  bookHidden: z.boolean(),
});
export type DrugHit = z.infer<typeof drugHit>;

/** A drug with everything the hub keeps about it. */
export const drugDetail = z.object({
  id: z.number().int(),
  nhsaCode: z.string(),
  genericName: z.string(),
  tradeName: z.string().nullable(),
  dosageForm: z.string(),
  spec: z.string(),
  packUnit: z.string(),
  baseUnit: z.string(),
  packSize: z.number().int(),
  manufacturer: z.string(),
  approvalNo: z.string().nullable(),
  insuranceClass,
  essential: z.boolean(),
  vbp: z.boolean(),
  vbpBatch: z.string().nullable(),
  /** Winning price per pack, micro-yuan. */
  vbpPrice: z.number().int().nullable(),
  /** Price per pack before 集采, micro-yuan (for the savings figures). */
  referencePrice: z.number().int().nullable(),
  rx: z.boolean(),
  zeroMarkup: z.boolean(),
  defaultSupplierId: z.number().int().nullable(),
  defaultSupplierName: z.string().nullable(),
  /** The default supplier's active contract price per pack (micro-yuan); null when it has none: a warning. */
  defaultSupplierPrice: z.number().int().nullable(),
  hubMin: z.number().int().nullable(),
  hubMax: z.number().int().nullable(),
  clinicMin: z.number().int().nullable(),
  clinicMax: z.number().int().nullable(),
  tracePrefix: z.string().nullable(),
  active: z.boolean(),
  /** Already received, ordered or requested: pack size and base unit can no longer change. */
  inUse: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DrugDetail = z.infer<typeof drugDetail>;

export const importField = z.enum(IMPORT_FIELDS);
/** Column number (1 = A) for each field; absent or null = not imported. */
export const importMapping = z.partialRecord(importField, z.number().int().min(1).max(16_384).nullable());
export type ImportMapping = z.infer<typeof importMapping>;

export const importIssue = z.object({
  /** Row number as the spreadsheet shows it. */
  row: z.number().int(),
  /** Column name as in the file's header (or the field's name when the column is missing). */
  column: z.string(),
  reason: z.string(),
});
export type ImportIssue = z.infer<typeof importIssue>;

const WORKBOOK_BYTES = 64 * 1024 * 1024;
const IMPORT_ROLES = EDITORS;
/** At most this many problems travel back; the counts are always complete. */
export const MAX_REPORTED_ISSUES = 10_000;

const importSource = {
  file: fileContent,
  /** Worksheet name; the first sheet with recognisable headers when absent. */
  sheet: z.string().max(100).optional(),
};

export const importPreview = z.object({
  sheet: z.string(),
  sheets: z.array(z.string()),
  headerRow: z.number().int(),
  columns: z.array(z.object({ index: z.number().int(), letter: z.string(), header: z.string(), samples: z.array(z.string()) })),
  mapping: importMapping,
  /** Fields a new drug needs that no column is mapped to. */
  missingRequired: z.array(importField),
  totalRows: z.number().int(),
  newCount: z.number().int(),
  updatedCount: z.number().int(),
  unchangedCount: z.number().int(),
  errorRowCount: z.number().int(),
  errorCount: z.number().int(),
  errors: z.array(importIssue),
  rows: z.array(
    z.object({
      row: z.number().int(),
      action: z.enum(['new', 'update', 'unchanged', 'error']),
      nhsaCode: z.string(),
      genericName: z.string(),
      spec: z.string(),
      manufacturer: z.string(),
      changes: z.array(z.string()),
    }),
  ),
});
export type ImportPreview = z.infer<typeof importPreview>;

export const importResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  skippedRows: z.number().int(),
  errorCount: z.number().int(),
  errors: z.array(importIssue),
});

export const catalogApi = {
  'catalog.search': defineMethod({
    summary: '药品检索（药品选择器）：中文、拼音首字母、全拼、医保编码或批准文号；可带某库房的库存。村医只能查本室库房',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({
      q: z.string({ error: '请输入检索内容' }).max(100, '检索内容过长'),
      storeId: id.optional(),
      limit: z.number().int().min(1).max(50, '最多返回 50 条').default(20),
      includeInactive: z.boolean().default(false),
    }),
    output: z.array(drugHit),
  }),
  'catalog.get': defineMethod({
    summary: '一个药品的全部资料（含中选价格、库存上下限、默认配送企业及其合同价）',
    access: 'authenticated',
    write: false,
    input: z.object({ id }),
    output: drugDetail,
  }),
  'catalog.list': defineMethod({
    summary: '药品目录列表：按关键字、状态、集采、医保类别、基本药物、配送企业筛选，分页',
    access: HUB_ROLES,
    write: false,
    input: z
      .object({
        q: z.string().max(100, '检索内容过长').optional(),
        status: z.enum(['active', 'inactive', 'all']).default('active'),
        vbp: z.boolean().optional(),
        essential: z.boolean().optional(),
        insuranceClass: insuranceClass.optional(),
        /** Drugs this supplier delivers: its default supplier, or it has an active contract price. */
        supplierId: id.optional(),
        ...paging,
      })
      .default({ status: 'active', page: 1, pageSize: 50 }),
    output: pageOf(drugDetail),
  }),
  'catalog.create': defineMethod({
    summary: '新增药品',
    access: EDITORS,
    write: true,
    input: drugInput,
    output: drugDetail,
  }),
  'catalog.update': defineMethod({
    summary: '修改药品资料或停用；已过账的单据保留原名称和价格，不受影响',
    access: EDITORS,
    write: true,
    input: withDrugRules(z.object({ id, active: z.boolean(), ...drugFields })),
    output: drugDetail,
  }),
  'catalog.setActive': defineMethod({
    summary: '启用或停用药品（停用后不再出现在检索中，历史单据不变）',
    access: EDITORS,
    write: true,
    input: z.object({ id, active: z.boolean() }),
    output: drugDetail,
  }),
  'catalog.importPreview': defineMethod({
    summary: '导入药品目录 Excel 的预览：识别列并给出建议映射，统计新增/更新/不变，列出每一处错误（行、列、原因）。不修改数据',
    access: IMPORT_ROLES,
    write: false,
    maxBodyBytes: WORKBOOK_BYTES,
    input: z.object({ ...importSource, mapping: importMapping.optional() }),
    output: importPreview,
  }),
  'catalog.importCommit': defineMethod({
    summary: '导入药品目录 Excel（按医保编码新增或更新）：mode=all 时有任何错误则整个文件不导入；cleanRowsOnly 只导入无错误的行',
    access: IMPORT_ROLES,
    write: true,
    maxBodyBytes: WORKBOOK_BYTES,
    input: z.object({ ...importSource, mapping: importMapping, mode: z.enum(['all', 'cleanRowsOnly']) }),
    output: importResult,
  }),
  'catalog.export': defineMethod({
    summary: '导出药品目录为 Excel（列名与国家医保药品代码库一致，可再导入）',
    access: HUB_ROLES,
    write: false,
    input: z.object({ includeInactive: z.boolean().default(true) }).default({ includeInactive: true }),
    output: z.object({ filename: z.string(), base64: z.string() }),
  }),
};
