import type { HandlerContext, WriteContext } from '../context';
import { assertClinicAccess } from '../scope';
import { sql, type ReadDb } from '../../db/database';
import type { StoreRow } from '../../../shared/contract/stock';
import { getStore } from '../master-data/stores';
import type { PostingContext } from './ledger';

/** A store the caller may look at: a village doctor only their own clinic's store (and its transit). */
export function accessibleStore(ctx: HandlerContext, storeId: number): StoreRow {
  const store = getStore(ctx.db, storeId);
  assertClinicAccess(ctx, store.clinicId);
  return store;
}

/**
 * The posting context of a write handler, on the given business date (today when absent). `datedOn`: the
 * day that date was given, when earlier than today (see PostingContext). A back-dated posting (补录) marks
 * the call's audit row with its date and the day it was recorded.
 */
export function postingContext(ctx: WriteContext, businessDate?: string | null, datedOn?: string): PostingContext {
  return {
    db: ctx.db,
    userId: ctx.user.id,
    businessDate: businessDate ?? ctx.today,
    today: ctx.today,
    now: ctx.now,
    datedOn,
    onBackdated: (date) => {
      if (!ctx.audit.backdated || date < ctx.audit.backdated.businessDate) ctx.audit.backdated = { businessDate: date, recordedOn: ctx.today };
    },
  };
}

export function userName(db: ReadDb, userId: number | null): string | null {
  if (userId == null) return null;
  const row = sql(db, 'SELECT display_name AS name FROM users WHERE id = ?').get(userId) as { name: string } | undefined;
  return row?.name ?? null;
}
