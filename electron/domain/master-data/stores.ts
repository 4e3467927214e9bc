/**
 * Stores: the hub's shelf, each clinic's shelf and its goods in transit. Every workflow finds its stores here,
 * so a store is named and checked the same way everywhere.
 */
import { sql, type ReadDb } from '../../db/database';
import { AppError, notFound } from '../../errors';
import type { StoreRow } from '../../../shared/contract/stock';

const STORE_SELECT = `SELECT s.id, s.kind, s.clinic_id AS clinicId, c.code AS clinicCode, s.name
  FROM stores s LEFT JOIN clinics c ON c.id = s.clinic_id`;

export function getStore(db: ReadDb, storeId: number): StoreRow {
  const store = sql(db, `${STORE_SELECT} WHERE s.id = ?`).get(storeId) as StoreRow | undefined;
  if (!store) throw notFound('库房');
  return store;
}

/** The stores of one clinic (or all when `clinicId` is null) of active clinics, the hub first. */
export function listStores(db: ReadDb, clinicId: number | null, includeTransit: boolean): StoreRow[] {
  const transit = includeTransit ? '' : " AND s.kind <> 'transit'";
  const active = '(s.clinic_id IS NULL OR c.active = 1)';
  const order = "ORDER BY CASE s.kind WHEN 'hub' THEN 0 ELSE 1 END, c.code, s.kind";
  return (
    clinicId === null
      ? sql(db, `${STORE_SELECT} WHERE ${active}${transit} ${order}`).all()
      : sql(db, `${STORE_SELECT} WHERE s.clinic_id = ? AND ${active}${transit} ${order}`).all(clinicId)
  ) as StoreRow[];
}

export function hubStoreId(db: ReadDb): number {
  const row = sql(db, "SELECT id FROM stores WHERE kind = 'hub'").get() as { id: number } | undefined;
  if (!row) throw new AppError('INVALID_STATE', '中心药库尚未建立，请先完成首次设置');
  return row.id;
}

export interface ClinicStores {
  /** The clinic's shelf. */
  storeId: number;
  /** Goods issued to the clinic and not yet signed for (the hub's until signed). */
  transitId: number;
}

export function clinicStores(db: ReadDb, clinicId: number): ClinicStores {
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
