import Database from 'better-sqlite3';

/**
 * The two handles, told apart by the compiler (after Signal Desktop's ReadableDB / WritableDB). A WriteDb is the
 * writer connection, used inside a write method's transaction. A ReadDb can only read: its statements have no
 * `run`, and it has no `exec` or `transaction`, so a read path that tries to write does not compile (and the
 * read connection is opened read-only besides). A WriteDb is accepted wherever a ReadDb is: a writer may read.
 */
export type WriteDb = Database.Database;
export type Statement = Database.Statement;
export type ReadStatement = Omit<Database.Statement, 'run'>;
export type ReadDb = Omit<
  Database.Database,
  'prepare' | 'exec' | 'transaction' | 'backup' | 'serialize' | 'function' | 'aggregate' | 'table' | 'loadExtension'
> & {
  prepare(source: string): ReadStatement;
};

/**
 * Runs `read` inside one read transaction, so every statement sees the same snapshot (WAL) even while the
 * writer commits between them. A read transaction writes nothing, so a ReadDb may open one.
 */
export function readSnapshot<T>(db: ReadDb, read: () => T): T {
  const handle = db as WriteDb;
  return handle.inTransaction ? read() : handle.transaction(read)();
}

/** PRAGMA application_id of every Santong database: 'STNG'. Lets restore refuse foreign files. */
export const APPLICATION_ID = 0x53544e47;

export interface OpenOptions {
  readonly?: boolean;
}

/**
 * Opens the hub's database file. The writer uses WAL with full fsync: a committed document survives a
 * crash or a power cut. Readers are opened read-only so a read path cannot write.
 */
export function openDatabase(file: string, opts: OpenOptions = {}): WriteDb {
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

/**
 * The writer connection of a worker thread (a catalog import, the month facts) to the live file. It never
 * checkpoints: SQLite's default would copy the whole log into the database file inside whichever of its commits
 * crosses 1000 pages, with the hub's write gate still held for it (150,000 drugs: ~80 MB of log). The hub's
 * checkpoint worker does that (wal-checkpoints.ts), as it does for the server's own writer.
 */
export function openWorkerWriter(file: string): WriteDb {
  const db = openDatabase(file);
  db.pragma('wal_autocheckpoint = 0');
  return db;
}

/**
 * Runs `read` (which may await) inside one read transaction of `db`, a connection of its own (a worker's): every
 * statement sees the database as of the first one, whatever the server's thread commits meanwhile. Without it each
 * statement is its own snapshot, and a check that compares two reads (the month's totals carried forward against
 * the stock on hand) finds a "difference" that is only a dispensing committed between them.
 */
export async function inOneSnapshot<T>(db: WriteDb, read: () => T | Promise<T>): Promise<T> {
  db.exec('BEGIN');
  try {
    return await read();
  } finally {
    if (db.inTransaction) db.exec('COMMIT');
  }
}

const statementCache = new WeakMap<ReadDb, Map<string, Statement>>();

/** A prepared statement, compiled once per connection; on a ReadDb it can only read. */
export function sql(db: WriteDb, text: string): Statement;
export function sql(db: ReadDb, text: string): ReadStatement;
export function sql(db: ReadDb, text: string): ReadStatement {
  let byText = statementCache.get(db);
  if (!byText) {
    byText = new Map();
    statementCache.set(db, byText);
  }
  let stmt = byText.get(text);
  if (!stmt) {
    // The cache keeps the full statement; the overloads decide what each caller may do with it.
    stmt = (db as WriteDb).prepare(text);
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
