/**
 * The drugs an import writes, staged before its transaction in a TEMP table of the import's own connection. SQLite
 * keeps TEMP tables apart from the database file, private to the connection (in memory here: temp_store), so
 * filling one takes no lock on the hub's file and holds no village's write. The import's one transaction (all or
 * nothing) then writes every staged drug with two statements run inside SQLite: written row by row from JavaScript,
 * 150,000 drugs held every other write of the hub for ~5 s of CPU, and the villages' postings waited 6–8 s on the LAN.
 */
import type { WriteDb } from '../../db/database';
import { DRUG_COLUMNS, drugValues, type DrugRecord } from './drugs';

const STAGED = 'temp.catalog_import_staged';

/** A drug the import writes: new (existingId null) or an update of the drug with that id. */
export interface StagedDrug {
  existingId: number | null;
  record: DrugRecord;
}

/**
 * Replaces what this connection staged with `drugs`, in file order. Writes nothing to the hub's file. `afterRow` runs
 * after each row (a worker's pace point: the TEMP table holds no lock anybody waits for).
 */
export function stageDrugs(db: WriteDb, drugs: Iterable<StagedDrug>, afterRow?: () => unknown): void {
  db.transaction(() => {
    db.exec(`DROP TABLE IF EXISTS ${STAGED}`);
    // No STRICT and no checks here: the rows were checked by the evaluation, and drugs' own constraints check them
    // again as they are written.
    // before_updated_at: the updated drug's stamp as the first batch of a batched write saw it (import-batches.ts).
    db.exec(`CREATE TEMP TABLE catalog_import_staged (seq INTEGER PRIMARY KEY, existing_id INTEGER, before_updated_at TEXT, ${DRUG_COLUMNS.join(', ')})`);
    const insert = db.prepare(`INSERT INTO ${STAGED} (existing_id, ${DRUG_COLUMNS.join(', ')}) VALUES (?, ${DRUG_COLUMNS.map(() => '?').join(', ')})`);
    for (const d of drugs) {
      insert.run(d.existingId, ...drugValues(d.record));
      afterRow?.();
    }
  })();
}

/**
 * Writes the staged drugs: new ones in file order (their ids in that order, as row-by-row inserts gave them), then
 * the updates. Must run inside the import's write transaction, against the catalog the staged rows were evaluated
 * on (the caller checks that). When the file more than doubles the catalog (a national file into a hub's few
 * thousand drugs), drugs' plain indexes are dropped and built again once at the end, inside the same transaction:
 * building an index from sorted rows costs about half of keeping it up row by row, and this transaction holds
 * every other write of the hub. The unique indexes stay: they are the checks.
 */
export function writeStagedDrugs(db: WriteDb, at: string): void {
  const rebuilt = moreThanDoublesCatalog(db) ? dropPlainDrugIndexes(db) : [];
  writeStagedRange(db, { from: 1, to: Number.MAX_SAFE_INTEGER }, at);
  // Created again with their own text, so the schema reads as the migrations left it.
  for (const index of rebuilt) db.exec(index.sql);
}

/** Staged rows `from`..`to` (their seq: 1-based, in file order) of a batched write. */
export interface StagedRange {
  from: number;
  to: number;
}

/** The staged rows cut into ranges of at most `size` rows, in file order. */
export function stagedRanges(db: WriteDb, size: number): StagedRange[] {
  const last = (db.prepare(`SELECT max(seq) FROM ${STAGED}`).pluck().get() as number | null) ?? 0;
  const ranges: StagedRange[] = [];
  for (let from = 1; from <= last; from += size) ranges.push({ from, to: Math.min(last, from + size - 1) });
  return ranges;
}

/**
 * Notes each updated drug's updated_at as this transaction sees it. Called in a batched write's first transaction,
 * where the caller has checked that the drugs are those the rows were evaluated on: a later batch then knows
 * whether anyone changed its drugs in between (every write of a drug stamps updated_at).
 */
export function noteStagedUpdatesStamps(db: WriteDb): void {
  db.exec(`UPDATE ${STAGED} SET before_updated_at = (SELECT updated_at FROM drugs WHERE id = existing_id) WHERE existing_id IS NOT NULL`);
}

/** Whether a drug that rows `range` update was written by anyone since noteStagedUpdatesStamps. */
export function stagedRangeTouched(db: WriteDb, range: StagedRange): boolean {
  return (
    db
      .prepare(
        `SELECT EXISTS (SELECT 1 FROM ${STAGED} s JOIN drugs d ON d.id = s.existing_id
          WHERE s.seq BETWEEN ? AND ? AND d.updated_at IS NOT s.before_updated_at)`,
      )
      .pluck()
      .get(range.from, range.to) === 1
  );
}

/** The drug ids rows `range` update. */
export function stagedRangeUpdates(db: WriteDb, range: StagedRange): number[] {
  return db.prepare(`SELECT existing_id FROM ${STAGED} WHERE seq BETWEEN ? AND ? AND existing_id IS NOT NULL`).pluck().all(range.from, range.to) as number[];
}

/** How many new and updated drugs rows 1..`through` write. */
export function stagedCountsThrough(db: WriteDb, through: number): { created: number; updated: number } {
  return db
    .prepare(`SELECT count(*) FILTER (WHERE existing_id IS NULL) AS created, count(existing_id) AS updated FROM ${STAGED} WHERE seq <= ?`)
    .get(through) as { created: number; updated: number };
}

/**
 * Writes staged rows `range`: new drugs in file order (their ids in that order), then the updates. For one batch of
 * a batched write, in its own transaction, the drugs' indexes stay: other writes run between two batches.
 */
export function writeStagedRange(db: WriteDb, range: StagedRange, at: string): void {
  const columns = DRUG_COLUMNS.join(', ');
  db.prepare(
    `INSERT INTO drugs (${columns}, created_at, updated_at) SELECT ${columns}, @at, @at FROM ${STAGED} WHERE existing_id IS NULL AND seq BETWEEN @from AND @to ORDER BY seq`,
  ).run({ at, ...range });
  db.prepare(
    `UPDATE drugs SET ${DRUG_COLUMNS.map((c) => `${c} = s.${c}`).join(', ')}, updated_at = @at FROM ${STAGED} s WHERE s.existing_id = drugs.id AND s.seq BETWEEN @from AND @to`,
  ).run({ at, ...range });
}

function moreThanDoublesCatalog(db: WriteDb): boolean {
  const added = db.prepare(`SELECT count(*) FROM ${STAGED} WHERE existing_id IS NULL`).pluck().get() as number;
  const existing = db.prepare('SELECT count(*) FROM drugs').pluck().get() as number;
  return added > existing;
}

/** Drops drugs' indexes that check nothing (not UNIQUE, not the primary key's) and returns their definitions. */
function dropPlainDrugIndexes(db: WriteDb): { name: string; sql: string }[] {
  const plain = db
    .prepare(
      "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'drugs' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
    )
    .all() as { name: string; sql: string }[];
  for (const index of plain) db.exec(`DROP INDEX main."${index.name}"`);
  return plain;
}

/** The staged drugs' generic and trade names the search index lacks (none when they were indexed ahead). */
export function stagedNamesNotIndexed(db: WriteDb): string[] {
  return db
    .prepare(
      `SELECT name FROM (SELECT generic_name AS name FROM ${STAGED} UNION SELECT trade_name FROM ${STAGED} WHERE trade_name IS NOT NULL)
        WHERE name NOT IN (SELECT name FROM search_names) ORDER BY name`,
    )
    .pluck()
    .all() as string[];
}
