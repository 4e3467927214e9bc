import fs from 'node:fs';
import type { ReadDb } from './database';
import { isBusy, withDataLock } from './data-lock';
import { checkpointOffThread, truncateLogOffThread } from './off-thread';
import type { WriteGate } from './write-gate';

/** SQLite's default: the committing connection checkpoints once the log passes this many pages. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;
/** The log's size kept after a restart (journal_size_limit); a log grown past it is cut back by the worker. */
export const LOG_KEPT_BYTES = 64 * 2 ** 20;
/** The next checkpoint after one that found the log past LOG_KEPT_BYTES. */
const SOON_MS = 500;

export interface WalCheckpoints {
  /** One checkpoint now, if the log has anything (tests; the timer calls it too). */
  tick(): Promise<void>;
  /** Stops the timer; settles once a checkpoint under way has finished (its worker's connection closed). */
  stop(): Promise<void>;
}

/**
 * Checkpoints of the hub's write-ahead log on a worker thread. By default SQLite checkpoints inside
 * whichever commit crosses 1000 pages of log, on the thread that answers the villages: copying those
 * pages into a 4 GB file and syncing it takes seconds on a busy disk, and after a long backup (the log
 * cannot be checkpointed past a reader) it is the whole backup's worth of writes at once. Here the
 * writer never checkpoints; a worker does, every few seconds, under the data lock (so never while a
 * restore swaps the file). If the worker cannot run, the writer goes back to SQLite's own checkpoints.
 */
export function startWalCheckpoints(db: ReadDb, dbFile: string, opts: { everyMs?: number; writeGate?: WriteGate } = {}): WalCheckpoints {
  db.pragma('wal_autocheckpoint = 0');
  // A log grown past LOG_KEPT_BYTES is cut back: by the worker with the writes held at the gate when there is one
  // (the writer then never cuts it: SQLite would, inside the commit that restarts the log, on the request thread),
  // else by the writer as it restarts the log.
  db.pragma(`journal_size_limit = ${opts.writeGate ? -1 : LOG_KEPT_BYTES}`);
  let stopped = false;
  let inFlight: Promise<void> | null = null;
  /** The log as it stood after the last checkpoint that took all of it: unchanged since, nothing to do. */
  let settled: string | null = null;

  const fallBack = (err: unknown) => {
    console.error(`[santong] WAL checkpoints on a worker failed (${(err as Error).message}); the writer checkpoints itself again`);
    void stop();
    if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
  };

  const checkpointNow = async () => {
    const before = logStamp(dbFile);
    if (stopped || isBusy(dbFile) || before === null || before === settled) return;
    try {
      const r = await withDataLock(dbFile, () => checkpointOffThread(dbFile).done);
      const big = logBytes(dbFile) > LOG_KEPT_BYTES;
      // A log growing fast (a big import's batches: ~16 MiB each) is taken again soon, so it never grows to gigabytes.
      if (big && !stopped) setTimeout(() => void tick(), SOON_MS).unref();
      if (r.log !== r.checkpointed) return;
      settled = before;
      if (opts.writeGate && big) await truncateLog(opts.writeGate);
    } catch (err) {
      fallBack(err);
    }
  };

  /**
   * A log all copied but far past its kept size is cut here, with the hub's writes held at the gate (they wait
   * asynchronously; reads go on): SQLite would otherwise cut it inside the next commit, on the request thread.
   */
  const truncateLog = (gate: WriteGate) =>
    withDataLock(dbFile, async () => {
      const release = await gate.hold();
      try {
        await truncateLogOffThread(dbFile).done;
      } finally {
        release();
      }
    });

  const tick = (): Promise<void> => {
    inFlight ??= checkpointNow().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  const timer = setInterval(() => void tick(), opts.everyMs ?? 5_000);
  timer.unref();

  function stop(): Promise<void> {
    stopped = true;
    clearInterval(timer);
    return inFlight ?? Promise.resolve();
  }
  return { tick, stop };
}

function logBytes(dbFile: string): number {
  try {
    return fs.statSync(`${dbFile}-wal`).size;
  } catch {
    return 0;
  }
}

/** The log's size and last write, or null when there is none. */
function logStamp(dbFile: string): string | null {
  try {
    const st = fs.statSync(`${dbFile}-wal`);
    return st.size > 0 ? `${st.size}:${st.mtimeMs}` : null;
  } catch {
    return null;
  }
}
