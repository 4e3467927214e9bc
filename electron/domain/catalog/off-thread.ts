/**
 * A catalog import runs on a worker thread of its own (import-worker.ts) with its own connection to the file: at
 * 150,000 rows reading the workbook, checking every row and the import's one transaction take seconds to a minute,
 * which on the server's thread no village would get an answer in. The preview reads on a read-only connection; the
 * commit writes in one transaction (all or nothing, its audit row in it), or a big file in batches of short
 * transactions (import-batches.ts), and holds the hub's write gate only while it writes: meanwhile this thread's
 * write methods wait at the gate (db/write-gate.ts) and its reads answer from their WAL snapshot. One commit at a
 * time per hub: a second is refused (CONFLICT), never queued behind a minute.
 */
import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '../../../shared/errors';
import type { ImportMapping, ImportPreview } from '../../../shared/contract/catalog';
import { postWorkbook } from '../../lib/sheets/crossing';
import type { WorkbookData } from '../../lib/sheets/model';
import type { CatalogReadChoices } from './sheet-file';
import { AppError } from '../../errors';
import { sql } from '../../db/database';
import { bundledScript } from '../../paths';
import { requestPressure, type PacerStats, type RequestPressure } from '../../lib/request-pressure';
import type { CallAudit } from '../context';
import type { OpenHub, ReadableHub } from '../ports';
import type { CommitResult } from './import';

export const CATALOG_IMPORT_WORKER_BUNDLE = 'catalog-import-worker.cjs';

/**
 * The file arrives read: the hub parses it once on lib/sheets' worker (cached by its SHA-256, so the preview, a
 * remap and the commit share one parse) and hands this worker the compact model, not the bytes. The job itself is
 * the worker's workerData; the workbook follows it in pieces (lib/sheets/crossing.ts): as workerData it would be
 * serialised on this thread in one go, ~180 ms without an answer at 150,000 rows.
 */
export type CatalogImportJob = (
  | { kind: 'preview'; dbFile: string; filename: string; choices: CatalogReadChoices; mapping?: ImportMapping }
  | { kind: 'errors'; dbFile: string; filename: string; choices: CatalogReadChoices; mapping?: ImportMapping }
  | {
      kind: 'commit';
      dbFile: string;
      filename: string;
      choices: CatalogReadChoices;
      mapping: ImportMapping;
      mode: 'all' | 'cleanRowsOnly';
      nowMs: number;
      audit: CallAudit;
    }
) & {
  /** The request thread's requests under way (lib/request-pressure.ts): the worker checks rows only while there are none. */
  pressure: RequestPressure;
};

/** Where a commit is: reading the file, indexing its names (short writes), writing the drugs (the one transaction). */
export interface ImportProgress {
  phase: 'reading' | 'indexing' | 'writing';
  done: number;
  total: number;
}

export type WorkerToHub =
  | { type: 'progress'; progress: ImportProgress }
  /** The worker is about to write: it waits for 'go' (the gate is then held for it). */
  | { type: 'want-write' }
  /** Its write has committed or rolled back: the gate opens. */
  | { type: 'wrote' }
  /** How often, and how long, it gave way to requests (sent before its outcome). */
  | { type: 'paced'; stats: PacerStats }
  | { type: 'value'; value: unknown }
  | { type: 'refusal'; code: ErrorCode; message: string; issues?: { path: string; message: string }[] }
  | { type: 'fault'; name: string; code?: string; message: string; stack?: string };

/** A commit under way on a hub: where it is, and a way to stop it (its open transaction then rolls back). */
export interface RunningImport {
  progress: ImportProgress;
  stop(): void;
  readonly onProgress: Set<(p: ImportProgress) => void>;
}

const running = new WeakMap<ReadableHub, RunningImport>();

/** The commit under way on this hub, if any (the dialog's progress; tests stop it mid-write). */
export const runningImport = (hub: ReadableHub): RunningImport | undefined => running.get(hub);

/**
 * Imports done on a worker so far in this process (tests check that the work really left this thread), and the
 * pace points at which they waited for the request thread's requests.
 */
export const importsOffThread = { started: 0, waitsForRequests: 0 };

/** What a caller gives: the job without what this module fills in, and the workbook the hub read. */
type JobInput<K extends CatalogImportJob['kind']> = Omit<Extract<CatalogImportJob, { kind: K }>, 'kind' | 'dbFile' | 'pressure'> & { workbook: WorkbookData };

export function previewOffThread(hub: ReadableHub, { workbook, ...job }: JobInput<'preview'>): Promise<ImportPreview> {
  return runJob(hub, { kind: 'preview', dbFile: hub.dbFile, pressure: requestPressure(), ...job }, workbook, null) as Promise<ImportPreview>;
}

/** The failing rows as an .xlsx (error-rows.ts), read and checked on a worker like a preview. */
export async function failingRowsOffThread(hub: ReadableHub, { workbook, ...job }: JobInput<'errors'>): Promise<{ data: Uint8Array; rows: number }> {
  return (await runJob(hub, { kind: 'errors', dbFile: hub.dbFile, pressure: requestPressure(), ...job }, workbook, null)) as { data: Uint8Array; rows: number };
}

export async function commitOffThread(hub: OpenHub, { workbook, ...job }: JobInput<'commit'>): Promise<CommitResult> {
  if (running.has(hub)) throw new AppError('CONFLICT', '另一个药品目录导入正在进行，请等它完成后再导入');
  const entry: RunningImport = { progress: { phase: 'reading', done: 0, total: 0 }, stop: () => undefined, onProgress: new Set() };
  running.set(hub, entry);
  try {
    return (await runJob(hub, { kind: 'commit', dbFile: hub.dbFile, pressure: requestPressure(), ...job }, workbook, entry)) as CommitResult;
  } finally {
    running.delete(hub);
  }
}

/** The refusal of a stopped commit: the batches a big import had written stay (import-batches.ts), and are counted. */
function stoppedImport(hub: ReadableHub, job: CatalogImportJob): AppError {
  const at = job.kind === 'commit' ? new Date(job.nowMs).toISOString() : null;
  const written = at === null ? 0 : (sql(hub.readDb, 'SELECT count(*) AS n FROM drugs WHERE updated_at = ?').get(at) as { n: number }).n;
  return new AppError(
    'CONFLICT',
    written === 0
      ? '药品目录导入已停止，药品目录没有任何改动'
      : `药品目录导入已停止：已分批写入的 ${written} 种药品保留，其余未导入。重新导入同一文件即可补齐（已写入的行显示为“无变化”）`,
  );
}

function runJob(hub: ReadableHub, job: CatalogImportJob, workbook: WorkbookData, entry: RunningImport | null): Promise<unknown> {
  let worker: Worker;
  try {
    worker = new Worker(bundledScript(CATALOG_IMPORT_WORKER_BUNDLE), { workerData: job });
  } catch (err) {
    return Promise.reject(err as Error);
  }
  importsOffThread.started++;
  let release: (() => void) | null = null;
  const open = () => {
    release?.();
    release = null;
  };
  return new Promise<unknown>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      // The gate opens once the thread is gone: a worker stopped mid-write still holds the file until then (its
      // connection closes with the thread and SQLite rolls the open transaction back).
      void worker.terminate().finally(open);
      outcome();
    };
    if (entry) {
      entry.stop = () => {
        if (settled) return;
        settled = true;
        // Counted once the thread is gone and its open transaction rolled back.
        void worker.terminate().finally(() => {
          open();
          reject(stoppedImport(hub, job));
        });
      };
    }
    postWorkbook(worker, workbook, () => settled).catch((err: unknown) => settle(() => reject(err)));
    worker.on('message', (m: WorkerToHub) => {
      switch (m.type) {
        case 'progress':
          if (entry) {
            entry.progress = m.progress;
            for (const listener of entry.onProgress) listener(m.progress);
          }
          return;
        case 'want-write':
          void hub.writeGate.hold().then((r) => {
            if (settled) return r();
            release = r;
            worker.postMessage('go');
          });
          return;
        case 'wrote':
          return open();
        case 'paced':
          importsOffThread.waitsForRequests += m.stats.waits;
          return;
        case 'value':
          return settle(() => resolve(m.value));
        case 'refusal':
          return settle(() => reject(new AppError(m.code, m.message, m.issues)));
        case 'fault':
          // The error as SQLite gave it (its code kept): dispatch maps a full disk or a constraint as it always has.
          return settle(() => reject(Object.assign(new Error(m.message), { name: m.name, code: m.code, stack: m.stack })));
      }
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the catalog import worker stopped before it finished (exit ${code})`))));
  });
}
