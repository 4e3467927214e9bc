import { z } from 'zod';
import { defineMethod } from './define';
import { fileInputAbout, id, nonNegativeQty, optionalText, pageOf, paging, requiredText, unitPrice } from './common';
import { APPROVAL_NO_FORMS_TEXT, approvalNoProblem, nhsaCodeProblem, normalizeApprovalNo, normalizeCode, tracePrefixProblem } from '../drugCodes';
import { normalizeGtin } from '../traceCodes';
import { CATALOG_COLUMNS, IMPORT_FIELDS } from '../catalogColumns';
import { CATALOG_IMPORT_ONE_TRANSACTION_UP_TO, CATALOG_IMPORT_ROWS_PER_BATCH } from '../catalog-import';
import { about, drugOut, out, valuesText } from './describe';

const HUB_ROLES = ['admin', 'pharmacist', 'finance', 'director'] as const;
const EDITORS = ['admin', 'pharmacist'] as const;

/** 医保药品编码, normalised (full-width folded, upper-case) then validated. */
export const nhsaCode = z
  .string({ error: '请填写医保药品编码' })
  .transform(normalizeCode)
  .superRefine((v, ctx) => {
    const problem = nhsaCodeProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('医保药品编码：全角转半角、去空白、转大写后，X（西药）或 Z（中成药）开头，大写字母和数字，2–50 个字符；全系统唯一');

/** 批准文号 as the certificate writes it (full-width and spaces folded, never a prefix added). Empty means none. */
export const approvalNo = z
  .string({ error: '批准文号必须是文字' })
  .nullish()
  .transform((v) => (v?.trim() ? normalizeApprovalNo(v) : null))
  .superRefine((v, ctx) => {
    const problem = v === null ? null : approvalNoProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe(`批准文号或注册证号，照证书原样保存（全角转半角、去空白、转大写，从不补“国药准字”）：${APPROVAL_NO_FORMS_TEXT}；省略、null 或空白 = 无`);

export const tracePrefix = z
  .string({ error: '追溯码前缀必须是文字' })
  .nullish()
  .transform((v) => (v?.trim() ? v.trim() : null))
  .superRefine((v, ctx) => {
    const problem = v === null ? null : tracePrefixProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('追溯码前缀：20 位追溯码的前 7 位数字（标识产品），入库时追溯码须以它开头；省略、null 或空白 = 不检查');

export const gtin = z
  .string({ error: '商品条码必须是文字' })
  .nullish()
  .transform((v, ctx) => {
    if (!v?.trim()) return null;
    const g = normalizeGtin(v);
    if ('problem' in g) {
      ctx.addIssue({ code: 'custom', message: g.problem });
      return z.NEVER;
    }
    return g.gtin;
  })
  .describe('商品条码（GTIN）：8、12、13 或 14 位数字，校验位须正确，存为 14 位；扫到 GS1 追溯码时据此认出药品；各药品不能重复；省略、null 或空白 = 无');

export const insuranceClass = z
  .enum(['A', 'B', 'none'], { error: '医保类别应为 甲类(A)、乙类(B) 或 非医保(none)' })
  .describe(`医保类别。${valuesText({ A: '甲类', B: '乙类', none: '非医保（不在医保目录）' })}`);
export type InsuranceClass = z.infer<typeof insuranceClass>;

/** A price per pack in micro-yuan (1 yuan = 1,000,000). */
export const packPrice = unitPrice;

const packSize = z
  .number({ error: '包装数量必须是数字' })
  .int('包装数量必须是整数')
  .min(1, '包装数量至少为 1')
  .max(100_000, '包装数量过大')
  .describe('包装数量（转换比）：每包装单位含多少最小单位，1–100000 的整数（如每盒 24 粒填 24）；药品已有请领、采购或入库后不能再改');

const level = about(
  nonNegativeQty.nullish().transform((v) => v ?? null),
  '省略或 null = 不设',
);

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
  genericName: about(requiredText(100, '通用名'), '通用名'),
  tradeName: about(optionalText(100, '商品名'), '商品名'),
  dosageForm: about(requiredText(30, '剂型'), '剂型，如 胶囊剂'),
  spec: about(requiredText(100, '规格'), '规格，如 0.25g'),
  packUnit: about(requiredText(10, '包装单位'), '包装单位，如 盒、瓶'),
  baseUnit: about(requiredText(10, '最小单位'), '最小单位，如 粒、片、支：全部数量以它计；已有业务后不能再改'),
  packSize,
  manufacturer: about(requiredText(100, '生产企业'), '生产企业'),
  approvalNo,
  insuranceClass,
  essential: z.boolean().default(false).describe('国家基本药物'),
  vbp: z.boolean().default(false).describe('集采中选药品；为 false 时 vbpBatch 和 vbpPrice 必须为空'),
  vbpBatch: about(optionalText(30, '集采批次'), '集采批次，如 第七批；只有集采药品可填'),
  vbpPrice: about(
    packPrice.nullish().transform((v) => v ?? null),
    '中选价格，每包装单位；只有集采药品可填；省略或 null = 无',
  ),
  referencePrice: about(
    packPrice.nullish().transform((v) => v ?? null),
    '集采前参考价，每包装单位（用于计算集采节约金额）；省略或 null = 无',
  ),
  rx: z.boolean().default(true).describe('处方药（false = OTC）'),
  zeroMarkup: z.boolean().default(true).describe('零差率销售'),
  defaultSupplierId: about(
    id.nullish().transform((v) => v ?? null),
    '默认配送企业（汇总采购时向它订货）：须是启用的企业；省略或 null = 无',
  ),
  hubMin: about(level, '中心库库存下限：药库补货时低于它就补到上限'),
  hubMax: about(level, '中心库库存上限，不小于 hubMin'),
  clinicMin: about(level, '村卫生室库存下限（低于它时预警）'),
  clinicMax: about(level, '村卫生室库存上限，不小于 clinicMin'),
  tracePrefix,
  gtin,
};

const withDrugRules = <T extends z.ZodType<DrugRuleInput>>(schema: T) =>
  schema.superRefine((d, ctx) => {
    for (const p of drugRuleProblems(d)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
  });

const DRUG_RULES = 'vbp 为 false 时 vbpBatch、vbpPrice 须为空；hubMin ≤ hubMax，clinicMin ≤ clinicMax；nhsaCode 不能与其他药品重复（409 DUPLICATE）';

export const drugInput = withDrugRules(z.object(drugFields)).describe(DRUG_RULES);
export type DrugInput = z.input<typeof drugInput>;

/**
 * What a drug picker shows for one hit. stockQty: usable base units at the asked store (not expired, not in
 * quarantine), expiredQty the expired rest (both null without a store, and while a blind count hides the drug's
 * book there from the caller: then bookHidden is true).
 */
const drugId = out.id('药品');
const genericName = out.text('通用名');
const tradeName = out.text('商品名；null = 无').nullable();
const approvalNoOut = out.text('批准文号或注册证号，照证书原样，如 国药准字H20003263、国药准字HJ20171044、H20140345；null = 无').nullable();
const vbpBatchOut = out.text('集采批次，如 第七批；null = 无').nullable();

export const drugHit = z.object({
  id: drugId,
  nhsaCode: drugOut.nhsaCode,
  genericName,
  tradeName,
  dosageForm: drugOut.dosageForm,
  spec: drugOut.spec,
  packUnit: drugOut.packUnit,
  baseUnit: drugOut.baseUnit,
  packSize: drugOut.packSize,
  manufacturer: drugOut.manufacturer,
  approvalNo: approvalNoOut,
  insuranceClass,
  essential: drugOut.essential,
  vbp: drugOut.vbp,
  vbpBatch: vbpBatchOut,
  rx: out.flag('处方药（false = OTC）'),
  active: out.flag('启用；false = 已停用'),
  stockQty: out
    .qty('在所给库房可用的结存：未过期（有效期不早于中心今天的业务日期）且不在不合格品区的批次')
    .nullable()
    .describe(
      '在所给库房可用的结存（数量，最小单位 base units）：只计未过期（有效期不早于中心今天的业务日期）且不在不合格品区的批次；null = 没有给 storeId，或盲盘中对调用者隐藏（bookHidden）',
    ),
  bookHidden: out.flag('盲盘中：该药品在此库房的账面数对调用者隐藏（调用者是正在盘点的人），相应数字为 null；盘点审核或作废后恢复'),
  expiredQty: out
    .qty('在所给库房已过期、不计入 stockQty 的结存（不在不合格品区的批次）')
    .nullable()
    .describe('在所给库房已过期的结存（数量，最小单位 base units），不计入 stockQty；不含不合格品区的批次；null = 没有给 storeId，或盲盘中隐藏（bookHidden）'),
});
export type DrugHit = z.infer<typeof drugHit>;

/** A drug with everything the hub keeps about it. */
export const drugDetail = z.object({
  id: drugId,
  nhsaCode: drugOut.nhsaCode,
  genericName,
  tradeName,
  dosageForm: drugOut.dosageForm,
  spec: drugOut.spec,
  packUnit: drugOut.packUnit,
  baseUnit: drugOut.baseUnit,
  packSize: drugOut.packSize,
  manufacturer: drugOut.manufacturer,
  approvalNo: approvalNoOut,
  insuranceClass,
  essential: drugOut.essential,
  vbp: drugOut.vbp,
  vbpBatch: vbpBatchOut,
  /** Winning price per pack, micro-yuan. */
  vbpPrice: out.packPrice('中选价格', 'null = 无').nullable(),
  /** Price per pack before 集采, micro-yuan (for the savings figures). */
  referencePrice: out.packPrice('集采前参考价（计算节约金额用）', 'null = 无').nullable(),
  rx: out.flag('处方药（false = OTC）'),
  zeroMarkup: out.flag('零差率销售'),
  defaultSupplierId: out.id('默认配送企业', 'null = 未设置').nullable(),
  defaultSupplierName: out.text('默认配送企业名称；null = 未设置').nullable(),
  /** The default supplier's active contract price per pack (micro-yuan); null when it has none: a warning. */
  defaultSupplierPrice: out.packPrice('默认配送企业的有效合同价', 'null = 未设置默认企业或它没有有效合同价（汇总采购会报问题）').nullable(),
  hubMin: out.qty('中心库库存下限', 'null = 不设').nullable(),
  hubMax: out.qty('中心库库存上限', 'null = 不设').nullable(),
  clinicMin: out.qty('村卫生室库存下限', 'null = 不设').nullable(),
  clinicMax: out.qty('村卫生室库存上限', 'null = 不设').nullable(),
  tracePrefix: out.text('追溯码前缀（7 位数字）；null = 不检查').nullable(),
  gtin: out.text('商品条码 GTIN-14；null = 未设置').nullable(),
  active: out.flag('启用；false = 已停用（不出现在检索中，历史单据不变）'),
  /** Already received, ordered or requested: pack size and base unit can no longer change. */
  inUse: out.flag('已有请领、采购或入库记录：packSize 和 baseUnit 不能再改'),
  createdAt: out.instant('建立时刻'),
  updatedAt: out.instant('最近修改时刻'),
});
export type DrugDetail = z.infer<typeof drugDetail>;

/** Each importable field with what it is, for the docs. */
const IMPORT_FIELD_TEXT = valuesText(Object.fromEntries(CATALOG_COLUMNS.map((c) => [c.field, c.label])));

export const importField = z.enum(IMPORT_FIELDS).describe(`导入字段。${IMPORT_FIELD_TEXT}`);
/** Column number (1 = A) for each field; absent or null = not imported. */
export const importMapping = z
  .partialRecord(importField, z.number().int().min(1).max(16_384).nullable())
  .describe(
    `列映射 { 字段: 列号 }，列号 1 = A 列（1–16384）；省略或 null = 不导入该字段（已有药品保留原值）。nhsaCode 必须映射；一列只能对应一个字段。字段${IMPORT_FIELD_TEXT}`,
  );
export type ImportMapping = z.infer<typeof importMapping>;

export const importIssue = z.object({
  sheet: out.text('工作表名称'),
  /** Row number as the spreadsheet shows it. */
  row: out.int('行号，与 Excel 中显示的一致'),
  /** Column letter and header as in the file (or the field's export header when the column is missing). */
  column: out.text('列：字母和表头，如“F 列（最小包装数量）”；没有该列时为字段的列名'),
  reason: out.text('原因（中文），引用单元格中的原值'),
});
export type ImportIssue = z.infer<typeof importIssue>;

const WORKBOOK_BYTES = 64 * 1024 * 1024;
const IMPORT_ROLES = EDITORS;
/** At most this many problems travel back; the counts are always complete. */
export const MAX_REPORTED_ISSUES = 10_000;

const importSource = {
  file: fileInputAbout(
    '药品目录表格：Excel（.xlsx、.xls）、WPS（.et）、OpenDocument（.ods）、Excel 2003 XML、网页格式 .xls 或 CSV（UTF-8 或 GBK），按内容识别，最大 64 MiB',
  ),
  sheets: z
    .array(z.string().max(100))
    .max(100)
    .optional()
    .describe('要导入的工作表名称；省略 = 自动选择表头可识别字段最多的工作表（及表头相同的其他工作表），其余的在预览中列出原因'),
  skipHiddenRows: z.boolean().default(false).describe('跳过文件中隐藏的行（手动隐藏或被筛选隐藏）；false = 照常导入，预览中列出'),
};

const importAction = z
  .enum(['new', 'update', 'unchanged', 'error'])
  .describe(`该行的结果。${valuesText({ new: '新增药品（编码不存在）', update: '更新已有药品', unchanged: '与现有资料相同', error: '有错误' })}`);

const sheetRef = { sheet: out.text('工作表'), row: out.int('行号') };

export const importPreview = z.object({
  sheet: out.text('读取的（第一张）工作表'),
  sheets: z
    .array(
      z.object({
        name: out.text('工作表名称'),
        taken: out.flag('导入这张表'),
        hidden: out.flag('工作簿中隐藏的表'),
        headerRow: out.int('表头所在的行号；null = 没有找到表头').nullable(),
        rows: out.count('行数'),
        reason: out.text('没有导入的原因；null = 导入').nullable(),
      }),
    )
    .describe('工作簿中的每张工作表'),
  headerRow: out.int('表头所在的行号（Excel 行号）'),
  columns: z
    .array(
      z.object({
        index: out.int('列号，1 = A 列'),
        letter: out.text('列字母，如 A、AB'),
        header: out.text('表头文字（空列为空串）'),
        samples: z.array(z.string()).describe('前 3 个数据行中该列的非空文字'),
        hidden: out.flag('文件中隐藏的列'),
        passedOver: out.text('表头也对应某字段、但选用了另一列时的原因；null = 没有').nullable(),
      }),
    )
    .describe('表头的每一列（第一张导入的工作表）'),
  mapping: about(importMapping, '使用的列映射（未给 mapping 时为按表头自动识别的建议）'),
  /** Fields a new drug needs that no column is mapped to. */
  missingRequired: z.array(importField).describe('新增药品必须有、但没有映射到任何列的字段'),
  totalRows: out.count('表头下的数据行（不含已忽略的行和重复行）'),
  newCount: out.count('将新增的药品'),
  updatedCount: out.count('将更新的药品'),
  unchangedCount: out.count('资料不变的行'),
  errorRowCount: out.count('有错误的行'),
  errorCount: out.count('错误总数（一行可有多处）'),
  errors: z.array(importIssue).describe('错误明细，最多 10000 条（计数总是完整的）'),
  rows: z
    .array(
      z.object({
        sheet: out.text('工作表'),
        row: out.int('Excel 行号'),
        action: importAction,
        nhsaCode: out.text('医保编码（规范化后；有错误时为原文）'),
        genericName: out.text('通用名'),
        spec: out.text('规格'),
        manufacturer: out.text('生产企业'),
        changes: z.array(z.string()).describe('将修改的资料项（中文名），如 规格、中选价格'),
      }),
    )
    .describe('样例行，最多 200 行，有错误的在前'),
  format: out.text('读出的文件格式，如 Excel 97-2003 工作簿（.xls）'),
  encoding: out.text('文本文件的编码，如 GB18030；null = 不是文本文件').nullable(),
  warningCount: out.count('提示总数'),
  warnings: z
    .array(importIssue)
    .describe('提示（不阻止导入），最多 10000 条：读取时做的改动（去掉与最小单位相同的单位、全角改半角、“无”按空值）、规格或名称中的日期、完全相同的重复行'),
  ignored: z
    .array(z.object({ ...sheetRef, label: out.text('为什么不是数据：空行、合计行、注释行、签名行等'), text: out.text('该行的文字（截短）') }))
    .describe('不是数据的行（已忽略，不计错误）'),
  duplicates: z.array(z.object({ ...sheetRef, sameAs: out.int('与之完全相同的前一行') })).describe('与前面某行完全相同的行：只导入一次'),
  hiddenRows: z.array(z.object(sheetRef)).describe('文件中隐藏的数据行（手动或被筛选隐藏）'),
  hiddenRowsSkipped: out.flag('隐藏的行不导入（skipHiddenRows）'),
});
export type ImportPreview = z.infer<typeof importPreview>;

export const importResult = z.object({
  created: out.count('新增的药品'),
  updated: out.count('更新的药品'),
  unchanged: out.count('资料不变的行'),
  skippedRows: out.count('因有错误而跳过的行（只在 cleanRowsOnly 时可能 > 0）'),
  errorCount: out.count('错误总数'),
  errors: z.array(importIssue).describe('错误明细，最多 10000 条'),
});

export const catalogApi = {
  'catalog.search': defineMethod({
    summary: '药品检索（药品选择器）：中文、拼音首字母、全拼、医保编码或批准文号；可带某库房的库存。村医只能查本室库房',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({
      q: z
        .string({ error: '请输入检索内容' })
        .max(100, '检索内容过长')
        .describe(
          '检索内容：中文名、拼音首字母或全拼（通用名或商品名）、医保编码（精确，或 4 位以上前缀）、批准文号或其 8 位数字；空格后的词进一步筛选规格、生产企业等，如 “amxl 0.25g”',
        ),
      storeId: about(id.optional(), '同时返回该库房的结存；村医只能是本室库房'),
      limit: z.number().int().min(1).max(50, '最多返回 50 条').default(20).describe('最多返回的药品数'),
      includeInactive: z.boolean().default(false).describe('包括已停用的药品（排在所有启用药品之后）'),
    }),
    output: z.array(drugHit).describe('按匹配程度排序：编码或文号完全一致、名称完全一致、名称开头、编码开头、名称包含'),
  }),
  'catalog.get': defineMethod({
    summary: '一个药品的全部资料（含中选价格、库存上下限、默认配送企业及其合同价）',
    access: 'authenticated',
    write: false,
    input: z.object({ id: about(id, '药品') }),
    output: drugDetail,
  }),
  'catalog.list': defineMethod({
    summary: '药品目录列表：按关键字、状态、集采、医保类别、基本药物、配送企业筛选，分页',
    access: HUB_ROLES,
    write: false,
    input: z
      .object({
        q: z
          .string()
          .max(100, '检索内容过长')
          .optional()
          .describe('检索内容（同 catalog.search 的 q）；给出时按匹配程度排序，最多 2000 个匹配，否则按通用名拼音'),
        status: z
          .enum(['active', 'inactive', 'all'])
          .default('active')
          .describe(`状态。${valuesText({ active: '只看启用', inactive: '只看停用', all: '全部' })}`),
        vbp: z.boolean().optional().describe('true 只看集采药品，false 只看非集采；省略 = 不筛选'),
        essential: z.boolean().optional().describe('true 只看基本药物，false 只看非基本药物；省略 = 不筛选'),
        insuranceClass: about(insuranceClass.optional(), '只看该医保类别'),
        /** Drugs this supplier delivers: its default supplier, or it has an active contract price. */
        supplierId: about(id.optional(), '只看该企业供应的药品：它是默认配送企业，或有它的有效合同价'),
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
    input: withDrugRules(z.object({ id: about(id, '药品'), active: z.boolean().describe('启用；false = 停用'), ...drugFields })).describe(
      `${DRUG_RULES}；药品已有业务时 packSize 和 baseUnit 不能改（422 BUSINESS_RULE）。全部字段整体替换：省略的可选字段被清空或取默认值`,
    ),
    output: drugDetail,
  }),
  'catalog.setActive': defineMethod({
    summary: '启用或停用药品（停用后不再出现在检索中，历史单据不变）',
    access: EDITORS,
    write: true,
    input: z.object({ id: about(id, '药品'), active: z.boolean().describe('true = 启用，false = 停用') }),
    output: drugDetail,
  }),
  'catalog.importPreview': defineMethod({
    summary: '导入药品目录 Excel 的预览：识别列并给出建议映射，统计新增/更新/不变，列出每一处错误（行、列、原因）。不修改数据',
    access: IMPORT_ROLES,
    write: false,
    maxBodyBytes: WORKBOOK_BYTES,
    maxUploadBytes: WORKBOOK_BYTES,
    input: z.object({ ...importSource, mapping: about(importMapping.optional(), '省略 = 按表头自动识别') }),
    output: importPreview,
  }),
  'catalog.importCommit': defineMethod({
    summary: '导入药品目录 Excel（按医保编码新增或更新）：mode=all 时有任何错误则整个文件不导入；cleanRowsOnly 只导入无错误的行',
    access: IMPORT_ROLES,
    write: true,
    maxBodyBytes: WORKBOOK_BYTES,
    maxUploadBytes: WORKBOOK_BYTES,
    input: z.object({
      ...importSource,
      mapping: about(importMapping, '列映射：通常传回 catalog.importPreview 返回的 mapping（可修改）'),
      mode: z
        .enum(['all', 'cleanRowsOnly'])
        .describe(
          `导入方式。写入不超过 ${CATALOG_IMPORT_ONE_TRANSACTION_UP_TO} 种药品时在一个事务中全部写入或全不写入；更多时先整体检查，再每 ${CATALOG_IMPORT_ROWS_PER_BATCH} 种一个事务分批写入（停止后已写入的批次保留，同一文件再导入补齐其余）。${valuesText({ all: '有任何错误则整个文件不导入（400 VALIDATION）', cleanRowsOnly: '只导入无错误的行，有错误的行跳过' })}`,
        ),
    }),
    output: importResult,
  }),
  'catalog.export': defineMethod({
    summary: '导出药品目录为 Excel（列名与国家医保药品代码库一致，可再导入）',
    access: HUB_ROLES,
    write: false,
    input: z.object({ includeInactive: z.boolean().default(true).describe('包括已停用的药品') }).default({ includeInactive: true }),
    output: z.object({
      filename: out.text('文件名：药品目录-YYYYMMDD.xlsx'),
      base64: out.text('Excel 文件内容，base64'),
    }),
  }),
  'catalog.importErrorsExport': defineMethod({
    summary:
      '下载导入文件中有错误的行（下载错误数据）：按文件原样（原表头、原列位置、原值），每张导入的工作表一页，末尾加“原行号”“错误原因”两列；改正后可直接重新导入。不修改数据',
    access: IMPORT_ROLES,
    write: false,
    maxBodyBytes: WORKBOOK_BYTES,
    maxUploadBytes: WORKBOOK_BYTES,
    input: z.object({ ...importSource, mapping: about(importMapping.optional(), '与预览相同的列映射；省略 = 按表头自动识别') }),
    output: z.object({
      filename: out.text('文件名：原文件名-错误数据.xlsx'),
      base64: out.text('Excel 文件内容，base64'),
      rows: out.count('写入的有错误的行'),
    }),
  }),
  'catalog.importInterrupted': defineMethod({
    summary:
      '分批写入的药品目录导入是否被中途打断（程序退出、断电或点了“停止”）：返回该次导入写到了哪里。已写入的批次保留，同一文件再导入即补齐其余；之后任何一次导入成功后不再返回。不修改数据',
    access: IMPORT_ROLES,
    write: false,
    input: z.object({}).default({}),
    output: z
      .object({
        filename: out.text('导入的文件名'),
        startedAt: out.instant('开始写入的时刻；该次写入的药品，更新时间都是这一时刻'),
        startedBy: out.text('开始导入的人（显示名）；null = 不是由用户发起').nullable(),
        batches: out.count('计划写入的批数', `每批 ${CATALOG_IMPORT_ROWS_PER_BATCH} 种药品`),
        drugs: out.count('计划新增和更新的药品种数'),
        writtenBatches: out.count('已写入的批数'),
        writtenDrugs: out.count('已写入（新增或更新）的药品种数'),
      })
      .nullable()
      .describe('null = 没有被打断的导入（或导入正在进行）'),
  }),
  'catalog.importTemplate': defineMethod({
    summary: '下载药品目录导入模板（Excel）：导入的全部列，必填列红色带 *，甲乙类/是否/处方/状态列有下拉选项，两行示例和“填写说明”表',
    access: HUB_ROLES,
    write: false,
    input: z.object({}).default({}),
    output: z.object({
      filename: out.text('文件名：药品目录导入模板.xlsx'),
      base64: out.text('Excel 文件内容，base64'),
    }),
  }),
};
