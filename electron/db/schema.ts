/**
 * The schema each database version defines, and how a file differs from it. A backup sits on a USB disk or a
 * network share and can be restored without login at the hub PC: a file with the right identity and version
 * may still carry objects of someone else's making (a trigger that raises a role, a dropped append-only
 * guard, a table that is not there). A file is Santong's version N only if its tables, columns, indexes,
 * triggers and views are exactly those that migrations 1..N make, nothing more and nothing less.
 */
import Database from 'better-sqlite3';
import { migrationsDir } from '../paths';
import { loadMigrations, migrate, type Migration } from './migrate';
import type { ReadDb } from './database';

export interface SchemaObject {
  type: 'table' | 'index' | 'trigger' | 'view';
  name: string;
  table: string;
  /** The CREATE statement with its whitespace collapsed (line endings and indentation differ between checkouts). */
  sql: string;
  /** For tables: each column as "name type notnull default pk hidden". */
  columns: string[];
}

const TYPE_LABEL: Record<SchemaObject['type'], string> = { table: '表', index: '索引', trigger: '触发器', view: '视图' };

export const normalizeSql = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Every object of a database's schema, by name. SQLite's own objects (sqlite_sequence, sqlite_stat1, the
 * automatic indexes of UNIQUE constraints) follow from the rest or only guide the planner, and are left out.
 */
export function schemaObjects(db: ReadDb): Map<string, SchemaObject> {
  const rows = db
    .prepare("SELECT type, name, tbl_name AS tbl, sql FROM main.sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
    .all() as {
    type: SchemaObject['type'];
    name: string;
    tbl: string;
    sql: string | null;
  }[];
  const objects = new Map<string, SchemaObject>();
  for (const r of rows) {
    const columns =
      r.type === 'table'
        ? (
            db.pragma(`main.table_xinfo(${JSON.stringify(r.name)})`) as {
              name: string;
              type: string;
              notnull: number;
              dflt_value: unknown;
              pk: number;
              hidden: number;
            }[]
          ).map((c) => `${c.name} ${c.type} ${c.notnull} ${String(c.dflt_value)} ${c.pk} ${c.hidden}`)
        : [];
    objects.set(r.name, { type: r.type, name: r.name, table: r.tbl, sql: normalizeSql(r.sql ?? ''), columns });
  }
  return objects;
}

const expectedByVersion = new Map<string, Map<string, SchemaObject>>();

/** The schema migrations 1..version make, built once per process on an empty in-memory database. */
export function expectedSchema(version: number, migrations: Migration[] = loadMigrations(migrationsDir())): Map<string, SchemaObject> {
  const upTo = migrations.filter((m) => m.version <= version);
  const key = upTo.map((m) => `${m.version}:${m.name}:${m.sql.length}`).join('|');
  let objects = expectedByVersion.get(key);
  if (!objects) {
    const db = new Database(':memory:');
    try {
      migrate(db, upTo, { backupDir: '', now: new Date(0) });
      objects = schemaObjects(db);
    } finally {
      db.close();
    }
    expectedByVersion.set(key, objects);
  }
  return objects;
}

const TYPE_ORDER: Record<string, number> = { trigger: 0, table: 1, view: 2, index: 3 };
const byKind = (a: SchemaObject, b: SchemaObject) => (TYPE_ORDER[a.type] ?? 9) - (TYPE_ORDER[b.type] ?? 9) || (a.name < b.name ? -1 : 1);

/**
 * What differs between two schemas, in words for the administrator: objects that should not be there first
 * (the likeliest sign of tampering), then changed ones, then missing ones; triggers before tables, views, indexes.
 */
export function describeSchemaDifferences(actual: Map<string, SchemaObject>, expected: Map<string, SchemaObject>): string[] {
  const label = (o: SchemaObject) => `${TYPE_LABEL[o.type] ?? o.type} ${o.name}${o.type === 'table' || o.type === 'view' ? '' : `（表 ${o.table}）`}`;
  const extra = [...actual.values()].filter((o) => !expected.has(o.name)).sort(byKind);
  const missing = [...expected.values()].filter((o) => !actual.has(o.name)).sort(byKind);
  const changed: string[] = [];
  for (const want of [...expected.values()].sort(byKind)) {
    const have = actual.get(want.name);
    if (!have) continue;
    if (have.type !== want.type) changed.push(`${want.name} 应是${TYPE_LABEL[want.type]}，文件中却是${TYPE_LABEL[have.type] ?? have.type}`);
    else if (have.sql !== want.sql || have.table !== want.table) {
      const added = have.columns.filter((c) => !want.columns.includes(c)).map((c) => c.split(' ')[0]);
      const lost = want.columns.filter((c) => !have.columns.includes(c)).map((c) => c.split(' ')[0]);
      const detail = [added.length ? `多出或改动的列：${added.join('、')}` : '', lost.length ? `缺少或改动的列：${lost.join('、')}` : ''].filter(Boolean);
      changed.push(`${label(want)} 的定义被改动${detail.length ? `（${detail.join('；')}）` : ''}`);
    } else if (have.columns.join('\n') !== want.columns.join('\n')) changed.push(`${label(want)} 的列与定义不符`);
  }
  return [...extra.map((o) => `多出${label(o)}`), ...changed, ...missing.map((o) => `缺少${label(o)}`)];
}

/** How a database's schema differs from the one its version defines; [] when it is exactly that. */
export function schemaProblems(db: ReadDb, version: number, migrations?: Migration[]): string[] {
  return describeSchemaDifferences(schemaObjects(db), expectedSchema(version, migrations));
}

/** A live file whose schema is not its version's: opened, it would run someone else's triggers. */
export class SchemaMismatchError extends Error {
  constructor(
    readonly version: number,
    readonly problems: string[],
  ) {
    super(`数据库结构与版本 ${version} 应有的结构不符：${problems.slice(0, 3).join('；')}${problems.length > 3 ? '……' : ''}`);
    this.name = 'SchemaMismatchError';
  }
}

/** The append-only guards a version defines (BEFORE UPDATE / DELETE … RAISE(ABORT)), by name. */
export function appendOnlyTriggers(version: number, migrations?: Migration[]): SchemaObject[] {
  return [...expectedSchema(version, migrations).values()].filter((o) => o.type === 'trigger' && /_append_only_(update|delete)$/.test(o.name));
}
