import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Alert, App, Button, Card, Descriptions, Result, Select, Space, Spin, Table, Tag, Tooltip, Typography } from 'antd';
import { ClosedMonthNote, Computing, monthWork, useClosedThrough } from '../../components/Computing';
import { FileExcelOutlined, FileTextOutlined } from '@ant-design/icons';
import type { InsuranceExportPreview } from '../../../../shared/contract/insurance-export';
import { call } from '../../api/client';
import { useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { Money } from '../../components/format';
import { downloadFile } from '../../components/download';
import { useSession } from '../../stores/session';
import { PeriodPicker, periodTitle, useSettlementParams } from './common';

type InterfaceRow = InsuranceExportPreview['interfaces'][number];

const ALL = 0;

/** Downloads the export in one format; JSON is one store's upload, so it needs a store. */
function DownloadButton({ period, storeId, format }: { period: string; storeId?: number; format: 'json' | 'xlsx' }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const json = format === 'json';
  const disabled = json && storeId === undefined;
  const button = (
    <Button
      type={json ? 'default' : 'primary'}
      icon={json ? <FileTextOutlined /> : <FileExcelOutlined />}
      loading={busy}
      disabled={disabled}
      onClick={async () => {
        setBusy(true);
        try {
          const file = await call('insuranceExport.download', { period, storeId, format });
          downloadFile(file, json ? 'application/json' : undefined);
          message.success(`已导出 ${file.filename}`);
        } catch (err) {
          message.error((err as Error).message);
        } finally {
          setBusy(false);
        }
      }}
    >
      {json ? '下载 JSON' : '下载 Excel'}
    </Button>
  );
  return disabled ? <Tooltip title="JSON 按库房逐个上传：请先选择中心药库或一个村卫生室">{button}</Tooltip> : button;
}

/**
 * 医保进销存上传: a month of the stock book in the shapes of the national insurance platform's 3501–3506
 * interfaces, per 定点 store (the hub, or one clinic), or every store in one workbook for review.
 */
export default function InsuranceExportPage() {
  const { period, set } = useSettlementParams();
  const [params] = useSearchParams();
  const isDoctor = useSession((s) => s.user?.role) === 'village_doctor';
  const stores = useApiQuery('stock.stores', { includeTransit: false });
  // ?store=<id>, or ?store=all; a doctor always exports their own clinic, hub roles default to the hub store.
  const raw = params.get('store');
  const all = !isDoctor && raw === 'all';
  const picked = raw && /^\d+$/.test(raw) ? Number(raw) : undefined;
  const storeId = isDoctor ? stores.data?.[0]?.id : all ? undefined : (picked ?? stores.data?.find((s) => s.kind === 'hub')?.id);
  const ready = !stores.isLoading && (storeId !== undefined || all);
  const preview = useApiQuery('insuranceExport.preview', { period, storeId }, { enabled: ready });
  const p = preview.data;
  const closedThrough = useClosedThrough();

  return (
    <Page
      title="医保进销存上传"
      subTitle={
        <Space wrap>
          {periodTitle(period)} · 国家医保信息平台 3501–3506 接口格式（字段代码与接口一致）
          {p && (p.closed ? <Tag color="green">已结账</Tag> : <Tag color="orange">未结账</Tag>)}
          {p && <ClosedMonthNote closed={p.closed} />}
        </Space>
      }
      extra={
        <>
          <PeriodPicker value={period} onChange={(v) => set({ period: v })} />
          {!isDoctor && (
            <Select
              aria-label="导出库房"
              style={{ minWidth: 220 }}
              loading={stores.isLoading}
              value={storeId ?? ALL}
              onChange={(v: number) => set({ store: v === ALL ? 'all' : v })}
              showSearch={{ optionFilterProp: 'label' }}
              options={[
                ...(stores.data ?? []).map((s) => ({ value: s.id, label: s.kind === 'hub' ? `★ ${s.name}` : `${s.clinicCode} ${s.name}` })),
                { value: ALL, label: '全部库房（Excel 汇总）' },
              ]}
            />
          )}
          <DownloadButton period={period} storeId={storeId} format="json" />
          <DownloadButton period={period} storeId={storeId} format="xlsx" />
        </>
      }
    >
      {!ready && <Spin style={{ display: 'block', margin: 48 }} />}
      <Computing query={preview} what={`${monthWork('生成', period, closedThrough)} 的 3501–3506 上传数据预览`} />
      {preview.error && <Result status="warning" title={preview.error.message} />}
      {p && (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <Descriptions size="small" bordered column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label="导出范围">
              {p.stores.length === 1 ? (
                <>
                  {p.stores[0].name} <Tag>{p.stores[0].kind === 'hub' ? '定点医药机构（中心药库）' : '村卫生室库房'}</Tag>
                </>
              ) : (
                `全部 ${p.stores.length} 个库房（每行注明库房，JSON 请逐个库房导出）`
              )}
            </Descriptions.Item>
            <Descriptions.Item label="盘存日期（3501）">{p.invdate}</Descriptions.Item>
            <Descriptions.Item label="本月台账行数">{p.ledgerRows} 行，每行在 3502–3506 中出现一次</Descriptions.Item>
          </Descriptions>

          {p.warnings.map((w) => (
            <Alert
              key={w.code}
              type={w.code === 'snapshot_mismatch' ? 'error' : 'warning'}
              showIcon
              title={`${w.message}${w.examples.length ? `（${w.count} 项）` : ''}`}
              description={w.examples.length ? `${w.examples.slice(0, 8).join('；')}${w.count > 8 ? ' 等' : ''}` : undefined}
            />
          ))}

          <Table<InterfaceRow>
            rowKey="code"
            size="middle"
            bordered
            pagination={false}
            dataSource={p.interfaces}
            scroll={{ x: 560 }}
            columns={[
              { title: '接口', dataIndex: 'code', width: 80 },
              { title: '名称', dataIndex: 'name', width: 140 },
              { title: '行数', dataIndex: 'rows', align: 'right', width: 90 },
              { title: '数量（最小单位）', dataIndex: 'qty', align: 'right', width: 140, render: (v: number) => v.toLocaleString('zh-CN') },
              { title: '成本金额（元）', dataIndex: 'amount', align: 'right', width: 140, render: (v: number) => <Money fen={v} /> },
            ]}
          />

          <Card size="small" title="与本系统台账的对应关系">
            <ul style={{ margin: 0, paddingLeft: 20 }}>
              {p.notes.map((n) => (
                <li key={n}>
                  <Typography.Text>{n}</Typography.Text>
                </li>
              ))}
            </ul>
          </Card>

          <Card size="small" title="本系统不保存的字段（导出为空，上传前请在医保结算系统中补充或按当地要求处理）">
            <Table
              rowKey={(r) => `${r.code}-${r.fields[0]}`}
              size="small"
              pagination={false}
              dataSource={p.notKept}
              scroll={{ x: 560 }}
              columns={[
                { title: '接口', dataIndex: 'code', width: 70 },
                { title: '字段', dataIndex: 'fields', render: (f: string[]) => <Typography.Text code>{f.join(', ')}</Typography.Text> },
                { title: '原因', dataIndex: 'why', width: 320 },
              ]}
            />
          </Card>
        </Space>
      )}
    </Page>
  );
}
