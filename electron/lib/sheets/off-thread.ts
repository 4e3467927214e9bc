import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { refuse, type SheetRefusalReason } from './errors';
import { limitsWith, type SheetLimits } from './limits';
import { copyInSlices } from './crossing';
import { Workbook, type SheetData, type WorkbookData } from './model';
import type { ProgressListener, ReadProgress } from './read';

/** Messages from the worker (worker.ts), in order: progress…, sheet × n, numbers, text… (one per 'next' asked), done. */
export type WorkerMessage =
  | { type: 'progress'; progress: ReadProgress }
  | { type: 'sheet'; index: number; sheet: SheetData }
  | { type: 'numbers'; numbers: Float64Array; starts: Int32Array; offsets: Int32Array }
  | { type: 'text'; done: number; total: number; text: string }
  | { type: 'done'; format: WorkbookData['format']; encoding: string | null; delimiter: WorkbookData['delimiter']; notes: string[] }
  | { type: 'refused'; reason: SheetRefusalReason; message: string }
  | { type: 'failed'; message: string; stack?: string };

export const SHEETS_WORKER_BUNDLE = 'sheets-worker.cjs';

/**
 * The worker's bundle: beside this code once bundled (dist/electron), else in the repository's dist/electron
 * (tests and tools run from source). Kept here rather than in electron/paths.ts: this folder imports nothing
 * of electron/ above it.
 */
export function sheetsWorkerScript(): string {
  const beside = path.join(import.meta.dirname, SHEETS_WORKER_BUNDLE);
  if (fs.existsSync(beside)) return beside;
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      const built = path.join(dir, 'dist', 'electron', SHEETS_WORKER_BUNDLE);
      if (fs.existsSync(built)) return built;
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`${SHEETS_WORKER_BUNDLE} is missing: run \`npm run build\` first`);
}

export interface ReadOptions {
  limits?: Partial<SheetLimits>;
  onProgress?: ProgressListener;
  /** The worker's heap cap (V8 old generation), MB: a file that needs more is refused, the hub unharmed. */
  memoryMb?: number;
  /** The read is stopped and the file refused after this long. */
  timeoutMs?: number;
  /** Characters of text per message back (each message is deserialised on the calling thread in one piece). */
  charsPerMessage?: number;
  workerScript?: string;
}

export const DEFAULT_WORKER_MEMORY_MB = 1536;
export const DEFAULT_TIMEOUT_MS = 180_000;

/**
 * Reads a spreadsheet file on a worker thread of its own (worker_threads, heap capped, timed out) and returns
 * the sheet model. The calling thread only receives typed arrays and slices of one string, so it stays free to
 * answer requests. Rejects with SheetFileRefused for every fault of the file (its Chinese message and code).
 */
export async function readSheetFile(bytes: Uint8Array, opts: ReadOptions = {}): Promise<Workbook> {
  const limits = limitsWith(opts.limits);
  const memoryMb = opts.memoryMb ?? DEFAULT_WORKER_MEMORY_MB;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const progress = opts.onProgress ?? (() => undefined);
  // A copy of its own to hand over: the caller keeps its bytes (to hash, to keep), the worker gets these for free.
  const copy = await copyInSlices(bytes);
  const worker = new Worker(opts.workerScript ?? sheetsWorkerScript(), {
    workerData: { bytes: copy, limits, charsPerMessage: opts.charsPerMessage ?? 1 << 20 },
    transferList: [copy.buffer as ArrayBuffer],
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, memoryMb / 16)) },
  });
  return new Promise<Workbook>((resolve, reject) => {
    const sheets: SheetData[] = [];
    let numbers: Float64Array = new Float64Array(0);
    let starts: Int32Array = Int32Array.of(0, 0);
    let offsets: Int32Array = new Int32Array(1);
    const parts: string[] = [];
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      outcome();
    };
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(refuse('TIMEOUT', `读取超过 ${Math.ceil(timeoutMs / 1000)} 秒仍未完成，已停止：文件可能过大或已损坏，请删去不需要的内容或分成几个文件导入`)),
        ),
      timeoutMs,
    );
    timer.unref();
    worker.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'progress':
          return progress(m.progress);
        case 'sheet':
          sheets[m.index] = m.sheet;
          return;
        case 'numbers':
          numbers = m.numbers;
          starts = m.starts;
          offsets = m.offsets;
          return;
        case 'text':
          parts.push(m.text);
          progress({ phase: 'receiving', done: m.done, total: m.total });
          // Ask for the next slice after timers and I/O have had their turn.
          setImmediate(() => !settled && worker.postMessage('next'));
          return;
        case 'done':
          return settle(() =>
            resolve(
              new Workbook({
                format: m.format,
                encoding: m.encoding,
                delimiter: m.delimiter,
                notes: m.notes,
                sheets,
                strings: { parts, starts, offsets },
                numbers,
              }),
            ),
          );
        case 'refused':
          return settle(() => reject(refuse(m.reason, m.message)));
        case 'failed':
          return settle(() => reject(Object.assign(new Error(`reading the spreadsheet failed: ${m.message}`), { stack: m.stack })));
      }
    });
    worker.on('error', (err: Error & { code?: string }) =>
      settle(() =>
        reject(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? refuse('OUT_OF_MEMORY', `文件内容过多，读取时超出了 ${memoryMb} MB 的内存上限，已停止：请删去不需要的工作表、行或列，或分成几个文件导入`)
            : err,
        ),
      ),
    );
    worker.on('exit', (code) => settle(() => reject(new Error(`the spreadsheet worker stopped before it finished (exit ${code})`))));
  });
}
