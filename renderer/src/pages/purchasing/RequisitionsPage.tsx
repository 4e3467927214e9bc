import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button, Card, Empty, Grid, Input, Pagination, Segmented, Select, Space, Spin, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { RequisitionStatus, RequisitionSummary } from '../../../../shared/contract/requisitions';
import { useApiQuery } from '../../api/hooks';
import { useSession } from '../../stores/session';
import { Page } from '../../components/Page';
import { dateTime, RequisitionStatusTag } from './format';

const FILTERS: { value: string; label: string; status?: RequisitionStatus[] }[] = [
  { value: 'open', label: '进行中', status: ['draft', 'submitted', 'reviewed'] },
  { value: 'closed', label: '已完成', status: ['closed'] },
  { value: 'cancelled', label: '已作废', status: ['cancelled'] },
  { value: 'all', label: '全部' },
];

function outcome(r: RequisitionSummary): string {
  if (r.status === 'draft') return '草稿未提交';
  if (r.status === 'cancelled') return '已作废';
  if (r.pendingCount === r.lineCount) return '等待药库审核';
  const approved = r.lineCount - r.pendingCount - r.rejectedCount - r.adjustedCount;
  const parts = [
    approved && `同意 ${approved}`,
    r.adjustedCount && `调整 ${r.adjustedCount}`,
    r.rejectedCount && `驳回 ${r.rejectedCount}`,
    r.pendingCount && `待审 ${r.pendingCount}`,
  ];
  return parts.filter(Boolean).join(' · ');
}

export default function RequisitionsPage() {
  const navigate = useNavigate();
  const user = useSession((s) => s.user)!;
  const isDoctor = user.role === 'village_doctor';
  const narrow = !Grid.useBreakpoint().md;
  const [filter, setFilter] = useState('open');
  const [clinicId, setClinicId] = useState<number | undefined>();
  const [keyword, setKeyword] = useState('');
  const [page, setPage] = useState(1);
  const clinics = useApiQuery('clinics.list', { includeInactive: false }, { enabled: !isDoctor });
  const list = useApiQuery(
    'requisitions.list',
    {
      status: FILTERS.find((f) => f.value === filter)?.status,
      clinicId,
      keyword: keyword || undefined,
      page,
      pageSize: 20,
    },
    { staleTime: 0 },
  );
  const rows = list.data?.rows ?? [];

  return (
    <Page
      title="需求上报"
      subTitle={isDoctor ? `${user.clinicName ?? ''}的请领单：保存草稿、提交，查看药库的审核结果` : '代村卫生室录入请领单（如电话报送）'}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/purchasing/requisitions/new')}>
          新建请领单
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented value={filter} options={FILTERS.map((f) => ({ value: f.value, label: f.label }))} onChange={(v) => (setFilter(String(v)), setPage(1))} />
        {!isDoctor && (
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder="全部卫生室"
            style={{ width: 200 }}
            value={clinicId}
            onChange={(v) => (setClinicId(v), setPage(1))}
            options={clinics.data?.map((c) => ({ value: c.id, label: `${c.code} ${c.name}` }))}
          />
        )}
        <Input.Search placeholder="单号" allowClear onSearch={(v) => (setKeyword(v.trim()), setPage(1))} style={{ width: 180 }} />
      </Space>
      {narrow ? (
        <Spin spinning={list.isLoading}>
          {rows.length === 0 && !list.isLoading && <Empty description="没有请领单" />}
          <div className="card-list">
            {rows.map((r) => (
              <Card key={r.id} size="small" className="req-card" onClick={() => navigate(`/purchasing/requisitions/${r.id}`)} hoverable>
                <div className="req-card-head">
                  <Link to={`/purchasing/requisitions/${r.id}`}>{r.docNo}</Link>
                  <RequisitionStatusTag status={r.status} aggregated={r.aggregationId !== null} />
                </div>
                <Typography.Text type="secondary">
                  {dateTime(r.submittedAt ?? r.updatedAt)} · {r.lineCount} 种药品
                </Typography.Text>
                <div>{outcome(r)}</div>
              </Card>
            ))}
          </div>
          {(list.data?.total ?? 0) > 20 && (
            <Pagination simple current={page} pageSize={20} total={list.data?.total} onChange={setPage} style={{ marginTop: 12 }} />
          )}
        </Spin>
      ) : (
        <Table<RequisitionSummary>
          rowKey="id"
          size="middle"
          loading={list.isLoading}
          dataSource={rows}
          onRow={(r) => ({ onClick: () => navigate(`/purchasing/requisitions/${r.id}`), style: { cursor: 'pointer' } })}
          pagination={{ current: page, pageSize: 20, total: list.data?.total, onChange: setPage, hideOnSinglePage: true }}
          columns={[
            { title: '单号', dataIndex: 'docNo', width: 150, render: (v: string, r) => <Link to={`/purchasing/requisitions/${r.id}`}>{v}</Link> },
            ...(isDoctor ? [] : [{ title: '卫生室', dataIndex: 'clinicName' }]),
            {
              title: '状态',
              dataIndex: 'status',
              width: 90,
              render: (s: RequisitionStatus, r: RequisitionSummary) => <RequisitionStatusTag status={s} aggregated={r.aggregationId !== null} />,
            },
            { title: '品种', dataIndex: 'lineCount', width: 70, align: 'right' as const },
            { title: '审核结果', key: 'outcome', render: (_: unknown, r: RequisitionSummary) => outcome(r) },
            { title: '提交时间', dataIndex: 'submittedAt', width: 150, render: (v: string | null) => dateTime(v) },
            { title: '填报人', dataIndex: 'createdByName', width: 100 },
          ]}
        />
      )}
    </Page>
  );
}
