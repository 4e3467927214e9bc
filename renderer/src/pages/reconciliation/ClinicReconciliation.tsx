import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Collapse,
  Empty,
  Form,
  Grid,
  Input,
  InputNumber,
  List,
  Modal,
  Result,
  Row,
  Segmented,
  Space,
  Spin,
  Statistic,
  Table,
  Typography,
} from 'antd';
import { ArrowLeftOutlined, CloudUploadOutlined, FileExcelOutlined } from '@ant-design/icons';
import type { MethodOutput } from '../../../../shared/contract';
import { periodBounds } from '../../../../shared/dates';
import { formatFen } from '../../../../shared/money';
import { DIFFERENCE_HELP, DIFFERENCE_LABELS, type DifferenceKind } from '../../../../shared/reconciliation';
import { periodLabel } from '../../../../shared/settlement';
import { call } from '../../api/client';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { downloadFile } from '../../components/download';
import { formatDateTime, Money } from '../../components/format';
import { hubToday } from '../../components/hubClock';
import { useSession } from '../../stores/session';
import { PeriodPicker, PrintButton } from '../settlement/common';
import { DayDrawer, type DayFocus } from './DayDrawer';
import { ImportSettlementModal } from './ImportSettlementModal';
import { baseQty, KindTag, KindTags } from './labels';
import { countParser } from '../../components/QtyInput';

type Recon = MethodOutput<'reconciliation.clinic'>;
type ReconRow = Recon['rows'][number];

const IMPORT_ROLES = ['admin', 'pharmacist', 'village_doctor'];
const POST_ROLES = ['pharmacist', 'village_doctor'];
/** Micro-yuan per base unit as yuan with 4 decimals (a settled price is per 粒 or 片, often under a fen). */
const yuanText = (micro: number | null) => (micro === null ? '—' : (micro / 1_000_000).toFixed(4));
const isOpen = (r: ReconRow) => r.kinds.some((k) => k !== 'self_pay');

/** The month reconciled so far: its first day to its last, or to today in the month under way. */
export function monthRange(period: string): { from: string; to: string } {
  const { first, last } = periodBounds(period);
  const today = hubToday();
  // Today held between the month's first and last day.
  return { from: first, to: [first, today, last].sort()[1] };
}

function SelfPayModal({ clinicId, row, onClose }: { clinicId: number; row: ReconRow | null; onClose(): void }) {
  const [form] = Form.useForm<{ qty: number; note: string }>();
  const mark = useApiMutation('reconciliation.markSelfPay', {
    success: '已标记',
    form,
    onSuccess: onClose,
  });
  if (!row || row.drugId === null) return null;
  const unsettled = Math.max(0, row.dispensedQty - Math.max(0, row.settledQty ?? 0));
  return (
    <Modal
      open
      title={`标记自费 · ${row.date} ${row.drugName ?? ''}`}
      okText="标记"
      cancelText="取消"
      confirmLoading={mark.isPending}
      onCancel={onClose}
      onOk={async () => {
        const v = await form.validateFields();
        mark.mutate({ clinicId, date: row.date, drugId: row.drugId!, qty: v.qty, note: v.note?.trim() || null });
      }}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        这一天登记发出 {baseQty(row.dispensedQty, row.baseUnit)}，医保结算 {baseQty(row.settledQty, row.baseUnit)}
        。患者自费（未用医保结算）的部分标记后不再算差异；填 0 取消标记。
      </Typography.Paragraph>
      <Form form={form} layout="vertical" preserve={false} initialValues={{ qty: row.selfPayQty || unsettled, note: '' }}>
        <Form.Item name="qty" label={`自费数量（${row.baseUnit ?? ''}）`} rules={[{ required: true, message: '请填写数量' }]}>
          <InputNumber min={0} max={row.dispensedQty} precision={0} style={{ width: 180 }} addonAfter={row.baseUnit} inputMode="numeric" parser={countParser} />
        </Form.Item>
        <Form.Item name="note" label="说明">
          <Input maxLength={200} placeholder="如 患者未带医保卡" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** A row as a card on a phone: the drug, settled against dispensed, the differences, the actions. */
function RowCard({ r, actions }: { r: ReconRow; actions: React.ReactNode }) {
  return (
    <List.Item>
      <div style={{ width: '100%' }}>
        <div className="recon-card-row">
          <Typography.Text strong>
            {r.drugName ?? r.medListCodg} {r.spec && <Typography.Text type="secondary">{r.spec}</Typography.Text>}
          </Typography.Text>
          <span className="recon-muted">{r.date.slice(5)}</span>
        </div>
        <div className="recon-card-row">
          <span>
            结算 {baseQty(r.settledQty, r.baseUnit)} · ¥{formatFen(r.settledAmount)}
          </span>
          <span>
            用药 {baseQty(r.dispensedQty, r.baseUnit)}
            {r.selfPayQty > 0 && `（自费 ${r.selfPayQty}）`}
          </span>
        </div>
        <div style={{ marginTop: 4 }}>
          <KindTags kinds={r.kinds} />
        </div>
        <div style={{ marginTop: 4 }}>{actions}</div>
      </div>
    </List.Item>
  );
}

function ExportButton({ clinicId, period }: { clinicId: number; period: string }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      icon={<FileExcelOutlined />}
      loading={busy}
      onClick={async () => {
        setBusy(true);
        try {
          downloadFile(await call('reconciliation.export', { clinicId, period }));
        } catch (err) {
          message.error((err as Error).message);
        } finally {
          setBusy(false);
        }
      }}
    >
      导出 Excel
    </Button>
  );
}

/** One clinic's month: settled against dispensed by day and drug, every difference named, and the actions that settle them. */
export function ClinicReconciliation({
  clinicId,
  period,
  onPeriod,
  onBack,
}: {
  clinicId?: number;
  period: string;
  onPeriod(p: string): void;
  onBack?: () => void;
}) {
  const role = useSession((s) => s.user?.role) ?? 'finance';
  const narrow = !Grid.useBreakpoint().md;
  const range = monthRange(period);
  const q = useApiQuery('reconciliation.clinic', { clinicId, ...range });
  const imports = useApiQuery('reconciliation.imports', { clinicId, limit: 20 });
  const [show, setShow] = useState<'open' | 'all'>('open');
  const [kind, setKind] = useState<DifferenceKind | null>(null);
  const [importing, setImporting] = useState(false);
  const [focus, setFocus] = useState<DayFocus | null>(null);
  const [selfPay, setSelfPay] = useState<ReconRow | null>(null);
  const r = q.data;
  const id = r?.clinicId ?? clinicId;
  const rows = (r?.rows ?? []).filter((x) => (show === 'all' || isOpen(x) || x.kinds.includes('self_pay')) && (kind === null || x.kinds.includes(kind)));
  const canPost = POST_ROLES.includes(role);

  const actions = (x: ReconRow) => (
    <Space size={4} wrap>
      <Button
        size="small"
        type="link"
        onClick={() => setFocus({ date: x.date, drugId: x.drugId, medListCodg: x.drugId === null ? x.medListCodg : undefined, drugName: x.drugName })}
      >
        明细
      </Button>
      {canPost && x.kinds.includes('settled_not_dispensed') && x.drugId !== null && (
        <Button size="small" type="link" onClick={() => setFocus({ date: x.date, drugName: null, tab: 'post' })}>
          按结算登记
        </Button>
      )}
      {canPost && (x.kinds.includes('dispensed_not_settled') || x.kinds.includes('self_pay')) && (
        <Button size="small" type="link" onClick={() => setSelfPay(x)}>
          标记自费
        </Button>
      )}
    </Space>
  );

  return (
    <Page
      title={r ? `${r.clinicName} 医保对账` : '医保对账'}
      subTitle={`${periodLabel(period)}（${range.from} 至 ${range.to}）· 医保结算的，与本系统登记发出的，逐日逐药比对`}
      extra={
        <>
          {onBack && (
            <Button icon={<ArrowLeftOutlined />} onClick={onBack}>
              全部卫生室
            </Button>
          )}
          <PeriodPicker value={period} onChange={onPeriod} />
          {IMPORT_ROLES.includes(role) && (
            <Button type="primary" icon={<CloudUploadOutlined />} onClick={() => setImporting(true)} disabled={!r}>
              导入结算明细
            </Button>
          )}
          {id && <PrintButton to={`/print/reconciliation/${id}/${period}`} />}
          {id && <ExportButton clinicId={id} period={period} />}
        </>
      }
    >
      {q.isLoading && <Spin style={{ display: 'block', margin: 48 }} />}
      {q.error && <Result status="warning" title={q.error.message} />}
      {r && (
        <>
          <Row gutter={[16, 12]} className="recon-figures" style={{ marginBottom: 16 }}>
            <Col xs={12} md={6}>
              <Statistic title="医保结算金额" value={formatFen(r.totals.settledAmount)} prefix="¥" />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title="用药金额（成本）" value={formatFen(r.totals.dispensedAmount)} prefix="¥" />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title="有差异的药品×日" value={r.totals.openRows} styles={{ content: { color: r.totals.openRows ? '#cf1322' : '#389e0d' } }} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title="同次就诊药品不符" value={r.visits.length} styles={{ content: { color: r.visits.length ? '#c41d7f' : undefined } }} />
            </Col>
          </Row>
          {!r.imported && (
            <Alert
              style={{ marginBottom: 12 }}
              type="info"
              showIcon
              title="这段时间还没有导入医保结算明细"
              description="发药会全部显示为“发药未结算”。请从医保客户端导出费用明细（2204/2207）后点“导入结算明细”。"
            />
          )}
          <Space wrap style={{ marginBottom: 12 }}>
            <Segmented
              value={show}
              onChange={(v) => setShow(v as 'open' | 'all')}
              options={[
                { value: 'open', label: '只看差异' },
                { value: 'all', label: '全部' },
              ]}
            />
            {r.totals.byKind.map((k) => (
              <button
                type="button"
                key={k.kind}
                className="recon-kind-filter"
                aria-pressed={kind === k.kind}
                onClick={() => setKind(kind === k.kind ? null : k.kind)}
                style={{ opacity: kind && kind !== k.kind ? 0.45 : 1 }}
              >
                <KindTag kind={k.kind} count={k.count} />
              </button>
            ))}
          </Space>
          {narrow ? (
            <List<ReconRow>
              size="small"
              bordered
              dataSource={rows}
              pagination={{ pageSize: 20, hideOnSinglePage: true, simple: true }}
              locale={{ emptyText: <Empty description={show === 'open' ? '没有差异' : '没有结算或用药'} /> }}
              renderItem={(x) => <RowCard r={x} actions={actions(x)} />}
            />
          ) : (
            <Table<ReconRow>
              size="small"
              bordered
              rowKey={(x) => `${x.date}-${x.drugId ?? x.medListCodg}`}
              dataSource={rows}
              pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
              scroll={{ x: 1120 }}
              locale={{ emptyText: <Empty description={show === 'open' ? '没有差异' : '没有结算或用药'} /> }}
              columns={[
                { title: '日期', dataIndex: 'date', width: 100, fixed: 'left' },
                {
                  title: '药品',
                  key: 'drug',
                  width: 200,
                  render: (_, x) => (
                    <>
                      {x.drugName ?? '（目录中没有）'} <Typography.Text type="secondary">{x.spec}</Typography.Text>
                      <div className="recon-muted">{x.medListCodg}</div>
                    </>
                  ),
                },
                { title: '结算数量', key: 'sq', width: 80, align: 'right', render: (_, x) => baseQty(x.settledQty, x.baseUnit) },
                { title: '结算金额', dataIndex: 'settledAmount', width: 90, align: 'right', render: (v: number) => <Money fen={v} /> },
                {
                  title: '用药数量',
                  key: 'dq',
                  width: 90,
                  align: 'right',
                  render: (_, x) => (
                    <>
                      {baseQty(x.dispensedQty, x.baseUnit)}
                      {x.selfPayQty > 0 && <div className="recon-muted">自费 {x.selfPayQty}</div>}
                    </>
                  ),
                },
                { title: '用药金额', dataIndex: 'dispensedAmount', width: 90, align: 'right', render: (v: number) => <Money fen={v} /> },
                {
                  title: '数量差',
                  dataIndex: 'diffQty',
                  width: 70,
                  align: 'right',
                  render: (v: number | null) =>
                    v ? <Typography.Text type={v > 0 ? 'danger' : 'warning'}>{v > 0 ? `+${v}` : v}</Typography.Text> : v === 0 ? '' : '—',
                },
                {
                  title: '差异',
                  dataIndex: 'kinds',
                  width: 250,
                  render: (k: DifferenceKind[], x) => (
                    <>
                      <KindTags kinds={k} />
                      {k.includes('price_mismatch') && (
                        <div className="recon-muted">
                          每{x.baseUnit} 结算 {yuanText(x.settledUnitPrice)} 元，配送 {yuanText(x.hubUnitCost)} 元
                        </div>
                      )}
                    </>
                  ),
                },
                { title: '操作', key: 'actions', width: 150, render: (_, x) => actions(x) },
              ]}
            />
          )}

          <Row gutter={[16, 16]} className="recon-section">
            <Col xs={24} lg={12}>
              <Card size="small" title={`同次就诊药品不符（${r.visits.length}）`}>
                <List
                  size="small"
                  dataSource={r.visits}
                  locale={{ emptyText: '没有' }}
                  renderItem={(v) => (
                    <List.Item
                      actions={[
                        <Button key="d" size="small" type="link" onClick={() => setFocus({ date: v.date, mdtrtId: v.mdtrtId, drugName: `就诊 ${v.mdtrtId}` })}>
                          明细
                        </Button>,
                      ]}
                    >
                      <div>
                        <Typography.Text strong>
                          {v.date} · 就诊 {v.mdtrtId}
                        </Typography.Text>
                        <div>结算：{v.settled.map((s) => `${s.drugName ?? '?'} ${s.qty ?? ''}`).join('、') || '—'}</div>
                        <div>发出：{v.dispensed.map((d) => `${d.drugName} ${d.qty}`).join('、') || '—'}</div>
                      </div>
                    </List.Item>
                  )}
                />
                <Typography.Text type="secondary">{DIFFERENCE_HELP.visit_mismatch}</Typography.Text>
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={`追溯码（${r.codes.length}）`}>
                <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                  {r.codeComparison.note}（本期结算带追溯码 {r.codeComparison.settledCodes} 个）
                </Typography.Paragraph>
                <List
                  size="small"
                  dataSource={r.codes}
                  locale={{ emptyText: '没有追溯码差异' }}
                  renderItem={(c) => (
                    <List.Item>
                      <div>
                        <KindTag kind={c.kind} /> <Typography.Text code>{c.code}</Typography.Text>
                        <div className="recon-muted">
                          {c.date}
                          {c.mdtrtId && ` · 就诊 ${c.mdtrtId}`}
                          {c.drugName && ` · ${c.drugName}`} · {c.detail}
                        </div>
                      </div>
                    </List.Item>
                  )}
                />
              </Card>
            </Col>
          </Row>

          <Collapse
            className="recon-section"
            size="small"
            items={[
              {
                key: 'help',
                label: '各类差异的含义',
                children: (
                  <List
                    size="small"
                    dataSource={Object.keys(DIFFERENCE_LABELS) as DifferenceKind[]}
                    renderItem={(k) => (
                      <List.Item>
                        <KindTag kind={k} /> {DIFFERENCE_HELP[k]}
                      </List.Item>
                    )}
                  />
                ),
              },
              {
                key: 'imports',
                label: `导入记录（${imports.data?.length ?? 0}）`,
                children: (
                  <Table
                    size="small"
                    rowKey="id"
                    dataSource={imports.data}
                    pagination={false}
                    scroll={{ x: 720 }}
                    columns={[
                      { title: '导入时刻', dataIndex: 'importedAt', width: 160, render: (v: string) => formatDateTime(v) },
                      { title: '文件', dataIndex: 'fileName', ellipsis: true },
                      {
                        title: '日期',
                        key: 'dates',
                        width: 200,
                        render: (_, i) => (i.firstDate ? `${i.firstDate}${i.lastDate !== i.firstDate ? ` 至 ${i.lastDate}` : ''}` : '—'),
                      },
                      { title: '新增', dataIndex: 'added', width: 60, align: 'right' },
                      { title: '已有', dataIndex: 'known', width: 60, align: 'right' },
                      { title: '导入人', dataIndex: 'importedByName', width: 90 },
                    ]}
                  />
                ),
              },
            ]}
          />
          {id && <DayDrawer clinicId={id} focus={focus} onClose={() => setFocus(null)} />}
          {id && <SelfPayModal clinicId={id} row={selfPay} onClose={() => setSelfPay(null)} />}
          {id && <ImportSettlementModal open={importing} clinicId={id} clinicName={r.clinicName} onClose={() => setImporting(false)} />}
        </>
      )}
    </Page>
  );
}
