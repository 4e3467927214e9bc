/**
 * Whether a store can keep a drug as its label says (GSP): a 冷藏 (or 冷冻) drug needs an active cold storage area
 * (冷藏柜) at the destination, a 阴凉 drug an active cool or cold one; 常温 fits anywhere. Issuing a drug to a store
 * that cannot keep it is the hub's decision to make knowingly: an override with a reason, kept on the line.
 */
import { sql, type ReadDb } from '../../db/database';
import { AREA_KIND_LABELS, STORAGE_CONDITION_LABELS, type AreaKind, type StorageCondition } from '../../../shared/gsp';

const AREAS_THAT_KEEP: Record<StorageCondition, readonly AreaKind[] | null> = {
  room: null,
  cool: ['cool', 'cold'],
  cold: ['cold'],
  // No area kind freezes; a fridge is the nearest the hub knows, and the pharmacist decides with a reason.
  frozen: ['cold'],
};

export function drugStorageCondition(db: ReadDb, drugId: number): StorageCondition {
  return (sql(db, 'SELECT storage_condition AS c FROM drugs WHERE id = ?').get(drugId) as { c: StorageCondition }).c;
}

/** Why the store cannot keep the drug, in Chinese; null when it can. */
export function storageMismatch(db: ReadDb, storeId: number, drugId: number): string | null {
  const condition = drugStorageCondition(db, drugId);
  const kinds = AREAS_THAT_KEEP[condition];
  if (!kinds) return null;
  const areas = sql(db, 'SELECT kind FROM storage_areas WHERE store_id = ? AND active = 1').all(storeId) as { kind: AreaKind }[];
  if (areas.some((a) => kinds.includes(a.kind))) return null;
  const store = (sql(db, 'SELECT name FROM stores WHERE id = ?').get(storeId) as { name: string }).name;
  const wanted = kinds.map((k) => AREA_KIND_LABELS[k]).join('或');
  return `${store}没有启用的${wanted}，不能按${STORAGE_CONDITION_LABELS[condition]}保存`;
}
