/**
 * The requests the request thread is answering right now, counted in memory that background workers share, so that
 * a worker doing minutes of CPU work (a catalog import checking 150,000 rows) gives way while a village waits. A
 * thread's priority (thread-priority.ts) does this only on Linux; on the hub's Windows PC a worker thread competes
 * with the request thread at the same priority, and on two cores both lose. Here the worker stops at its own pace
 * points while requests are under way and goes on the moment none is, or after a bounded wait: it always finishes.
 */

/** One Int32 of shared memory: the number of requests under way on this process's request thread. */
export type RequestPressure = Int32Array;

/** The process's counter: one request thread per process (the server's, or the desktop app's main process). */
const pressure: RequestPressure = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

/** The counter to hand a worker (in its workerData: shared, not copied). */
export const requestPressure = (): RequestPressure => pressure;

/** Counts a request as under way until the returned function is called (once; later calls do nothing). */
export function beginRequest(): () => void {
  Atomics.add(pressure, 0, 1);
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    // The last request done: a worker waiting to go on wakes now, not at the end of its wait.
    if (Atomics.sub(pressure, 0, 1) === 1) Atomics.notify(pressure, 0);
  };
}

/** How a pace point ended: nothing under way, the requests ended while it waited, or it stopped waiting. */
export type PaceOutcome = 'free' | 'cleared' | 'timed-out';

export interface PacerOptions {
  /** The longest one pace point waits (ms). */
  maxWaitMs?: number;
  /** After a wait that timed out, the worker runs this long (ms) before it waits again: it finishes under any load. */
  runAfterTimeoutMs?: number;
}

/** What a pacer did, for the tests and the logs. */
export interface PacerStats {
  waits: number;
  waitedMs: number;
  timedOut: number;
}

/**
 * A pace point for a worker: call it often (every few hundred microseconds of work; it costs one atomic read when
 * nothing is under way). While requests are under way it blocks the worker's thread until they end, at most
 * maxWaitMs; a worker kept waiting that long then runs runAfterTimeoutMs before it waits again, so under a load that
 * never stops it still gets a fifth of its time (20 ms waits, 5 ms runs) and finishes. Never on the request thread.
 */
export function requestPacer(shared: RequestPressure | null | undefined, options: PacerOptions = {}): { pace(): PaceOutcome; stats: PacerStats } {
  const maxWaitMs = options.maxWaitMs ?? 20;
  const runAfterTimeoutMs = options.runAfterTimeoutMs ?? 5;
  const stats: PacerStats = { waits: 0, waitedMs: 0, timedOut: 0 };
  let runsUntil = 0;
  const pace = (): PaceOutcome => {
    if (!shared || Atomics.load(shared, 0) === 0) return 'free';
    const start = performance.now();
    if (start < runsUntil) return 'free';
    const until = start + maxWaitMs;
    let outcome: PaceOutcome = 'cleared';
    for (let busy = Atomics.load(shared, 0); busy > 0; busy = Atomics.load(shared, 0)) {
      const left = until - performance.now();
      if (left <= 0) {
        outcome = 'timed-out';
        break;
      }
      // Wakes when the count changes from `busy` (notified at zero), or when the wait is up.
      Atomics.wait(shared, 0, busy, left);
    }
    const end = performance.now();
    stats.waits++;
    stats.waitedMs += end - start;
    if (outcome === 'timed-out') {
      stats.timedOut++;
      runsUntil = end + runAfterTimeoutMs;
    }
    return outcome;
  };
  return { pace, stats };
}
