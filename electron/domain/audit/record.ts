import { sql, type ReadDb, type WriteDb } from '../../db/database';
import type { AuthedUser } from '../auth/sessions';
import type { Caller } from '../context';

const SECRET_KEY = /password|token|secret|base64/i;
const MAX_DETAILS = 2000;

/** Input as the audit log keeps it: secrets and file contents removed, size bounded. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 4) return '…';
  if (Array.isArray(value)) {
    const head = value.slice(0, 20).map((v) => redact(v, depth + 1));
    return value.length > 20 ? [...head, `…(+${value.length - 20})`] : head;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[已隐去]' : redact(v, depth + 1)]));
  }
  if (typeof value === 'string' && value.length > 200) return `${value.slice(0, 200)}…`;
  return value;
}

/**
 * The fields an update changed, as { field: { from, to } }: the audit log shows them as 字段：旧值 → 新值
 * (shared/audit-details). Only the keys given are compared, so ids and timestamps stay out.
 */
export function changedFields<T extends object>(before: T, after: T, keys: readonly (keyof T & string)[]): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const k of keys) if (before[k] !== after[k]) changes[k] = { from: before[k] ?? null, to: after[k] ?? null };
  return changes;
}

export interface AuditEntry {
  user: AuthedUser | null;
  caller: Caller;
  now: Date;
  method: string;
  outcome: 'ok' | 'denied' | 'rejected';
  errorCode?: string;
  target?: string;
  /** The clinic the record concerns, when a hub user acts on a clinic's document; defaults to the user's clinic. */
  clinicId?: number | null;
  details?: Record<string, unknown>;
  input?: unknown;
}

/** Appends one row to the audit log. Called inside the write's own transaction, or alone for a denial. */
export function recordAudit(db: WriteDb, e: AuditEntry): void {
  let details = JSON.stringify({ ...(e.details ?? {}), input: redact(e.input) });
  if (details.length > MAX_DETAILS) details = `${details.slice(0, MAX_DETAILS)}…`;
  sql(
    db,
    `INSERT INTO audit_log (at, user_id, username, role, clinic_id, ip, transport, method, outcome, error_code, target, details)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    e.now.toISOString(),
    e.user?.id ?? null,
    e.user?.username ?? null,
    e.user?.role ?? null,
    e.clinicId ?? e.user?.clinicId ?? null,
    e.caller.ip.slice(0, 64),
    e.caller.transport,
    e.method.slice(0, 80),
    e.outcome,
    e.errorCode ?? null,
    e.target?.slice(0, 200) ?? null,
    details,
  );
}

const REFUSAL_WINDOW_MS = 60 * 1000;
/** Refusal rows kept one by one per minute, per signed-in user and per address of anonymous callers. */
export const MAX_REFUSAL_ROWS_PER_MINUTE = 20;

interface Burst {
  windowStart: number;
  n: number;
  /** Refusals of this window that got no row of their own. */
  skipped: number;
}
const bursts = new WeakMap<ReadDb, Map<string, Burst>>();

/**
 * Whether a refusal gets an audit row, and what the row adds about the burst it belongs to; null when it gets none.
 * Refusals are audited (tampering shows up in the log), but anyone can repeat them: a signed-in user calling a
 * forbidden method in a loop, or anyone on the LAN writing without a session. Per user (or per address when
 * nobody is signed in) the first 20 of a minute get their own row, the 21st a row saying that the rest of the
 * minute is only counted, and the first row of a later minute how many were left out: a burst costs 21 rows a
 * minute, not megabytes.
 */
export function admitRefusalRow(db: ReadDb, who: { userId: number } | { ip: string }, now: Date): Record<string, unknown> | null {
  let byKey = bursts.get(db);
  if (!byKey) {
    byKey = new Map();
    bursts.set(db, byKey);
  }
  const key = 'userId' in who ? `user:${who.userId}` : `ip:${who.ip}`;
  const t = now.getTime();
  const entry = byKey.get(key);
  if (!entry || t - entry.windowStart >= REFUSAL_WINDOW_MS || t < entry.windowStart) {
    if (byKey.size > 10_000) byKey.clear();
    byKey.set(key, { windowStart: t, n: 1, skipped: 0 });
    return entry?.skipped ? { skippedBefore: entry.skipped, note: `此前一分钟内另有 ${entry.skipped} 次被拒绝的请求未逐条记录` } : {};
  }
  entry.n += 1;
  if (entry.n <= MAX_REFUSAL_ROWS_PER_MINUTE) return {};
  if (entry.n === MAX_REFUSAL_ROWS_PER_MINUTE + 1) {
    return { burst: true, note: `一分钟内被拒绝超过 ${MAX_REFUSAL_ROWS_PER_MINUTE} 次：本分钟内此后的拒绝只计数，次数记在下一条记录中` };
  }
  entry.skipped += 1;
  return null;
}
