import { Worker } from 'node:worker_threads';
import type { CopyVerification } from './verify-copy';
import type { CheckDepth } from './files';
import type { DiskPacing } from './pacing';
import { bundledScript } from '../paths';

/** The jobs that read or write a whole database file (minutes at ten years), run on a worker thread. */
export type CheckJob =
  | ({ kind: 'backup'; source: string; dest: string; latestVersion: number; depth: CheckDepth } & BackupTuning)
  | { kind: 'quick-check'; file: string }
  | { kind: 'verify'; file: string; latestVersion: number }
  | { kind: 'checkpoint'; file: string }
  | { kind: 'truncate-log'; file: string };

/** What tests change about a backup; production leaves both out. */
export interface BackupTuning {
  /** The copy's and read-back's steps and rate (default BACKUP_PACING). */
  pacing?: DiskPacing;
  /** Shared with the worker: [0] becomes 1 once its read snapshot of the source is open, [1] counts the copy's steps. */
  copyProgress?: Int32Array;
}

/** PRAGMA wal_checkpoint's answer: frames in the log, and how many of them are now in the database file. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

type WorkerReply = { result: unknown } | { failure: { message: string; code?: string } };

export const CHECK_WORKER_BUNDLE = 'db-check-worker.cjs';

/** A check under way: its outcome, and a way to stop it (the app is closing). */
export interface RunningCheck<T> {
  done: Promise<T>;
  stop(): void;
}

/** Runs one job on a new worker thread. Rejects with the file system's error (its code kept) when the disk fails. */
export function runOffThread<T>(job: CheckJob): RunningCheck<T> {
  let worker: Worker;
  try {
    worker = new Worker(bundledScript(CHECK_WORKER_BUNDLE), { workerData: job });
  } catch (err) {
    // No worker (a broken install): the caller's rejection handling decides, never a throw mid-start.
    return { done: Promise.reject(err as Error), stop: () => undefined };
  }
  let settled = false;
  let reply: WorkerReply | null = null;
  // Settled once the thread has exited, not at its answer: until then its connection may still be open, and a
  // last connection closing elsewhere touches the file's log (a restore swapping the file, a folder removed).
  const done = new Promise<T>((resolve, reject) => {
    worker.once('message', (r: WorkerReply) => {
      reply = r;
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (settled) return;
      settled = true;
      if (reply === null) reject(new Error(`the database check stopped before it finished (exit ${code})`));
      else if ('failure' in reply) reject(Object.assign(new Error(reply.failure.message), { code: reply.failure.code }));
      else resolve(reply.result as T);
    });
  });
  return { done, stop: () => void worker.terminate() };
}

/**
 * Backs up the live file into `dest` and checks the copy (verifyCopyHere), on a worker thread: the LAN
 * server keeps answering while gigabytes are copied and read back, and the hub may keep writing.
 */
export const backupOffThread = (
  source: string,
  dest: string,
  latestVersion: number,
  depth: CheckDepth = 'full',
  tuning: BackupTuning = {},
): Promise<CopyVerification> => runOffThread<CopyVerification>({ kind: 'backup', source, dest, latestVersion, depth, ...tuning }).done;

/** The checks of a copy already written (the migration's): verifyCopyHere on a worker thread. */
export const verifyCopyOffThread = (file: string, latestVersion: number): Promise<CopyVerification> =>
  runOffThread<CopyVerification>({ kind: 'verify', file, latestVersion }).done;

/** The start-up quick_check of the live file on a worker thread; null when the file is sound. */
export const quickCheckOffThread = (file: string): RunningCheck<{ problem: string | null }> => runOffThread({ kind: 'quick-check', file });

/** A PASSIVE checkpoint of the live file's write-ahead log by a connection of its own (wal-checkpoints.ts). */
export const checkpointOffThread = (file: string): RunningCheck<CheckpointResult> => runOffThread({ kind: 'checkpoint', file });

/** A TRUNCATE checkpoint of the live file's log by a connection of its own: the caller holds the hub's writes back. */
export const truncateLogOffThread = (file: string): RunningCheck<CheckpointResult> => runOffThread({ kind: 'truncate-log', file });
