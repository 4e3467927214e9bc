import type { z } from 'zod';
import { api, isMethodName, type AnyMethod, type MethodName } from '../../shared/contract';
import type { ApiErrorBody } from '../../shared/errors';
import { chinaDate } from '../../shared/dates';
import { AppError } from '../errors';
import { resolveSession, type AuthedUser } from '../domain/auth/sessions';
import { dbCheckingError, type Runtime } from '../runtime';
import type { CallAudit, Caller, HandlerContext, ReadContext, SessionSink } from '../domain/context';
import { handlers } from './handlers';
import { admitRefusalRow, recordAudit, redact, type AuditEntry } from '../domain/audit/record';
import { InternalFault, logFault, noteSlowCall } from './faults';
import { isLongRead, runLongRead, type LongReadMethod } from './long-reads';
import type { WorkerReadName } from '../domain/worker-reads';
import { describeTarget } from '../domain/audit/targets';
import { assertMayRestoreWithoutLogin, RECOVERY_METHODS, runRecoveryMethod } from '../domain/backup/recovery';
import { withoutHiddenBook } from '../domain/stocktake/blind-refusals';
import { fieldPlace } from '../../shared/contract/field-place';
import { noteStorageFailure, noteWriteSucceeded, storageKindOf, storageMessage } from '../db/storage';
import { beginRequest } from '../lib/request-pressure';

export type DispatchResult = { ok: true; value: unknown } | { ok: false; status: number; body: ApiErrorBody };

/** Methods a user who must change an initial password may still call. */
export const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set<string>(['system.status', 'auth.me', 'auth.changePassword', 'auth.logout', 'auth.logoutAll']);

function failure(err: AppError): DispatchResult {
  const body: ApiErrorBody = { error: { code: err.code, message: err.message } };
  if (err.issues?.length) body.error.issues = err.issues;
  return { ok: false, status: err.status, body };
}

/** Each issue keeps its machine path; the message names the first where the person typed it (field-place.ts). */
function validationError(error: z.ZodError, schema: z.ZodType): AppError {
  const issues = error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.'), place: fieldPlace(schema, i.path), message: i.message }));
  const first = issues[0];
  const where = first ? (first.place ?? first.path) : '';
  const message = first ? (where ? `${where}：${first.message}` : first.message) : '输入有误';
  return new AppError(
    'VALIDATION',
    `输入有误：${message}`,
    issues.map(({ place, ...i }) => (place ? { ...i, place } : i)),
  );
}

/** SQLite constraint failures that escape a handler are still the user's mistake, not a crash. */
function fromSqliteError(err: unknown): AppError | null {
  const code = (err as { code?: string })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return new AppError('DUPLICATE', '数据重复，已存在相同的记录');
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return new AppError('BUSINESS_RULE', '引用的数据不存在或仍被使用');
  if (code.startsWith('SQLITE_CONSTRAINT')) return new AppError('BUSINESS_RULE', '数据不符合规则，未保存');
  if (code === 'SQLITE_BUSY') return new AppError('CONFLICT', '系统繁忙，请稍后重试');
  return null;
}

function authorize(spec: AnyMethod, name: string, user: AuthedUser | null, expired: boolean): void {
  if (spec.access === 'public') return;
  if (!user) {
    throw expired ? new AppError('SESSION_EXPIRED', '登录已过期，请重新登录') : new AppError('UNAUTHENTICATED', '请先登录');
  }
  if (spec.access !== 'authenticated' && !spec.access.includes(user.role)) {
    if (user.role === 'director' && spec.write) throw new AppError('FORBIDDEN', '院长账号只能查看，不能办理或修改任何单据和设置');
    throw new AppError('FORBIDDEN', '您的角色无权执行此操作');
  }
  if (user.mustChangePassword && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(name)) {
    throw new AppError('PASSWORD_CHANGE_REQUIRED', '请先修改初始密码');
  }
}

/**
 * Refusals worth an audit row: every 403 (a role or a clinic the caller may not touch: tampering shows up
 * in the log), and on write methods the 401s and 429s (writes without a session, failed and throttled
 * logins). Bursts are bounded per user, and per address for callers without a session (admitRefusalRow).
 */
async function auditRefusal(spec: AnyMethod, e: Omit<AuditEntry, 'outcome'>, status: number, app: Runtime['app']): Promise<void> {
  const denied = status === 403;
  const rejected = spec.write && (status === 401 || status === 429);
  if (!denied && !rejected) return;
  const burst = admitRefusalRow(app.db, e.user ? { userId: e.user.id } : { ip: e.caller.ip }, e.now);
  if (!burst) return;
  await app.writeGate.open();
  try {
    recordAudit(app.db, { ...e, outcome: denied ? 'denied' : 'rejected', details: { ...e.details, ...burst } });
  } catch (err) {
    logFault(`${e.method} (audit of a refusal)`, err);
  }
}

/**
 * The one entry point of every API call, whatever the transport: resolve the session, check the role,
 * validate the input, run the handler (writes in one transaction with their audit row), map errors.
 */
export async function dispatch(runtime: Runtime, name: string, rawInput: unknown, caller: Caller, session: SessionSink): Promise<DispatchResult> {
  if (!isMethodName(name)) return failure(new AppError('UNKNOWN_METHOD', `接口不存在：${name.slice(0, 60)}`));
  // Counted while it is answered, so that a worker's long CPU work gives way (lib/request-pressure.ts).
  const answered = answeredOnRequestThread(name) ? beginRequest() : null;
  try {
    return await dispatchMethod(runtime, name, rawInput, caller, session);
  } finally {
    answered?.();
  }
}

/**
 * Whether a method's answer is this thread's work: not a long read (the long-read worker's) and not a handler that
 * waits for a worker of its own (an import, a backup): those take seconds to minutes, and a worker that gave way to
 * them would give way to itself.
 */
export function answeredOnRequestThread(name: MethodName): boolean {
  const handler = handlers[name] as object;
  return !isLongRead(name) && !('async' in handler) && !('offThread' in handler);
}

async function dispatchMethod(runtime: Runtime, name: MethodName, rawInput: unknown, caller: Caller, session: SessionSink): Promise<DispatchResult> {
  if (runtime.checking) return failure(dbCheckingError());
  if (runtime.recovery) return dispatchDuringRecovery(runtime, name, rawInput, caller, session);
  const app = runtime.app;
  const spec = api[name] as AnyMethod;
  const now = app.clock.now();
  let user: AuthedUser | null = null;
  let sessionTokenHash: string | null = null;
  let expired = false;
  let input: unknown;

  try {
    if (caller.token) {
      const sessionStart = performance.now();
      // While a worker writes the file, the session's touch waits for a later request (a read must not wait).
      const found = resolveSession(app.db, caller.token, now, !app.writeGate.isHeld);
      noteSlowCall(name, 'session', performance.now() - sessionStart);
      if (found && 'user' in found) {
        user = found.user;
        sessionTokenHash = found.tokenHash;
      } else if (found && 'expired' in found) {
        expired = true;
        session.clear();
      }
    }
    authorize(spec, name, user, expired);

    const parsed = spec.input.safeParse(rawInput ?? {});
    if (!parsed.success) throw validationError(parsed.error, spec.input);
    input = parsed.data;

    /** A long read or a worker read on the long-read worker, as this call's user at this call's instant. */
    const onWorker = (read: LongReadMethod | WorkerReadName, readInput: unknown) => {
      const here: ReadContext = { db: app.readDb, now, today: chinaDate(now), user: ctx.user, optionalUser: user };
      return app.longReads.run(read, readInput, now, ctx.user, () => runLongRead(read, here, readInput));
    };
    // Either handle, by the method's `write` flag; each handler's own type says which one it gets.
    const ctx: HandlerContext = {
      hub: app,
      host: runtime,
      db: spec.write ? app.db : app.readDb,
      now,
      today: chinaDate(now),
      get user(): AuthedUser {
        if (!user) throw new AppError('UNAUTHENTICATED', '请先登录');
        return user;
      },
      optionalUser: user,
      sessionTokenHash,
      caller,
      session,
      audit: {},
      longRead: (method, longInput) => {
        if (!isLongRead(method)) throw new InternalFault(`${method}: not a long read`);
        // as never: the long read answers with its method's output, which the worker's handler produced.
        return onWorker(method, longInput) as never;
      },
      workerRead: (read, readInput) => onWorker(read, readInput) as never,
    };

    const handler = handlers[name as MethodName] as
      | ((ctx: HandlerContext, input: unknown) => unknown)
      | { prepare: (ctx: HandlerContext, input: unknown) => Promise<unknown>; run: (ctx: HandlerContext, input: unknown, p: unknown) => unknown }
      | { async: (ctx: HandlerContext, input: unknown) => Promise<unknown> }
      | { offThread: (ctx: HandlerContext, input: unknown, audit: CallAudit) => Promise<unknown> };

    let value: unknown;
    if (isLongRead(name) && !spec.write) {
      // Seconds of reading: on the long-read worker, while this thread answers everyone else.
      value = await app.longReads.run(name, input, now, ctx.user, () => runLongRead(name, ctx, input));
    } else if ('async' in handler) {
      if (spec.write) throw new InternalFault(`${name}: asynchronous handlers cannot write`);
      value = await handler.async(ctx, input);
    } else if ('offThread' in handler) {
      if (!spec.write) throw new InternalFault(`${name}: off-thread handlers are for writes`);
      // Its transaction and audit row are the worker's; this thread only waits for the outcome.
      value = await handler.offThread(ctx, input, {
        user: user ?? null,
        caller: { transport: caller.transport, ip: caller.ip, userAgent: caller.userAgent },
        method: name,
        input: redact(input),
      });
      noteWriteSucceeded(app.db);
    } else {
      const prepared = 'prepare' in handler ? await handler.prepare(ctx, input) : undefined;
      const run = () => ('run' in handler ? handler.run(ctx, input, prepared) : handler(ctx, input));
      // A worker writing the file (a catalog import) holds it: wait here, asynchronously, then write at once.
      if (spec.write || spec.auditedRead) await app.writeGate.open();
      const handlerStart = performance.now();
      if (spec.write) {
        value = app.db
          .transaction(() => {
            const out = run();
            recordAudit(app.db, {
              user: user ?? ctx.audit.actor ?? null,
              caller,
              now,
              method: name,
              outcome: 'ok',
              target: ctx.audit.target,
              // The clinic the record belongs to, so "filter by clinic" finds hub users' work on its documents too.
              clinicId: ctx.audit.clinicId !== undefined ? ctx.audit.clinicId : (user?.clinicId ?? describeTarget(app.db, ctx.audit.target ?? null)?.clinicId),
              details: ctx.audit.backdated ? { backdated: ctx.audit.backdated, ...ctx.audit.details } : ctx.audit.details,
              input,
            });
            return out;
          })
          .immediate();
        noteWriteSucceeded(app.db);
      } else {
        value = run();
        if (spec.auditedRead) {
          // Personal data was read: the view itself is recorded (who, which rows, whether unmasked).
          recordAudit(app.db, {
            user,
            caller,
            now,
            method: name,
            outcome: 'ok',
            target: ctx.audit.target,
            clinicId: ctx.audit.clinicId !== undefined ? ctx.audit.clinicId : (user?.clinicId ?? null),
            details: ctx.audit.details,
            input,
          });
        }
      }
      noteSlowCall(name, 'handler', performance.now() - handlerStart);
    }

    if (app.validateOutputs) {
      const checked = spec.output.safeParse(value);
      if (!checked.success) {
        const where = checked.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'} ${i.code}`);
        throw new InternalFault(`${name}: output does not match the contract at ${where.join(', ')}`);
      }
      value = checked.data;
    }
    return { ok: true, value };
  } catch (err) {
    // A full, failing or read-only disk is nobody's input mistake, but it is no crash either: say what happened.
    const storage = err instanceof AppError ? null : storageKindOf(err);
    if (storage) {
      noteStorageFailure(app.db, storage, now);
      logFault(`${name} (storage)`, err);
      return failure(new AppError(storage, storageMessage(storage)));
    }
    const appError = err instanceof AppError ? err : fromSqliteError(err);
    if (appError) {
      await auditRefusal(spec, { user, caller, now, method: name, errorCode: appError.code, input: rawInput }, appError.status, app);
      // During a blind count a stock refusal must not tell the counter the book (domain/stocktake/blind.ts).
      return failure(withoutHiddenBook(app.db, user, name, input, appError));
    }
    logFault(name, err);
    return failure(new AppError('INTERNAL', '服务器内部错误，操作未完成，请联系管理员'));
  }
}

/**
 * Whether the caller may call `name` at all, decided from what arrived before the body: the session, the role,
 * the hub-PC rule of restoring without login, recovery mode. For the methods that take large bodies (restores,
 * workbooks: up to 100 MB, read and parsed whole), so that nobody can make the server read one without being
 * allowed to send it. The full checks still run in `dispatch` on the parsed request.
 */
export async function refusalBeforeBody(runtime: Runtime, name: string, caller: Caller): Promise<DispatchResult | null> {
  if (!isMethodName(name)) return null;
  if (runtime.checking) return failure(dbCheckingError());
  const spec = api[name] as AnyMethod;
  try {
    if (runtime.recovery) {
      if (name === 'recovery.restore') assertMayRestoreWithoutLogin(runtime, caller);
      else if (!RECOVERY_METHODS.has(name)) await runRecoveryMethod(runtime, name, undefined, caller, noSession);
      return null;
    }
    if (name === 'recovery.restore') assertMayRestoreWithoutLogin(runtime, caller);
    if (spec.access === 'public') return null;
    const app = runtime.app;
    const now = app.clock.now();
    const found = caller.token ? resolveSession(app.db, caller.token, now, !app.writeGate.isHeld) : null;
    const user = found && 'user' in found ? found.user : null;
    try {
      authorize(spec, name, user, Boolean(found && 'expired' in found));
    } catch (err) {
      if (err instanceof AppError)
        await auditRefusal(spec, { user, caller, now, method: name, errorCode: err.code, details: { bodyNotRead: true } }, err.status, app);
      throw err;
    }
    return null;
  } catch (err) {
    if (err instanceof AppError) return failure(err);
    logFault(`${name} (before its body)`, err);
    return failure(new AppError('INTERNAL', '服务器内部错误，操作未完成'));
  }
}

/**
 * The live database is damaged: there is no app, no session, no audit log. Only the recovery methods
 * answer (they check that the caller sits at the hub PC); everything else gets RECOVERY_MODE.
 */
async function dispatchDuringRecovery(runtime: Runtime, name: MethodName, rawInput: unknown, caller: Caller, session: SessionSink): Promise<DispatchResult> {
  try {
    if (RECOVERY_METHODS.has(name)) {
      const recoveryInput = (api[name] as AnyMethod).input;
      const parsed = recoveryInput.safeParse(rawInput ?? {});
      if (!parsed.success) throw validationError(parsed.error, recoveryInput);
      return { ok: true, value: await runRecoveryMethod(runtime, name, parsed.data, caller, session) };
    }
    return { ok: true, value: await runRecoveryMethod(runtime, name, rawInput, caller, session) };
  } catch (err) {
    if (err instanceof AppError) return failure(err);
    logFault(`${name} (recovery mode)`, err);
    return failure(new AppError('INTERNAL', '服务器内部错误，操作未完成'));
  }
}

/** Convenience for trusted in-process callers (demo generator, tests): acts as an existing user. */
export function internalCaller(token: string): Caller {
  return { transport: 'internal', ip: 'internal', token };
}

export const noSession: SessionSink = { set() {}, clear() {} };
