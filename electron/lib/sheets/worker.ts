// Worker-thread entry (bundled as dist/electron/sheets-worker.cjs, see off-thread.ts): reads one file into the
// sheet model and sends it back as transferred typed arrays and chunks of strings, then ends, so all the
// memory the parse took goes with the thread.
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { isSheetFileRefused } from './errors';
import type { SheetLimits } from './limits';
import { splitPool, type WorkbookData } from './model';
import { readWorkbookData } from './read';
import type { WorkerMessage } from './off-thread';

// Linux keeps nice values per thread: this worker yields the CPU to the thread that answers requests. (Not on
// Windows, where the same call would lower the whole process.)
if (process.platform === 'linux') {
  try {
    os.setPriority(0, 10);
  } catch {
    // not allowed here: run at the normal priority
  }
}

const { bytes, limits, charsPerMessage } = workerData as { bytes: Uint8Array; limits: SheetLimits; charsPerMessage: number };
const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);

/**
 * Typed arrays go at once (transferred: nothing to copy). The texts go as a few long strings, the next only
 * when the receiver asks for it: Node delivers every queued message in one turn of the receiver's event loop,
 * so parts sent together would be deserialised on the request thread in one piece.
 */
function send(data: WorkbookData): void {
  data.sheets.forEach((sheet, index) => post({ type: 'sheet', index, sheet }, [sheet.kinds.buffer as ArrayBuffer, sheet.refs.buffer as ArrayBuffer]));
  const pool = splitPool(data.strings, charsPerMessage);
  const { starts, offsets } = pool;
  post({ type: 'numbers', numbers: data.numbers, starts, offsets }, [
    data.numbers.buffer as ArrayBuffer,
    starts.buffer as ArrayBuffer,
    offsets.buffer as ArrayBuffer,
  ]);
  let part = 0;
  const next = () => {
    if (part < pool.parts.length) {
      post({ type: 'text', done: part + 1, total: pool.parts.length, text: pool.parts[part] });
      part++;
      return;
    }
    parentPort!.off('message', next);
    post({ type: 'done', format: data.format, encoding: data.encoding, delimiter: data.delimiter, notes: data.notes });
  };
  parentPort!.on('message', next);
  next();
}

readWorkbookData(bytes, limits, (progress) => post({ type: 'progress', progress })).then(send, (err: unknown) => {
  if (isSheetFileRefused(err)) post({ type: 'refused', reason: err.reason, message: err.message });
  else post({ type: 'failed', message: (err as Error)?.message ?? String(err), stack: (err as Error)?.stack });
});
