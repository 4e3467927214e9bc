import fs from 'node:fs';
import path from 'node:path';
import { sql } from '../../db/database';
import { AppError } from '../../errors';
import type { Caller, SessionSink } from '../context';
import type { Host } from '../ports';
import type { RecoveryStatus, RestoreResult } from '../../../shared/contract/backup';
import type { ParsedInput } from '../../../shared/contract';
import { backupFolders, scanBackupFolder } from './backup';
import { readBackupSettings } from './settings';
import { restoreBackup } from './restore';
import { isLocalCaller } from '../hub-pc';

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

function setupRequired(host: Host): boolean {
  const app = host.openApp;
  if (!app) return false;
  return (sql(app.db, 'SELECT count(*) AS n FROM users').get() as { n: number }).n === 0;
}

/** Restoring without login: in recovery mode, or on a fresh install that has no account yet. */
export function assertMayRestoreWithoutLogin(host: Host, caller: Caller): void {
  if (!host.recovery && !setupRequired(host)) {
    throw new AppError('FORBIDDEN', '系统运行正常：请由系统管理员登录后，在“系统管理 → 数据备份”中恢复');
  }
  if (!isLocalCaller(caller)) throw new AppError('FORBIDDEN', '为安全起见，只能在卫生院电脑（本机）上从备份恢复');
}

function foldersFor(host: Host, dir: string | undefined): string[] {
  if (dir) {
    if (!path.isAbsolute(dir)) throw new AppError('VALIDATION', '请填写完整路径，例如 E:\\三统备份', [{ path: 'dir', message: '须为完整路径' }]);
    return [dir];
  }
  return backupFolders(host.dataDir);
}

export function recoveryStatusFor(host: Host, caller: Caller, dir?: string): RecoveryStatus {
  const local = isLocalCaller(caller);
  const needsSetup = setupRequired(host);
  const canRestore = local && (Boolean(host.recovery) || needsSetup);
  return {
    active: Boolean(host.recovery),
    problem: host.recovery?.problem ?? null,
    setupRequired: needsSetup,
    local,
    canRestore,
    // Paths are shown only at the hub PC.
    dataFile: local ? host.dbFile : '',
    backupDir: local ? readBackupSettings(host.dataDir).dir : '',
    backups: canRestore ? foldersFor(host, dir).flatMap(scanBackupFolder) : [],
  };
}

export async function restoreWithoutLogin(host: Host, input: ParsedInput<'recovery.restore'>, caller: Caller, session: SessionSink): Promise<RestoreResult> {
  assertMayRestoreWithoutLogin(host, caller);
  const source = input.upload ? { upload: host.uploadedFile(input.upload, caller.token) } : { fileName: input.fileName!, dirs: foldersFor(host, input.dir) };
  const result = await restoreBackup(host, source, { user: null, caller, method: 'recovery.restore' });
  session.clear();
  return result;
}

/** The only methods recovery mode answers; everything else gets RECOVERY_MODE. */
export const RECOVERY_METHODS = new Set(['recovery.status', 'recovery.restore']);

export async function runRecoveryMethod(host: Host, name: string, input: unknown, caller: Caller, session: SessionSink): Promise<unknown> {
  if (name === 'recovery.status') return recoveryStatusFor(host, caller, (input as ParsedInput<'recovery.status'>).dir);
  if (name === 'recovery.restore') return restoreWithoutLogin(host, input as ParsedInput<'recovery.restore'>, caller, session);
  throw new AppError('RECOVERY_MODE', `${host.recovery?.problem ?? '数据库文件已损坏'}。系统处于恢复模式：请在卫生院电脑上打开三统，从备份恢复数据。`);
}
