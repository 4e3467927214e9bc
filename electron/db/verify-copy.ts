import fs from 'node:fs';
import Database from 'better-sqlite3';
import { AppError } from '../errors';
import { type CheckDepth, fsyncFile, inspectDatabaseFile, makeSelfContained, sha256FileSync } from './files';
import type { DiskPacing } from './pacing';

/** What the checks found about a freshly written backup copy. */
export interface CopyVerification {
  verified: boolean;
  /** Why the copy failed its checks (null when verified). */
  problem: string | null;
  sha256: string;
  sizeBytes: number;
}

/**
 * Turns a fresh copy into one self-contained file, checks it (integrity_check, application id, schema
 * version), flushes it to disk and checksums it. Reads every page: minutes for a ten-year hub, so the
 * backup runs it on a worker thread (off-thread.ts). With `pacing`, the checksum's read-back is paced (the
 * checks themselves cannot be: SQLite reads as it needs).
 */
export function verifyCopyHere(file: string, latestVersion: number, depth: CheckDepth = 'full', pacing?: DiskPacing): CopyVerification {
  const problem = copyProblem(file, latestVersion, depth);
  fsyncFile(file);
  return { verified: problem === null, problem, sha256: sha256FileSync(file, pacing), sizeBytes: fs.statSync(file).size };
}

/** Why the copy is not a good backup, in words for the administrator; null when it is. */
function copyProblem(file: string, latestVersion: number, depth: CheckDepth): string | null {
  let notSelfContained: string | null = null;
  try {
    makeSelfContained(file);
  } catch (err) {
    if (!(err instanceof Database.SqliteError)) throw err;
    notSelfContained = `备份文件无法转为单一文件：${err.message}`;
  }
  try {
    inspectDatabaseFile(file, latestVersion, depth);
  } catch (err) {
    // A damaged copy is a finding to record; a vanished file (USB disk pulled) is a failure to throw.
    if (err instanceof AppError) return err.message;
    throw err;
  }
  return notSelfContained;
}
