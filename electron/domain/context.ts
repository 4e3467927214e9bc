import type { ReadDb, WriteDb } from '../db/database';
import type { Host, OpenHub, ReadableHub } from './ports';
import type { AuthedUser } from './auth/sessions';
import type { WorkerReadName, WorkerReads } from './worker-read-types';
import type { Api, MethodName, MethodOutput, ParsedInput } from '../../shared/contract';
import type { z } from 'zod';

/** Where a call comes from. The token is the session cookie (HTTP) or the window's session (IPC). */
export interface Caller {
  transport: 'http' | 'ipc' | 'internal';
  ip: string;
  userAgent?: string;
  token?: string | null;
  /** The Host header of an HTTP request (lets "from this PC" refuse DNS-rebinding pages). */
  host?: string;
}

/** How a handler starts or ends the caller's session; each transport implements it its own way. */
export interface SessionSink {
  /** `now` is the app clock's instant the session was made at (the cookie's lifetime is counted from it). */
  set(token: string, expiresAt: Date, now: Date): void;
  clear(): void;
}

/**
 * A call's context. `W` is the method's `write` flag from the contract: a write method's handler gets the writer
 * (WriteDb, inside the method's transaction), a read method's the read-only connection (ReadDb), and the compiler
 * refuses a write through the latter. Helpers that write take a WriteContext; helpers that only read take a
 * HandlerContext (either kind).
 */
export interface HandlerContext<W extends boolean = boolean> {
  /**
   * What a handler may know of the open hub (a port; `app.ts` implements it). A read method's handler sees the hub
   * without its writer (`ReadableHub`): a write from a read would run with no transaction and no audit row.
   */
  hub: W extends true ? OpenHub : ReadableHub;
  /** The few host operations: switch to the demo hub, reopen after a restore, the LAN's state (`runtime.ts`). */
  host: Host;
  /** The writer inside the method's transaction for writes; the read-only connection for reads. */
  db: W extends true ? WriteDb : ReadDb;
  /** The moment of the call, from the app's clock; one value for the whole call. */
  now: Date;
  /** Today's business date in China time. */
  today: string;
  /** The signed-in user. Throws for anonymous callers (only public methods see those). */
  readonly user: AuthedUser;
  readonly optionalUser: AuthedUser | null;
  sessionTokenHash: string | null;
  caller: Caller;
  session: SessionSink;
  /**
   * Runs a read method the API serves as a long read (api/long-reads.ts) on the hub's long-read worker, as this
   * call's user at this call's instant: for a write's `prepare` that must read for a second or more without holding
   * the thread that answers the villages (the close's checks before its backup).
   */
  longRead<K extends MethodName>(method: K, input: ParsedInput<K>): Promise<MethodOutput<K>>;
  /** Runs one of the worker reads no request names by itself (api/long-reads.ts WORKER_READS) on the same worker. */
  workerRead<K extends WorkerReadName>(read: K, input: WorkerReads[K]['input']): Promise<WorkerReads[K]['output']>;
  /**
   * Filled by write handlers: what the audit row names ('requisition:42', see docs/access-matrix.md),
   * the clinic the record belongs to when a hub user acts on it, and a few words of details (e.g. docNo).
   * `actor` names who acted when the call began without a session (a login, the first-run setup).
   */
  audit: {
    target?: string;
    clinicId?: number | null;
    details?: Record<string, unknown>;
    actor?: AuthedUser;
    /** Set when the call posted stock on a date before today (补录); the audit row's details say so. */
    backdated?: { businessDate: string; recordedOn: string };
  };
}

/**
 * The part of a call's context a long read may use (long-reads.ts): it may run on a worker thread, where
 * only its own read-only connection, the moment of the call and the caller exist.
 */
export type ReadContext = Pick<HandlerContext<false>, 'db' | 'now' | 'today' | 'user' | 'optionalUser'>;

/** The context of a write method's handler: its `db` is the writer, inside the method's transaction. */
export type WriteContext = HandlerContext<true>;

/** The context a method's handler gets, by the method's `write` flag. */
type ContextOf<K extends MethodName> = HandlerContext<Api[K]['write']>;

type HandlerResult<K extends MethodName> = z.input<Api[K]['output']> | MethodOutput<K>;

/**
 * A handler is synchronous so a write can run inside one SQLite transaction. Work that must be
 * asynchronous (hashing a password, reading a workbook) goes in `prepare`, which runs first, outside it.
 */
export type Handler<K extends MethodName> =
  | ((ctx: ContextOf<K>, input: ParsedInput<K>) => HandlerResult<K>)
  | {
      prepare: (ctx: ContextOf<K>, input: ParsedInput<K>) => Promise<unknown>;
      // biome-ignore lint/suspicious/noExplicitAny: each handler declares what its own prepare step hands it
      run: (ctx: ContextOf<K>, input: ParsedInput<K>, prepared: any) => HandlerResult<K>;
    }
  | {
      /** A read whose result needs asynchronous work (e.g. writing a workbook); never a write. */
      async: (ctx: ContextOf<K>, input: ParsedInput<K>) => Promise<HandlerResult<K>>;
    }
  | {
      /**
       * A write whose one transaction runs on a worker thread with a connection of its own (seconds of writing: a
       * catalog import). It holds `hub.writeGate` while it writes and writes its audit row, from `audit`, in that
       * transaction; `ctx.db` is not its to use.
       */
      offThread: (ctx: ContextOf<K>, input: ParsedInput<K>, audit: CallAudit) => Promise<HandlerResult<K>>;
    };

/** Who called what, as an off-thread write's audit row records it (its input already redacted). */
export interface CallAudit {
  user: AuthedUser | null;
  caller: Pick<Caller, 'transport' | 'ip' | 'userAgent'>;
  method: string;
  input: unknown;
}

export type Handlers = { [K in MethodName]: Handler<K> };

/** Declares a domain's handlers; the combined table must cover the whole contract. */
export function defineHandlers<K extends MethodName>(handlers: { [P in K]: Handler<P> }): { [P in K]: Handler<P> } {
  return handlers;
}
