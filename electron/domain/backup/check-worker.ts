// Worker-thread entry (bundled as dist/electron/db-check-worker.cjs): one check that reads a whole
// database file, run where it cannot stall the thread that answers the villages.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { quickCheckProblem } from './files';
import { verifyCopyHere } from './verify-copy';
import type { CheckJob } from './off-thread';

function run(job: CheckJob): unknown {
  if (job.kind === 'verify-copy') return verifyCopyHere(job.file, job.latestVersion);
  // A reader beside the live writer (WAL): sees the file as the writer left it, changes nothing.
  const db = new Database(job.file, { readonly: true, fileMustExist: true });
  try {
    return { problem: quickCheckProblem(db) };
  } finally {
    db.close();
  }
}

try {
  parentPort!.postMessage({ result: run(workerData as CheckJob) });
} catch (err) {
  parentPort!.postMessage({ failure: { message: (err as Error).message, code: (err as NodeJS.ErrnoException).code } });
}
