import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Checkbox, Drawer, Empty, Form, Grid, Input, List, Modal, Space, Table, Tabs, Tag, Typography } from 'antd';
import { EyeOutlined } from '@ant-design/icons';
import type { MethodOutput } from '../../../../shared/contract';
import { formatFen } from '../../../../shared/money';
import { ApiError, call } from '../../api/client';
import { refreshAfter, useApiQuery } from '../../api/hooks';
import { useSession } from '../../stores/session';
import { newToken } from '../purchasing/token';
import { baseQty } from './labels';

type Line = MethodOutput<'reconciliation.lines'>[number];
type Preview = MethodOutput<'reconciliation.postingPreview'>;
type PostingLine = Preview['lines'][number];

export interface DayFocus {
  date: string;
  drugId?: number | null;
  medListCodg?: string;
  mdtrtId?: string;
  drugName?: string | null;
  tab?: 'lines' | 'post';
}

/** The settlement lines of a day with the patient masked; every opening is audited, and so is showing them in full. */
function SettlementLines({ clinicId, focus }: { clinicId: number; focus: DayFocus }) {
  const [reveal, setReveal] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const filter = {
    ...(focus.drugId ? { drugId: focus.drugId } : focus.medListCodg ? { medListCodg: focus.medListCodg } : {}),
    ...(focus.mdtrtId ? { mdtrtId: focus.mdtrtId } : {}),
  };
  const lines = useApiQuery(
    'reconciliation.lines',
    { clinicId, date: focus.date, ...filter, reveal: reveal !== null, revealReason: reveal ?? undefined },
    { staleTime: Number.POSITIVE_INFINITY },
  );
  return (
    <>
      <Space wrap style={{ marginBottom: 8 }}>
        <Typography.Text type="secondary">患者姓名、证件号码、人员编号默认遮盖；每次查看都记入审计日志。</Typography.Text>
        {reveal === null ? (
          <Button size="small" icon={<EyeOutlined />} onClick={() => setAsking(true)}>
            显示完整信息
          </Button>
        ) : (
          <Button size="small" onClick={() => setReveal(null)}>
            重新遮盖
          </Button>
        )}
      </Space>
      {lines.error && <Alert type="error" showIcon title={lines.error.message} />}
      <Table<Line>
        size="small"
        rowKey="id"
        loading={lines.isLoading}
        dataSource={lines.data}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{ emptyText: <Empty description="这一天没有结算明细" /> }}
        columns={[
          { title: '时间', dataIndex: 'feeTime', width: 90, render: (t: string) => t.slice(11, 16) },
          { title: '就诊ID', dataIndex: 'mdtrtId', width: 130 },
          { title: '患者', key: 'psn', width: 150, render: (_, l) => [l.psnName, l.certno].filter(Boolean).join(' ') || '—' },
          { title: '药品', key: 'drug', render: (_, l) => `${l.drugName ?? l.medListCodg}${l.spec ? ` ${l.spec}` : ''}` },
          {
            title: '数量',
            key: 'qty',
            width: 100,
            render: (_, l) => (
              <span className="num">
                {baseQty(l.qty, l.baseUnit)}
                {l.reversal && <Tag color="orange">冲正</Tag>}
                {l.reversed && <Tag>已冲正</Tag>}
              </span>
            ),
          },
          { title: '金额', dataIndex: 'amount', width: 80, align: 'right', render: (v: number) => formatFen(v) },
          { title: '追溯码', dataIndex: 'traceCodes', width: 190, render: (c: string[]) => c.map((x) => <div key={x}>{x}</div>) },
          { title: '用药登记', dataIndex: 'postedDispensingId', width: 90, render: (id: number | null) => (id ? <Tag color="green">已登记</Tag> : '') },
        ]}
      />
      <Modal
        open={asking}
        title="显示完整的患者信息"
        okText="显示"
        cancelText="取消"
        onCancel={() => setAsking(false)}
        onOk={async () => {
          const { reason } = await form.validateFields();
          setReveal(reason.trim());
          setAsking(false);
        }}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">患者信息属于敏感个人信息。请说明查看原因，原因与查看人、时间一并记入审计日志。</Typography.Paragraph>
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item name="reason" label="查看原因" rules={[{ required: true, whitespace: true, message: '请填写查看原因' }]}>
            <Input maxLength={200} placeholder="如 医保局核查、患者来电核对" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** Record once: the day's settled lines not yet in the book, tried first-expiry-first, posted together or not at all. */
function PostFromSettlement({ clinicId, date, onPosted }: { clinicId: number; date: string; onPosted(): void }) {
  const { message } = App.useApp();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [chosen, setChosen] = useState<number[]>([]);
  const [busy, setBusy] = useState(false);
  const narrow = !Grid.useBreakpoint().md;
  // One token per submission: a retried click posts once; the next choice of lines is a new submission.
  const [token, setToken] = useState(newToken);

  async function load() {
    setProblem(null);
    try {
      const p = await call('reconciliation.postingPreview', { clinicId, date });
      setPreview(p);
      setChosen(p.lines.filter((l) => l.canPost).map((l) => l.lineId));
    } catch (err) {
      setProblem((err as Error).message);
    }
  }
  // biome-ignore lint/correctness/useExhaustiveDependencies: the review reloads for another clinic or day only
  useEffect(() => {
    void load();
  }, [clinicId, date]);

  async function post() {
    setBusy(true);
    try {
      const r = await call('reconciliation.post', { clinicId, date, lineIds: chosen, clientToken: token });
      message.success(`已登记 ${r.lines} 行，生成 ${r.dispensingIds.length} 笔用药登记，成本 ¥${formatFen(r.amount)}`);
      setToken(newToken());
      onPosted();
      await load();
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : '登记失败');
      await load();
    } finally {
      setBusy(false);
    }
  }

  if (problem) return <Alert type="error" showIcon title={problem} />;
  if (!preview) return <Typography.Text type="secondary">正在核对……</Typography.Text>;
  // What can post first: on a day mostly typed by hand the few lines left to record are not buried.
  const lines = [...preview.lines].sort((a, b) => Number(b.canPost) - Number(a.canPost));
  const cannot = preview.lines.filter((l) => !l.canPost).length;
  const amount = preview.lines.filter((l) => chosen.includes(l.lineId)).reduce((n, l) => n + l.amount, 0);
  const visits = new Set(preview.lines.filter((l) => chosen.includes(l.lineId)).map((l) => l.mdtrtId)).size;
  return (
    <>
      <Alert
        style={{ marginBottom: 12 }}
        type={cannot ? 'warning' : 'info'}
        showIcon
        title={
          preview.lines.length === 0
            ? '这一天的结算明细都已有用药登记。'
            : `${preview.lines.length} 行结算明细尚未登记用药：${preview.postable} 行可以登记${cannot ? `，${cannot} 行不能（原因见下）` : ''}`
        }
        description="按结算明细登记用药，医生不用再录一遍：每次就诊一笔，就诊号 = 就诊ID，批次先到期先用（结算带有追溯码时先用那盒药的批次），库存按这一天检查。所选各行一起登记，有一行不能登记就全部不登记。"
      />
      {narrow ? (
        <List<PostingLine>
          size="small"
          bordered
          dataSource={lines}
          renderItem={(l) => (
            <List.Item>
              <Checkbox
                checked={chosen.includes(l.lineId)}
                disabled={!l.canPost}
                aria-label={`登记 ${l.mdtrtId} ${l.drugName ?? ''}`}
                onChange={(e) => setChosen(e.target.checked ? [...chosen, l.lineId] : chosen.filter((id) => id !== l.lineId))}
              >
                <div>
                  <Typography.Text strong>{l.drugName ?? l.medListCodg}</Typography.Text> {baseQty(l.qty, l.baseUnit)}
                </div>
                <div className="recon-muted">
                  {l.feeTime.slice(11, 16)} · 就诊 {l.mdtrtId}
                  {l.canPost && ` · 成本 ${formatFen(l.amount)}`}
                </div>
                {l.canPost ? (
                  <div className="recon-muted">{l.lots.map((x) => `${x.batchNo}（至 ${x.expiryDate}）× ${x.qty}`).join('；')}</div>
                ) : (
                  <Typography.Text type="danger">{l.reason}</Typography.Text>
                )}
              </Checkbox>
            </List.Item>
          )}
        />
      ) : (
        <Table<PostingLine>
          size="small"
          rowKey="lineId"
          dataSource={lines}
          pagination={false}
          scroll={{ x: 820 }}
          rowSelection={{
            selectedRowKeys: chosen,
            onChange: (keys) => setChosen(keys as number[]),
            getCheckboxProps: (l) => ({ disabled: !l.canPost, 'aria-label': `登记 ${l.mdtrtId} ${l.drugName ?? ''}` }),
          }}
          columns={[
            { title: '时间', dataIndex: 'feeTime', width: 70, render: (t: string) => t.slice(11, 16) },
            { title: '就诊ID', dataIndex: 'mdtrtId', width: 120 },
            { title: '药品', key: 'drug', render: (_, l) => `${l.drugName ?? l.medListCodg}${l.spec ? ` ${l.spec}` : ''}` },
            { title: '数量', key: 'qty', width: 80, render: (_, l) => baseQty(l.qty, l.baseUnit) },
            {
              title: '批次 / 原因',
              key: 'lots',
              render: (_, l) =>
                l.canPost ? (
                  l.lots.map((x) => (
                    <div key={x.batchNo} className="recon-muted">
                      {x.batchNo}（至 {x.expiryDate}）× {x.qty}
                    </div>
                  ))
                ) : (
                  <Typography.Text type="danger">{l.reason}</Typography.Text>
                ),
            },
            { title: '成本', dataIndex: 'amount', width: 80, align: 'right', render: (v: number, l) => (l.canPost ? formatFen(v) : '') },
          ]}
        />
      )}
      <Space wrap style={{ marginTop: 12 }}>
        <Button type="primary" disabled={chosen.length === 0} loading={busy} onClick={post}>
          登记所选 {chosen.length} 行（{visits} 笔用药）
        </Button>
        <Typography.Text type="secondary">成本合计 ¥{formatFen(amount)}</Typography.Text>
      </Space>
    </>
  );
}

/** One day of a clinic: its settlement lines (audited) and, for those who post, the dispensing to record from them. */
export function DayDrawer({ clinicId, focus, onClose }: { clinicId: number; focus: DayFocus | null; onClose(): void }) {
  const role = useSession((s) => s.user?.role);
  const client = useQueryClient();
  const canPost = role === 'village_doctor' || role === 'pharmacist';
  // What posting from the settlement lines touches, as the contract says (refreshes.ts).
  const refresh = () => refreshAfter(client, 'reconciliation.post');
  return (
    <Drawer
      open={focus !== null}
      onClose={onClose}
      size={Math.min(1000, window.innerWidth)}
      title={focus ? `${focus.date}${focus.drugName ? ` · ${focus.drugName}` : ''}` : ''}
      destroyOnHidden
    >
      {focus && (
        <Tabs
          defaultActiveKey={canPost && focus.tab === 'post' ? 'post' : 'lines'}
          items={[
            { key: 'lines', label: '结算明细', children: <SettlementLines clinicId={clinicId} focus={focus} /> },
            ...(canPost
              ? [{ key: 'post', label: '按结算登记用药', children: <PostFromSettlement clinicId={clinicId} date={focus.date} onPosted={refresh} /> }]
              : []),
          ]}
        />
      )}
    </Drawer>
  );
}
