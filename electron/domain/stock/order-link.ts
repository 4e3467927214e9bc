import type { WriteDb } from '../../db/database';
import { recordReceivedQty, reverseReceivedQty } from '../purchasing/orders';

/** An order's status as people see it (a short-closed order is stored as received). */
export { ORDER_STATUS_SQL } from '../purchasing/orders';

/**
 * Adds (or with a negative delta, takes back) received quantity on an order line and moves the order's
 * status, through purchasing's rules (no receipts on draft or cancelled orders, no over-receipt).
 */
export function applyReceivedQty(db: WriteDb, poLineId: number, delta: number, at?: Date): void {
  if (delta > 0) recordReceivedQty(db, poLineId, delta, at);
  else if (delta < 0) reverseReceivedQty(db, poLineId, -delta, at);
}
