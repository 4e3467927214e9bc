import type { ReadContext } from './context';
import { monthPackageBytes } from './prefecture/build';
import type { WorkerReadName, WorkerReads } from './worker-read-types';

/**
 * Seconds of reading that no request names by itself but a handler needs (`ctx.workerRead`), run on the hub's
 * long-read worker like the long reads (api/long-reads.ts): the prefecture package of a closed month, read, hashed,
 * signed and compressed for its export or send (the signing key crosses to the worker as a KeyObject, which worker
 * threads clone).
 */
export const WORKER_READS: { [K in WorkerReadName]: (ctx: ReadContext, input: WorkerReads[K]['input']) => WorkerReads[K]['output'] } = {
  'prefecture.packageBytes': (ctx, input) => monthPackageBytes(ctx.db, input.period, input.signer, ctx.now),
};

export type { WorkerReadName } from './worker-read-types';
