/**
 * A close's month facts are computed on a worker thread of their own (worker.ts), after the close has
 * committed: at ten years a month's facts take tens of seconds of reading, which inside the close's write
 * transaction would stall every village for as long. Until the worker has stored them, the month is read
 * live, exactly as before; a reopen meanwhile makes the worker drop its result (write.ts checks the close).
 */
import { Worker } from 'node:worker_threads';
import { bundledScript } from '../../paths';

export const MONTH_FACTS_WORKER_BUNDLE = 'month-facts-worker.cjs';

export interface MonthFactsJob {
  dbFile: string;
  /** The months a close has just closed. */
  months: string[];
  /** Besides them, up to this many closed months lacking a fact set (a threshold change removed it), newest first. */
  refill?: number;
  nowMs: number;
}

export type MonthFactsReply = { filled: string[] } | { failure: string };

const running = new Set<Promise<MonthFactsReply>>();

/** Starts the job once the calling transaction has committed (the worker must see the close). */
export function computeMonthFactsInBackground(job: MonthFactsJob, log: (line: string) => void = (l) => console.warn(l)): void {
  const done = new Promise<MonthFactsReply>((resolve) => {
    setImmediate(() => {
      let worker: Worker;
      try {
        worker = new Worker(bundledScript(MONTH_FACTS_WORKER_BUNDLE), { workerData: job });
      } catch (err) {
        resolve({ failure: (err as Error).message });
        return;
      }
      worker.unref();
      let settled = false;
      const settle = (reply: MonthFactsReply) => {
        if (settled) return;
        settled = true;
        resolve(reply);
      };
      worker.once('message', (reply: MonthFactsReply) => settle(reply));
      worker.once('error', (err) => settle({ failure: err.message }));
      worker.once('exit', (code) => settle({ failure: `the month facts worker stopped (exit ${code})` }));
    });
  }).then((reply) => {
    // Not an error anyone must act on: the months stay readable live, and a later refill computes them.
    if ('failure' in reply) log(`[santong] month facts of ${job.months.join(', ') || 'closed months'} not stored: ${reply.failure}`);
    return reply;
  });
  running.add(done);
  void done.finally(() => running.delete(done));
}

/** Resolves when every month-facts job started so far has finished (tests, the bench, the demo). */
export async function monthFactsSettled(): Promise<void> {
  while (running.size) await Promise.all([...running]);
}
