// Worker-thread entry (bundled as dist/electron/month-facts-worker.cjs, see background.ts): computes the facts
// of months a close has just closed, on a connection of its own, and stores them in one short write.
import { parentPort, workerData } from 'node:worker_threads';
import { yieldCpuToRequests } from '../../lib/thread-priority';
import { openWorkerWriter } from '../../db/database';
import { chinaDate } from '../../../shared/dates';
import type { MonthFactsJob, MonthFactsReply } from './background';
import { monthsLackingFacts, storeComputedFacts } from './compute';

// Linux keeps nice values per thread: the facts yield the CPU to the thread that answers the villages.
yieldCpuToRequests();

async function run(job: MonthFactsJob): Promise<MonthFactsReply> {
  const db = openWorkerWriter(job.dbFile);
  try {
    const now = new Date(job.nowMs);
    // The facts are computed by no user: nothing under storeComputedFacts reads ctx.user, and a read would say so.
    const ctx = {
      db,
      now,
      today: chinaDate(now),
      get user(): never {
        throw new Error('month facts are computed by no user');
      },
      optionalUser: null,
    };
    const filled: string[] = [];
    for (const month of job.months) if (await storeComputedFacts(ctx, month)) filled.push(month);
    for (const month of monthsLackingFacts(db, job.refill ?? 0)) if (await storeComputedFacts(ctx, month)) filled.push(month);
    return { filled };
  } finally {
    db.close();
  }
}

run(workerData as MonthFactsJob).then(
  (reply) => parentPort!.postMessage(reply),
  (err: unknown) => parentPort!.postMessage({ failure: (err as Error).message } satisfies MonthFactsReply),
);
