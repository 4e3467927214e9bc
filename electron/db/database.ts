import Database from 'better-sqlite3';

export type Db = Database.Database;
export type Statement = Database.Statement;

/** PRAGMA application_id of every Santong database: 'STNG'. Lets restore refuse foreign files. */
export const APPLICATION_ID = 0x53544e47;

export interface OpenOptions {
  readonly?: boolean;
}

/**
 * Opens the hub's database file. The writer uses WAL with full fsync: a committed document survives a
 * crash or a power cut. Readers are opened read-only so a read path cannot write.
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  const db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  }
  db.pragma('cache_size = -32000');
  db.pragma('temp_store = MEMORY');
  return db;
}

const statementCache = new WeakMap<Db, Map<string, Statement>>();

/** A prepared statement, compiled once per connection. */
export function sql(db: Db, text: string): Statement {
  let byText = statementCache.get(db);
  if (!byText) {
    byText = new Map();
    statementCache.set(db, byText);
  }
  let stmt = byText.get(text);
  if (!stmt) {
    stmt = db.prepare(text);
    byText.set(text, stmt);
  }
  return stmt;
}

/**
 * The WHERE clause of the filters a caller gave: each term (one `?`) whose value is present, joined by AND.
 * Each combination is a statement of its own, so SQLite picks the index that fits the filters at hand;
 * "(? IS NULL OR col = ?)" makes every combination scan the whole table, years of it.
 */
export function givenFilters(terms: [term: string, value: unknown][]): { where: string; params: unknown[] } {
  const given = terms.filter(([, value]) => value !== undefined && value !== null);
  return { where: given.length ? `WHERE ${given.map(([term]) => term).join(' AND ')}` : '', params: given.map(([, value]) => value) };
}

export const bool = (v: unknown): boolean => v === 1 || v === 1n || v === true;

/** A row as SQLite returns it: the listed boolean fields come back as 0/1 integers. */
export type SqlRow<T, BoolKeys extends keyof T = never> = Omit<T, BoolKeys> & { [K in BoolKeys]: number };
