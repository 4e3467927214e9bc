import fs from 'node:fs';
import path from 'node:path';
import { sql } from '../../db/database';
import { AppError } from '../../errors';
import type { Caller, SessionSink } from '../../api/context';
import type { Runtime } from '../../runtime';
import type { RecoveryStatus, RestoreResult } from '../../../shared/contract/backup';
import type { ParsedInput } from '../../../shared/contract';
import { backupFolders, scanBackupFolder } from './backup';
import { readBackupSettings } from './settings';
import { restoreBackup } from './restore';

/**
 * Recovery mode. When the live database is damaged (not a database any more, corrupt pages, replaced by
 * another program's file, or emptied while backups exist) the server still starts, but its API answers
 * only `recovery.status` and `recovery.restore`, and the UI shows the restore screen. Nobody can log in
 * (the accounts are in the damaged file), so a restore is accepted without login from the hub PC
 * itself only: the desktop app, or a browser on 127.0.0.1. The damaged file is kept in damaged/.
 */
export interface RecoveryState {
  problem: string;
  dataDir: string;
  dbFile: string;
  since: string;
}

/**
 * What a clean shutdown leaves beside the database: the file's identity, size and modification time once
 * every connection was closed (the write-ahead log checkpointed into it and removed). If the next start
 * finds the file exactly so, and no log beside it, nothing has touched it since it was last known good:
 * the start-up quick_check — which reads every page, a minute on a ten-year hub — is skipped. Any other
 * start (after a crash or power cut, a restore, a copy, or anything that wrote the file) checks it.
 */
interface CleanClose {
  size: number;
  mtimeMs: number;
  ino: number;
}

const cleanCloseFile = (dbFile: string) => `${dbFile}.clean-close.json`;

function fileIdentity(dbFile: string): CleanClose | null {
  try {
    const st = fs.statSync(dbFile);
    return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch {
    return null;
  }
}

const walInUse = (dbFile: string): boolean => {
  try {
    return fs.statSync(`${dbFile}-wal`).size > 0;
  } catch {
    return false;
  }
};

/** Called after the last connection to the file was closed. Never throws. */
export function recordCleanClose(dbFile: string): void {
  try {
    const id = fileIdentity(dbFile);
    if (!id || id.size === 0 || walInUse(dbFile)) return;
    fs.writeFileSync(cleanCloseFile(dbFile), JSON.stringify(id));
  } catch {
    /* only a faster next start is lost */
  }
}

/**
 * True when the file is as the last clean shutdown left it. Consumes the record either way, so a run
 * that ends without a clean shutdown leaves none behind. Call before opening the file.
 */
export function takeCleanClose(dbFile: string): boolean {
  const marker = cleanCloseFile(dbFile);
  let recorded: CleanClose | null = null;
  try {
    recorded = JSON.parse(fs.readFileSync(marker, 'utf8')) as CleanClose;
  } catch {
    return false;
  } finally {
    fs.rmSync(marker, { force: true });
  }
  const now = fileIdentity(dbFile);
  return (
    now !== null && !walInUse(dbFile) && recorded !== null && now.size === recorded.size && now.mtimeMs === recorded.mtimeMs && now.ino === recorded.ino
  );
}

/**
 * A zero-byte database file with no write-ahead log, while backups exist: the file was truncated or
 * wiped, and opening it would start an empty hub over the loss. A brand-new install has no file at all.
 */
export function emptiedDatabaseProblem(dataDir: string, dbFile: string): string | null {
  let size: number;
  try {
    size = fs.statSync(dbFile).size;
  } catch {
    return null;
  }
  if (size > 0) return null;
  try {
    if (fs.statSync(`${dbFile}-wal`).size > 0) return null;
  } catch {
    /* no WAL */
  }
  if (backupFolders(dataDir).flatMap(scanBackupFolder).length === 0) return null;
  return '数据库文件是空的（0 字节），而备份目录中有备份：数据可能已被截断或清空';
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * The caller sits at the hub PC: the desktop app, or a request from the loopback address that also
 * names a loopback host (a web page that rebinds its own name to 127.0.0.1 does not).
 */
export function isLocalCaller(caller: Caller): boolean {
  if (caller.transport === 'ipc') return true;
  if (caller.transport === 'internal' && caller.ip === 'internal') return true;
  if (!LOOPBACK.test(caller.ip)) return false;
  if (caller.transport !== 'http') return true;
  const host = (caller.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || LOOPBACK.test(host);
}

function setupRequired(runtime: Runtime): boolean {
  const app = runtime.openApp;
  if (!app) return false;
  return (sql(app.db, 'SELECT count(*) AS n FROM users').get() as { n: number }).n === 0;
}

/** Restoring without login: in recovery mode, or on a fresh install that has no account yet. */
function assertMayRestoreWithoutLogin(runtime: Runtime, caller: Caller): void {
  if (!runtime.recovery && !setupRequired(runtime)) {
    throw new AppError('FORBIDDEN', '系统运行正常：请由系统管理员登录后，在“系统管理 → 数据备份”中恢复');
  }
  if (!isLocalCaller(caller)) throw new AppError('FORBIDDEN', '为安全起见，只能在卫生院电脑（本机）上从备份恢复');
}

function foldersFor(runtime: Runtime, dir: string | undefined): string[] {
  if (dir) {
    if (!path.isAbsolute(dir)) throw new AppError('VALIDATION', '请填写完整路径，例如 E:\\三统备份', [{ path: 'dir', message: '须为完整路径' }]);
    return [dir];
  }
  return backupFolders(runtime.dataDir);
}

export function recoveryStatusFor(runtime: Runtime, caller: Caller, dir?: string): RecoveryStatus {
  const local = isLocalCaller(caller);
  const needsSetup = setupRequired(runtime);
  const canRestore = local && (Boolean(runtime.recovery) || needsSetup);
  return {
    active: Boolean(runtime.recovery),
    problem: runtime.recovery?.problem ?? null,
    setupRequired: needsSetup,
    local,
    canRestore,
    // Paths are shown only at the hub PC.
    dataFile: local ? runtime.dbFile : '',
    backupDir: local ? readBackupSettings(runtime.dataDir).dir : '',
    backups: canRestore ? foldersFor(runtime, dir).flatMap(scanBackupFolder) : [],
  };
}

export async function restoreWithoutLogin(
  runtime: Runtime,
  input: ParsedInput<'recovery.restore'>,
  caller: Caller,
  session: SessionSink,
): Promise<RestoreResult> {
  assertMayRestoreWithoutLogin(runtime, caller);
  const source = input.upload ? { upload: input.upload } : { fileName: input.fileName!, dirs: foldersFor(runtime, input.dir) };
  const result = await restoreBackup(runtime, source, { user: null, caller, method: 'recovery.restore' });
  session.clear();
  return result;
}

/** The only methods recovery mode answers; everything else gets RECOVERY_MODE. */
export const RECOVERY_METHODS = new Set(['recovery.status', 'recovery.restore']);

export async function runRecoveryMethod(runtime: Runtime, name: string, input: unknown, caller: Caller, session: SessionSink): Promise<unknown> {
  if (name === 'recovery.status') return recoveryStatusFor(runtime, caller, (input as ParsedInput<'recovery.status'>).dir);
  if (name === 'recovery.restore') return restoreWithoutLogin(runtime, input as ParsedInput<'recovery.restore'>, caller, session);
  throw new AppError('RECOVERY_MODE', `${runtime.recovery?.problem ?? '数据库文件已损坏'}。系统处于恢复模式：请在卫生院电脑上打开三统，从备份恢复数据。`);
}
