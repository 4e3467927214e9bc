import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import type { AuditRow } from '../../../../shared/contract/audit';
import { ROLE_LABELS, type Role } from '../../../../shared/contract/define';
import {
  AUDIT_ERROR_LABELS,
  AUDIT_TRANSPORT_LABELS,
  auditDetailLines,
  auditFilterLines,
  auditTargetText,
  auditTime,
  shortSummary,
} from '../../../../shared/audit-details';
import { AUDIT_OUTCOME_LABELS, AUDIT_OUTCOMES } from '../../../../shared/security';
import { SIGNATURES } from '../../../../shared/signatures';
import { call, type ApiError } from '../../api/client';
import { useApiQuery } from '../../api/hooks';
import { hubToday, printedAt } from '../../components/hubClock';
import { PrintDocument, type PrintColumn } from '../../print/PrintDocument';
import { PrintPage } from '../../print/PrintPage';
import { useSession } from '../../stores/session';
import { auditFilterFrom } from './auditFilter';
import { allPages } from '../../print/allPages';

/** Paper is for a period's check, not for ten years: past this many rows the print says to export instead. */
const PRINT_LIMIT = 2000;

/** The newest PRINT_LIMIT rows the filter selects, page by page. */
async function rowsToPrint(filter: ReturnType<typeof auditFilterFrom>) {
  const { rows, last } = await allPages((page, pageSize) => call('audit.list', { ...filter, page, pageSize }), PRINT_LIMIT);
  return { rows, more: last.totalCapped || last.total > PRINT_LIMIT };
}

/** 审计日志 (/print/audit-log?<the page's filters>): the rows the filter selects with their changes as lines, A4 landscape. */
export function AuditLogPrint() {
  const [params] = useSearchParams();
  const filter = auditFilterFrom(params);
  const user = useSession((s) => s.user);
  const hubName = useSession((s) => s.status?.hubName ?? '');
  const users = useApiQuery('users.list', { includeInactive: true });
  const clinics = useApiQuery('clinics.list', { includeInactive: true });
  const data = useQuery<Awaited<ReturnType<typeof rowsToPrint>>, ApiError>({
    queryKey: ['print.auditLog', params.toString()],
    queryFn: () => rowsToPrint(filter),
  });
  const chosenUser = users.data?.find((u) => u.id === filter.userId);
  const filters = auditFilterLines(filter, {
    user: filter.userId ? (chosenUser ? `${chosenUser.displayName}（${chosenUser.username}）` : `#${filter.userId}`) : null,
    clinic: filter.clinicId ? (clinics.data?.find((c) => c.id === filter.clinicId)?.name ?? `#${filter.clinicId}`) : null,
    outcomeLabel: filter.outcome && (AUDIT_OUTCOMES as readonly string[]).includes(filter.outcome) ? AUDIT_OUTCOME_LABELS[filter.outcome] : null,
  });
  const columns: PrintColumn<AuditRow>[] = [
    { key: 'at', title: '时间', width: '10%', render: (r) => <span className="print-small">{auditTime(r.at)}</span> },
    {
      key: 'user',
      title: '用户',
      width: '11%',
      render: (r) => (r.username ? `${r.displayName ?? r.username}${r.role ? `（${ROLE_LABELS[r.role as Role] ?? r.role}）` : ''}` : '未登录'),
    },
    { key: 'clinic', title: '卫生室', width: '9%', render: (r) => r.clinicName ?? '' },
    {
      key: 'ip',
      title: '地址',
      width: '9%',
      render: (r) => <span className="print-small">{`${r.ip ?? '—'} ${AUDIT_TRANSPORT_LABELS[r.transport] ?? r.transport}`}</span>,
    },
    {
      key: 'method',
      title: '操作',
      width: '14%',
      render: (r) => (
        <>
          {shortSummary(r.methodSummary) ?? r.method}
          <div className="print-small">{r.method}</div>
        </>
      ),
    },
    { key: 'target', title: '对象', width: '12%', render: (r) => auditTargetText(r.target, r.targetLabel, r.details) ?? '' },
    {
      key: 'outcome',
      title: '结果',
      width: '7%',
      render: (r) => `${AUDIT_OUTCOME_LABELS[r.outcome]}${r.errorCode ? `（${AUDIT_ERROR_LABELS[r.errorCode] ?? r.errorCode}）` : ''}`,
    },
    {
      key: 'detail',
      title: '内容',
      width: '28%',
      render: (r) => (
        <div className="print-small print-lines">
          {auditDetailLines(r.details).map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines of one row, in their order
            <div key={i}>{line}</div>
          ))}
        </div>
      ),
    },
  ];
  return (
    <PrintPage
      title="审计日志"
      loading={data.isLoading || users.isLoading || clinics.isLoading}
      error={data.error?.message ?? null}
      back={`/system/audit${params.toString() ? `?${params.toString()}` : ''}`}
      pdfName={`审计日志-${hubToday()}.pdf`}
    >
      {data.data && (
        <PrintDocument
          hubName={hubName}
          title="审计日志"
          orientation="landscape"
          meta={[{ label: '筛选', value: filters.join('　'), span: 3 }]}
          columns={columns}
          rows={data.data.rows}
          rowKey={(r) => r.id}
          totals={{ label: `共 ${data.data.rows.length} 条`, cells: {} }}
          notes={`时间为北京时间；密码、令牌和文件内容不会记录。${data.data.more ? `符合条件的记录超过 ${PRINT_LIMIT} 条，只打印了最新的 ${PRINT_LIMIT} 条；全部记录请“导出 Excel”，或缩小日期范围。` : ''}`}
          signatures={SIGNATURES.auditLog}
          footer={`打印：${user?.displayName ?? ''}　${printedAt()}`}
        />
      )}
    </PrintPage>
  );
}
