// Worker-thread entry (bundled as dist/electron/catalog-import-worker.cjs, see off-thread.ts): reads a catalog
// workbook and previews or commits it on a connection of its own, so the server's thread keeps answering.
import { parentPort, workerData } from 'node:worker_threads';
import { resumeNormalPriority, yieldCpuToRequests } from '../../lib/thread-priority';
import { requestPacer } from '../../lib/request-pressure';
import { openDatabase, openWorkerWriter, type WriteDb } from '../../db/database';
import { AppError } from '../../errors';
import { recordAudit } from '../audit/record';
import { WorkbookReceiver } from '../../lib/sheets/crossing';
import { Workbook } from '../../lib/sheets/model';
import { indexNamesAhead, previewImport, stageAhead } from './import';
import { catalogImportInBatches } from '../../../shared/catalog-import';
import { commitInBatches, commitWhole } from './import-batches';
import { planCatalogWorkbook } from './sheet-file';
import { failingRowsWorkbook } from './error-rows';
import type { CatalogImportJob, ImportProgress, WorkerToHub } from './off-thread';

// Linux keeps nice values per thread: the import (tens of seconds of CPU for a province's catalog) yields the core to
// the thread that answers the villages. It holds the write gate only for its short writes.
yieldCpuToRequests();

const port = parentPort!;
const send = (m: WorkerToHub) => port.postMessage(m);
const progress = (p: ImportProgress) => send({ type: 'progress', progress: p });

let granted: (() => void) | null = null;
// The hub sends the workbook in pieces after the job (lib/sheets/crossing.ts), and 'go' whenever a write may start.
const workbookData = new WorkbookReceiver();
port.on('message', (m: unknown) => {
  if (m === 'go') granted?.();
  else workbookData.accept(m);
});

/** Every write of this worker runs with the hub's write gate held for it: the server's thread then writes nothing. */
async function gated<T>(write: () => T): Promise<T> {
  await new Promise<void>((resolve) => {
    granted = resolve;
    send({ type: 'want-write' });
  });
  granted = null;
  try {
    return write();
  } finally {
    send({ type: 'wrote' });
  }
}

/** The workbook the hub read, rebuilt over the arrays it sent (nothing parsed again), its sheets planned. */
const workbookOf = async (job: CatalogImportJob) => planCatalogWorkbook(job.filename, new Workbook(await workbookData.workbook), job.choices);

const job = workerData as CatalogImportJob;
// And on every platform: the rows are checked only while the request thread has no request under way (or has kept
// this worker waiting 20 ms). Never while this worker holds the hub's write gate: that would hold the villages too.
const pacer = requestPacer(job.pressure);
const { pace } = pacer;

async function run(job: CatalogImportJob): Promise<unknown> {
  if (job.kind === 'preview' || job.kind === 'errors') {
    const wb = await workbookOf(job);
    const db = openDatabase(job.dbFile, { readonly: true });
    try {
      return job.kind === 'preview' ? previewImport(db, wb, job.mapping, pace) : await failingRowsWorkbook(db, wb, job.mapping);
    } finally {
      db.close();
    }
  }
  progress({ phase: 'reading', done: 0, total: 0 });
  const wb = await workbookOf(job);
  const db: WriteDb = openWorkerWriter(job.dbFile);
  // The import's transaction dirties ~80 MB of pages at 150,000 drugs (rows and eight indexes): with the usual
  // 32 MB cache SQLite spills and rereads them mid-transaction, and the transaction that holds the hub's writes
  // takes 2.5× as long. The pages are taken only as the import dirties them, and given back when it closes.
  db.pragma('cache_size = -262144');
  try {
    progress({ phase: 'indexing', done: 0, total: 0 });
    // The names first, in short transactions (the gate opens between them); the drugs staged on this connection
    // (no lock on the hub's file), then written in one transaction, or in batches when there are many (import-batches.ts).
    const { evaluation } = await indexNamesAhead(db, wb, job.mapping, job.mode, (write) => gated(write), pace);
    const ahead = stageAhead(db, evaluation, job.mode, pace);
    const now = new Date(job.nowMs);
    const at = now.toISOString();
    const audit = (details: Record<string, unknown>) =>
      recordAudit(db, { ...job.audit, now, outcome: 'ok', target: `catalog-import:${job.filename}`, details });
    const writing = (done: number, total: number) => progress({ phase: 'writing', done, total });
    // The writes hold every write of the hub: they run at the request thread's priority, not below it.
    resumeNormalPriority();
    const toWrite = evaluation.outcomes.filter((o) => o.action === 'new' || o.action === 'update').length;
    if (ahead.staged && catalogImportInBatches(toWrite)) {
      const startedBy = job.audit.user?.displayName ?? null;
      return await commitInBatches({
        db,
        filename: job.filename,
        startedBy,
        wb,
        mapping: job.mapping,
        mode: job.mode,
        at,
        ahead,
        gated,
        pace,
        audit,
        progress: writing,
      });
    }
    return await gated(() =>
      db.transaction(() => commitWhole({ db, wb, mapping: job.mapping, mode: job.mode, at, audit, progress: writing }, ahead)).immediate(),
    );
  } finally {
    db.close();
  }
}

run(job).then(
  (value) => {
    send({ type: 'paced', stats: pacer.stats });
    send({ type: 'value', value });
  },
  (err: unknown) => {
    send({ type: 'paced', stats: pacer.stats });
    if (err instanceof AppError) send({ type: 'refusal', code: err.code, message: err.message, issues: err.issues });
    else {
      const e = err as Error & { code?: unknown };
      send({ type: 'fault', name: e.name, code: typeof e.code === 'string' ? e.code : undefined, message: e.message, stack: e.stack });
    }
  },
);
