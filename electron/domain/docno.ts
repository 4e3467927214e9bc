import { sql, type ReadDb } from '../db/database';

/** Prefixes of document numbers, as printed on paper (拼音首字母 of the document's name). */
export type DocPrefix =
  | 'QL' // 请领单 requisition
  | 'HZ' // 汇总 aggregation
  | 'CG' // 采购订单 purchase order
  | 'RK' // 验收入库 receipt
  | 'CK' // 出库配送 delivery to a clinic
  | 'TH' // 退货 return
  | 'BS' // 报损 write-off
  | 'PD' // 盘点 stocktake
  | 'JS'; // 结算 settlement

/** Next document number, e.g. CG-202611-0007. Must run inside the write transaction that creates the document. */
export function nextDocNo(db: ReadDb, prefix: DocPrefix, businessDate: string): string {
  const period = businessDate.slice(0, 7).replace('-', '');
  const row = sql(
    db,
    `INSERT INTO doc_sequences (prefix, period, last) VALUES (?, ?, 1)
     ON CONFLICT (prefix, period) DO UPDATE SET last = last + 1 RETURNING last`,
  ).get(prefix, period) as { last: number };
  return `${prefix}-${period}-${String(row.last).padStart(4, '0')}`;
}
