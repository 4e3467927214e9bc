import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from '../../db/database';
import { AppError, notFound } from '../../errors';
import { recordAudit } from '../audit/record';
import type { Caller } from '../context';
import type { AuthedUser } from '../auth/sessions';
import type { Host, OpenHub, UploadedFile } from '../ports';
import type { BackupEntry, RestoreResult } from '../../../shared/contract/backup';
import { backupFolders, backupUnlocked, exportBackupRecords, findBackupRecords, importBackupRecords, recordBackup, type NewBackupRecord } from './backup';
import { withDataLock } from '../../db/data-lock';
import { fsyncDir, inspectDatabaseFile, removeDatabaseFiles, sha256File } from '../../db/files';
import { chinaStamp } from './names';

/** A file in a backup folder, or an uploaded one: streamed to disk (a path, never read into memory) or base64 bytes. */
export type RestoreSource = { fileName: string; dirs?: string[] } | { upload: UploadedFile };

/** The uploaded file becomes the staged one: renamed when it is on disk already (same folder tree), else written. */
function stageUpload(upload: UploadedFile, staged: string): void {
  if ('bytes' in upload) {
    if (upload.bytes.length === 0) throw new AppError('BACKUP_INVALID', '上传的文件是空的');
    fs.writeFileSync(staged, upload.bytes, { flag: 'wx' });
    return;
  }
  try {
    if (upload.sizeBytes === 0) throw new AppError('BACKUP_INVALID', '上传的文件是空的');
    try {
      fs.renameSync(upload.path, staged);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      fs.copyFileSync(upload.path, staged, fs.constants.COPYFILE_EXCL);
    }
  } finally {
    fs.rmSync(upload.path, { force: true });
  }
}

export interface RestoreActor {
  user: AuthedUser | null;
  caller: Caller;
  method: 'backup.restore' | 'recovery.restore';
}

const COMPANIONS = ['-wal', '-shm', '-journal'];

/** Windows may briefly hold a just-closed file (antivirus, indexer): retry a rename for a moment. */
function renameWithRetry(from: string, to: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      fs.renameSync(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (attempt >= 20 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}

/**
 * Puts the staged file in place of the live one. The live file is first linked (or copied) aside so
 * a failed reopen can put it back; then the stale -wal/-shm go (replaying an old log onto another file
 * would corrupt it) and one atomic rename swaps the new file in. A crash at any step leaves either the
 * old file or the new one under the live name, never none.
 */
function swapIn(staged: string, dbFile: string, keep: string): void {
  removeDatabaseFiles(keep);
  if (fs.existsSync(dbFile)) {
    try {
      fs.linkSync(dbFile, keep);
    } catch {
      fs.copyFileSync(dbFile, keep);
    }
    // Its log goes with it: a connection still open elsewhere (a worker thread finishing) keeps the close from
    // folding the log into the file, and the newest committed rows would be lost with a deleted log.
    if (fs.existsSync(`${dbFile}-wal`)) fs.copyFileSync(`${dbFile}-wal`, `${keep}-wal`);
  }
  for (const s of COMPANIONS) fs.rmSync(`${dbFile}${s}`, { force: true });
  renameWithRetry(staged, dbFile);
  for (const s of COMPANIONS) fs.rmSync(`${staged}${s}`, { force: true });
  fsyncDir(path.dirname(dbFile));
}

/** Undoes swapIn: the previous file back under the live name (none before: the failed file goes). */
function putBack(keep: string, dbFile: string): void {
  for (const s of COMPANIONS) fs.rmSync(`${dbFile}${s}`, { force: true });
  if (fs.existsSync(keep)) {
    if (fs.existsSync(`${keep}-wal`)) renameWithRetry(`${keep}-wal`, `${dbFile}-wal`);
    renameWithRetry(keep, dbFile);
  } else fs.rmSync(dbFile, { force: true });
  fsyncDir(path.dirname(dbFile));
}

/** Keeps the damaged file (and its log) in damaged/ for whoever investigates; never deleted by the app. */
function keepDamagedCopy(dataDir: string, dbFile: string, at: Date): string | null {
  if (!fs.existsSync(dbFile)) return null;
  const dir = path.join(dataDir, 'damaged');
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, `santong-damaged-${chinaStamp(at)}-${crypto.randomBytes(2).toString('hex')}.sqlite`);
  fs.copyFileSync(dbFile, target);
  for (const s of COMPANIONS) if (fs.existsSync(`${dbFile}${s}`)) fs.copyFileSync(`${dbFile}${s}`, `${target}${s}`);
  return target;
}

function locate(fileName: string, dirs: string[]): { dir: string; file: string } {
  if (path.basename(fileName) !== fileName || fileName.includes('..')) throw new AppError('VALIDATION', '备份文件名无效');
  for (const dir of dirs) {
    const file = path.join(dir, fileName);
    if (fs.existsSync(file)) return { dir, file };
  }
  throw notFound('备份文件');
}

const recordOf = (e: BackupEntry): NewBackupRecord => ({
  fileName: e.fileName,
  dir: e.dir,
  sizeBytes: e.sizeBytes,
  reason: e.reason,
  createdAt: e.createdAt,
  sha256: e.sha256 ?? '',
  verified: e.verified === true,
  problem: e.problem,
  schemaVersion: e.schemaVersion ?? 0,
  createdBy: e.createdBy,
  note: e.note,
});

/**
 * Replaces the hub's database with a backup: the file is staged and validated first (a foreign,
 * corrupt or newer file is refused and nothing changes), the current data is backed up (or, when
 * damaged, kept in damaged/), then the files are swapped and the database reopened (an older schema is
 * upgraded on the way). Every session ends; the restore is written to the restored database's audit log.
 */
export function restoreBackup(host: Host, source: RestoreSource, actor: RestoreActor): Promise<RestoreResult> {
  const dataDir = host.dataDir;
  const dbFile = host.dbFile;
  return withDataLock(dbFile, async () => {
    const current = host.openApp;
    const clockNow = () => (host.openApp ?? current)?.clock.now() ?? new Date();
    for (const name of fs.readdirSync(dataDir)) {
      if (/^restore-[0-9a-f]+\.sqlite(-wal|-shm|-journal)?$/.test(name)) fs.rmSync(path.join(dataDir, name), { force: true });
    }
    const staged = path.join(dataDir, `restore-${crypto.randomBytes(6).toString('hex')}.sqlite`);
    let label: string;
    let info: ReturnType<typeof inspectDatabaseFile>;
    try {
      if ('upload' in source) {
        label = source.upload.filename;
        stageUpload(source.upload, staged);
      } else {
        label = source.fileName;
        const { file } = locate(source.fileName, source.dirs ?? backupFolders(dataDir));
        fs.copyFileSync(file, staged);
      }
      // A file this hub made is checked against what was recorded when it was made, wherever it is now.
      const recorded = current ? findBackupRecords(current.db, path.basename(label)).filter((r) => r.sha256) : [];
      if (recorded.length) {
        const sha256 = await sha256File(staged);
        if (!recorded.some((r) => r.sha256 === sha256)) {
          throw new AppError('BACKUP_INVALID', '该备份文件与备份时记录的校验值不符，可能已被改动或损坏，不能用于恢复');
        }
      }
      info = inspectDatabaseFile(staged, host.latestSchemaVersion);
    } catch (err) {
      removeDatabaseFiles(staged);
      throw err;
    }

    // The file is good: save what is there now before replacing it.
    let previousDataSavedAs: string | null = null;
    let beforeRestore: BackupEntry | null = null;
    try {
      if (current) {
        const hasUsers = (sql(current.db, 'SELECT count(*) AS n FROM users').get() as { n: number }).n > 0;
        if (hasUsers) {
          beforeRestore = await backupUnlocked(current, 'before-restore', { by: actor.user?.username ?? null, note: `恢复“${label}”之前的数据` });
          previousDataSavedAs = path.join(beforeRestore.dir, beforeRestore.fileName);
        }
      } else {
        previousDataSavedAs = keepDamagedCopy(dataDir, dbFile, clockNow());
      }
    } catch (err) {
      removeDatabaseFiles(staged);
      throw new AppError('BACKUP_FOLDER', `恢复前未能备份当前数据（${(err as Error).message}）。为保护现有数据，恢复已取消，未做任何改动。`);
    }

    // What this PC knows about its backup files outlives the data going back in time.
    const backupRecords = current ? exportBackupRecords(current.db) : [];
    const keep = `${dbFile}.previous`;
    let restored: OpenHub;
    try {
      restored = await host.reopen(() => swapIn(staged, dbFile, keep));
      // Still inside the put-back: if the restored file cannot take even these rows, the old one goes back.
      const now = restored.clock.now();
      const reopened = restored;
      reopened.db.transaction(() => {
        // Everyone logs in again, against the accounts as they were in the backup.
        sql(reopened.db, 'DELETE FROM sessions').run();
        if (beforeRestore) recordBackup(reopened.db, recordOf(beforeRestore));
        importBackupRecords(reopened.db, backupRecords);
        recordAudit(reopened.db, {
          user: actor.user,
          caller: actor.caller,
          now,
          method: actor.method,
          outcome: 'ok',
          target: `backup:${label.slice(0, 150)}`,
          details: {
            fileSchemaVersion: info.schemaVersion,
            schemaVersion: reopened.schemaVersion,
            previousDataSavedAs,
            recovery: current === null,
          },
          input: 'upload' in source ? { upload: { filename: source.upload.filename } } : { fileName: source.fileName },
        });
      })();
    } catch (err) {
      try {
        await host.reopen(() => putBack(keep, dbFile));
      } catch {
        /* the previous file was damaged too: recovery mode stays */
      }
      removeDatabaseFiles(staged);
      const why = err instanceof AppError ? err.message : `${(err as Error).message}`;
      throw new AppError('BACKUP_INVALID', `恢复失败，已放回原来的数据库文件，数据未作任何改动（${why}）`);
    }
    removeDatabaseFiles(keep);

    return {
      restoredFrom: label,
      fileSchemaVersion: info.schemaVersion,
      schemaVersion: restored.schemaVersion,
      previousDataSavedAs,
      hubName: info.hubName,
    };
  });
}
