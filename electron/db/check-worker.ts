// Worker-thread entry (bundled as dist/electron/db-check-worker.cjs): one job that reads or writes a
// whole database file, run where it cannot stall the thread that answers the villages.
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import os from 'node:os';
import { type CheckDepth, quickCheckProblem } from './files';
import { verifyCopyHere, type CopyVerification } from './verify-copy';
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

/** Rate for the backup's steps: everything in one step. */
const ALL_PAGES = 0x7fffffff;

/**
 * SQLite's online backup of the live file from a reader of its own, then the copy's checks. One step
 * under one read snapshot: the hub keeps writing meanwhile (WAL), and the copy is the database exactly as
 * it stood when the step began — copied in small steps, every write by the hub would restart it.
 */
async function backupAndVerify(source: string, dest: string, latestVersion: number, depth: CheckDepth): Promise<CopyVerification> {
  // The folder vanished since it was checked (USB disk pulled, share offline): say so by its code.
  if (!fs.existsSync(path.dirname(dest))) throw Object.assign(new Error(`folder not found: ${path.dirname(dest)}`), { code: 'ENOENT' });
  const db = connect(source, true);
  try {
    await db.backup(dest, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
  return verifyCopyHere(dest, latestVersion, depth);
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

async function run(job: CheckJob): Promise<unknown> {
  if (job.kind === 'backup') {
    // The backup reads gigabytes while the villages work: on Linux (nice values are per thread) this
    // worker yields the CPU to the thread that answers them. Not on Windows, where it would lower the process.
    if (process.platform === 'linux') {
      try {
        os.setPriority(0, 10);
      } catch {
        // not allowed here: run at the normal priority
      }
    }
    return backupAndVerify(job.source, job.dest, job.latestVersion, job.depth);
  }
  if (job.kind === 'verify') return verifyCopyHere(job.file, job.latestVersion);
  return job.kind === 'checkpoint' ? checkpoint(job.file) : quickCheck(job.file);
}

run(workerData as CheckJob).then(
  (result) => parentPort!.postMessage({ result }),
  (err: unknown) => parentPort!.postMessage({ failure: { message: (err as Error).message, code: (err as NodeJS.ErrnoException).code } }),
);
