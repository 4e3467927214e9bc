import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';
import { APPLICATION_ID, type ReadDb, type WriteDb } from './database';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads migrations/NNNN_name.sql in order and checks that the numbering has no gaps. */
export function loadMigrations(dir: string): Migration[] {
  const migrations = fs
    .readdirSync(dir)
    .map((file) => ({ file, m: FILE_NAME.exec(file) }))
    .filter((x): x is { file: string; m: RegExpExecArray } => x.m !== null)
    .map(({ file, m }) => ({ version: Number(m[1]), name: m[2], sql: fs.readFileSync(path.join(dir, file), 'utf8') }))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration numbering gap: expected ${i + 1}, found ${m.version}_${m.name}`);
  });
  return migrations;
}

export function schemaVersion(db: ReadDb): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Refuses files that are not Santong databases (another app's SQLite file, or garbage). */
export function assertSantongDatabase(db: WriteDb): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId === APPLICATION_ID) return;
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'").get() as { n: number };
  if (appId === 0 && tables.n === 0) return; // a brand-new file
  throw new AppError('BAD_REQUEST', '该文件不是三统药品管理系统的数据库');
}

export function assertNotNewer(version: number, latest: number): void {
  if (version > latest) {
    throw new AppError(
      'DB_TOO_NEW',
      `此数据库由更新版本的三统程序创建（数据库版本 ${version}，本程序只支持到 ${latest}）。请安装最新版本的程序后再打开，数据未作任何改动。`,
    );
  }
}

export interface MigrateResult {
  from: number;
  to: number;
  backupFile: string | null;
}

export interface MigrateOptions {
  /** Folder for the copy made before upgrading a database that holds data. */
  backupDir: string;
  now: Date;
  /** The copy's file name (the app names it like every other backup); a plain default otherwise. */
  backupName?: (db: WriteDb, from: number, to: number) => string;
}

/**
 * Brings the database to the latest schema: a backup copy first (when there is data to lose), then
 * every pending migration in ONE transaction, so a failure leaves the file exactly as it was.
 */
export function migrate(db: WriteDb, migrations: Migration[], opts: MigrateOptions): MigrateResult {
  assertSantongDatabase(db);
  const from = schemaVersion(db);
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  assertNotNewer(from, latest);
  if (from === latest) return { from, to: from, backupFile: null };

  let backupFile: string | null = null;
  if (from > 0) {
    fs.mkdirSync(opts.backupDir, { recursive: true });
    const stamp = opts.now.toISOString().replace(/[:.]/g, '-');
    const name = opts.backupName?.(db, from, latest) ?? `santong-before-migration-v${from}-to-v${latest}-${stamp}.sqlite`;
    backupFile = path.join(opts.backupDir, name);
    // Written under a temporary name and renamed: a crash never leaves a half copy under a backup's name.
    const partial = `${backupFile}.partial`;
    fs.rmSync(partial, { force: true });
    db.prepare('VACUUM INTO ?').run(partial);
    fs.renameSync(partial, backupFile);
  }

  const apply = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
    for (const m of migrations.filter((m) => m.version > from)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, opts.now.toISOString());
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${latest}`);
  });
  apply.immediate();
  return { from, to: latest, backupFile };
}
