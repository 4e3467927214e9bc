import { defineHandlers } from '../context';
import { api, type AnyMethod, type MethodOutput } from '../../../shared/contract';
import { rows as selectRows, sql as query } from '../../db/sql';
import { AUDIT_COUNT_LIMIT, type AuditRow } from '../../../shared/contract/audit';
import { addDays } from '../../../shared/dates';
import { describeTarget } from './targets';

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

export const auditHandlers = defineHandlers({
  'audit.list': (ctx, input) => {
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
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    // Counting every matching row of ten years of writes would read them all for a page of 50: count up to
    // the limit (or just past the page asked for), and say when there are more.
    const countLimit = Math.max(AUDIT_COUNT_LIMIT, input.page * input.pageSize) + 1;
    const counted = (ctx.db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM audit_log a ${clause} LIMIT ?)`).get(...params, countLimit) as { n: number }).n;
    const totalCapped = counted === countLimit;
    const total = totalCapped ? countLimit - 1 : counted;
    const rows = ctx.db
      .prepare(
        `SELECT a.id, a.at, a.user_id AS userId, a.username, u.display_name AS displayName, a.role, a.clinic_id AS clinicId,
                c.name AS clinicName, a.ip, a.transport, a.method, a.outcome, a.error_code AS errorCode, a.target, a.details
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN clinics c ON c.id = a.clinic_id
         ${clause} ORDER BY a.id DESC LIMIT ? OFFSET ?`,
      )
      .all(...params, input.pageSize, (input.page - 1) * input.pageSize) as (Omit<AuditRow, 'details' | 'methodSummary' | 'targetLabel'> & {
      details: string | null;
    })[];
    return {
      rows: rows.map((r) => ({
        ...r,
        methodSummary: summaryOf(r.method),
        targetLabel: describeTarget(ctx.db, r.target)?.label ?? null,
        details: parseDetails(r.details),
      })),
      total,
      totalCapped,
      page: input.page,
      pageSize: input.pageSize,
    };
  },

  'audit.deniedSummary': (ctx, input) => {
    const since = new Date(ctx.now.getTime() - input.days * 86_400_000).toISOString();
    return selectRows<MethodOutput<'audit.deniedSummary'>[number]>(
      ctx.db,
      query`SELECT a.user_id AS userId, a.username, u.display_name AS displayName, c.name AS clinicName, a.ip, a.outcome,
              count(*) AS count, max(a.at) AS lastAt
       FROM audit_log a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN clinics c ON c.id = a.clinic_id
       WHERE a.at >= ${since} AND a.outcome IN ('denied', 'rejected')
       GROUP BY a.user_id, a.username, a.ip, a.outcome
       ORDER BY count(*) DESC, max(a.at) DESC
       LIMIT 50`,
    );
  },

  'audit.methods': () => (Object.entries(api) as [string, AnyMethod][]).map(([name, spec]) => ({ name, summary: spec.summary, write: spec.write })),
});
