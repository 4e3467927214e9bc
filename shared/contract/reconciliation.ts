import { z } from 'zod';
import { defineMethod } from './define';
import { clientToken, fileContent, fileInputAbout, id, isoDate, nonNegativeQty, optionalText, period, text } from './common';
import { DIFFERENCE_KINDS, DIFFERENCE_LABELS, IDENTITY_RETENTION, SETTLEMENT_COLUMNS, SETTLEMENT_FIELDS } from '../reconciliation';
import { about, out, valuesText } from './describe';

/**
 * 医保结算对账: a clinic's insurance settlement details imported from its insurance client, reconciled with
 * the dispensing in the hub's book, and posted as dispensing when the clinic chooses ("record once").
 * Village doctors import, review and post for their own clinic; the hub sees every clinic.
 */

const IMPORT_ROLES = ['admin', 'pharmacist', 'village_doctor'] as const;
const POST_ROLES = ['pharmacist', 'village_doctor'] as const;
const ADMIN = ['admin'] as const;
const WORKBOOK_BYTES = 64 * 1024 * 1024;

const clinicInput = about(id.optional(), '村卫生室：村医省略（即本室，给出他室答 403 FORBIDDEN_CLINIC）；药库角色必填');
const requiredClinic = about(id.optional(), '村卫生室：村医省略即本室；药库、财务、管理员必填');

const FIELD_TEXT = valuesText(Object.fromEntries(SETTLEMENT_COLUMNS.map((c) => [c.field, `${c.label}（${c.national.join('、')}）`])));

export const settlementField = z.enum(SETTLEMENT_FIELDS).describe(`结算明细的字段。${FIELD_TEXT}`);

export const settlementMapping = z
  .partialRecord(settlementField, z.number().int().min(1).max(16_384).nullable())
  .describe(
    `列映射 { 字段: 列号 }，列号 1 = A 列；省略或 null = 文件中没有该字段。mdtrtId、feeTime、medListCodg、cnt、amount 必须映射；一列只能对应一个字段。字段${FIELD_TEXT}`,
  );
export type SettlementMapping = z.infer<typeof settlementMapping>;

const importSource = {
  clinicId: clinicInput,
  file: fileInputAbout('医保结算客户端导出的费用明细：Excel（.xlsx、.xls、WPS .et）、OpenDocument、网页格式 .xls 或 CSV（UTF-8 或 GBK），最大 64 MiB'),
  sheets: z.array(z.string().max(100)).max(100).optional().describe('要导入的工作表名称；省略 = 自动选择表头可识别字段最多的工作表（及表头相同的其他工作表）'),
};

export const importIssue = z.object({
  sheet: out.text('工作表名称'),
  row: out.int('行号，与 Excel 中显示的一致'),
  column: out.text('列：如“E 列（数量）”；没有该列时为字段名'),
  reason: out.text('原因（中文）'),
});

const lineAction = z
  .enum(['new', 'known', 'error', 'non_drug'])
  .describe(
    `该行的结果。${valuesText({ new: '新的结算明细（将导入）', known: '已导入过（不变）', error: '有错误', non_drug: '不是药品（诊疗项目、耗材等），不参与对账' })}`,
  );

const drugRef = {
  drugId: out.id('药品目录中的药品', 'null = 目录中没有这个医保编码').nullable(),
  drugName: out.text('药品通用名（目录中没有时为文件中的项目名称）；null = 都没有').nullable(),
  spec: out.text('规格；null = 目录中没有').nullable(),
  packSize: z.number().int().nullable().describe('转换比：每包装单位含多少最小单位；null = 目录中没有'),
  packUnit: out.text('包装单位；null = 目录中没有').nullable(),
  baseUnit: out.text('最小单位，数量都以它计；null = 目录中没有').nullable(),
};

export const importPreviewRow = z.object({
  sheet: out.text('工作表'),
  row: out.int('Excel 行号'),
  action: lineAction,
  date: out.date('对账日期（费用发生的那一天；冲正行为被冲正明细的那一天）', 'null = 无法读出').nullable(),
  feeTime: out.text("费用发生时间 'YYYY-MM-DD HH:mm:ss'；null = 无法读出").nullable(),
  mdtrtId: out.text('就诊ID；null = 空').nullable(),
  medListCodg: out.text('医保目录编码（规范化后）；null = 空').nullable(),
  itemName: out.text('文件中的项目名称；null = 没有该列或为空').nullable(),
  ...drugRef,
  fileCnt: out.text('文件中的数量（原样）'),
  unitName: out.text('文件的数量单位（最小单位或包装单位）；null = 药品不在目录中').nullable(),
  unitInferred: out.flag('数量单位是按单价推断的（文件没有单位列）'),
  qty: out.qty('折合的数量，冲正为负', 'null = 药品不在目录中或有错误').nullable(),
  amount: out.fen('金额，冲正为负', 'null = 有错误').nullable(),
  reversal: out.flag('冲正（撤销）行：数量为负'),
  traceCodes: out.count('追溯码个数'),
  reasons: z.array(z.string()).describe('错误原因（action = error 时）'),
});

export const settlementImportPreview = z.object({
  clinicId: out.id('导入到的村卫生室'),
  format: out.text('读出的文件格式，如 Excel 97-2003 工作簿（.xls）'),
  encoding: out.text('文本文件的编码，如 GB18030；null = 不是文本文件').nullable(),
  sheets: z
    .array(
      z.object({
        name: out.text('工作表名称'),
        taken: out.flag('导入这张表'),
        headerRow: out.int('表头所在的行号；null = 没有找到表头').nullable(),
        rows: out.count('行数'),
        reason: out.text('没有导入的原因；null = 导入').nullable(),
      }),
    )
    .describe('工作簿中的每张工作表'),
  columns: z
    .array(
      z.object({
        sheet: out.text('工作表'),
        index: out.int('列号，1 = A 列'),
        letter: out.text('列字母'),
        header: out.text('表头文字'),
        field: settlementField.nullable().describe(`对应的字段；null = 不导入（该列的内容不保存）。${FIELD_TEXT}`),
        samples: z.array(z.string()).describe('前 3 个数据行中的文字；姓名、证件号码、人员编号列只显示遮盖后的样子'),
        passedOver: out.text('同名的另一列被选用时的原因；null = 没有').nullable(),
      }),
    )
    .describe('表头的每一列（第一张导入的工作表）'),
  mapping: about(settlementMapping, '使用的列映射（未给 mapping 时为按表头自动识别的建议）'),
  missingRequired: z.array(settlementField).describe('必须有、但没有映射到任何列的字段'),
  totalRows: out.count('表头下的数据行'),
  newLines: out.count('将导入的新结算明细'),
  knownLines: out.count('已导入过、不变的明细（同一文件再导入一次时全部是这种）'),
  reversalLines: out.count('其中的冲正行（数量为负）'),
  nonDrugRows: out.count('不是药品的行（诊疗项目、耗材），不导入'),
  unknownDrugLines: out.count('医保编码不在药品目录中的明细（照样导入，对账时列为“结算药品不在目录”）'),
  errorRows: out.count('有错误的行'),
  errorCount: out.count('错误总数'),
  errors: z.array(importIssue).describe('错误明细，最多 2000 条'),
  notes: z.array(importIssue).describe('提示（不阻止导入）：读取时做的改动、按单价推断的单位、金额与数量×单价不符等，最多 2000 条'),
  ignored: z
    .array(z.object({ sheet: out.text('工作表'), row: out.int('行号'), label: out.text('为什么不是数据：空行、合计行、签名行等') }))
    .describe('不是数据的行（已忽略）'),
  duplicates: z
    .array(z.object({ sheet: out.text('工作表'), row: out.int('行号'), sameAs: out.int('与之完全相同的前一行') }))
    .describe('与前面某行完全相同的行（不导入）'),
  firstDate: out.date('最早的对账日期', 'null = 没有可导入的明细').nullable(),
  lastDate: out.date('最晚的对账日期', 'null = 没有可导入的明细').nullable(),
  personal: z
    .object({
      names: out.count('带患者姓名的行'),
      certnos: out.count('带证件号码的行'),
      psnNos: out.count('带人员编号的行'),
    })
    .describe('文件中的个人信息：导入后在页面上遮盖显示，查看记入审计日志，超过保存期限后清除'),
  rows: z.array(importPreviewRow).describe('样例行，最多 200 行，有错误的在前'),
});
export type SettlementImportPreview = z.infer<typeof settlementImportPreview>;

export const settlementImportResult = z.object({
  importId: out.id('导入记录', 'null = 文件中没有新的明细（全部已导入过），不记导入记录，什么也没有改动').nullable(),
  clinicId: out.id('村卫生室'),
  added: out.count('新导入的结算明细'),
  known: out.count('已导入过、未改动的明细'),
  reversals: out.count('新导入的冲正行'),
  skippedRows: out.count('因有错误而跳过的行（只在 cleanRowsOnly 时可能 > 0）'),
  nonDrugRows: out.count('不是药品、不导入的行'),
  firstDate: out.date('最早的对账日期', 'null = 没有明细').nullable(),
  lastDate: out.date('最晚的对账日期', 'null = 没有明细').nullable(),
});

export const settlementImportRow = z.object({
  id: out.id('导入记录'),
  clinicId: out.id('村卫生室'),
  clinicName: out.text('村卫生室名称'),
  fileName: out.text('文件名'),
  firstDate: out.date('最早的对账日期', 'null = 没有明细').nullable(),
  lastDate: out.date('最晚的对账日期', 'null = 没有明细').nullable(),
  added: out.count('新导入的明细'),
  known: out.count('已导入过的明细'),
  skippedRows: out.count('跳过的有错误的行'),
  importedByName: out.text('导入人'),
  importedAt: out.instant('导入时刻'),
});

const differenceKind = z.enum(DIFFERENCE_KINDS).describe(`差异类型。${valuesText(DIFFERENCE_LABELS)}`);

const drugDay = {
  date: out.date('对账日期'),
  ...drugRef,
  medListCodg: out.text('医保目录编码'),
};

export const reconciliationRow = z.object({
  ...drugDay,
  settledQty: out.qty('结算数量（净额：冲正已抵减）', 'null = 药品不在目录，无法折算').nullable(),
  settledAmount: out.fen('结算金额（净额）'),
  settledLines: out.count('结算明细行数（含冲正行）'),
  dispensedQty: out.qty('本系统登记的用药数量（净额：冲销已抵减）'),
  dispensedAmount: out.fen('用药金额（按批次成本，零差率）'),
  selfPayQty: out.qty('卫生室标记为自费的数量'),
  diffQty: out.qty('结算数量 − 用药数量（正 = 结算多于发药，负 = 发药多于结算）', 'null = 药品不在目录').nullable(),
  /** Micro-yuan per base unit, the settled price's range. */
  settledUnitPrice: out.unitCost('结算单价折合每最小单位（多条明细单价不同时为最高的）', 'null = 药品不在目录').nullable(),
  hubUnitCost: out.unitCost('中心库配送给本室的价格（该日用药批次或最近配送批次的成本）', 'null = 本室从未收到该药').nullable(),
  kinds: z.array(differenceKind).describe('本行的差异（空 = 相符）'),
});
export type ReconciliationRow = z.infer<typeof reconciliationRow>;

export const visitMismatch = z.object({
  date: out.date('就诊日期'),
  mdtrtId: out.text('就诊ID（= 用药登记的就诊号）'),
  settled: z
    .array(z.object({ drugId: drugRef.drugId, drugName: drugRef.drugName, qty: out.qty('结算数量', 'null = 药品不在目录').nullable() }))
    .describe('结算了、但这次就诊的用药登记中没有的药品'),
  dispensed: z
    .array(z.object({ drugId: out.id('药品'), drugName: out.text('药品通用名'), qty: out.qty('用药数量') }))
    .describe('这次就诊登记发出、但没有结算的药品'),
});

export const codeDifference = z.object({
  kind: differenceKind,
  code: out.text('药品追溯码'),
  date: out.date('对账日期'),
  mdtrtId: out.text('就诊ID；null = 发药扫码一侧').nullable(),
  drugName: out.text('结算的药品；null = 不在目录').nullable(),
  detail: out.text('说明（中文），如 另一次结算的日期，或码所属的药品'),
});

const dayTotals = z.object({
  date: out.date('日期'),
  settledAmount: out.fen('结算金额'),
  dispensedAmount: out.fen('用药金额（成本）'),
  rows: out.count('药品行'),
  open: out.count('有差异的药品行（自费已标记的不算）'),
});

export const reconciliation = z.object({
  clinicId: out.id('村卫生室'),
  clinicCode: out.text('卫生室编码'),
  clinicName: out.text('卫生室名称'),
  from: out.date('第一天'),
  to: out.date('最后一天'),
  imported: out.flag('这段时间有导入的结算明细（false 时发药全部显示为“发药未结算”，可能只是还没导入）'),
  rows: z.array(reconciliationRow).describe('按日期、药品的对账行（有结算或有用药的）'),
  days: z.array(dayTotals).describe('按日汇总（有结算或有用药的日子）'),
  visits: z.array(visitMismatch).describe('同一次就诊结算与发药药品不同的'),
  codes: z.array(codeDifference).describe('追溯码的差异'),
  codeComparison: z
    .object({
      scanning: out.flag('用药登记扫码是否已启用：启用后比较结算的追溯码与发药扫的追溯码'),
      settledCodes: out.count('这段时间结算明细带的追溯码'),
      note: out.text('说明（中文）'),
    })
    .describe('追溯码比对的状态'),
  totals: z
    .object({
      settledAmount: out.fen('结算金额'),
      dispensedAmount: out.fen('用药金额（成本）'),
      openRows: out.count('有差异的药品行'),
      byKind: z.array(z.object({ kind: differenceKind, count: out.count('行数或就诊数、码数') })).describe('各类差异的个数'),
    })
    .describe('合计'),
});
export type Reconciliation = z.infer<typeof reconciliation>;

export const overviewRow = z.object({
  clinicId: out.id('村卫生室'),
  clinicCode: out.text('卫生室编码'),
  clinicName: out.text('卫生室名称'),
  settledLines: out.count('本月结算明细行数'),
  settledAmount: out.fen('本月结算金额'),
  dispensedAmount: out.fen('本月用药金额（成本）'),
  lastDate: out.date('已导入的最后一天', 'null = 本月没有导入').nullable(),
  openRows: out.count('有差异的药品 × 日'),
  byKind: z.array(z.object({ kind: differenceKind, count: out.count('个数') })).describe('各类差异的个数'),
});

export const settlementLine = z.object({
  id: out.id('结算明细'),
  date: out.date('对账日期'),
  feeTime: out.text("费用发生时间 'YYYY-MM-DD HH:mm:ss'"),
  mdtrtId: out.text('就诊ID'),
  setlId: out.text('结算ID；null = 文件中没有').nullable(),
  rxNo: out.text('处方号；null = 文件中没有').nullable(),
  ...drugRef,
  medListCodg: out.text('医保目录编码'),
  fileCnt: out.text('文件中的数量（原样）'),
  qty: out.qty('数量，冲正为负', 'null = 药品不在目录').nullable(),
  amount: out.fen('金额，冲正为负'),
  reversal: out.flag('冲正行'),
  reversed: out.flag('已被后来的冲正行抵消'),
  doctorName: out.text('开单医生；null = 文件中没有').nullable(),
  psnName: out.text('患者姓名：默认遮盖（王**）；reveal 时为全名；null = 没有或已过保存期限被清除').nullable(),
  certno: out.text('证件号码：默认遮盖（前 4 位与后 4 位）；null = 没有或已清除').nullable(),
  psnNo: out.text('人员编号：默认只显示后 4 位；null = 没有或已清除').nullable(),
  traceCodes: z.array(z.string()).describe('这一行带的追溯码'),
  postedDispensingId: out.id('按这一行登记的用药', 'null = 没有按它登记').nullable(),
});

const postingLot = z.object({ batchNo: out.text('批号'), expiryDate: out.date('有效期至'), qty: out.qty('从该批次扣减') });

export const postingLine = z.object({
  lineId: out.id('结算明细'),
  mdtrtId: out.text('就诊ID'),
  rxNo: out.text('处方号；null = 无').nullable(),
  feeTime: out.text('费用发生时间'),
  ...drugRef,
  medListCodg: out.text('医保目录编码'),
  qty: out.qty('数量', 'null = 药品不在目录').nullable(),
  canPost: out.flag('可以登记'),
  reason: out.text('不能登记的原因（中文）；null = 可以登记').nullable(),
  lots: z.array(postingLot).describe('登记时扣减的批次（先到期先用；结算带有中心库登记过的追溯码时先用那盒药的批次）'),
  amount: out.fen('用药金额（成本）；不能登记时为 0'),
});

export const postingPreview = z.object({
  clinicId: out.id('村卫生室'),
  date: out.date('对账日期'),
  lines: z.array(postingLine).describe('当天尚未登记用药的结算明细（不含冲正行与已有同次就诊同药品登记的）'),
  postable: out.count('可以登记的行'),
  entries: out.count('将生成的用药登记（每次就诊一笔）'),
  amount: out.fen('可以登记的行的用药金额（成本）合计'),
});

export const postingResult = z.object({
  dispensingIds: z.array(z.number().int()).describe('生成的用药登记编号（每次就诊一笔）'),
  lines: out.count('登记的结算明细行'),
  amount: out.fen('用药金额（成本）合计'),
});

export const sheetRow = z.object({
  ...drugRef,
  medListCodg: out.text('医保目录编码'),
  settledQty: out.qty('结算数量（净额）', 'null = 药品不在目录').nullable(),
  settledAmount: out.fen('结算金额（净额）'),
  dispensedQty: out.qty('用药数量（净额）'),
  dispensedAmount: out.fen('用药金额（成本）'),
  selfPayQty: out.qty('标记为自费的数量'),
  diffQty: out.qty('结算 − 用药', 'null = 药品不在目录').nullable(),
  diffAmount: out.fen('结算金额 − 用药金额'),
  openDays: out.count('有差异的日子'),
  kinds: z.array(differenceKind).describe('出现过的差异'),
});

export const reconciliationSheet = z.object({
  hubName: out.text('卫生院名称'),
  clinicId: out.id('村卫生室'),
  clinicCode: out.text('卫生室编码'),
  clinicName: out.text('卫生室名称'),
  period: out.period('月份'),
  closed: out.flag('该月已结账'),
  rows: z.array(sheetRow).describe('按药品（结算或用药过的），按通用名排序'),
  differences: z
    .array(
      z.object({
        date: out.date('日期'),
        drugName: out.text('药品'),
        kinds: z.array(differenceKind).describe('差异'),
        settledQty: out.qty('结算数量', 'null = 不在目录').nullable(),
        dispensedQty: out.qty('用药数量'),
        baseUnit: out.text('最小单位；null = 不在目录').nullable(),
      }),
    )
    .describe('逐日的差异（自费已标记的不列）'),
  visits: out.count('同次就诊药品不符的就诊'),
  totals: z
    .object({
      settledAmount: out.fen('结算金额合计 = 各行之和'),
      dispensedAmount: out.fen('用药金额合计 = 各行之和'),
      diffAmount: out.fen('差额 = 结算 − 用药'),
    })
    .describe('合计'),
});
export type ReconciliationSheet = z.infer<typeof reconciliationSheet>;

const RETENTION_TEXT = `${IDENTITY_RETENTION.min}–${IDENTITY_RETENTION.max} 个月，默认 ${IDENTITY_RETENTION.default}`;

export const reconciliationSettings = z.object({
  identityMonths: out.count(`患者姓名、证件号码、人员编号的保存期限（月，按对账日期算；${RETENTION_TEXT}）`),
  cutoff: out.date('早于这一天的明细应清除个人信息'),
  due: out.count('已过期限、仍带个人信息的结算明细（执行清除后为 0）'),
  lastPurgeAt: out.instant('上次清除的时刻', 'null = 从未清除').nullable(),
});

export const reconciliationApi = {
  'reconciliation.importPreview': defineMethod({
    summary: '导入医保结算明细的预览：识别列（国家医保接口字段名或中文表头）、统计新增/已导入/冲正/非药品、列出每一处错误（行、列、原因）。不修改数据',
    access: IMPORT_ROLES,
    write: false,
    clinicScoped: true,
    maxBodyBytes: WORKBOOK_BYTES,
    maxUploadBytes: WORKBOOK_BYTES,
    input: z.object({ ...importSource, mapping: about(settlementMapping.optional(), '省略 = 按表头自动识别') }),
    output: settlementImportPreview,
  }),
  'reconciliation.importCommit': defineMethod({
    summary:
      '导入医保结算明细：已导入过的明细不变（同一文件再导入一次不改动任何数据），冲正行抵消原明细；mode=all 时有任何错误则整个文件不导入（400 VALIDATION）',
    access: IMPORT_ROLES,
    write: true,
    clinicScoped: true,
    maxBodyBytes: WORKBOOK_BYTES,
    maxUploadBytes: WORKBOOK_BYTES,
    input: z.object({
      ...importSource,
      mapping: about(settlementMapping, '通常传回预览返回的 mapping（可修改）'),
      mode: z
        .enum(['all', 'cleanRowsOnly'])
        .describe(`导入方式（一个事务）。${valuesText({ all: '有任何错误则整个文件不导入', cleanRowsOnly: '只导入无错误的行' })}`),
    }),
    output: settlementImportResult,
  }),
  'reconciliation.imports': defineMethod({
    summary: '结算明细的导入记录（新的在前）；村医只看本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z
      .object({
        clinicId: about(id.optional(), '只看该卫生室；村医无论如何只看本室'),
        limit: z.number().int().min(1).max(500).default(50).describe('最多返回的记录数'),
      })
      .default({ limit: 50 }),
    output: z.array(settlementImportRow).describe('导入记录'),
  }),
  'reconciliation.overview': defineMethod({
    summary: '各卫生室一个月的对账概况：结算金额、用药金额、各类差异个数；村医只看本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ period: about(period, '月份'), clinicId: about(id.optional(), '只看该卫生室；村医无论如何只看本室') }),
    output: z.array(overviewRow).describe('按卫生室编码排序（不含停用且本月没有数据的卫生室）'),
  }),
  'reconciliation.clinic': defineMethod({
    summary: '一个卫生室按日、按药品的对账：结算与用药的数量和金额，每一处差异分类（结算未发药、发药未结算/自费、同次就诊药品不符、价格不符、追溯码）',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z
      .object({
        clinicId: requiredClinic,
        from: about(isoDate, '第一天'),
        to: about(isoDate, '最后一天：不早于 from，最多 31 天'),
      })
      .superRefine((v, ctx) => {
        if (v.from > v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: '结束日期不能早于开始日期' });
      }),
    output: reconciliation,
  }),
  'reconciliation.sheet': defineMethod({
    summary: '月度对账单（打印用）：按药品的结算与用药数量、金额和差额，逐日差异；村医只看本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ clinicId: requiredClinic, period: about(period, '月份') }),
    output: reconciliationSheet,
  }),
  'reconciliation.export': defineMethod({
    summary: '月度对账单导出为 Excel（.xlsx）：按药品的结算与用药、逐日差异两张工作表；不含患者个人信息；村医只能导出本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ clinicId: requiredClinic, period: about(period, '月份') }),
    output: fileContent.describe('Excel 文件（.xlsx）'),
  }),
  'reconciliation.lines': defineMethod({
    summary: '查看结算明细（含患者信息，默认遮盖姓名和证件号码）：每次查看都记入审计日志；reveal 显示全部，须填写原因，也记入审计日志',
    access: 'authenticated',
    write: false,
    auditedRead: true,
    clinicScoped: true,
    input: z
      .object({
        clinicId: requiredClinic,
        date: about(isoDate, '对账日期'),
        drugId: about(id.optional(), '只看该药品'),
        medListCodg: about(text(50, '医保编码').optional(), '只看该医保编码（目录中没有的药品用它）'),
        mdtrtId: about(text(60, '就诊ID').optional(), '只看这次就诊'),
        reveal: z.boolean().default(false).describe('显示完整的姓名、证件号码和人员编号（记入审计日志）'),
        revealReason: about(optionalText(200, '查看原因'), '查看完整个人信息的原因：reveal 为 true 时必填'),
      })
      .superRefine((v, ctx) => {
        if (v.reveal && !v.revealReason) ctx.addIssue({ code: 'custom', path: ['revealReason'], message: '查看完整的个人信息须填写原因' });
      }),
    output: z.array(settlementLine).describe('结算明细，按费用发生时间'),
  }),
  'reconciliation.markSelfPay': defineMethod({
    summary: '标记某日某药的用药为患者自费（发药未结算不再算差异）；qty 为 0 取消标记',
    access: POST_ROLES,
    write: true,
    clinicScoped: true,
    input: z.object({
      clinicId: clinicInput,
      date: about(isoDate, '用药日期'),
      drugId: about(id, '药品'),
      qty: about(nonNegativeQty, '自费的数量（最小单位），不超过当天该药的用药数量；0 = 取消标记'),
      note: about(optionalText(200, '说明'), '说明，如 患者未带医保卡'),
    }),
    output: z.object({ ok: z.literal(true).describe('总是 true：已标记') }),
  }),
  'reconciliation.postingPreview': defineMethod({
    summary:
      '按结算明细登记用药的核对（一次录入）：当天尚未登记的结算明细逐行试算先到期先用的批次，列出不能登记的行和原因（无库存、药品不在目录、超过补录期限、已结账……）。不修改业务数据，记入审计日志',
    access: POST_ROLES,
    write: true,
    clinicScoped: true,
    input: z.object({ clinicId: clinicInput, date: about(isoDate, '对账日期（用药按这一天记账）') }),
    output: postingPreview,
  }),
  'reconciliation.post': defineMethod({
    summary:
      '按结算明细登记用药：所选各行全部登记或全部不登记（任何一行不能登记时 422/409 并列出原因）；每次就诊一笔用药登记，就诊号 = 就诊ID，批次先到期先用，库存按那一天检查',
    access: POST_ROLES,
    write: true,
    clinicScoped: true,
    input: z.object({
      clinicId: clinicInput,
      date: about(isoDate, '对账日期'),
      lineIds: z.array(id).min(1, '请选择要登记的结算明细').max(2000).describe('要登记的结算明细（来自 postingPreview 中 canPost 的行）'),
      clientToken: about(clientToken.optional(), '同一标识再次提交不会重复登记'),
    }),
    output: postingResult,
  }),
  'reconciliation.settings': defineMethod({
    summary: '结算明细中个人信息的保存期限，以及已过期限、待清除的明细数',
    access: ['admin', 'pharmacist'],
    write: false,
    input: z.object({}).strict().default({}),
    output: reconciliationSettings,
  }),
  'reconciliation.updateSettings': defineMethod({
    summary: '设置结算明细中个人信息的保存期限（月）',
    access: ADMIN,
    write: true,
    input: z.object({
      identityMonths: z
        .number()
        .int('保存期限必须是整月')
        .min(IDENTITY_RETENTION.min, `保存期限不能少于 ${IDENTITY_RETENTION.min} 个月`)
        .max(IDENTITY_RETENTION.max, `保存期限不能超过 ${IDENTITY_RETENTION.max} 个月`)
        .describe(`保存期限（月）：${RETENTION_TEXT}`),
    }),
    output: reconciliationSettings,
  }),
  'reconciliation.purge': defineMethod({
    summary: '清除已过保存期限的结算明细中的患者姓名、证件号码和人员编号（数量、金额、就诊ID 保留，对账不受影响）；本身记入审计日志',
    access: ADMIN,
    write: true,
    input: z.object({}).strict().default({}),
    output: z.object({
      cleared: out.count('清除了个人信息的明细'),
      cutoff: out.date('清除了早于这一天的明细'),
    }),
  }),
};
