/** Where a delivery note stands, and what each state is called on screen and on paper. */
export const DELIVERY_STATUSES = ['in_transit', 'signed', 'discrepancy', 'resolved'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = {
  in_transit: '在途待签收',
  signed: '已签收',
  discrepancy: '签收有差异',
  resolved: '差异已处理',
};

/** Kinds of stock movement. Each ledger row has one; a reversal keeps the movement of the row it reverses. */
export const MOVEMENTS = [
  'receipt', // 验收入库: supplier → hub (+hub)
  'supplier_return', // 退货给配送企业 (−hub)
  'issue_out', // 配送出库 (−hub)
  'transit_in', // 在途 (+transit)
  'transit_out', // 在途转出 (−transit): signed for by the clinic, or brought back
  'issue_in', // 签收入库 (+clinic)
  'transit_back', // 配送差异退回中心库 (+hub)
  'dispense', // 用药登记 (−clinic)
  'clinic_return_out', // 村卫生室退回 (−clinic)
  'clinic_return_in', // 中心库收到退回 (+hub)
  'writeoff', // 报损 (−)
  'count_surplus', // 盘盈 (+)
  'count_shortage', // 盘亏 (−)
] as const;
export type Movement = (typeof MOVEMENTS)[number];

export const MOVEMENT_LABELS: Record<Movement, string> = {
  receipt: '验收入库',
  supplier_return: '退货出库',
  issue_out: '配送出库',
  transit_in: '配送在途',
  transit_out: '在途转出',
  issue_in: '签收入库',
  transit_back: '差异退回',
  dispense: '用药登记',
  clinic_return_out: '退回中心库',
  clinic_return_in: '卫生室退回入库',
  writeoff: '报损',
  count_surplus: '盘盈',
  count_shortage: '盘亏',
};

/** The sign each movement normally has (a reversal row has the opposite). */
export const MOVEMENT_SIGN: Record<Movement, 1 | -1> = {
  receipt: 1,
  supplier_return: -1,
  issue_out: -1,
  transit_in: 1,
  transit_out: -1,
  issue_in: 1,
  transit_back: 1,
  dispense: -1,
  clinic_return_out: -1,
  clinic_return_in: 1,
  writeoff: -1,
  count_surplus: 1,
  count_shortage: -1,
};

export type StoreKind = 'hub' | 'clinic' | 'transit';

/** Days before expiry from which a lot counts as near expiry (近效期). */
export const NEAR_EXPIRY_DAYS = 180;

export const RETURN_REASON_LABELS = {
  near_expiry: '近效期',
  quality: '质量问题',
  damaged: '破损',
  overstock: '积压',
  recall: '召回',
  wrong_item: '错发',
  other: '其他',
} as const;

export const WRITEOFF_REASON_LABELS = {
  expired: '过期',
  damaged: '破损',
  lost: '丢失',
  quality: '质量问题',
  other: '其他',
} as const;

/** What a ledger row's source document is, in words (the stock card's 单据 column when it has no number). */
export const LEDGER_DOC_TYPE_LABELS: Record<string, string> = {
  receipt: '入库单',
  delivery: '配送单',
  dispensing: '用药登记',
  return: '退货单',
  writeoff: '报损单',
  stocktake: '盘点单',
};

/** A ledger row's document as a person finds it on paper: its number, or its kind when it has none (never an internal id). */
export function ledgerDocText(docType: string, docNo: string | null): string {
  return docNo ?? `${LEDGER_DOC_TYPE_LABELS[docType] ?? '单据'}（无单据号）`;
}

/** The filters of 库存查询, as the screen, its printout and its Excel file name them. */
export const ON_HAND_FILTER_LABELS = {
  in_stock: '有库存',
  near_expiry: '近效期',
  expired: '已过期',
  below_min: '低于下限',
  out_of_stock: '缺货',
  all: '全部',
} as const;
export type OnHandFilter = keyof typeof ON_HAND_FILTER_LABELS;
