import crypto from 'node:crypto';
import type { ReadDb } from '../../electron/db/database';

/** Tables that change without any business write: the audit trail itself, sessions, login attempts. */
export const NON_BUSINESS_TABLES = new Set(['audit_log', 'sessions', 'login_attempts', 'fuzz_changes']);

export function businessTables(db: ReadDb): string[] {
  return (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[])
    .map((r) => r.name)
    .filter((n) => !NON_BUSINESS_TABLES.has(n));
}

/** A SHA-256 per business table over every row (order-independent), so a report can name what changed. */
export function tableChecksums(db: ReadDb): Record<string, string> {
  const out: Record<string, string> = {};
  for (const table of businessTables(db)) {
    const rows = (db.prepare(`SELECT * FROM "${table}"`).raw().all() as unknown[][]).map((r) =>
      JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
    );
    rows.sort();
    out[table] = crypto.createHash('sha256').update(rows.join('\n')).digest('hex');
  }
  return out;
}

export function businessChecksum(db: ReadDb): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify(tableChecksums(db)))
    .digest('hex');
}

/** Names of the tables whose checksum differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => before[n] !== after[n]).sort();
}
