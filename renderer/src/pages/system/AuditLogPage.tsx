import { useMemo } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Card, DatePicker, Descriptions, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import type { AuditRow } from '../../../../shared/contract/audit';
import { AUDIT_OUTCOME_LABELS, AUDIT_OUTCOMES } from '../../../../shared/security';
import { ROLE_LABELS, type Role } from '../../../../shared/contract/define';
import { useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { describeTarget, TARGET_KIND_OPTIONS } from './auditTargets';
import { useKnownRoutes } from '../../app/knownRoutes';
import { DENSE_LIST } from '../../components/denseTable';
import { AUDIT_ERROR_LABELS, AUDIT_TRANSPORT_LABELS, auditDetailParts, shortSummary } from '../../../../shared/audit-details';
import { call } from '../../api/client';
import { ListOutput } from '../../components/ListOutput';
import { useRememberedSearchParams } from '../../components/useRememberedState';
import { auditFilterFrom } from './auditFilter';
import { formatChinaDateTime } from '../../components/hubClock';

type Outcome = (typeof AUDIT_OUTCOMES)[number];
const OUTCOME_COLORS: Record<Outcome, string> = { ok: 'green', denied: 'red', rejected: 'orange' };

/**
 * Filters live in the address (?userId=7&outcome=denied), so a filtered view can be linked and reloaded; they
 * are remembered for the user too, so leaving the log and coming back from the menu shows the same view.
 */
function useFilters() {
  const { params, patchParams, clearParams, query } = useRememberedSearchParams('audit', ['page', 'pageSize']);
  const num = (k: string) => (params.get(k) ? Number(params.get(k)) : undefined);
  const chosen = auditFilterFrom(params);
  const filters = { ...chosen, page: num('page') ?? 1, pageSize: num('pageSize') ?? 50 };
  return { filters, chosen, query, set: patchParams, clear: clearParams };
}

function DeniedSummary({ onPick }: { onPick(patch: Record<string, string | number | undefined>): void }) {
  const summary = useApiQuery('audit.deniedSummary', { days: 7 });
  const rows = summary.data ?? [];
  if (rows.length === 0) return null;
  const total = rows.reduce((n, r) => n + r.count, 0);
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 12 }}
      title={`近 7 天有 ${total} 次被拒绝的访问`}
      description={
        <Space wrap size={[8, 4]}>
          {rows.slice(0, 8).map((r) => (
            <Button
              key={`${r.userId}-${r.username}-${r.ip}-${r.outcome}`}
              size="small"
              onClick={() =>
                onPick(r.userId ? { userId: r.userId, outcome: r.outcome, ip: undefined } : { ip: r.ip ?? undefined, outcome: r.outcome, userId: undefined })
              }
            >
              {r.displayName ?? r.username ?? '未登录'}
              {r.clinicName ? `（${r.clinicName}）` : ''} · {r.ip ?? '—'} · {AUDIT_OUTCOME_LABELS[r.outcome]} {r.count} 次
            </Button>
          ))}
        </Space>
      }
    />
  );
}

const Lines = ({ lines }: { lines: string[] }) => (
  <ul className="audit-lines">
    {lines.map((line, i) => (
      // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one row, in their order
      <li key={i}>{line}</li>
    ))}
  </ul>
);

function Details({ row }: { row: AuditRow }) {
  const { noted, request } = auditDetailParts(row.details);
  return (
    <Descriptions size="small" column={1} bordered>
      <Descriptions.Item label="时间">{formatChinaDateTime(row.at)}</Descriptions.Item>
      <Descriptions.Item label="接口">
        <Typography.Text code>{row.method}</Typography.Text> {row.methodSummary}
      </Descriptions.Item>
      {noted.length > 0 && (
        <Descriptions.Item label="改动与说明">
          <Lines lines={noted} />
        </Descriptions.Item>
      )}
      <Descriptions.Item label="请求内容">
        {request.length === 0 ? '（无）' : <Lines lines={request} />}
        <Typography.Text type="secondary">密码、令牌和文件内容不会记录。</Typography.Text>
      </Descriptions.Item>
    </Descriptions>
  );
}

export default function AuditLogPage() {
  const routes = useKnownRoutes();
  const { filters, chosen, query, set, clear } = useFilters();
  const log = useApiQuery('audit.list', filters, { placeholderData: (prev) => prev });
  const users = useApiQuery('users.list', { includeInactive: true });
  const clinics = useApiQuery('clinics.list', { includeInactive: true });
  const methods = useApiQuery('audit.methods', {});

  const methodOptions = useMemo(() => {
    const byDomain = new Map<string, { value: string; label: string }[]>();
    for (const m of methods.data ?? []) {
      const domain = m.name.split('.')[0];
      byDomain.set(domain, [...(byDomain.get(domain) ?? []), { value: m.name, label: `${m.name}　${shortSummary(m.summary)}` }]);
    }
    return [...byDomain.entries()].map(([domain, options]) => ({
      label: domain,
      title: domain,
      options: [{ value: domain, label: `${domain}.*（全部）` }, ...options],
    }));
  }, [methods.data]);

  const filtered = Object.entries(filters).some(([k, v]) => v !== undefined && k !== 'page' && k !== 'pageSize');

  return (
    <Page
      title="审计日志"
      subTitle="每一次写操作和每一次被拒绝的访问：谁、何时、从哪个地址、调用了哪个接口、涉及哪张单据。日志只增不改。"
      extra={
        <Space wrap>
          <ListOutput exportFile={() => call('audit.export', chosen)} printTo={`/print/audit-log${query ? `?${query}` : ''}`} />
          <Button icon={<ReloadOutlined />} onClick={() => void log.refetch()}>
            刷新
          </Button>
        </Space>
      }
    >
      <DeniedSummary onPick={set} />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap size={[8, 8]}>
          <Select
            aria-label="用户"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder="全部用户"
            style={{ width: 200 }}
            value={filters.userId}
            onChange={(v) => set({ userId: v })}
            options={users.data?.map((u) => ({ value: u.id, label: `${u.displayName}（${u.username}）${u.clinicName ? ` ${u.clinicName}` : ''}` }))}
          />
          <Select
            aria-label="卫生室"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder="全部卫生室"
            style={{ width: 180 }}
            value={filters.clinicId}
            onChange={(v) => set({ clinicId: v })}
            options={clinics.data?.map((c) => ({ value: c.id, label: `${c.code} ${c.name}` }))}
          />
          <Select
            aria-label="接口"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder="全部接口"
            style={{ width: 260 }}
            value={filters.method}
            onChange={(v) => set({ method: v })}
            options={methodOptions}
            popupMatchSelectWidth={360}
          />
          <Select
            aria-label="结果"
            allowClear
            placeholder="全部结果"
            style={{ width: 160 }}
            value={filters.outcome}
            onChange={(v) => set({ outcome: v })}
            options={AUDIT_OUTCOMES.map((o) => ({ value: o, label: AUDIT_OUTCOME_LABELS[o] }))}
          />
          <DatePicker.RangePicker
            aria-label="日期"
            allowEmpty={[true, true]}
            value={[filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null]}
            onChange={(range) => set({ from: range?.[0]?.format('YYYY-MM-DD'), to: range?.[1]?.format('YYYY-MM-DD') })}
          />
          <Select
            aria-label="对象"
            allowClear
            placeholder="全部对象"
            style={{ width: 140 }}
            value={filters.target && !filters.target.includes(':') ? filters.target : undefined}
            onChange={(v) => set({ target: v })}
            options={TARGET_KIND_OPTIONS}
          />
          <Input.Search
            aria-label="地址"
            allowClear
            placeholder="IP 地址"
            style={{ width: 160 }}
            key={filters.ip ?? ''}
            defaultValue={filters.ip}
            onSearch={(v) => set({ ip: v.trim() })}
          />
          {filtered && (
            <Button type="link" onClick={clear}>
              清除筛选
            </Button>
          )}
        </Space>
      </Card>
      <Table<AuditRow>
        rowKey="id"
        {...DENSE_LIST}
        loading={log.isFetching}
        dataSource={log.data?.rows}
        scroll={{ x: 1100 }}
        expandable={{ expandedRowRender: (row) => <Details row={row} />, expandRowByClick: false }}
        pagination={{
          current: filters.page,
          pageSize: filters.pageSize,
          total: log.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100, 200],
          showTotal: (n) => (log.data?.totalCapped ? `超过 ${n.toLocaleString('zh-CN')} 条，请用上面的条件缩小范围` : `共 ${n} 条`),
          onChange: (page, pageSize) => set({ page, pageSize }),
        }}
        columns={[
          { title: '时间', dataIndex: 'at', width: 160, render: (at: string) => formatChinaDateTime(at) },
          {
            title: '用户',
            key: 'user',
            width: 170,
            render: (_, r) =>
              r.username ? (
                <Space size={4} wrap>
                  <Button type="link" size="small" className="link-button" onClick={() => r.userId && set({ userId: r.userId })}>
                    {r.displayName ?? r.username}
                  </Button>
                  {r.role && <Tag>{ROLE_LABELS[r.role as Role] ?? r.role}</Tag>}
                </Space>
              ) : (
                <Typography.Text type="secondary">未登录</Typography.Text>
              ),
          },
          { title: '卫生室', dataIndex: 'clinicName', width: 130, render: (n: string | null) => n ?? '—' },
          {
            title: '地址',
            key: 'ip',
            width: 150,
            render: (_, r) => (
              <Space orientation="vertical" size={0}>
                <Button type="link" size="small" className="link-button" onClick={() => r.ip && set({ ip: r.ip })}>
                  {r.ip ?? '—'}
                </Button>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {AUDIT_TRANSPORT_LABELS[r.transport] ?? r.transport}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: '操作',
            key: 'method',
            render: (_, r) => (
              <Space orientation="vertical" size={0}>
                <span>{shortSummary(r.methodSummary) ?? r.method}</span>
                <Typography.Text type="secondary" code style={{ fontSize: 12 }}>
                  {r.method}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: '对象',
            key: 'target',
            width: 160,
            render: (_, r) => {
              const t = describeTarget(r.target, r.targetLabel, r.details, routes);
              if (!t) return '—';
              return t.href ? <Link to={t.href}>{t.text}</Link> : t.text;
            },
          },
          {
            title: '结果',
            key: 'outcome',
            width: 150,
            render: (_, r) => (
              <Space size={4} wrap>
                <Tag color={OUTCOME_COLORS[r.outcome]}>{AUDIT_OUTCOME_LABELS[r.outcome]}</Tag>
                {r.errorCode && <Typography.Text type="secondary">{AUDIT_ERROR_LABELS[r.errorCode] ?? r.errorCode}</Typography.Text>}
              </Space>
            ),
          },
        ]}
      />
    </Page>
  );
}
