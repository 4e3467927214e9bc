import { z } from 'zod';
import { defineMethod } from './define';
import { fileContent, id, period } from './common';
import { INTERFACE_CODES, INTERFACE_NAMES } from '../insurance-export';
import { about, out, valuesText } from './describe';

/** One store (the hub's or a clinic's), or every store when storeId is left out (a village doctor: their own). */
const scopeInput = {
  period: about(period, '月份：不能是未来的月份'),
  storeId: about(id.optional(), '库房：中心药库或一个卫生室库房（不能是在途库房）；省略 = 全部库房（村医：本室）。村医只能是本室'),
};

const interfaceCode = z.enum(INTERFACE_CODES).describe(`接口编号。${valuesText(INTERFACE_NAMES)}`);

export const exportStore = z.object({
  id: out.id('库房'),
  kind: z.enum(['hub', 'clinic']).describe(`库房类型。${valuesText({ hub: '中心药库', clinic: '村卫生室' })}`),
  name: out.text('库房名称'),
  clinicId: out.id('村卫生室', 'null = 中心药库').nullable(),
  clinicCode: out.text('卫生室编码；null = 中心药库').nullable(),
});

export const interfaceSummary = z.object({
  code: interfaceCode,
  name: out.text('接口名称，如 商品盘存上传'),
  rows: out.count('该接口的行数'),
  /** Sum of the rows' counts, in base units (3501: stock on hand at the end of the month). */
  qty: out.qty('各行数量绝对值之和（3501：月末结存）'),
  /** Sum of the ledger amounts behind the rows, in fen, as a positive figure (3501: the stock's value). */
  amount: out.fen('各行背后台账金额的绝对值之和（3501：结存金额）'),
});

const exportWarningLabels = {
  no_mfg_date: '批次没有生产日期（manu_date 留空）',
  no_approval_no: '药品没有批准文号（aprvno 留空）',
  no_invoice_no: '退货对应的入库单没有发票号（留空）',
  month_not_ended: '月份尚未结束，盘存按今天',
  month_open: '月份已结束但尚未结账',
  snapshot_mismatch: '盘存与结账快照不一致',
  empty: '所选库房本月没有业务也没有结存',
};

export const exportWarning = z.object({
  code: z
    .enum(['no_mfg_date', 'no_approval_no', 'no_invoice_no', 'month_not_ended', 'month_open', 'snapshot_mismatch', 'empty'])
    .describe(`提示代码。${valuesText(exportWarningLabels)}`),
  message: out.text('提示（中文）'),
  count: out.count('出现次数'),
  /** A few examples (drug, batch, document), at most 20. */
  examples: z.array(z.string()).describe('几个例子（药品、批号、单据），最多 20 个'),
});

export const insuranceExportPreview = z.object({
  hubName: out.text('卫生院名称'),
  period: out.period('月份'),
  closed: out.flag('该月已结账'),
  /** The 盘存 date: the month's last day, or today while the month runs. */
  invdate: out.date('盘存日期（3501 invdate）：月末最后一天，本月未结束时为今天'),
  stores: z.array(exportStore).describe('导出的库房'),
  interfaces: z.array(interfaceSummary).describe('3501–3506 每个接口一项'),
  /** Ledger rows of the month at the exported stores (the hub's with the clinics' transit stores); each appears in exactly one row of 3502–3506. */
  ledgerRows: out.count('这些库房本月的台账行数（中心药库含各卫生室的在途库房）：每行恰好出现在 3502–3506 的一行中'),
  warnings: z.array(exportWarning).describe('提示（不阻止导出）'),
  /** Fields the platform defines that Santong does not keep: exported empty. */
  notKept: z
    .array(
      z.object({
        code: interfaceCode,
        fields: z.array(z.string()).describe('字段代码，如 dynt_no'),
        why: out.text('为什么没有（中文）'),
      }),
    )
    .describe('接口规范中有、而三统不保存的字段：导出为空'),
  notes: z.array(z.string()).describe('台账到各接口的对应规则（中文）'),
});
export type InsuranceExportPreview = z.infer<typeof insuranceExportPreview>;

const EXPORT_ROLES = 'authenticated' as const;

export const insuranceExportApi = {
  'insuranceExport.preview': defineMethod({
    summary:
      '医保进销存上传数据预览（月）：按 3501 盘存、3502 库存变更、3503 采购、3504 采购退货、3505 销售、3506 销售退货统计行数、数量、金额，并列出缺少的字段；中心药库或某个卫生室，或全部；村医只能看本室',
    access: EXPORT_ROLES,
    write: false,
    clinicScoped: true,
    input: z.object(scopeInput),
    output: insuranceExportPreview,
  }),
  'insuranceExport.download': defineMethod({
    summary:
      '导出医保进销存上传文件（月）：JSON（按接口的入参结构，字段名与国家医保信息平台一致，一个库房一份）或 Excel（每个接口一张表，第一行字段代码、第二行中文名；全部库房时每行注明库房）；村医只能导出本室',
    access: EXPORT_ROLES,
    write: false,
    clinicScoped: true,
    input: z.object({
      ...scopeInput,
      format: z
        .enum(['json', 'xlsx'], { error: '导出格式只能是 JSON 或 Excel' })
        .describe(
          `格式。${valuesText({ json: 'JSON：{"3501": [...], …, "3506": [...]}，只能一个库房（须给 storeId，村医除外）', xlsx: 'Excel：每个接口一张表，可含全部库房' })}`,
        ),
    }),
    output: fileContent.describe('医保进销存-<库房或全部>-<月份>.json 或 .xlsx；数量为最小单位，单价为每最小单位成本（元，6 位小数）'),
  }),
};
