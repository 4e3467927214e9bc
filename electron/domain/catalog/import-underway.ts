/**
 * A big import writes its drugs in batches (import-batches.ts), and a server that stops between two of them (power
 * cut, crash, the pharmacist's 停止) leaves the batches written and no answer in anyone's browser. So the import says
 * in the hub's settings what it is writing: set in its first batch's transaction, advanced in each batch's, removed in
 * its last (and by any import that commits afterwards, which the pharmacist made knowing the catalog). Found while no
 * import runs, it is the record of one cut off: the catalog page says which file, when, and how far it got.
 */
import { sql, type ReadDb, type WriteDb } from '../../db/database';
import { getSetting, setSetting } from '../settings';

export interface ImportUnderway {
  filename: string;
  /** The import's instant (ISO): every drug it wrote carries it as updated_at. */
  startedAt: string;
  /** Who started it, by the name the hub shows; null for a call without a user. */
  startedBy: string | null;
  batches: number;
  drugs: number;
  writtenBatches: number;
  writtenDrugs: number;
}

const KEY = 'catalog.importUnderway';

export function noteImportUnderway(db: WriteDb, underway: ImportUnderway): void {
  setSetting(db, KEY, JSON.stringify(underway));
}

export function clearImportUnderway(db: WriteDb): void {
  sql(db, 'DELETE FROM settings WHERE key = ?').run(KEY);
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The note, or null when there is none or it is not one this code wrote (a damaged value never breaks the page). */
export function importUnderway(db: ReadDb): ImportUnderway | null {
  const raw = getSetting(db, KEY);
  if (raw === null) return null;
  let v: Partial<ImportUnderway>;
  try {
    v = JSON.parse(raw) as Partial<ImportUnderway>;
  } catch {
    return null;
  }
  const ok =
    typeof v === 'object' &&
    v !== null &&
    typeof v.filename === 'string' &&
    typeof v.startedAt === 'string' &&
    !Number.isNaN(Date.parse(v.startedAt)) &&
    (v.startedBy === null || typeof v.startedBy === 'string') &&
    isCount(v.batches) &&
    isCount(v.drugs) &&
    isCount(v.writtenBatches) &&
    isCount(v.writtenDrugs);
  return ok ? (v as ImportUnderway) : null;
}
