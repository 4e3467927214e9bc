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

/** The worker's first message: its connection is open and it takes reads. */
export const LONG_READ_WORKER_READY = 'ready';

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  /** The same read on the caller's thread: what a read still waiting gets when the worker dies. */
  here(): unknown;
}

/** Replacements of a worker that died after it was ready, before the reads stay on the caller's thread for good. */
const MAX_RESTARTS = 5;

/** One worker thread with what is known of it. */
interface Running {
  worker: Worker;
  /** Settles true once the worker has opened its connection, false when it died first. */
  ready: Promise<boolean>;
  isReady: boolean;
  exited: Promise<void>;
}

/**
 * The hub's long-read worker (long-reads.ts). A serving process starts it as soon as it listens (`start`), so
 * the first long read does not wait for a thread to load; otherwise the first long read starts it. Reads queue
 * on it one at a time. A worker that dies after it was ready is replaced; one that cannot start (its file cannot
 * be opened, its bundle is missing) is not retried. Meanwhile, and from then on, the reads run on the caller's
 * thread (`here`), as they did before there was a worker.
 */
export class LongReadWorker {
  private running: Running | null = null;
  private broken = false;
  private closed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Reads this worker answered (tests check that long reads really leave the request thread). */
  answered = 0;
  /** Worker threads started so far (tests check that a first read reuses the one started ahead). */
  starts = 0;
  private restarts = 0;
  /** The exits of every worker thread started so far (close waits for them). */
  private readonly exits: Promise<void>[] = [];

  constructor(private readonly dbFile: string) {}

  /**
   * Starts the worker now if none runs, without waiting for it: the promise settles true once it takes reads,
   * false when it cannot (or the pool is closed).
   */
  start(): Promise<boolean> {
    return this.started()?.ready ?? Promise.resolve(false);
  }

  /** Settles true once the running worker takes reads, false when none runs or it died first. Starts nothing. */
  whenReady(): Promise<boolean> {
    return this.running?.ready ?? Promise.resolve(false);
  }

  /** The running worker thread, if any (tests stop it to see it replaced). */
  get thread(): Worker | null {
    return this.running?.worker ?? null;
  }

  /** The read's value from the worker; `here` runs the same read on this thread when no worker can. */
  async run(method: string, input: unknown, now: Date, user: unknown, here: () => unknown): Promise<unknown> {
    const worker = this.started()?.worker;
    if (!worker) return here();
    const id = this.nextId++;
    // A read under way keeps the process alive (a script awaiting it has nothing else); an idle worker does not.
    if (this.pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, here });
      worker.postMessage({ id, method, input, nowMs: now.getTime(), user } satisfies LongReadRequest);
    });
  }

  /** Stops the worker; the promise settles once its thread has exited (its read-only handle on the file closed). */
  close(): Promise<void> {
    const running = this.running;
    this.running = null;
    this.closed = true;
    if (running) {
      running.worker.postMessage('close');
      void running.worker.terminate();
    }
    this.failAll(new Error('the app closed before the read finished'));
    return Promise.all(this.exits).then(() => undefined);
  }

  private started(): Running | null {
    if (this.running || this.broken || this.closed) return this.running;
    let worker: Worker;
    try {
      worker = new Worker(bundledScript(LONG_READ_WORKER_BUNDLE), { workerData: { dbFile: this.dbFile } });
    } catch (err) {
      this.giveUp(err as Error);
      return null;
    }
    this.starts++;
    let markReady: (ok: boolean) => void = () => {};
    const running: Running = {
      worker,
      isReady: false,
      ready: new Promise<boolean>((resolve) => {
        markReady = resolve;
      }),
      exited: new Promise<void>((resolve) => worker.once('exit', () => resolve())),
    };
    this.exits.push(running.exited);
    worker.on('message', (reply: LongReadReply | typeof LONG_READ_WORKER_READY) => {
      if (reply === LONG_READ_WORKER_READY) {
        running.isReady = true;
        markReady(true);
      } else this.settle(reply);
    });
    const died = (err: Error) => {
      markReady(false);
      this.died(running, err);
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`the long-read worker stopped (exit ${code})`)));
    worker.unref();
    this.running = running;
    return running;
  }

  private settle(reply: LongReadReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.running?.worker.unref();
    this.answered++;
    if ('value' in reply) p.resolve(reply.value);
    else if ('refusal' in reply) p.reject(new AppError(reply.refusal.code, reply.refusal.message, reply.refusal.issues));
    else p.reject(Object.assign(new Error(reply.fault.message), { name: reply.fault.name, code: reply.fault.code, stack: reply.fault.stack }));
  }

  /** A worker stopped without being asked: its waiting reads run here; a worker that had been ready is replaced. */
  private died(running: Running, err: Error): void {
    if (this.running !== running) return; // closed, or already replaced
    this.running = null;
    this.runWaitingHere();
    if (running.isReady && this.restarts++ < MAX_RESTARTS) {
      console.error(`[santong] ${err.message}; starting a new long-read worker`);
      this.started();
    } else this.giveUp(err);
  }

  private giveUp(err: Error): void {
    if (this.broken) return;
    this.broken = true;
    console.error(`[santong] long reads run on the request thread from now on: ${err.message}`);
    this.runWaitingHere();
  }

  private runWaitingHere(): void {
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
