import { sql, type Db } from '../db/database';
import type { AuthedUser } from '../domain/auth/sessions';
import type { Caller } from './context';

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
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[已隐去]' : redact(v, depth + 1)]),
    );
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
  details?: Record<string, unknown>;
  input?: unknown;
}

/** Appends one row to the audit log. Called inside the write's own transaction, or alone for a denial. */
export function recordAudit(db: Db, e: AuditEntry): void {
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
    e.user?.clinicId ?? null,
    e.caller.ip,
    e.caller.transport,
    e.method.slice(0, 80),
    e.outcome,
    e.errorCode ?? null,
    e.target ?? null,
    details,
  );
}
