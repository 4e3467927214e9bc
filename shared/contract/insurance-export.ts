import { z } from 'zod';
import { defineMethod } from './define';
import { fileContent, id, period } from './common';
import { INTERFACE_CODES } from '../insurance-export';

const int = z.number().int();

/** One store (the hub's or a clinic's), or every store when storeId is left out (a village doctor: their own). */
const scopeInput = { period, storeId: id.optional() };

export const exportStore = z.object({ id: int, kind: z.enum(['hub', 'clinic']), name: z.string(), clinicId: int.nullable(), clinicCode: z.string().nullable() });

export const interfaceSummary = z.object({
  code: z.enum(INTERFACE_CODES),
  name: z.string(),
  rows: int,
  /** Sum of the rows' counts, in base units (3501: stock on hand at the end of the month). */
  qty: int,
  /** Sum of the ledger amounts behind the rows, in fen, as a positive figure (3501: the stock's value). */
  amount: int,
});

export const exportWarning = z.object({
  code: z.enum(['no_mfg_date', 'no_approval_no', 'no_invoice_no', 'month_not_ended', 'month_open', 'snapshot_mismatch', 'empty']),
  message: z.string(),
  count: int,
  /** A few examples (drug, batch, document), at most 20. */
  examples: z.array(z.string()),
});

export const insuranceExportPreview = z.object({
  hubName: z.string(),
  period: z.string(),
  closed: z.boolean(),
  /** The 盘存 date: the month's last day, or today while the month runs. */
  invdate: z.string(),
  stores: z.array(exportStore),
  interfaces: z.array(interfaceSummary),
  /** Ledger rows of the month at the exported stores (the hub's with the clinics' transit stores); each appears in exactly one row of 3502–3506. */
  ledgerRows: int,
  warnings: z.array(exportWarning),
  /** Fields the platform defines that Santong does not keep: exported empty. */
  notKept: z.array(z.object({ code: z.enum(INTERFACE_CODES), fields: z.array(z.string()), why: z.string() })),
  notes: z.array(z.string()),
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
    input: z.object({ ...scopeInput, format: z.enum(['json', 'xlsx'], { error: '导出格式只能是 JSON 或 Excel' }) }),
    output: fileContent,
  }),
};
