// Worker-thread entry (bundled as dist/electron/db-check-worker.cjs): one job that reads or writes a
// whole database file, run where it cannot stall the thread that answers the villages.
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { yieldCpuToRequests } from '../lib/thread-priority';
import Database from 'better-sqlite3';
import { quickCheckProblem } from './files';
import { verifyCopyHere, type CopyVerification } from './verify-copy';
import { BACKUP_PACING, startPacer } from './pacing';
import type { CheckJob, CheckpointResult } from './off-thread';

/** A connection of this worker's own to the file, waiting for the hub's locks rather than failing. */
function connect(file: string, readonly: boolean): Database.Database {
  const db = new Database(file, { readonly, fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  return db;
}

/** Runs a synchronous `use` on a connection of its own to `file`, closed whatever happens. */
function withConnection<T>(file: string, readonly: boolean, use: (db: Database.Database) => T): T {
  const db = connect(file, readonly);
  try {
    return use(db);
  } finally {
    db.close();
  }
}

/**
 * SQLite's online backup of the live file from a reader of its own, then the copy's checks. The copy is
 * the database exactly as of one instant: the reader opens one read transaction (a WAL snapshot) first and
 * holds it to the end, so the hub's commits meanwhile go to the log beyond its snapshot, and the backup's
 * steps, all run inside that same transaction, never see the source change and never restart. Copied in
 * bounded steps, each flushed to the disk, at a bounded rate (pacing.ts), so the hub's commits never queue
 * behind gigabytes of writeback.
 */
async function backupAndVerify(job: Extract<CheckJob, { kind: 'backup' }>): Promise<CopyVerification> {
  const { source, dest, latestVersion, depth, pacing = BACKUP_PACING } = job;
  // The folder vanished since it was checked (USB disk pulled, share offline): say so by its code.
  if (!fs.existsSync(path.dirname(dest))) throw Object.assign(new Error(`folder not found: ${path.dirname(dest)}`), { code: 'ENOENT' });
  const db = connect(source, true);
  let destFd: number | null = null;
  try {
    db.exec('BEGIN');
    // A deferred BEGIN takes its snapshot at the first read; this one reads the header alone, so a damaged
    // file is still copied page by page (and the copy's checks report the damage).
    db.pragma('schema_version');
    if (job.copyProgress) Atomics.store(job.copyProgress, 0, 1);
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pagesPerStep = Math.max(1, Math.floor(pacing.stepBytes / pageSize));
    const keepPace = startPacer(pacing);
    await db.backup(dest, {
      progress: ({ totalPages, remainingPages }) => {
        // The step's pages (those SQLite's cache spilled to the file) go to the disk now, not in one flood later.
        destFd ??= fs.openSync(dest, 'r+');
        fs.fdatasyncSync(destFd);
        keepPace((totalPages - remainingPages) * pageSize);
        if (job.copyProgress) Atomics.add(job.copyProgress, 1, 1);
        return pagesPerStep;
      },
    });
  } finally {
    if (destFd !== null) fs.closeSync(destFd);
    if (db.inTransaction) db.exec('COMMIT');
    db.close();
  }
  return verifyCopyHere(dest, latestVersion, depth, pacing);
}

/** The start-up quick_check, by a reader beside the live writer: sees the file as it is, changes nothing. */
function quickCheck(file: string): { problem: string | null } {
  return withConnection(file, true, (db) => ({ problem: quickCheckProblem(db) }));
}

/**
 * Copies the write-ahead log's frames into the database file and syncs it, without waiting for or
 * blocking the hub's writer (PASSIVE): the part of a commit that can take seconds on a busy disk.
 */
function checkpoint(file: string): CheckpointResult {
  return withConnection(file, false, (db) => (db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[])[0]);
}

/**
 * Copies what is left of the log and cuts the log file to nothing (TRUNCATE), for a log grown far past its kept size
 * (a big import's batches: a gigabyte). Cut by the hub's next commit instead, it took 0.1–0.4 s of the thread that
 * answers the villages. The caller holds the hub's writes back meanwhile; readers go on reading the database file.
 * Waits at most a moment for the hub's readers: a busy answer leaves the log for the next turn.
 */
function truncateLog(file: string): CheckpointResult {
  return withConnection(file, false, (db) => {
    db.pragma('busy_timeout = 100');
    return (db.pragma('wal_checkpoint(TRUNCATE)') as CheckpointResult[])[0];
  });
}

async function run(job: CheckJob): Promise<unknown> {
  if (job.kind === 'backup') {
    // The backup reads gigabytes while the villages work: on Linux (nice values are per thread) this
    // worker yields the CPU to the thread that answers them. Not on Windows, where it would lower the process.
    yieldCpuToRequests();
    return backupAndVerify(job);
  }
  if (job.kind === 'verify') return verifyCopyHere(job.file, job.latestVersion);
  if (job.kind === 'truncate-log') return truncateLog(job.file);
  return job.kind === 'checkpoint' ? checkpoint(job.file) : quickCheck(job.file);
}

run(workerData as CheckJob).then(
  (result) => parentPort!.postMessage({ result }),
  (err: unknown) => parentPort!.postMessage({ failure: { message: (err as Error).message, code: (err as NodeJS.ErrnoException).code } }),
);
