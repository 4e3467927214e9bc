import { sql, type Db } from '../../db/database';
import { AppError, notFound } from '../../errors';

// TODO(merge): replaced by purchasing's recordReceivedQty when the purchasing branch lands.

/** Adds (or with a negative delta, takes back) received quantity on an order line and moves the order's status. */
export function applyReceivedQty(db: Db, poLineId: number, delta: number): void {
  const line = sql(db, 'SELECT po_id AS poId, qty, received_qty AS received FROM purchase_order_lines WHERE id = ?').get(poLineId) as
    | { poId: number; qty: number; received: number }
    | undefined;
  if (!line) throw notFound('采购订单明细');
  const after = line.received + delta;
  if (after > line.qty) throw new AppError('BUSINESS_RULE', `超出订购数量：订购 ${line.qty}，已收 ${line.received}，本次 ${delta}`);
  if (after < 0) throw new AppError('BUSINESS_RULE', '已收数量不能为负');
  sql(db, 'UPDATE purchase_order_lines SET received_qty = ? WHERE id = ?').run(after, poLineId);
  const totals = sql(db, 'SELECT sum(qty) AS ordered, sum(received_qty) AS received FROM purchase_order_lines WHERE po_id = ?').get(line.poId) as {
    ordered: number;
    received: number;
  };
  const status = totals.received === 0 ? 'sent' : totals.received >= totals.ordered ? 'received' : 'partly_received';
  sql(db, 'UPDATE purchase_orders SET status = ? WHERE id = ?').run(status, line.poId);
}
