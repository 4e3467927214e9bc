/**
 * SQL as tagged templates: ``sql`SELECT … WHERE store_id = ${storeId}` `` binds every `${value}` as a
 * parameter, so no value is ever spliced into the text. The only text that joins a statement is another
 * `sql` fragment (composed explicitly: `sql.join`, a nested template) or an identifier the code itself names
 * (`sql.identifier`) — never input. The row helpers run a query on a connection, with the statement cached per
 * connection and the row type declared beside the query.
 */
import type Database from 'better-sqlite3';
import type { ReadDb, ReadStatement, WriteDb } from './database';

export interface SqlQuery {
  readonly text: string;
  readonly params: readonly unknown[];
}

const QUERY = Symbol('sql query');
interface Fragment extends SqlQuery {
  readonly [QUERY]: true;
}

const isFragment = (v: unknown): v is Fragment => typeof v === 'object' && v !== null && (v as Fragment)[QUERY] === true;

function fragment(text: string, params: readonly unknown[]): Fragment {
  return { [QUERY]: true, text, params };
}

/** A statement or fragment; `${value}` binds a parameter, `${otherSqlFragment}` inlines that fragment. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlQuery {
  let text = strings[0];
  const params: unknown[] = [];
  values.forEach((value, i) => {
    if (isFragment(value)) {
      text += value.text;
      params.push(...value.params);
    } else {
      if (value === undefined) throw new TypeError(`sql: parameter ${i + 1} is undefined (use null for NULL)`);
      text += '?';
      params.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    }
    text += strings[i + 1];
  });
  return fragment(text, params);
}

/** Fragments joined by a separator (', ', ' AND ', …); an empty list gives an empty fragment. */
sql.join = (parts: readonly SqlQuery[], separator: string): SqlQuery =>
  fragment(
    parts.map((p) => p.text).join(separator),
    parts.flatMap((p) => p.params),
  );

/** A table or column name the code chooses from a fixed set (never input); checked to be a plain identifier. */
sql.identifier = (name: string): SqlQuery => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`sql.identifier: not an identifier: ${name}`);
  return fragment(name, []);
};

/** `IN (…)` over a list of values, each bound; an empty list matches nothing. */
sql.in = (values: readonly unknown[]): SqlQuery => (values.length === 0 ? fragment('(NULL)', []) : fragment(`(${values.map(() => '?').join(', ')})`, values));

/**
 * `WHERE` of the filters given: each `[fragment, value]` whose value is present, joined by AND. Each combination
 * of filters is its own statement, so SQLite picks the index that fits; "(? IS NULL OR col = ?)" would make every
 * combination scan the whole table, years of it.
 */
sql.where = (terms: readonly SqlQuery[]): SqlQuery =>
  terms.length
    ? fragment(
        `WHERE ${terms.map((t) => t.text).join(' AND ')}`,
        terms.flatMap((t) => t.params),
      )
    : fragment('', []);

/** A filter term that applies only when its value was given (for `sql.where`). */
export function given<T>(value: T | null | undefined, term: (value: T) => SqlQuery): SqlQuery[] {
  return value === null || value === undefined ? [] : [term(value)];
}

const cache = new WeakMap<ReadDb, Map<string, Database.Statement>>();

function prepared(db: WriteDb, text: string): Database.Statement;
function prepared(db: ReadDb, text: string): ReadStatement;
function prepared(db: ReadDb, text: string): ReadStatement {
  let byText = cache.get(db);
  if (!byText) {
    byText = new Map();
    cache.set(db, byText);
  }
  let stmt = byText.get(text);
  if (!stmt) {
    stmt = (db as WriteDb).prepare(text);
    byText.set(text, stmt);
  }
  return stmt;
}

/** Every row of a query, typed as the caller declares the SELECT list. */
export function rows<Row>(db: ReadDb, q: SqlQuery): Row[] {
  return prepared(db, q.text).all(...q.params) as Row[];
}

/** The first row, or undefined. */
export function row<Row>(db: ReadDb, q: SqlQuery): Row | undefined {
  return prepared(db, q.text).get(...q.params) as Row | undefined;
}

/** The first column of the first row (a count, a sum), or the fallback when there is no row. */
export function scalar<Value>(db: ReadDb, q: SqlQuery, fallback: Value): Value {
  const first = prepared(db, q.text)
    .raw(true)
    .get(...q.params) as unknown[] | undefined;
  prepared(db, q.text).raw(false);
  return first === undefined || first[0] === null ? fallback : (first[0] as Value);
}

/** Runs a write; the caller holds the writer (a write handler's transaction). */
export function run(db: WriteDb, q: SqlQuery): Database.RunResult {
  return prepared(db, q.text).run(...q.params);
}
