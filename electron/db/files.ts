import crypto from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { APPLICATION_ID } from './database';
import { AppError } from '../errors';
import { SchemaMismatchError, schemaProblems } from './schema';
import { type DiskPacing, startPacer } from './pacing';

export interface DatabaseFileInfo {
  schemaVersion: number;
  hubName: string | null;
  userCount: number;
  sizeBytes: number;
}

const invalid = (message: string) => new AppError('BACKUP_INVALID', message);

/** The first few problems PRAGMA integrity_check reported, or [] when it said ok. */
export function integrityProblems(db: Database.Database, limit = 100): string[] {
  const rows = db.pragma(`integrity_check(${limit})`) as { integrity_check: string }[];
  const messages = rows.map((r) => r.integrity_check);
  return messages.length === 1 && messages[0] === 'ok' ? [] : messages;
}

/** Why opening failed, when the cause is a damaged file; null for other failures (they are thrown). */
export function diagnoseOpenFailure(err: unknown): string | null {
  if (err instanceof SchemaMismatchError) return `${err.message}。文件可能被其他程序改动或替换`;
  if (err instanceof AppError) {
    return err.code === 'BAD_REQUEST' ? '数据库文件不是三统的数据库（可能被其他文件替换或覆盖）' : null;
  }
  const code = (err as { code?: unknown })?.code;
  if (code === 'SQLITE_NOTADB') return '数据库文件已损坏，无法识别为数据库';
  if (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_IOERR_SHORT_READ')) {
    return '数据库文件已损坏，数据库结构无法读取';
  }
  return null;
}

/** PRAGMA quick_check at start-up: damaged pages in the middle of the file are found here. */
/**
 * How deeply a backup copy is read back: 'full' is integrity_check (every index checked against its table:
 * minutes of disk and CPU at ten years), 'quick' is quick_check (pages and records, no index cross-check:
 * a fraction of it). The daily backup checks quickly and fully once a week (backup.ts).
 */
export type CheckDepth = 'quick' | 'full';

function quickCheckList(db: Database.Database): string[] {
  const rows = db.pragma('quick_check(20)') as { quick_check: string }[];
  return rows.length === 1 && rows[0].quick_check === 'ok' ? [] : rows.map((r) => r.quick_check);
}

export function quickCheckProblem(db: Database.Database): string | null {
  try {
    const rows = db.pragma('quick_check(5)') as { quick_check: string }[];
    if (rows.length === 1 && rows[0].quick_check === 'ok') return null;
    const first = (rows[0]?.quick_check ?? '').split('\n').find((line) => line && !line.startsWith('***')) ?? '';
    return `数据库文件已损坏，完整性检查未通过（${first.slice(0, 100)}）`;
  } catch (err) {
    return diagnoseOpenFailure(err) ?? `数据库文件无法读取：${(err as Error).message}`;
  }
}

/**
 * Checks that a file is a whole Santong database this program can open: it is SQLite, passes
 * integrity_check, carries Santong's application_id, its schema is not newer than ours, and its tables,
 * columns, indexes, triggers and views are exactly those its version defines (db/schema.ts).
 * Throws BACKUP_INVALID with a message a pharmacist can act on. Never writes to the file.
 */
export function inspectDatabaseFile(file: string, latestVersion: number, depth: CheckDepth = 'full'): DatabaseFileInfo {
  const sizeBytes = fs.statSync(file).size;
  if (sizeBytes === 0) throw invalid('文件是空的（0 字节），不是有效的备份');
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const problems = depth === 'full' ? integrityProblems(db, 20) : quickCheckList(db);
    if (problems.length) {
      throw invalid(`文件已损坏，完整性检查未通过（${problems[0].split('\n')[0].slice(0, 120)}），不能用于恢复`);
    }
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (appId !== APPLICATION_ID) throw invalid('该文件不是三统药品管理系统的数据库，不能用于恢复');
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    if (schemaVersion > latestVersion) {
      throw invalid(
        `此备份由更新版本的三统程序创建（数据库版本 ${schemaVersion}，本程序只支持到 ${latestVersion}），请先安装最新版本的程序再恢复。当前数据未作任何改动。`,
      );
    }
    if (schemaVersion < 1) throw invalid('该文件是尚未初始化的空数据库，不能用于恢复');
    // Right identity and version are not enough: its objects must be exactly those of its version.
    const differences = schemaProblems(db, schemaVersion);
    if (differences.length) {
      throw invalid(
        `该文件的数据库结构与版本 ${schemaVersion} 应有的结构不符（${differences.slice(0, 3).join('；')}${differences.length > 3 ? `……共 ${differences.length} 处` : ''}），可能被改动过，不能用于恢复。当前数据未作任何改动。`,
      );
    }
    let hubName: string | null = null;
    let userCount = 0;
    try {
      hubName = (db.prepare("SELECT value FROM settings WHERE key = 'hub.name'").get() as { value: string } | undefined)?.value ?? null;
      userCount = (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
    } catch {
      throw invalid('该文件缺少三统数据库应有的表，不能用于恢复');
    }
    return { schemaVersion, hubName, userCount, sizeBytes };
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB') throw invalid('所选文件不是数据库文件（可能已损坏，或根本不是三统的备份），不能用于恢复');
    if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_IOERR_SHORT_READ') throw invalid('文件已损坏（数据库结构无法读取），不能用于恢复');
    throw invalid(`无法读取该文件：${(err as Error).message}`);
  } finally {
    db?.close();
  }
}

/**
 * Switches a freshly written copy to a rollback journal, so it is one self-contained file that can be
 * opened read-only anywhere (a WAL file opened read-only leaves -wal/-shm beside it on the USB disk).
 */
export function makeSelfContained(file: string): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

export async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The file's sha256, read in steps held to `pacing` when given (the backup worker reading back its copy). */
export function sha256FileSync(file: string, pacing?: DiskPacing): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(pacing?.stepBytes ?? 1024 * 1024);
    const keepPace = pacing ? startPacer(pacing) : null;
    let done = 0;
    let n: number;
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
      hash.update(buf.subarray(0, n));
      done += n;
      keepPace?.(done);
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** Flushes a file's bytes to the disk (USB disks and shares lie less after this). */
export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes a rename durable on POSIX; Windows cannot open folders for this and needs nothing. */
export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* some file systems refuse; the rename itself is still atomic */
  }
}

/** Removes a database file together with its -wal / -shm / -journal companions. */
export function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${file}${suffix}`, { force: true });
}
