import fs from 'node:fs';
import path from 'node:path';
import type { OpenHub, ReadableHub } from '../ports';
import { bool, sql, type ReadDb, type WriteDb } from '../../db/database';
import { AppError } from '../../errors';
import { getSetting, setSetting } from '../settings';
import type { BackupEntry, BackupReason } from '../../../shared/contract/backup';
import { chinaDate, daysBetween } from '../../../shared/dates';
import { type CheckDepth, fsyncDir, removeDatabaseFiles } from '../../db/files';
import { withDataLock } from '../../db/data-lock';
import { backupOffThread, verifyCopyOffThread } from '../../db/off-thread';
import { verifyCopyHere, type CopyVerification } from '../../db/verify-copy';
import { backupName, hubSlug, isAutomatic, parseBackupName } from './names';
import { defaultBackupDir, readBackupSettings, usableBackupDir } from './settings';

// ---------------------------------------------------------------------------------------------------

interface BackupDbRow {
  fileName: string;
  dir: string;
  sizeBytes: number;
  reason: BackupReason;
  createdAt: string;
  sha256: string;
  verified: number;
  problem: string | null;
  schemaVersion: number;
  createdBy: string | null;
  note: string | null;
}

const ROW_COLUMNS = `file_name AS fileName, dir, size_bytes AS sizeBytes, reason, created_at AS createdAt, sha256, verified,
  problem, schema_version AS schemaVersion, created_by AS createdBy, note`;

export interface NewBackupRecord {
  fileName: string;
  dir: string;
  sizeBytes: number;
  reason: BackupReason;
  createdAt: string;
  sha256: string;
  verified: boolean;
  problem: string | null;
  schemaVersion: number;
  createdBy: string | null;
  note: string | null;
}

export function recordBackup(db: WriteDb, r: NewBackupRecord): void {
  sql(
    db,
    `INSERT INTO backups (file_name, dir, size_bytes, reason, created_at, sha256, verified, problem, schema_version, created_by, note)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (dir, file_name) DO UPDATE SET size_bytes = excluded.size_bytes, reason = excluded.reason,
       created_at = excluded.created_at, sha256 = excluded.sha256, verified = excluded.verified, problem = excluded.problem,
       schema_version = excluded.schema_version, created_by = excluded.created_by, note = excluded.note, deleted_at = NULL`,
  ).run(r.fileName, r.dir, r.sizeBytes, r.reason, r.createdAt, r.sha256, r.verified ? 1 : 0, r.problem, r.schemaVersion, r.createdBy, r.note);
}

function entryFromRecord(r: NewBackupRecord): BackupEntry {
  const parsed = parseBackupName(r.fileName);
  return {
    fileName: r.fileName,
    dir: r.dir,
    sizeBytes: r.sizeBytes,
    createdAt: r.createdAt,
    reason: r.reason,
    automatic: isAutomatic(r.reason),
    hub: parsed?.hub ?? '',
    recorded: true,
    verified: r.verified,
    problem: r.problem,
    sha256: r.sha256,
    schemaVersion: r.schemaVersion,
    createdBy: r.createdBy,
    note: r.note,
  };
}

/** Backup files in a folder, by their names; no database needed (recovery mode lists with this). */
export function scanBackupFolder(dir: string): BackupEntry[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const entries: BackupEntry[] = [];
  for (const fileName of names) {
    const parsed = parseBackupName(fileName);
    if (!parsed) continue;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(path.join(dir, fileName));
    } catch {
      continue;
    }
    if (!stat.isFile()) continue;
    entries.push({
      fileName,
      dir,
      sizeBytes: stat.size,
      createdAt: parsed.at.toISOString(),
      reason: parsed.reason,
      automatic: isAutomatic(parsed.reason),
      hub: parsed.hub,
      recorded: false,
      verified: null,
      problem: null,
      sha256: null,
      schemaVersion: null,
      createdBy: null,
      note: null,
    });
  }
  return sortNewestFirst(entries);
}

/** Newest first; within one second, the later name (…-1, …-2) first. */
const sortNewestFirst = (entries: BackupEntry[]) =>
  entries.sort((a, b) => {
    if (a.createdAt !== b.createdAt) return b.createdAt.localeCompare(a.createdAt);
    return (parseBackupName(b.fileName)?.n ?? 0) - (parseBackupName(a.fileName)?.n ?? 0) || (a.fileName < b.fileName ? 1 : -1);
  });

/** The folders backups may be in: the chosen one, and the default one when it differs and holds any. */
export function backupFolders(dataDir: string): string[] {
  const chosen = readBackupSettings(dataDir).dir;
  const fallback = defaultBackupDir(dataDir);
  return chosen === fallback ? [chosen] : [chosen, fallback];
}

/** What can be restored (files on disk), with what this database recorded about each. */
export function listBackups(app: ReadableHub, db: ReadDb = app.readDb): BackupEntry[] {
  const files = backupFolders(app.dataDir).flatMap(scanBackupFolder);
  const rows = sql(db, `SELECT ${ROW_COLUMNS} FROM backups`).all() as BackupDbRow[];
  const byKey = new Map(rows.map((r) => [`${r.dir}\u0000${r.fileName}`, r]));
  // A folder that moved (another drive letter) keeps its records: the file name is the backup's identity.
  const byName = new Map(rows.map((r) => [r.fileName, r]));
  return sortNewestFirst(
    files.map((f) => {
      const r = byKey.get(`${f.dir}\u0000${f.fileName}`) ?? byName.get(f.fileName);
      if (!r) return f;
      return {
        ...f,
        createdAt: r.createdAt,
        recorded: true,
        verified: bool(r.verified) && r.sizeBytes === f.sizeBytes,
        problem: r.sizeBytes === f.sizeBytes ? r.problem : '文件大小与备份记录不符，可能已被改动',
        sha256: r.sha256,
        schemaVersion: r.schemaVersion,
        createdBy: r.createdBy,
        note: r.note,
      };
    }),
  );
}

const RECORD_COLUMNS = 'file_name, dir, size_bytes, reason, created_at, sha256, verified, problem, schema_version, created_by, note, deleted_at';

/** Every backup record, to carry across a restore: the files stay on this PC whatever the data goes back to. */
export function exportBackupRecords(db: ReadDb): Record<string, unknown>[] {
  return sql(db, `SELECT ${RECORD_COLUMNS} FROM backups ORDER BY id`).all() as Record<string, unknown>[];
}

/** Adds the records this database does not have yet (its own rows win). */
export function importBackupRecords(db: WriteDb, rows: Record<string, unknown>[]): void {
  const insert = sql(
    db,
    `INSERT INTO backups (${RECORD_COLUMNS}) VALUES (@file_name, @dir, @size_bytes, @reason, @created_at, @sha256, @verified, @problem,
       @schema_version, @created_by, @note, @deleted_at) ON CONFLICT (dir, file_name) DO NOTHING`,
  );
  for (const row of rows) insert.run(row);
}

/**
 * What this hub recorded about a backup file, found by the file's own identity (its name says hub, second and
 * kind) whichever folder or drive letter it is in now: a data folder moved from D: to E:, or a USB disk that
 * came back under another letter, still has its checksums checked.
 */
export function findBackupRecords(db: ReadDb, fileName: string): BackupDbRow[] {
  return sql(db, `SELECT ${ROW_COLUMNS} FROM backups WHERE file_name = ? ORDER BY id DESC`).all(fileName) as BackupDbRow[];
}

function uniqueName(dir: string, hub: string | null, at: Date, reason: BackupReason): string {
  for (let n = 0; ; n++) {
    const name = backupName(hub, at, reason, n);
    if (!fs.existsSync(path.join(dir, name)) && !fs.existsSync(path.join(dir, `${name}.partial`))) return name;
  }
}

/** Leftovers of a backup interrupted by a crash or a pulled USB disk. */
function removeStalePartials(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (/^santong-.+\.sqlite\.partial(-journal|-wal|-shm)?$/.test(name)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

export interface BackupOptions {
  /** Who asked (a username), null for automatic backups. */
  by?: string | null;
  note?: string | null;
}

/** A full integrity_check at least weekly (and for every backup a person asks for); quick_check between. */
export const FULL_CHECK_EVERY_DAYS = 7;

/**
 * The automatic backups whose copy is read back with quick_check within a week of a full check: the daily one, and
 * the one before a month close (a person waits for the close; the full check of a ten-year copy adds minutes).
 */
const QUICK_WITHIN_THE_WEEK = new Set<BackupReason>(['daily', 'before-close']);

export function checkDepthOf(db: ReadDb, reason: BackupReason, today: string): CheckDepth {
  if (!QUICK_WITHIN_THE_WEEK.has(reason)) return 'full';
  const last = getSetting(db, 'backup.lastFullCheck');
  return last !== null && daysBetween(last, today) < FULL_CHECK_EVERY_DAYS ? 'quick' : 'full';
}

/**
 * Makes a backup now: SQLite's online backup of the live database into the chosen folder (on a worker
 * thread, from a snapshot, while the hub keeps working), switched to
 * a self-contained file, reopened read-only and verified (integrity_check, or quick_check for a daily backup
 * within a week of the last full check; application_id, version),
 * checksummed, renamed into place, and recorded. Automatic kinds are then pruned to the retention.
 * The period close calls this with 'before-close'.
 */
export function backupNow(app: OpenHub, reason: BackupReason, opts: BackupOptions = {}): Promise<BackupEntry> {
  return withDataLock(app.dbFile, () => backupUnlocked(app, reason, opts));
}

/** backupNow for callers already holding the data lock (restore). */
export async function backupUnlocked(app: OpenHub, reason: BackupReason, opts: BackupOptions = {}): Promise<BackupEntry> {
  const settings = readBackupSettings(app.dataDir);
  const dir = usableBackupDir(app.dataDir, settings);
  removeStalePartials(dir);
  const now = app.clock.now();
  const fileName = uniqueName(dir, getSetting(app.db, 'hub.name'), now, reason);
  const final = path.join(dir, fileName);
  const partial = `${final}.partial`;
  let record: NewBackupRecord;
  try {
    // Copying and reading back gigabytes takes minutes at ten years: off the thread that answers the villages.
    const depth = checkDepthOf(app.db, reason, chinaDate(now));
    const { verified, problem, sha256, sizeBytes } = await backupOffThread(app.dbFile, partial, app.schemaVersion, depth);
    if (verified && depth === 'full') {
      await app.writeGate.open();
      app.db.transaction(() => setSetting(app.db, 'backup.lastFullCheck', chinaDate(now)))();
    }
    fs.renameSync(partial, final);
    fsyncDir(dir);
    record = {
      fileName,
      dir,
      sizeBytes,
      reason,
      createdAt: now.toISOString(),
      sha256,
      verified,
      problem,
      schemaVersion: app.schemaVersion,
      createdBy: opts.by ?? null,
      note: opts.note ?? null,
    };
  } catch (err) {
    removeDatabaseFiles(partial);
    if (err instanceof AppError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOSPC' || code === 'SQLITE_FULL'
        ? '备份目录所在磁盘已满'
        : code === 'ENOENT' || code === 'EIO' || code === 'SQLITE_CANTOPEN' || code?.startsWith('SQLITE_IOERR')
          ? '备份目录已无法访问（U盘是否已拔出？）'
          : (err as Error).message;
    throw new AppError('BACKUP_FOLDER', `备份失败：${why}。当前数据未受影响。`);
  }
  await app.writeGate.open();
  app.db.transaction(() => recordBackup(app.db, record))();
  if (isAutomatic(reason)) await pruneBackups(app, dir, reason, settings.keep);
  return entryFromRecord(record);
}

/**
 * Retention: keeps the newest `keep` automatic backups of this kind made for this hub in the folder.
 * Manual backups, other hubs' files, and files the app did not name are never touched. The files are
 * removed off the request thread: unlinking a 4 GB file took about a second here, longer on NTFS.
 */
export async function pruneBackups(app: OpenHub, dir: string, reason: BackupReason, keep: number): Promise<string[]> {
  if (!isAutomatic(reason)) return [];
  const hub = hubSlug(getSetting(app.db, 'hub.name'));
  const candidates = scanBackupFolder(dir).filter((e) => e.reason === reason && e.hub === hub);
  const removed: string[] = [];
  const at = app.clock.now().toISOString();
  for (const e of candidates.slice(keep)) {
    try {
      await fs.promises.rm(path.join(dir, e.fileName));
      removed.push(e.fileName);
    } catch (err) {
      console.error(`[santong] could not remove old backup ${e.fileName}:`, (err as Error).message);
    }
  }
  // The app may have closed meanwhile (a restore, a shutdown): the list goes by the files on disk, so only
  // the records' deleted_at stays unset.
  if (removed.length) await app.writeGate.open();
  if (removed.length && app.db.open) {
    const mark = sql(app.db, 'UPDATE backups SET deleted_at = ? WHERE dir = ? AND file_name = ? AND deleted_at IS NULL');
    app.db.transaction(() => removed.forEach((name) => mark.run(at, dir, name)))();
  }
  return removed;
}

/** Whether today's (China time) automatic daily backup exists. */
export function dailyBackupDoneToday(app: ReadableHub, db: ReadDb = app.db): boolean {
  const today = chinaDate(app.clock.now());
  const since = new Date(`${today}T00:00:00+08:00`).toISOString();
  const rows = sql(db, "SELECT dir, file_name AS fileName FROM backups WHERE reason = 'daily' AND created_at >= ? AND deleted_at IS NULL").all(since) as {
    dir: string;
    fileName: string;
  }[];
  return rows.some((r) => fs.existsSync(path.join(r.dir, r.fileName)));
}

/** A pre-migration copy this large is checked on a worker thread once the upgraded hub serves. */
export const MIGRATION_COPY_BACKGROUND_BYTES = 64 * 2 ** 20;

/**
 * Records the copy the migration runner made before upgrading (it runs before this table can be
 * written to), checked and checksummed like any backup. A large copy is checked on a worker thread while
 * the upgraded hub already serves: reading a ten-year copy back twice (check, checksum) took minutes in
 * which nobody could sign in. Settles once the record is written (or the app closed first).
 */
export function recordMigrationBackup(app: OpenHub, backgroundFromBytes = MIGRATION_COPY_BACKGROUND_BYTES): Promise<void> {
  const file = app.migration.backupFile;
  if (!file || !fs.existsSync(file)) return Promise.resolve();
  if (fs.statSync(file).size < backgroundFromBytes) {
    writeMigrationRecord(app, file, verifyCopyHere(file, app.schemaVersion));
    return Promise.resolve();
  }
  return verifyCopyOffThread(file, app.schemaVersion).then(
    (checked) => {
      if (app.db.open) writeMigrationRecord(app, file, checked);
    },
    (err: unknown) => {
      // No worker (a broken install) or the copy vanished: check here, as before there was a worker.
      console.error(`[santong] checking the pre-migration copy on a worker failed (${(err as Error).message}); checking it here`);
      if (app.db.open) writeMigrationRecord(app, file, verifyCopyHere(file, app.schemaVersion));
    },
  );
}

function writeMigrationRecord(app: OpenHub, file: string, checked: CopyVerification): void {
  const record: NewBackupRecord = {
    fileName: path.basename(file),
    dir: path.dirname(file),
    sizeBytes: checked.sizeBytes,
    reason: 'before-migration',
    createdAt: app.clock.now().toISOString(),
    sha256: checked.sha256,
    verified: checked.verified,
    problem: checked.problem,
    schemaVersion: app.migration.from,
    createdBy: null,
    note: `升级数据库 v${app.migration.from} → v${app.migration.to}`,
  };
  app.db.transaction(() => recordBackup(app.db, record))();
  const settings = readBackupSettings(app.dataDir);
  if (path.dirname(file) === settings.dir) {
    pruneBackups(app, settings.dir, 'before-migration', settings.keep).catch((err: unknown) =>
      console.error('[santong] could not prune the pre-migration backups:', (err as Error).message),
    );
  }
}

/** Where the migration runner should put its copy: the chosen folder when usable, else the default one. */
export function migrationBackupDir(dataDir: string): string {
  try {
    return usableBackupDir(dataDir);
  } catch (err) {
    console.error(`[santong] backup folder unusable (${(err as Error).message}); the pre-migration copy goes to the default folder`);
    const fallback = defaultBackupDir(dataDir);
    fs.mkdirSync(fallback, { recursive: true });
    return fallback;
  }
}
