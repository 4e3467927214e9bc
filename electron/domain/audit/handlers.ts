import { defineHandlers } from '../context';
import { api, type AnyMethod, type MethodOutput } from '../../../shared/contract';
import { rows as selectRows, sql as query } from '../../db/sql';
import { AUDIT_COUNT_LIMIT } from '../../../shared/contract/audit';
import { auditLogWorkbook } from './export';
import { auditWhere, readAuditRows } from './query';

export const auditHandlers = defineHandlers({
  'audit.list': (ctx, input) => {
    const where = auditWhere(input);
    const { clause, params } = where;
    // Counting every matching row of ten years of writes would read them all for a page of 50: count up to
    // the limit (or just past the page asked for), and say when there are more.
    const countLimit = Math.max(AUDIT_COUNT_LIMIT, input.page * input.pageSize) + 1;
    const counted = (ctx.db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM audit_log a ${clause} LIMIT ?)`).get(...params, countLimit) as { n: number }).n;
    const totalCapped = counted === countLimit;
    const total = totalCapped ? countLimit - 1 : counted;
    return {
      rows: readAuditRows(ctx.db, where, input.pageSize, (input.page - 1) * input.pageSize),
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

  'audit.export': { async: async (ctx, input) => auditLogWorkbook(ctx, input) },
});
