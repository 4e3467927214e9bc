import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { AppError } from '../../errors';
import { fsyncFile, inspectDatabaseFile, makeSelfContained, sha256FileSync } from './files';

/** What the checks found about a freshly written backup copy. */
export interface CopyVerification {
  verified: boolean;
  /** Why the copy failed its checks (null when verified). */
  problem: string | null;
  sha256: string;
  sizeBytes: number;
}

/** A failure of the file system (disk full, USB disk pulled) rather than of the copy's contents. */
interface WorkerFailure {
  failure: { message: string; code?: string };
}

/**
 * Turns a fresh copy into one self-contained file, checks it (integrity_check, application id, schema
 * version), flushes it to disk and checksums it. Reads every page: minutes for a ten-year hub.
 */
export function verifyCopyHere(file: string, latestVersion: number): CopyVerification {
  const problem = copyProblem(file, latestVersion);
  fsyncFile(file);
  return { verified: problem === null, problem, sha256: sha256FileSync(file), sizeBytes: fs.statSync(file).size };
}

/** Why the copy is not a good backup, in words for the administrator; null when it is. */
function copyProblem(file: string, latestVersion: number): string | null {
  let notSelfContained: string | null = null;
  try {
    makeSelfContained(file);
  } catch (err) {
    if (!(err instanceof Database.SqliteError)) throw err;
    notSelfContained = `备份文件无法转为单一文件：${err.message}`;
  }
  try {
    inspectDatabaseFile(file, latestVersion);
  } catch (err) {
    // A damaged copy is a finding to record; a vanished file (USB disk pulled) is a failure to throw.
    if (err instanceof AppError) return err.message;
    throw err;
  }
  return notSelfContained;
}

export const VERIFY_WORKER_BUNDLE = 'backup-verify-worker.cjs';

/** The worker's bundle: beside this code when bundled (dist/electron), in dist/electron when run from source (tests). */
function workerScript(): string {
  const candidates = [path.join(import.meta.dirname, VERIFY_WORKER_BUNDLE), path.resolve(import.meta.dirname, '../../../dist/electron', VERIFY_WORKER_BUNDLE)];
  const found = candidates.find((f) => fs.existsSync(f));
  if (!found) throw new Error(`${VERIFY_WORKER_BUNDLE} is missing: run \`npm run build\` first`);
  return found;
}

/**
 * verifyCopyHere on a worker thread, so the LAN server keeps answering the villages while a large
 * copy is read end to end. Rejects with the file system's error (its code kept) when the disk fails.
 */
export function verifyCopyOffThread(file: string, latestVersion: number): Promise<CopyVerification> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript(), { workerData: { file, latestVersion } });
    let settled = false;
    worker.once('message', (msg: CopyVerification | WorkerFailure) => {
      settled = true;
      if ('failure' in msg) reject(Object.assign(new Error(msg.failure.message), { code: msg.failure.code }));
      else resolve(msg);
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`backup verification stopped unexpectedly (exit ${code})`));
    });
  });
}
