import type { HandlerContext } from '../context';
import { sql } from '../../db/database';
import { AppError } from '../../errors';

/**
 * A blind count is only blind if the counting doctor cannot read the book elsewhere: while a blind
 * stocktake of their store is open (counting, or awaiting review, since lines may come back for a recount),
 * a village doctor cannot read the book of the drugs under count at that store — the drugs drawn in a spot
 * check, every drug in a full count. Hub roles are not limited here.
 */
export interface BlindScope {
  docNo: string;
  /** 'all' for a full count, else the drugs on the sheet. */
  drugs: 'all' | Set<number>;
}

export function blindScope(ctx: HandlerContext, storeId: number): BlindScope | null {
  if (ctx.user.role !== 'village_doctor') return null;
  const open = sql(ctx.db, "SELECT id, doc_no AS docNo, kind FROM stocktakes WHERE store_id = ? AND blind = 1 AND status IN ('counting', 'submitted')").get(
    storeId,
  ) as { id: number; docNo: string; kind: string } | undefined;
  if (!open) return null;
  if (open.kind === 'full') return { docNo: open.docNo, drugs: 'all' };
  const rows = sql(ctx.db, 'SELECT DISTINCT drug_id AS drugId FROM stocktake_lines WHERE stocktake_id = ?').all(open.id) as { drugId: number }[];
  return { docNo: open.docNo, drugs: new Set(rows.map((r) => r.drugId)) };
}

export function isHidden(scope: BlindScope | null, drugId: number): boolean {
  return scope !== null && (scope.drugs === 'all' || scope.drugs.has(drugId));
}

/** Refuses a view of a store's book (drugId undefined) or of one drug while it is under a blind count. */
export function assertBookReadable(ctx: HandlerContext, storeId: number, drugId?: number): void {
  const scope = blindScope(ctx, storeId);
  if (!scope) return;
  if (drugId !== undefined && !isHidden(scope, drugId)) return;
  throw new AppError('INVALID_STATE', `本室正在盲盘（${scope.docNo}），盘点审核完成前不能查看${drugId === undefined ? '本室' : '该药品的'}账面库存`);
}
