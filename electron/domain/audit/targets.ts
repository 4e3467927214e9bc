import type { ReadDb } from '../../db/database';

/**
 * How an audit row's target ('<kind>:<id>') is named for people: the document number, or the name of
 * the master record. Looked up when the log is read, so every domain's writes get readable targets as
 * soon as they set `ctx.audit.target`; kinds whose table is not (yet) in the schema simply stay bare.
 */
const TARGET_TABLES: Record<string, { table: string; label: string; clinic?: string }> = {
  user: { table: 'users', label: 'username', clinic: 'clinic_id' },
  clinic: { table: 'clinics', label: 'name', clinic: 'id' },
  supplier: { table: 'suppliers', label: 'name' },
  drug: { table: 'drugs', label: 'generic_name' },
  requisition: { table: 'requisitions', label: 'doc_no', clinic: 'clinic_id' },
  aggregation: { table: 'aggregations', label: 'doc_no' },
  purchase_order: { table: 'purchase_orders', label: 'doc_no' },
  receipt: { table: 'receipts', label: 'doc_no' },
  delivery: { table: 'deliveries', label: 'doc_no', clinic: 'clinic_id' },
  dispensing: { table: 'dispensings', label: 'rx_no', clinic: 'clinic_id' },
  return: { table: 'stock_returns', label: 'doc_no', clinic: 'clinic_id' },
  writeoff: { table: 'writeoffs', label: 'doc_no' },
  stocktake: { table: 'stocktakes', label: 'doc_no', clinic: 'clinic_id' },
  statement: { table: 'statements', label: 'doc_no', clinic: 'clinic_id' },
  signal_dismissal: { table: 'signal_dismissals', label: 'fingerprint', clinic: 'clinic_id' },
  settlement_import: { table: 'settlement_imports', label: 'file_name', clinic: 'clinic_id' },
};

const columnsCache = new WeakMap<ReadDb, Map<string, Set<string>>>();
function columnsOf(db: ReadDb, table: string): Set<string> {
  let byTable = columnsCache.get(db);
  if (!byTable) columnsCache.set(db, (byTable = new Map()));
  let cols = byTable.get(table);
  if (!cols) {
    cols = new Set((db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[]).map((r) => r.name));
    byTable.set(table, cols);
  }
  return cols;
}

export interface TargetInfo {
  label: string | null;
  clinicId: number | null;
}

/** The label (document number or name) and owning clinic of a target, when its table knows them. */
export function describeTarget(db: ReadDb, target: string | null): TargetInfo | null {
  if (!target) return null;
  const m = /^([a-z_]+):(\d+)$/.exec(target);
  if (!m) return null;
  const spec = TARGET_TABLES[m[1]];
  if (!spec) return null;
  const cols = columnsOf(db, spec.table);
  if (!cols.has(spec.label) || !cols.has('id')) return null;
  const clinicCol = spec.clinic && cols.has(spec.clinic) ? spec.clinic : null;
  const row = db
    .prepare(`SELECT "${spec.label}" AS label${clinicCol ? `, "${clinicCol}" AS clinicId` : ''} FROM "${spec.table}" WHERE id = ?`)
    .get(Number(m[2])) as { label: unknown; clinicId?: unknown } | undefined;
  if (!row) return null;
  return {
    label: typeof row.label === 'string' && row.label ? row.label : null,
    clinicId: typeof row.clinicId === 'number' ? row.clinicId : null,
  };
}
