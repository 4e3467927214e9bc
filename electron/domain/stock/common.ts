import type { HandlerContext, WriteContext } from '../context';
import { assertClinicAccess } from '../scope';
import { sql, type ReadDb } from '../../db/database';
import { AppError, notFound } from '../../errors';
import type { StoreRow } from '../../../shared/contract/stock';
import { addDays } from '../../../shared/dates';
import { NEAR_EXPIRY_DAYS } from '../../../shared/stock';
import { formatQty } from '../../../shared/units';
import type { PostingContext } from './ledger';

const STORE_SELECT = `SELECT s.id, s.kind, s.clinic_id AS clinicId, c.code AS clinicCode, s.name
  FROM stores s LEFT JOIN clinics c ON c.id = s.clinic_id`;

export function getStore(db: ReadDb, storeId: number): StoreRow {
  const store = sql(db, `${STORE_SELECT} WHERE s.id = ?`).get(storeId) as StoreRow | undefined;
  if (!store) throw notFound('库房');
  return store;
}

/** A store the caller may look at: a village doctor only their own clinic's store (and its transit). */
export function accessibleStore(ctx: HandlerContext, storeId: number): StoreRow {
  const store = getStore(ctx.db, storeId);
  assertClinicAccess(ctx, store.clinicId);
  return store;
}

export function listStores(db: ReadDb, clinicId: number | null, includeTransit: boolean): StoreRow[] {
  return sql(
    db,
    `${STORE_SELECT} WHERE (? IS NULL OR s.clinic_id = ?) AND (? = 1 OR s.kind <> 'transit')
       AND (s.clinic_id IS NULL OR c.active = 1)
     ORDER BY CASE s.kind WHEN 'hub' THEN 0 ELSE 1 END, c.code, s.kind`,
  ).all(clinicId, clinicId, includeTransit ? 1 : 0) as StoreRow[];
}

export function hubStoreId(db: ReadDb): number {
  const row = sql(db, "SELECT id FROM stores WHERE kind = 'hub'").get() as { id: number } | undefined;
  if (!row) throw new AppError('INVALID_STATE', '中心药库尚未建立，请先完成首次设置');
  return row.id;
}

export function clinicStores(db: ReadDb, clinicId: number): { storeId: number; transitId: number } {
  const rows = sql(db, "SELECT id, kind FROM stores WHERE clinic_id = ? AND kind IN ('clinic', 'transit')").all(clinicId) as { id: number; kind: string }[];
  const storeId = rows.find((r) => r.kind === 'clinic')?.id;
  const transitId = rows.find((r) => r.kind === 'transit')?.id;
  if (!storeId || !transitId) throw notFound('村卫生室');
  return { storeId, transitId };
}

export function assertActiveClinic(db: ReadDb, clinicId: number): void {
  const row = sql(db, 'SELECT active FROM clinics WHERE id = ?').get(clinicId) as { active: number } | undefined;
  if (!row) throw notFound('村卫生室');
  if (row.active !== 1) throw new AppError('BUSINESS_RULE', '该村卫生室已停用');
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

export interface DrugSnapshot {
  drugId: number;
  drugName: string;
  spec: string;
  dosageForm: string;
  manufacturer: string;
  packUnit: string;
  baseUnit: string;
  packSize: number;
  insuranceClass: string;
  vbp: number;
  active: number;
}

export function drugSnapshot(db: ReadDb, drugId: number): DrugSnapshot {
  const d = sql(
    db,
    `SELECT id AS drugId, generic_name AS drugName, spec, dosage_form AS dosageForm, manufacturer, pack_unit AS packUnit,
            base_unit AS baseUnit, pack_size AS packSize, insurance_class AS insuranceClass, vbp, active
       FROM drugs WHERE id = ?`,
  ).get(drugId) as DrugSnapshot | undefined;
  if (!d) throw notFound('药品');
  return d;
}

export function nearExpiryLimit(today: string): string {
  return addDays(today, NEAR_EXPIRY_DAYS);
}

export function userName(db: ReadDb, userId: number | null): string | null {
  if (userId == null) return null;
  const row = sql(db, 'SELECT display_name AS name FROM users WHERE id = ?').get(userId) as { name: string } | undefined;
  return row?.name ?? null;
}

/** Quantity as people read it, e.g. 3盒6粒. */
export function describeQty(qty: number, d: Pick<DrugSnapshot, 'packSize' | 'packUnit' | 'baseUnit'>): string {
  return formatQty(qty, d.packSize, d.packUnit, d.baseUnit);
}
