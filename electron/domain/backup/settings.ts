import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors';
import { KEEP_DEFAULT, KEEP_MAX, KEEP_MIN } from '../../../shared/contract/backup';

/**
 * Backup settings live in a small file next to the database, not inside it: they belong to this PC
 * (its USB disk, its network share), must be readable when the database is damaged, and must not
 * travel back in time when an older backup is restored.
 */
export const SETTINGS_FILE = 'backup-settings.json';

export interface BackupSettings {
  dir: string;
  keep: number;
  /** False while the defaults are in use (no settings file yet). */
  configured: boolean;
}

export const defaultBackupDir = (dataDir: string): string => path.join(dataDir, 'backups');

export function readBackupSettings(dataDir: string): BackupSettings {
  const fallback = { dir: defaultBackupDir(dataDir), keep: KEEP_DEFAULT, configured: false };
  let raw: string;
  try {
    raw = fs.readFileSync(path.join(dataDir, SETTINGS_FILE), 'utf8');
  } catch {
    return fallback;
  }
  try {
    const parsed = JSON.parse(raw) as { dir?: unknown; keep?: unknown };
    const dir = typeof parsed.dir === 'string' && path.isAbsolute(parsed.dir) ? parsed.dir : fallback.dir;
    const keep =
      Number.isInteger(parsed.keep) && (parsed.keep as number) >= KEEP_MIN && (parsed.keep as number) <= KEEP_MAX ? (parsed.keep as number) : KEEP_DEFAULT;
    return { dir, keep, configured: true };
  } catch {
    console.error(`[santong] ${SETTINGS_FILE} is not valid JSON; using the default backup folder`);
    return fallback;
  }
}

/** Written to a temporary file and renamed over the old one, so a crash leaves the old or the new settings. */
export function writeBackupSettings(dataDir: string, settings: { dir: string; keep: number }): void {
  const file = path.join(dataDir, SETTINGS_FILE);
  const tmp = `${file}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, `${JSON.stringify({ dir: settings.dir, keep: settings.keep }, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export interface FolderState {
  ok: boolean;
  problem: string | null;
  sameDiskAsData: boolean;
  freeBytes: number | null;
}

function describeFsError(dir: string, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return `备份目录不存在：${dir}（U盘或移动硬盘请确认已插好，网络共享请确认可以访问）`;
    case 'ENOTDIR':
      return `${dir} 不是文件夹`;
    case 'EACCES':
    case 'EPERM':
      return `没有写入备份目录的权限：${dir}`;
    case 'EROFS':
      return `备份目录是只读的：${dir}`;
    case 'ENOSPC':
      return `备份目录所在磁盘已满：${dir}`;
    default:
      return `备份目录无法使用：${dir}（${err.code ?? err.message}）`;
  }
}

/** Whether backups can be written to the folder right now: it exists, is a folder, and takes a test file. */
export function checkFolder(dir: string, dataDir: string): FolderState {
  const state: FolderState = { ok: false, problem: null, sameDiskAsData: false, freeBytes: null };
  if (!path.isAbsolute(dir)) {
    state.problem = '请填写完整路径，例如 E:\\三统备份 或 \\\\服务器\\共享\\三统备份';
    return state;
  }
  try {
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    const probe = path.join(dir, `.santong-write-test-${crypto.randomBytes(6).toString('hex')}`);
    const fd = fs.openSync(probe, 'wx');
    try {
      fs.writeSync(fd, 'santong');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
      fs.rmSync(probe, { force: true });
    }
    state.ok = true;
  } catch (err) {
    state.problem = describeFsError(dir, err as NodeJS.ErrnoException);
    return state;
  }
  try {
    state.sameDiskAsData = fs.statSync(dir).dev === fs.statSync(dataDir).dev;
  } catch {
    /* unknown */
  }
  try {
    const s = fs.statfsSync(dir);
    state.freeBytes = Number(s.bavail) * Number(s.bsize);
  } catch {
    /* not every share reports it */
  }
  return state;
}

/** The configured folder, ready to write to (the default one is created on first use). */
export function usableBackupDir(dataDir: string, settings = readBackupSettings(dataDir)): string {
  if (settings.dir === defaultBackupDir(dataDir)) fs.mkdirSync(settings.dir, { recursive: true });
  const state = checkFolder(settings.dir, dataDir);
  if (!state.ok) throw new AppError('BACKUP_FOLDER', state.problem ?? '备份目录无法使用', [{ path: 'dir', message: state.problem ?? '' }]);
  return settings.dir;
}
