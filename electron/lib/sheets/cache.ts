import crypto from 'node:crypto';
import { limitsWith } from './limits';
import type { Workbook } from './model';
import { readSheetFile, type ReadOptions } from './off-thread';

/**
 * Parse once: the preview and the commit that follows send the same file, and the second finds the first's
 * workbook here by the file's SHA-256. Bounded by entries and by cells held, entries unused for `maxAgeMs`
 * dropped; two reads of one file at the same time share one parse.
 */

/** SHA-256 in 1 MB slices with a turn of the event loop between them: hashing 64 MB at once stalls ~200 ms. */
export async function sha256Of(bytes: Uint8Array, slice = 1 << 20): Promise<string> {
  const hash = crypto.createHash('sha256');
  for (let at = 0; at < bytes.length; at += slice) {
    hash.update(bytes.subarray(at, at + slice));
    if (at + slice < bytes.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return hash.digest('hex');
}

export interface SheetCacheOptions {
  /** Milliseconds on the caller's clock (the hub's Clock in the app, a ManualClock in tests). */
  now: () => number;
  maxEntries?: number;
  /** Cells held by all cached workbooks together (≈ 9 bytes each, plus their texts). */
  maxCells?: number;
  maxAgeMs?: number;
  /** How a file is read on a miss (readSheetFile; tests may count calls). */
  read?: (bytes: Uint8Array, opts: ReadOptions) => Promise<Workbook>;
}

interface Entry {
  workbook: Promise<Workbook>;
  cells: number;
  lastUsed: number;
}

export interface CachedRead {
  workbook: Workbook;
  sha256: string;
  /** True when an earlier read of the same bytes (and limits) answered. */
  fromCache: boolean;
}

export class SheetFileCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxCells: number;
  private readonly maxAgeMs: number;
  private readonly read: (bytes: Uint8Array, opts: ReadOptions) => Promise<Workbook>;

  constructor(private readonly opts: SheetCacheOptions) {
    this.maxEntries = opts.maxEntries ?? 3;
    this.maxCells = opts.maxCells ?? 20_000_000;
    this.maxAgeMs = opts.maxAgeMs ?? 15 * 60_000;
    this.read = opts.read ?? readSheetFile;
  }

  /** The file's workbook: from the cache, from a read already under way, or read now (off the thread). */
  async get(bytes: Uint8Array, readOpts: ReadOptions = {}): Promise<CachedRead> {
    const sha256 = await sha256Of(bytes);
    const key = `${sha256}:${JSON.stringify(limitsWith(readOpts.limits))}`;
    this.sweep();
    const now = this.opts.now();
    const hit = this.entries.get(key);
    if (hit) {
      hit.lastUsed = now;
      return { workbook: await hit.workbook, sha256, fromCache: true };
    }
    const entry: Entry = { workbook: this.read(bytes, readOpts), cells: 0, lastUsed: now };
    this.entries.set(key, entry);
    try {
      const workbook = await entry.workbook;
      entry.cells = workbook.cellCount;
      this.evict(key);
      return { workbook, sha256, fromCache: false };
    } catch (err) {
      // A refusal is not kept: the same file is refused again, quickly, and a timeout may pass on a quieter machine.
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw err;
    }
  }

  /** Drops entries unused for longer than maxAgeMs. Cheap: call it from any periodic tick. */
  sweep(): void {
    const now = this.opts.now();
    for (const [key, e] of this.entries) if (now - e.lastUsed > this.maxAgeMs) this.entries.delete(key);
  }

  /** Least recently used first, until within the bounds; the entry just read stays. */
  private evict(keep: string): void {
    const total = () => [...this.entries.values()].reduce((n, e) => n + e.cells, 0);
    const byAge = [...this.entries.entries()].filter(([k]) => k !== keep).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [key] of byAge) {
      if (this.entries.size <= this.maxEntries && total() <= this.maxCells) break;
      this.entries.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
