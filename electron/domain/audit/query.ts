/**
 * The audit log as read by audit.list (a page) and audit.export (every row the filter selects, up to a limit):
 * one filter, one row shape, so the sheet and the screen never disagree about what a filter selects.
 */
import { api, type AnyMethod } from '../../../shared/contract';
import type { AuditRow } from '../../../shared/contract/audit';
import { addDays } from '../../../shared/dates';
import type { ReadDb } from '../../db/database';
import { describeTarget } from './targets';

export interface AuditFilter {
  userId?: number;
  clinicId?: number;
  method?: string;
  outcome?: string;
  from?: string;
  to?: string;
  target?: string;
  ip?: string;
}

/** The UTC instant at which a China business date begins. */
const chinaDayStart = (date: string) => new Date(Date.parse(`${date}T00:00:00+08:00`)).toISOString();

function summaryOf(method: string): string | null {
  return Object.hasOwn(api, method) ? (api as Record<string, AnyMethod>)[method].summary : null;
}

/** Details are JSON written by recordAudit, cut at 2000 characters: a cut one is shown as text. */
function parseDetails(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
  } catch {
    return { truncated: text };
  }
}

/** LIKE pattern for a literal prefix. */
const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The WHERE clause of a filter over audit_log a, and its parameters. */
export function auditWhere(input: AuditFilter): { clause: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (input.userId) {
    where.push('a.user_id = ?');
    params.push(input.userId);
  }
  if (input.clinicId) {
    where.push('a.clinic_id = ?');
    params.push(input.clinicId);
  }
  if (input.method) {
    // 'clinics' matches every clinics.* method; 'clinics.update' only itself.
    where.push(input.method.includes('.') ? 'a.method = ?' : "a.method LIKE ? ESCAPE '\\'");
    params.push(input.method.includes('.') ? input.method : likePrefix(`${input.method}.`));
  }
  if (input.outcome) {
    where.push('a.outcome = ?');
    params.push(input.outcome);
  }
  if (input.from) {
    where.push('a.at >= ?');
    params.push(chinaDayStart(input.from));
  }
  if (input.to) {
    where.push('a.at < ?');
    params.push(chinaDayStart(addDays(input.to, 1)));
  }
  if (input.target) {
    where.push(input.target.includes(':') ? 'a.target = ?' : "a.target LIKE ? ESCAPE '\\'");
    params.push(input.target.includes(':') ? input.target : likePrefix(`${input.target}:`));
  }
  if (input.ip) {
    where.push('a.ip = ?');
    params.push(input.ip);
  }
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/** Matching rows, newest first, with the method's summary, the target's name and the details parsed. */
export function readAuditRows(db: ReadDb, where: { clause: string; params: unknown[] }, limit: number, offset = 0): AuditRow[] {
  const rows = db
    .prepare(
      `SELECT a.id, a.at, a.user_id AS userId, a.username, u.display_name AS displayName, a.role, a.clinic_id AS clinicId,
              c.name AS clinicName, a.ip, a.transport, a.method, a.outcome, a.error_code AS errorCode, a.target, a.details
       FROM audit_log a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN clinics c ON c.id = a.clinic_id
       ${where.clause} ORDER BY a.id DESC LIMIT ? OFFSET ?`,
    )
    .all(...where.params, limit, offset) as (Omit<AuditRow, 'details' | 'methodSummary' | 'targetLabel'> & { details: string | null })[];
  return rows.map((r) => ({
    ...r,
    methodSummary: summaryOf(r.method),
    targetLabel: describeTarget(db, r.target)?.label ?? null,
    details: parseDetails(r.details),
  }));
}
