import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Alert, App, Button, Card, Checkbox, Col, Descriptions, Empty, Input, List, Modal, Row, Space, Spin, Table, Tag, Timeline, Typography } from 'antd';
import { CheckCircleFilled, CloseCircleFilled, ExclamationCircleFilled, LockOutlined, UnlockOutlined } from '@ant-design/icons';
import type { z } from 'zod';
import type { periodEvent, periodRow, PreCloseCheckResult } from '../../../../shared/contract/settlement';
import { formatFen } from '../../../../shared/money';
import { periodLabel } from '../../../../shared/settlement';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { formatDateTime } from '../../components/format';
import { Computing } from '../../components/Computing';
import { usePageShortcut, useShortcutTitle } from '../../app/shortcuts';
import { NextStep, type NextStepInfo } from '../../components/NextStep';
import { useCan } from '../../app/access';
import { useSettlementParams } from './common';

type PeriodRow = z.infer<typeof periodRow>;
type PeriodEvent = z.infer<typeof periodEvent>;

function CheckIcon({ c }: { c: PreCloseCheckResult }) {
  if (c.ok) return <CheckCircleFilled style={{ color: '#52c41a', fontSize: 18 }} aria-label="通过" />;
  if (c.severity === 'block') return <CloseCircleFilled style={{ color: '#ff4d4f', fontSize: 18 }} aria-label="不能结账" />;
  return <ExclamationCircleFilled style={{ color: '#faad14', fontSize: 18 }} aria-label="需确认" />;
}

/** Pre-close checks of one month: what blocks, what only needs acknowledging, and why, with links. */
function Checks({ period, closed }: { period: string; closed: boolean }) {
  const checks = useApiQuery('periods.checks', { period }, { enabled: !closed });
  if (closed) return <Alert type="success" showIcon title={`${periodLabel(period)}已结账，该月的业务与付款不能再变动。`} />;
  const c = checks.data;
  if (!c) return <Computing query={checks} what={`检查 ${periodLabel(period)} 能否结账（订单、配送、签收、报损、退货、盘点与账务一致性）`} />;
  return (
    <>
      {c.blockers > 0 ? (
        <Alert type="error" showIcon title={`有 ${c.blockers} 项必须先处理，才能结账`} style={{ marginBottom: 12 }} />
      ) : c.warnings > 0 ? (
        <Alert type="warning" showIcon title={`检查通过；另有 ${c.warnings} 类待处理事项，结账时需确认`} style={{ marginBottom: 12 }} />
      ) : (
        <Alert type="success" showIcon title="检查全部通过，可以结账" style={{ marginBottom: 12 }} />
      )}
      <List
        itemLayout="vertical"
        dataSource={c.checks}
        renderItem={(k) => (
          <List.Item key={k.key} className={`check-${k.ok ? 'ok' : k.severity}`}>
            <Space align="start">
              <CheckIcon c={k} />
              <div>
                <Space wrap>
                  <Typography.Text strong>{k.title}</Typography.Text>
                  <Tag color={k.severity === 'block' ? 'red' : 'gold'}>{k.severity === 'block' ? '不通过则不能结账' : '提醒'}</Tag>
                  <Typography.Text type={k.ok ? 'success' : k.severity === 'block' ? 'danger' : 'warning'}>{k.message}</Typography.Text>
                  {!k.ok && k.link && <Link to={k.link}>去处理</Link>}
                </Space>
                <div className="muted">{k.rule}</div>
                {!k.ok && k.items.length > 0 && (
                  <ul className="check-items">
                    {k.items.map((i, n) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: a check's items are a fixed list, never reordered
                      <li key={n}>
                        {i.link ? <Link to={i.link}>{i.label}</Link> : i.label}
                        {i.detail && <Typography.Text type="secondary">　{i.detail}</Typography.Text>}
                      </li>
                    ))}
                    {k.count > k.items.length && <li className="muted">……共 {k.count} 项</li>}
                  </ul>
                )}
              </div>
            </Space>
          </List.Item>
        )}
      />
    </>
  );
}

function CloseModal({ period, onClose, onClosed }: { period: string | null; onClose(): void; onClosed(period: string): void }) {
  const { message } = App.useApp();
  const checks = useApiQuery('periods.checks', { period: period! }, { enabled: period !== null });
  const [ack, setAck] = useState(false);
  const [note, setNote] = useState('');
  const close = useApiMutation('periods.close', {
    onSuccess: (e) => {
      message.success(`${periodLabel(e.period)}已结账`);
      setAck(false);
      setNote('');
      onClose();
      onClosed(e.period);
    },
  });
  const warnings = checks.data?.checks.filter((c) => !c.ok && c.severity === 'warn') ?? [];
  const blocked = (checks.data?.blockers ?? 0) > 0;
  return (
    <Modal
      open={period !== null}
      title={period ? `结账：${periodLabel(period)}` : ''}
      okText="确认结账"
      cancelText="取消"
      okButtonProps={{ disabled: blocked || (warnings.length > 0 && !ack), icon: <LockOutlined />, autoFocus: true }}
      confirmLoading={close.isPending}
      onCancel={onClose}
      onOk={() => close.mutate({ period: period!, acknowledgeWarnings: ack, note: note || null })}
    >
      {period && (
        <>
          <Typography.Paragraph>
            结账前系统会先备份数据，然后保存各库房各药品的期末结存和对各配送企业的应付余额。结账后，{periodLabel(period)}
            （及之前没有业务的月份）不能再记账或登记付款；如需更正，须由系统管理员反结账并说明原因。
          </Typography.Paragraph>
          {blocked && <Alert type="error" showIcon title="还有必须先处理的问题，不能结账。" />}
          {!blocked && warnings.length > 0 && (
            <>
              <Alert
                type="warning"
                showIcon
                title="以下事项尚未处理，将结转到下月："
                description={
                  <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                    {warnings.map((w) => (
                      <li key={w.key}>
                        {w.title}：{w.count} 项
                      </li>
                    ))}
                  </ul>
                }
              />
              <Checkbox checked={ack} onChange={(e) => setAck(e.target.checked)} style={{ marginTop: 12 }}>
                我已查看以上事项，确认结账
              </Checkbox>
            </>
          )}
          <Input.TextArea
            style={{ marginTop: 12 }}
            rows={2}
            maxLength={200}
            placeholder="备注（可选）"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            aria-label="结账备注"
          />
        </>
      )}
    </Modal>
  );
}

function ReopenModal({ period, onClose }: { period: string | null; onClose(): void }) {
  const [reason, setReason] = useState('');
  const reopen = useApiMutation('periods.reopen', {
    success: '已反结账',
    onSuccess: () => {
      setReason('');
      onClose();
    },
  });
  return (
    <Modal
      open={period !== null}
      title={period ? `反结账：${periodLabel(period)}` : ''}
      okText="反结账"
      okButtonProps={{ danger: true, disabled: reason.trim().length < 4, icon: <UnlockOutlined /> }}
      cancelText="取消"
      confirmLoading={reopen.isPending}
      onCancel={onClose}
      onOk={() => reopen.mutate({ period: period!, reason })}
    >
      <Typography.Paragraph>反结账后该月可以再记账，已打印的结算单可能不再准确。原因将记入审计日志和结账历史，不能删除。</Typography.Paragraph>
      <Input.TextArea
        rows={3}
        maxLength={200}
        autoFocus
        placeholder="反结账原因（必填，至少 4 个字），如：补录漏记的报损单"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        aria-label="反结账原因"
      />
    </Modal>
  );
}

function History({ events }: { events: PeriodEvent[] }) {
  if (events.length === 0) return <Empty description="还没有结账记录" />;
  return (
    <Timeline
      items={events.map((e) => ({
        color: e.action === 'close' ? 'green' : 'red',
        content: (
          <div>
            <Typography.Text strong>
              {periodLabel(e.period)} {e.action === 'close' ? '结账' : '反结账'}
            </Typography.Text>
            <Typography.Text type="secondary" style={{ marginLeft: 12 }}>
              {e.userName} {formatDateTime(e.at)}
            </Typography.Text>
            {e.reason && (
              <div>
                {e.action === 'close' ? '备注' : '原因'}：{e.reason}
              </div>
            )}
            {e.summary && (
              <div className="muted">
                中心库期末 ¥{formatFen(e.summary.hubClosingValue)} · 卫生室期末 ¥{formatFen(e.summary.clinicsClosingValue)} · 在途 ¥
                {formatFen(e.summary.transitClosingValue)} · 本月用药 ¥{formatFen(e.summary.dispensedValue)} · 应付配送企业 ¥
                {formatFen(e.summary.suppliersOwed)}
              </div>
            )}
            {e.warnings.length > 0 && <div className="muted">结账时确认的事项：{e.warnings.join('；')}</div>}
            {e.action === 'close' && <div className="muted">结账前备份：{e.backupFile ?? '（未生成）'}</div>}
          </div>
        ),
      }))}
    />
  );
}

/** 月结: the months, their pre-close checks, close, and (administrators) reopen with a reason. */
export default function PeriodsPage() {
  const canClose = useCan('periods.close');
  const canReopen = useCan('periods.reopen');
  const list = useApiQuery('periods.list', {});
  const history = useApiQuery('periods.history', {});
  const { num: _num, set, period: fromUrl } = useSettlementParams();
  const rows = list.data?.rows ?? [];
  const selected = rows.find((r) => r.period === fromUrl) ?? rows.find((r) => r.canClose) ?? rows[0];
  const [closing, setClosing] = useState<string | null>(null);
  const [reopening, setReopening] = useState<string | null>(null);
  const [next, setNext] = useState<NextStepInfo | null>(null);
  const navigate = useNavigate();
  // F9 opens the same confirmation as the button: a close is never one key away from done.
  usePageShortcut(
    'approve',
    `结账${selected ? ` ${periodLabel(selected.period)}` : ''}（确认后）`,
    () => selected && setClosing(selected.period),
    canClose && Boolean(selected?.canClose) && closing === null,
  );
  const closeTitle = useShortcutTitle('approve');
  const closed = (period: string) =>
    setNext({
      done: `${periodLabel(period)}已结账`,
      actions: [
        { label: '生成医保进销存上传', run: () => navigate(`/settlement/insurance-export?period=${period}`) },
        { label: '打印结算单', run: () => navigate(`/print/clinic-statements/${period}`) },
      ],
    });

  return (
    <Page title="月结" subTitle="按月份顺序结账；结账后该月只读。反结账仅限系统管理员，须说明原因。">
      <NextStep step={next} onClose={() => setNext(null)} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card size="small" title="会计期间">
            <Table<PeriodRow>
              rowKey="period"
              size="small"
              loading={list.isLoading}
              dataSource={rows}
              pagination={{ pageSize: 12, hideOnSinglePage: true, size: 'small' }}
              rowClassName={(r) => (r.period === selected?.period ? 'ant-table-row-selected' : '')}
              onRow={(r) => ({ onClick: () => set({ period: r.period }), style: { cursor: 'pointer' } })}
              columns={[
                { title: '月份', dataIndex: 'period', width: 100, render: (p: string) => <span style={{ whiteSpace: 'nowrap' }}>{periodLabel(p)}</span> },
                {
                  title: '状态',
                  key: 'status',
                  render: (_, r) =>
                    r.status === 'closed' ? (
                      <Tag color="green" icon={<LockOutlined />}>
                        {r.explicit ? '已结账' : '已结账（无业务）'}
                      </Tag>
                    ) : (
                      <Tag icon={<UnlockOutlined />}>{r.period === list.data?.current ? '本月' : '未结账'}</Tag>
                    ),
                },
                {
                  title: '结账',
                  key: 'closed',
                  render: (_, r) =>
                    r.closedAt ? (
                      <span className="muted">
                        {r.closedByName} {formatDateTime(r.closedAt)}
                      </span>
                    ) : r.reopenedAt ? (
                      <span className="muted">已反结账</span>
                    ) : (
                      ''
                    ),
                },
                {
                  title: '操作',
                  key: 'ops',
                  width: 90,
                  render: (_, r) =>
                    r.canClose && canClose ? (
                      <Button
                        size="small"
                        type="primary"
                        onClick={(e) => {
                          e.stopPropagation();
                          set({ period: r.period });
                          setClosing(r.period);
                        }}
                      >
                        结账
                      </Button>
                    ) : r.canReopen && canReopen ? (
                      <Button
                        size="small"
                        danger
                        onClick={(e) => {
                          e.stopPropagation();
                          setReopening(r.period);
                        }}
                      >
                        反结账
                      </Button>
                    ) : null,
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          {selected && (
            <Card
              size="small"
              title={`${periodLabel(selected.period)} 结账前检查`}
              extra={
                selected.canClose && canClose ? (
                  <Button type="primary" icon={<LockOutlined />} onClick={() => setClosing(selected.period)} title={closeTitle}>
                    结账
                  </Button>
                ) : selected.canReopen && canReopen ? (
                  <Button danger icon={<UnlockOutlined />} onClick={() => setReopening(selected.period)}>
                    反结账
                  </Button>
                ) : null
              }
            >
              {selected.reopenedAt && selected.status === 'open' && (
                <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
                  <Descriptions.Item label="反结账">
                    {selected.reopenedByName} {formatDateTime(selected.reopenedAt)}，原因：{selected.reopenReason}
                  </Descriptions.Item>
                </Descriptions>
              )}
              <Checks period={selected.period} closed={selected.status === 'closed'} />
            </Card>
          )}
          <Card size="small" title="结账与反结账历史" style={{ marginTop: 16 }}>
            {history.isLoading ? <Spin /> : <History events={history.data ?? []} />}
          </Card>
        </Col>
      </Row>
      <CloseModal period={closing} onClose={() => setClosing(null)} onClosed={closed} />
      <ReopenModal period={reopening} onClose={() => setReopening(null)} />
    </Page>
  );
}
