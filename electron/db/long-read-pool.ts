import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '../../shared/errors';
import { AppError } from '../errors';
import { bundledScript } from '../paths';

export const LONG_READ_WORKER_BUNDLE = 'long-read-worker.cjs';

/** What the worker is asked: a method of the long-read table (api/long-reads.ts) as a user, at an instant. */
export interface LongReadRequest<User = unknown> {
  id: number;
  method: string;
  input: unknown;
  nowMs: number;
  user: User;
}

export type LongReadReply =
  | { id: number; value: unknown }
  | { id: number; refusal: { code: ErrorCode; message: string; issues?: { path: string; message: string }[] } }
  | { id: number; fault: { name: string; code?: string; message: string; stack?: string } };

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  /** The same read on the caller's thread: what a read still waiting gets when the worker dies. */
  here(): unknown;
}

/**
 * The hub's long-read worker (long-reads.ts): started on the first long read, kept for the next ones,
 * stopped with the app. Reads queue on it one at a time. When it cannot start, or dies, the reads run on
 * the caller's thread (`here`), as they did before there was a worker.
 */
export class LongReadWorker {
  private worker: Worker | null = null;
  private broken = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Reads this worker answered (tests check that long reads really leave the request thread). */
  answered = 0;

  constructor(private readonly dbFile: string) {}

  /** The read's value from the worker; `here` runs the same read on this thread when no worker can. */
  async run(method: string, input: unknown, now: Date, user: unknown, here: () => unknown): Promise<unknown> {
    const worker = this.started();
    if (!worker) return here();
    const id = this.nextId++;
    // A read under way keeps the process alive (a script awaiting it has nothing else); an idle worker does not.
    if (this.pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, here });
      worker.postMessage({ id, method, input, nowMs: now.getTime(), user } satisfies LongReadRequest);
    });
  }

  close(): void {
    const worker = this.worker;
    this.worker = null;
    this.broken = true;
    if (worker) {
      worker.postMessage('close');
      void worker.terminate();
    }
    this.failAll(new Error('the app closed before the read finished'));
  }

  private started(): Worker | null {
    if (this.worker || this.broken) return this.worker;
    try {
      const worker = new Worker(bundledScript(LONG_READ_WORKER_BUNDLE), { workerData: { dbFile: this.dbFile } });
      worker.on('message', (reply: LongReadReply) => this.settle(reply));
      worker.on('error', (err) => this.giveUp(err));
      worker.on('exit', (code) => this.giveUp(new Error(`the long-read worker stopped (exit ${code})`)));
      worker.unref();
      this.worker = worker;
    } catch (err) {
      this.giveUp(err as Error);
    }
    return this.worker;
  }

  private settle(reply: LongReadReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    this.answered++;
    if ('value' in reply) p.resolve(reply.value);
    else if ('refusal' in reply) p.reject(new AppError(reply.refusal.code, reply.refusal.message, reply.refusal.issues));
    else p.reject(Object.assign(new Error(reply.fault.message), { name: reply.fault.name, code: reply.fault.code, stack: reply.fault.stack }));
  }

  private giveUp(err: Error): void {
    if (this.broken) return;
    this.broken = true;
    this.worker = null;
    console.error(`[santong] long reads run on the request thread from now on: ${err.message}`);
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) {
      try {
        p.resolve(p.here());
      } catch (e) {
        p.reject(e as Error);
      }
    }
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
