/**
 * Who signs each printed document, in the order the lines appear. The print component and the Excel export
 * of the same document both read it here, so a sheet signed on paper and the same sheet opened in Excel ask
 * for the same people (issue 17: they differed — the clinic statement's Excel had no 卫生室确认).
 */
export const SIGNATURES = {
  purchaseOrder: ['经办人', '审核人', '负责人', '配送企业确认'],
  hubStatement: ['经办人', '审核人', '负责人'],
  transitStatement: ['经办人', '审核人'],
  clinicStatement: ['经办人', '审核人', '负责人', '卫生室确认'],
  clinicSummary: ['经办人', '审核人', '负责人'],
  supplierStatement: ['经办人', '审核人', '负责人', '配送企业确认'],
  supplierSummary: ['经办人', '审核人', '负责人'],
  deliveryNote: ['发货人', '送货人', '收货人'],
  reconciliation: ['经办人', '审核人', '负责人', '卫生室确认'],
  reconciliationDays: ['核查人', '卫生室确认'],
  stocktakeCount: ['盘点人', '监盘人', '复核人'],
  stocktakeResult: ['盘点人', '监盘人', '审核人', '负责人'],
  acceptance: ['验收人', '复核人', '质量负责人'],
  quarantine: ['经办人', '监督人', '质量负责人'],
  envLog: ['记录人', '质量负责人'],
  stockCard: ['记账人', '复核人', '负责人'],
  onHand: ['保管员', '复核人', '负责人'],
  alerts: ['保管员', '负责人'],
  auditLog: ['核查人', '负责人'],
  supervisionDrill: ['制表人', '审核人', '负责人'],
} as const satisfies Record<string, readonly string[]>;

/** The lines a document without its own entry asks for. */
export const DEFAULT_SIGNATURES = ['经办人', '审核人', '负责人'] as const;

export type SignedDocument = keyof typeof SIGNATURES;
