/**
 * Pacing for a worker that streams a whole database file (the backup's copy and its read-back): work in
 * bounded steps, and sleep between them so the disk has idle time for the hub's own commits. Unpaced, a
 * 4 GB copy filled the page cache with gigabytes of dirty pages, and the hub's fsync per commit queued
 * behind their writeback: /api/health waited 1.3 s at a time during the daily backup.
 */
export interface DiskPacing {
  /** Bytes per step; after each step of writing, its pages are flushed to the disk. */
  stepBytes: number;
  /** The rate the steps are held to (Infinity: no sleeping, only the per-step flush). */
  bytesPerSecond: number;
}

const MiB = 1024 * 1024;

/**
 * 4 MiB steps: at most a few MB of the copy are ever dirty in the page cache, so a commit's fsync never waits
 * behind more than a few milliseconds of writeback. (The copy's own SQLite cache, 16 MB in better-sqlite3's
 * build, trails the copy and is written once at its end: a bounded last burst.) 40 MiB/s: a 4.2 GB hub is copied in about 110 s and read
 * back in as long, well under a fifth of even a modest disk's bandwidth. Measured on the two-core test machine
 * (1.5 GB written beside a loop of tiny synchronous=FULL commits): unpaced, commits took up to 611 ms (p99 84 ms);
 * paced like this, up to 111 ms (p99 11 ms, as without the write).
 */
export const BACKUP_PACING: DiskPacing = { stepBytes: 4 * MiB, bytesPerSecond: 40 * MiB };

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for `ms`: only ever a worker's thread, never the one that answers the villages. */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * A clock for one paced stream: call it with the bytes done so far after each step; it sleeps until the
 * stream is back at the allowed rate (never when the disk itself is slower than that).
 */
export function startPacer(pacing: DiskPacing): (bytesSoFar: number) => void {
  const started = performance.now();
  return (bytesSoFar) => {
    const wait = started + (bytesSoFar / pacing.bytesPerSecond) * 1000 - performance.now();
    if (wait > 0) sleepSync(wait);
  };
}
