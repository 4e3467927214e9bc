import fs from 'node:fs';
import path from 'node:path';
import type { ReadDb } from './database';

/**
 * The disk under the database: a full disk, a failing one, a read-only file. SQLite reports these as SQLITE_FULL,
 * SQLITE_IOERR_* and SQLITE_READONLY_*; people get a message that says what happened and that nothing was saved, the
 * health check and the administrator's workbench say so until a write succeeds again.
 */
export type StorageKind = 'DISK_FULL' | 'STORAGE_ERROR' | 'DB_READONLY';

export interface StorageProblem {
  kind: StorageKind;
  message: string;
  /** A write failed for it (else: free space is running out, nothing failed yet). */
  writeFailed: boolean;
  /** When it was last seen (ISO instant). */
  at: string;
}

/** Below this much free space the hub is warned before writes start failing (a day's backup needs more). */
export const LOW_DISK_BYTES = 64 * 1024 * 1024;

const MESSAGES: Record<StorageKind, string> = {
  DISK_FULL: '卫生院电脑的磁盘已满，本次操作未保存：请清理数据目录所在的磁盘（或把备份目录改到其他磁盘）后重试',
  STORAGE_ERROR: '读写数据库文件出错（磁盘故障或已断开），本次操作未保存：请检查卫生院电脑的磁盘',
  DB_READONLY: '数据库文件为只读，本次操作未保存：请检查数据目录的权限，或磁盘是否处于写保护状态',
};

/** The storage failure an error is, or null: SQLite's codes, and Node's ENOSPC / EIO / EROFS for files beside it. */
export function storageKindOf(err: unknown): StorageKind | null {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return null;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'DISK_FULL';
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return 'STORAGE_ERROR';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return 'DB_READONLY';
  return null;
}

export const storageMessage = (kind: StorageKind) => MESSAGES[kind];

const lastFailure = new WeakMap<ReadDb, StorageProblem>();

/** Remembers a storage failure of a write on `db` (shown until a write succeeds). */
export function noteStorageFailure(db: ReadDb, kind: StorageKind, now: Date): void {
  lastFailure.set(db, { kind, message: MESSAGES[kind], writeFailed: true, at: now.toISOString() });
}

/** A write committed: the disk takes writes again. */
export function noteWriteSucceeded(db: ReadDb): void {
  lastFailure.delete(db);
}

/** Free bytes on the disk holding `file`, or null where the system cannot tell. */
export function freeBytesBeside(file: string): number | null {
  try {
    const s = fs.statfsSync(path.dirname(file));
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** What is wrong with the disk under `db` now: the last failed write, else too little free space; null when fine. */
export function storageProblem(db: ReadDb, now: Date): StorageProblem | null {
  const failed = lastFailure.get(db);
  if (failed) return failed;
  const free = freeBytesBeside(db.name);
  if (free !== null && free < LOW_DISK_BYTES) {
    const message = `卫生院电脑的磁盘只剩 ${Math.floor(free / 1024 / 1024)} MB，即将无法保存：请尽快清理数据目录所在的磁盘`;
    return { kind: 'DISK_FULL', message, writeFailed: false, at: now.toISOString() };
  }
  return null;
}
