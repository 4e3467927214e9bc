/**
 * 审计日志 as an Excel workbook: every row the filter selects (not the screen's page), newest first, up to
 * AUDIT_EXPORT_LIMIT, with the filter line, each row's changes as 字段：旧值 → 新值 lines and the signature row
 * of the printed log (shared/signatures).
 */
import type { ParsedInput } from '../../../shared/contract';
import { AUDIT_EXPORT_LIMIT, AUDIT_OUTCOME_LABELS, type AuditRow } from '../../../shared/contract/audit';
import { ROLE_LABELS, type Role } from '../../../shared/contract/define';
import {
  AUDIT_ERROR_LABELS,
  AUDIT_TRANSPORT_LABELS,
  auditDetailLines,
  auditFilterLines,
  auditTargetText,
  auditTime,
  shortSummary,
} from '../../../shared/audit-details';
import { SIGNATURES } from '../../../shared/signatures';
import { sql } from '../../db/database';
import type { HandlerContext } from '../context';
import { listWorkbook } from '../list-workbook';
import { hubName } from '../settings';
import { auditWhere, readAuditRows } from './query';

export async function auditLogWorkbook(ctx: HandlerContext, input: ParsedInput<'audit.export'>) {
  const found = readAuditRows(ctx.db, auditWhere(input), AUDIT_EXPORT_LIMIT + 1);
  const rows = found.slice(0, AUDIT_EXPORT_LIMIT);
  const user = input.userId
    ? (sql(ctx.db, 'SELECT display_name AS name, username FROM users WHERE id = ?').get(input.userId) as { name: string; username: string } | undefined)
    : undefined;
  const clinic = input.clinicId ? (sql(ctx.db, 'SELECT name FROM clinics WHERE id = ?').get(input.clinicId) as { name: string } | undefined) : undefined;
  const filters = auditFilterLines(input, {
    user: input.userId ? (user ? `${user.name}（${user.username}）` : `#${input.userId}`) : null,
    clinic: input.clinicId ? (clinic?.name ?? `#${input.clinicId}`) : null,
    outcomeLabel: input.outcome ? AUDIT_OUTCOME_LABELS[input.outcome] : null,
  });
  return listWorkbook<AuditRow>({
    hubName: hubName(ctx.db),
    title: '审计日志',
    filters: [...filters, `导出：${auditTime(ctx.now.toISOString()).slice(0, 16)}`],
    columns: [
      { header: '时间', kind: 'datetime', value: (r) => auditTime(r.at) },
      { header: '用户', value: (r) => (r.username ? `${r.displayName ?? r.username}（${r.username}）` : '未登录') },
      { header: '角色', value: (r) => (r.role ? (ROLE_LABELS[r.role as Role] ?? r.role) : '') },
      { header: '卫生室', value: (r) => r.clinicName ?? '' },
      { header: '地址', value: (r) => `${r.ip ?? '—'}（${AUDIT_TRANSPORT_LABELS[r.transport] ?? r.transport}）` },
      { header: '操作', value: (r) => shortSummary(r.methodSummary) ?? r.method },
      { header: '接口', value: (r) => r.method },
      { header: '对象', value: (r) => auditTargetText(r.target, r.targetLabel, r.details) ?? '' },
      {
        header: '结果',
        value: (r) => `${AUDIT_OUTCOME_LABELS[r.outcome]}${r.errorCode ? `（${AUDIT_ERROR_LABELS[r.errorCode] ?? r.errorCode}）` : ''}`,
      },
      { header: '内容', kind: 'wrap', value: (r) => auditDetailLines(r.details).join('\n') },
    ],
    rows,
    totals: { label: `共 ${rows.length} 条${found.length > AUDIT_EXPORT_LIMIT ? '（只导出最新的部分）' : ''}`, values: {} },
    notes: [
      '时间为北京时间；密码、令牌和文件内容不会记录。',
      ...(found.length > AUDIT_EXPORT_LIMIT
        ? [
            `符合条件的记录超过 ${AUDIT_EXPORT_LIMIT.toLocaleString('en-US')} 条，只导出了最新的 ${AUDIT_EXPORT_LIMIT.toLocaleString('en-US')} 条；请缩小日期范围。`,
          ]
        : []),
    ],
    signatures: SIGNATURES.auditLog,
    filename: `审计日志-${ctx.today}.xlsx`,
  });
}
