import { useState } from 'react';
import { useCan } from '../../app/access';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Card, Empty, List, Progress, Segmented, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { z } from 'zod';
import type { stocktakeSummary } from '../../../../shared/contract/stocktake';
import type { StocktakeKind, StocktakeStatus } from '../../../../shared/stocktake';
import { useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { Money, formatDateTime } from '../../components/format';
import { useSession } from '../../stores/session';
import { NewStocktakeModal } from './NewStocktakeModal';
import { StocktakeStatusTag, StocktakeTags } from './labels';
import { DENSE_LIST } from '../../components/denseTable';

type Summary = z.infer<typeof stocktakeSummary>;

function progressOf(s: Summary) {
  return s.lineCount === 0 ? 0 : Math.floor((s.countedCount * 100) / s.lineCount);
}

/** The village doctor's view: counts to do now, then past ones. Works on a phone. */
function DoctorStocktakes() {
  const list = useApiQuery('stocktakes.list', {});
  const open = list.data?.filter((s) => s.status === 'counting' && s.canCount) ?? [];
  const rest = list.data?.filter((s) => !(s.status === 'counting' && s.canCount)) ?? [];
  return (
    <Page title="盘点" subTitle="中心库发起的盘点和抽查，按货架上的实际数量逐批录入">
      {list.isLoading && <Card loading />}
      {list.data && open.length === 0 && <Alert type="success" showIcon title="目前没有需要您盘点的药品" style={{ marginBottom: 16 }} />}
      {open.map((s) => (
        <Card
          key={s.id}
          title={
            <Space wrap>
              {s.docNo}
              <StocktakeStatusTag status={s.status} />
            </Space>
          }
          extra={<Link to={`/stocktake/${s.id}`}>去盘点</Link>}
          style={{ marginBottom: 12 }}
        >
          <StocktakeTags kind={s.kind} counterMode={s.counterMode} blind={s.blind} />
          <div style={{ marginTop: 8 }}>
            已录入 {s.countedCount} / {s.lineCount} 行{s.recountCount > 0 && <Typography.Text type="danger">，{s.recountCount} 行需复盘</Typography.Text>}
          </div>
          <Progress percent={progressOf(s)} size="small" />
          <Link to={`/stocktake/${s.id}`}>
            <Button type="primary" block size="large" style={{ marginTop: 8 }}>
              开始录入
            </Button>
          </Link>
        </Card>
      ))}
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        历次盘点
      </Typography.Title>
      <List
        bordered
        dataSource={rest}
        locale={{ emptyText: <Empty description="还没有盘点记录" /> }}
        renderItem={(s) => (
          <List.Item extra={<Link to={`/stocktake/${s.id}`}>查看</Link>}>
            <List.Item.Meta
              title={
                <Space wrap size={4}>
                  {s.docNo}
                  <StocktakeStatusTag status={s.status} />
                </Space>
              }
              description={
                s.status === 'approved' && s.matchedCount !== null
                  ? `${s.businessDate} 审核：${s.lineCount} 行中 ${s.matchedCount} 行相符`
                  : `${s.startDate} 发起 · ${s.lineCount} 行`
              }
            />
          </List.Item>
        )}
      />
    </Page>
  );
}

function HubStocktakes() {
  const canStart = useCan('stocktakes.create');
  const navigate = useNavigate();
  const [status, setStatus] = useState<StocktakeStatus | 'all'>('all');
  const [kind, setKind] = useState<StocktakeKind | 'all'>('all');
  const [modal, setModal] = useState<StocktakeKind | null>(null);
  const [params, setParams] = useSearchParams();
  const storeId = params.get('store') ? Number(params.get('store')) : undefined;
  const list = useApiQuery('stocktakes.list', { storeId, status: status === 'all' ? undefined : status, kind: kind === 'all' ? undefined : kind, limit: 300 });
  const storeName = storeId ? list.data?.[0]?.storeName : undefined;
  return (
    <Page
      title="盘点与抽查"
      subTitle="随时抽查村卫生室、全面盘点任一库房；差异须药库管理员审核后过账，盘点数、当时的账面数和调整记录都保留"
      extra={
        canStart && (
          <>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setModal('spot')}>
              随机抽查
            </Button>
            <Button icon={<PlusOutlined />} onClick={() => setModal('full')}>
              全面盘点
            </Button>
            <Link to="/stocktake/accuracy">账实相符率</Link>
          </>
        )
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        {storeId && (
          <Tag closable onClose={() => setParams({}, { replace: true })} color="blue">
            只看：{storeName ?? '所选库房'}
          </Tag>
        )}
        <Segmented<StocktakeStatus | 'all'>
          value={status}
          onChange={setStatus}
          options={[
            { value: 'all', label: '全部' },
            { value: 'counting', label: '盘点中' },
            { value: 'submitted', label: '待审核' },
            { value: 'approved', label: '已过账' },
            { value: 'cancelled', label: '已作废' },
          ]}
        />
        <Segmented<StocktakeKind | 'all'>
          value={kind}
          onChange={setKind}
          options={[
            { value: 'all', label: '全部类型' },
            { value: 'spot', label: '随机抽查' },
            { value: 'full', label: '全面盘点' },
          ]}
        />
      </Space>
      <Table<Summary>
        rowKey="id"
        {...DENSE_LIST}
        loading={list.isLoading}
        dataSource={list.data}
        // Fits 1366 × 768 without sideways scrolling (issue 17): narrow figures, long text ends in … with its whole text as a tooltip.
        tableLayout="fixed"
        onRow={(s) => ({ onDoubleClick: () => navigate(`/stocktake/${s.id}`) })}
        columns={[
          { title: '单号', dataIndex: 'docNo', width: 124, render: (no: string, s) => <Link to={`/stocktake/${s.id}`}>{no}</Link> },
          { title: '库房', dataIndex: 'storeName', width: 128, ellipsis: true, render: (n: string, s) => (s.clinicCode ? `${s.clinicCode} ${n}` : n) },
          { title: '类型', key: 'tags', width: 196, render: (_, s) => <StocktakeTags kind={s.kind} counterMode={s.counterMode} blind={s.blind} /> },
          {
            title: '发起',
            key: 'created',
            width: 140,
            ellipsis: { showTitle: false },
            render: (_, s) => (
              <span title={`${formatDateTime(s.createdAt)} ${s.createdByName}`}>
                {s.startDate} {s.createdByName}
              </span>
            ),
          },
          {
            title: '进度',
            key: 'progress',
            width: 84,
            render: (_, s) =>
              s.status === 'counting' ? (
                <Progress percent={progressOf(s)} size="small" format={() => `${s.countedCount}/${s.lineCount}`} />
              ) : (
                `${s.lineCount} 行`
              ),
          },
          {
            title: '相符',
            key: 'matched',
            width: 64,
            align: 'right',
            render: (_, s) => (s.matchedCount === null || s.status === 'cancelled' ? '' : `${s.matchedCount}/${s.lineCount}`),
          },
          {
            title: '盘盈（元）',
            dataIndex: 'surplusAmount',
            width: 88,
            align: 'right',
            render: (a: number | null, s) => (s.status === 'cancelled' ? '' : <Money fen={a} />),
          },
          {
            title: '盘亏（元）',
            dataIndex: 'shortageAmount',
            width: 88,
            align: 'right',
            render: (a: number | null, s) => (s.status === 'cancelled' ? '' : <Money fen={a} />),
          },
          { title: '状态', dataIndex: 'status', width: 90, render: (st: StocktakeStatus) => <StocktakeStatusTag status={st} /> },
          {
            title: '审核 / 作废',
            key: 'decided',
            ellipsis: true,
            render: (_, s) =>
              s.status === 'cancelled' ? (
                <Typography.Text
                  type="secondary"
                  title={`${s.decidedByName ?? ''}：${s.cancelReason ?? ''}`}
                >{`${s.decidedByName ?? ''}：${s.cancelReason ?? ''}`}</Typography.Text>
              ) : s.decidedByName ? (
                `${s.decidedByName} ${s.businessDate ?? ''}`
              ) : (
                ''
              ),
          },
        ]}
      />
      <NewStocktakeModal key={modal ?? 'closed'} open={modal !== null} initialKind={modal ?? 'spot'} onClose={() => setModal(null)} />
    </Page>
  );
}

export default function StocktakesPage() {
  const role = useSession((s) => s.user?.role);
  return role === 'village_doctor' ? <DoctorStocktakes /> : <HubStocktakes />;
}
