// Worker-thread entry (bundled as dist/electron/long-read-worker.cjs): runs the long reads (long-reads.ts)
// on a read-only connection of its own, one at a time, while the main thread keeps answering requests.
import { parentPort, workerData } from 'node:worker_threads';
import { chinaDate } from '../../shared/dates';
import { inOneSnapshot, openDatabase } from '../db/database';
import { AppError } from '../errors';
import type { AuthedUser } from '../domain/auth/sessions';
import { runLongRead, type LongReadMethod } from './long-reads';
import type { WorkerReadName } from '../domain/worker-reads';
import { LONG_READ_WORKER_READY, type LongReadReply, type LongReadRequest } from '../db/long-read-pool';

const db = openDatabase((workerData as { dbFile: string }).dbFile, { readonly: true });

async function answer(req: LongReadRequest<AuthedUser>): Promise<LongReadReply> {
  const now = new Date(req.nowMs);
  const user: AuthedUser = req.user;
  try {
    // One snapshot for the whole read: the server's thread keeps committing while it runs.
    const value = await inOneSnapshot(db, () =>
      runLongRead(req.method as LongReadMethod | WorkerReadName, { db, now, today: chinaDate(now), user, optionalUser: user }, req.input),
    );
    return { id: req.id, value };
  } catch (err) {
    if (err instanceof AppError) return { id: req.id, refusal: { code: err.code, message: err.message, issues: err.issues } };
    const e = err as Error & { code?: unknown };
    // Only the kind of fault crosses: the main thread logs it like any other (never request data).
    return {
      id: req.id,
      fault: { name: e?.name ?? 'Error', code: typeof e?.code === 'string' ? e.code : undefined, message: e?.message ?? String(err), stack: e?.stack },
    };
  }
}

parentPort!.on('message', (req: LongReadRequest<AuthedUser> | 'close') => {
  if (req === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  void answer(req).then((reply) => parentPort!.postMessage(reply));
});
parentPort!.postMessage(LONG_READ_WORKER_READY);
