/**
 * An uploaded spreadsheet (settlement file, carton associations, logger readings) read once per hub: the preview
 * and the import of the same file share one parse through the hub's cache, and a file the reader refuses (not a
 * spreadsheet, too large, a zip bomb) becomes the user's error naming the file.
 */
import { AppError } from '../errors';
import { type CachedRead, isSheetFileRefused, SheetFileCache } from '../lib/sheets';
import type { ReceivedFile } from './uploaded-file';
import type { ReadableHub } from './ports';

const caches = new WeakMap<ReadableHub, SheetFileCache>();

function cacheOf(hub: ReadableHub): SheetFileCache {
  let cache = caches.get(hub);
  if (!cache) caches.set(hub, (cache = new SheetFileCache({ now: () => hub.clock.now().getTime() })));
  return cache;
}

export async function readUploadedWorkbook(hub: ReadableHub, file: ReceivedFile): Promise<CachedRead> {
  try {
    return await cacheOf(hub).get(file.bytes);
  } catch (err) {
    if (isSheetFileRefused(err)) throw new AppError(err.appCode, `${file.filename}：${err.message}`);
    throw err;
  }
}
