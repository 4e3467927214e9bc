/**
 * Monthly partitions of the partitioned fact tables, made when a month's first package arrives. Made under a
 * transaction-level advisory lock, so two packages of a new month arriving together do not race to create it.
 */
import type { Client } from './db';

export const PARTITIONED_TABLES = [
  'ledger_facts',
  'document_facts',
  'clinic_facts',
  'drug_facts',
  'supplier_facts',
  'snapshot_facts',
  'price_facts',
  'accuracy_facts',
  'stockout_facts',
  'signal_facts',
  'dismissal_facts',
] as const;
const PARTITION_LOCK = 0x5041_5254; // 'PART'

function nextMonth(first: string): string {
  const y = Number(first.slice(0, 4));
  const m = Number(first.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

export const partitionName = (table: string, first: string) => `${table}_${first.slice(0, 4)}_${first.slice(5, 7)}`;

export async function ensureMonthPartitions(c: Client, first: string): Promise<void> {
  if (!/^\d{4}-\d{2}-01$/.test(first)) throw new Error(`not a month: ${first}`);
  const existing = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_class WHERE relname = ANY($1)', [
    PARTITIONED_TABLES.map((t) => partitionName(t, first)),
  ]);
  if (existing.rows[0].n === PARTITIONED_TABLES.length) return;
  await c.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
  for (const table of PARTITIONED_TABLES) {
    // Identifiers come from the fixed table list and a checked date, never from a package.
    await c.query(`CREATE TABLE IF NOT EXISTS ${partitionName(table, first)} PARTITION OF ${table} FOR VALUES FROM ('${first}') TO ('${nextMonth(first)}')`);
  }
}
