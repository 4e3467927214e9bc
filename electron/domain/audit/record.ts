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

const ANONYMOUS_WINDOW_MS = 60 * 1000;
export const MAX_ANONYMOUS_AUDIT_ROWS_PER_MINUTE = 20;
const anonymousCounts = new WeakMap<ReadDb, Map<string, { windowStart: number; n: number }>>();

/**
 * Refusals that need no account (a write without a session, a failed or throttled login, a cross-site
 * request) are audited too, but at most 20 a minute per address: anyone on the LAN can send them, and
 * the log must not become a way to fill the disk. Refusals of signed-in users are always recorded.
 */
export function allowAnonymousAuditRow(db: ReadDb, ip: string, now: Date): boolean {
  let byIp = anonymousCounts.get(db);
  if (!byIp) {
    byIp = new Map();
    anonymousCounts.set(db, byIp);
  }
  const t = now.getTime();
  const entry = byIp.get(ip);
  if (!entry || t - entry.windowStart >= ANONYMOUS_WINDOW_MS || t < entry.windowStart) {
    if (byIp.size > 10_000) byIp.clear();
    byIp.set(ip, { windowStart: t, n: 1 });
    return true;
  }
  entry.n += 1;
  return entry.n <= MAX_ANONYMOUS_AUDIT_ROWS_PER_MINUTE;
}
