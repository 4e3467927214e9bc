import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Descriptions, Input, Modal, Popconfirm, Select, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import type { z } from 'zod';
import type { stocktakeDetail } from '../../../../shared/contract/stocktake';
import type { VarianceReason } from '../../../../shared/stocktake';
import { useApiMutation } from '../../api/hooks';
import { Money } from '../../components/format';
import { toIsoDate } from '../../components/dates';
import { LinesTable, type Line } from './LinesTable';
import { REASON_OPTIONS } from './labels';
import { isAfterHubToday } from '../../components/hubClock';
import { formatFen } from '../../../../shared/money';
import { usePageShortcut, useShortcutTitle } from '../../app/shortcuts';

type Detail = z.infer<typeof stocktakeDetail>;

/**
 * The pharmacist's review of a submitted count: a reason for every variance, lines back for a recount, or
 * approval, which posts every adjustment in one transaction.
 */
export function ReviewPanel({ st }: { st: Detail }) {
  const [reasons, setReasons] = useState<Record<number, { code?: VarianceReason; note: string }>>(() =>
    Object.fromEntries(st.lines.filter((l) => l.variance).map((l) => [l.id, { code: l.reasonCode ?? undefined, note: l.reasonNote ?? '' }])),
  );
  const [selected, setSelected] = useState<number[]>([]);
  const [recountOpen, setRecountOpen] = useState(false);
  const [recountReason, setRecountReason] = useState('');
  const [note, setNote] = useState('');
  const [businessDate, setBusinessDate] = useState<string | null>(null);
  const [confirmApprove, setConfirmApprove] = useState(false);
  const approve = useApiMutation('stocktakes.approve', {
    success: '已审核，差异已过账',
    onSuccess: () => setConfirmApprove(false),
  });
  const approveTitle = useShortcutTitle('approve');
  const recount = useApiMutation('stocktakes.requestRecount', {
    success: '已退回复盘',
    onSuccess: () => {
      setRecountOpen(false);
      setSelected([]);
      setRecountReason('');
    },
  });

  const variances = st.lines.filter((l) => l.variance);
  const missing = variances.filter((l) => !reasons[l.id]?.code || (reasons[l.id]?.code === 'other' && !reasons[l.id]?.note.trim()));
  usePageShortcut('approve', '审核批准并过账盘点差异（确认后）', () => setConfirmApprove(true), missing.length === 0 && !approve.isPending);
  const set = (l: Line, patch: Partial<{ code: VarianceReason; note: string }>) =>
    setReasons({ ...reasons, [l.id]: { ...(reasons[l.id] ?? { note: '' }), ...patch } });

  return (
    <Card title="审核差异" styles={{ body: { paddingTop: 12 } }}>
      <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }} style={{ marginBottom: 12 }}>
        <Descriptions.Item label="盘点行">{st.lineCount}</Descriptions.Item>
        <Descriptions.Item label="相符">
          {st.matchedCount} 行（差异 {variances.length} 行）
        </Descriptions.Item>
        <Descriptions.Item label="盘盈">
          <Money fen={st.surplusAmount} prefix />
        </Descriptions.Item>
        <Descriptions.Item label="盘亏">
          <Money fen={st.shortageAmount} prefix />
        </Descriptions.Item>
      </Descriptions>
      <LinesTable
        st={st}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys: React.Key[]) => setSelected(keys.map(Number)), columnTitle: '复盘' }}
        extra={[
          {
            title: '差异原因',
            width: 220,
            render: (l) =>
              l.variance ? (
                <Space orientation="vertical" size={4} style={{ width: '100%' }}>
                  <Select<VarianceReason>
                    size="small"
                    placeholder="选择原因"
                    style={{ width: '100%' }}
                    value={reasons[l.id]?.code}
                    onChange={(code) => set(l, { code })}
                    options={REASON_OPTIONS}
                    status={reasons[l.id]?.code ? undefined : 'warning'}
                    aria-label={`第 ${l.lineNo} 行差异原因`}
                  />
                  <Input
                    size="small"
                    placeholder={reasons[l.id]?.code === 'other' ? '请说明（必填）' : '说明（可不填）'}
                    value={reasons[l.id]?.note ?? ''}
                    maxLength={200}
                    onChange={(e) => set(l, { note: e.target.value })}
                    aria-label={`第 ${l.lineNo} 行差异说明`}
                  />
                </Space>
              ) : null,
          },
        ]}
      />
      <Space wrap style={{ marginTop: 16, width: '100%', justifyContent: 'space-between' }}>
        <Button disabled={selected.length === 0} onClick={() => setRecountOpen(true)}>
          退回复盘（{selected.length} 行）
        </Button>
        <Space wrap>
          <DatePicker
            allowClear
            placeholder="记账日期（默认今天）"
            value={businessDate ? dayjs(businessDate) : null}
            onChange={(d) => setBusinessDate(toIsoDate(d))}
            disabledDate={(d) => isAfterHubToday(d) || d.isBefore(dayjs(st.startDate), 'day')}
            aria-label="记账日期"
          />
          <Input placeholder="审核意见" value={note} onChange={(e) => setNote(e.target.value)} maxLength={200} style={{ width: 200 }} />
          <Popconfirm
            title="批准并过账？"
            description={
              <span>
                {variances.length === 0
                  ? '全部相符，没有调整。'
                  : `将过账 ${variances.length} 条调整：盘盈 ¥${formatFen(st.surplusAmount ?? 0)}，盘亏 ¥${formatFen(st.shortageAmount ?? 0)}。`}
                <br />
                过账后不能撤销。
              </span>
            }
            okText="批准"
            disabled={missing.length > 0}
            open={confirmApprove}
            onOpenChange={setConfirmApprove}
            okButtonProps={{ autoFocus: true }}
            onConfirm={() =>
              approve.mutate({
                id: st.id,
                businessDate: businessDate ?? undefined,
                note: note.trim() || null,
                reasons: variances.map((l) => ({ lineId: l.id, reasonCode: reasons[l.id]!.code!, reasonNote: reasons[l.id]?.note.trim() || null })),
              })
            }
          >
            <Button type="primary" disabled={missing.length > 0} loading={approve.isPending} title={approveTitle}>
              批准并过账
            </Button>
          </Popconfirm>
        </Space>
      </Space>
      {missing.length > 0 && (
        <Alert
          style={{ marginTop: 12 }}
          type="warning"
          showIcon
          title={`还有 ${missing.length} 行差异没有选择原因（选“其他”须填写说明）。有疑问的行可勾选后退回复盘。`}
        />
      )}
      <Modal
        open={recountOpen}
        title={`退回复盘（${selected.length} 行）`}
        okText="退回"
        okButtonProps={{ disabled: !recountReason.trim(), loading: recount.isPending }}
        onOk={() => recount.mutate({ id: st.id, lineIds: selected, reason: recountReason.trim() })}
        onCancel={() => setRecountOpen(false)}
      >
        <Typography.Paragraph type="secondary">
          所选各行回到盘点人处重新清点；原录入保留在历史中。{st.blind ? '盲盘：复盘时盘点人仍看不到账面数。' : ''}
        </Typography.Paragraph>
        <Input.TextArea
          autoFocus
          placeholder="复盘原因（必填），如：短少较多，请连同抽屉里的散装一起再数"
          value={recountReason}
          onChange={(e) => setRecountReason(e.target.value)}
          maxLength={200}
          autoSize={{ minRows: 2 }}
        />
      </Modal>
    </Card>
  );
}
