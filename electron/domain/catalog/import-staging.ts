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
    db.exec(`CREATE TEMP TABLE catalog_import_staged (seq INTEGER PRIMARY KEY, existing_id INTEGER, ${DRUG_COLUMNS.join(', ')})`);
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
  const columns = DRUG_COLUMNS.join(', ');
  db.prepare(`INSERT INTO drugs (${columns}, created_at, updated_at) SELECT ${columns}, @at, @at FROM ${STAGED} WHERE existing_id IS NULL ORDER BY seq`).run({
    at,
  });
  db.prepare(`UPDATE drugs SET ${DRUG_COLUMNS.map((c) => `${c} = s.${c}`).join(', ')}, updated_at = @at FROM ${STAGED} s WHERE s.existing_id = drugs.id`).run({
    at,
  });
  // Created again with their own text, so the schema reads as the migrations left it.
  for (const index of rebuilt) db.exec(index.sql);
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
