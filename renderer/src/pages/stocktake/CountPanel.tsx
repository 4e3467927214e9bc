import { useMemo, useState } from 'react';
import { App, Alert, Button, Card, Empty, Input, List, Modal, Popconfirm, Progress, Space, Tag, Typography } from 'antd';
import { CheckCircleFilled, PlusOutlined } from '@ant-design/icons';
import type { z } from 'zod';
import type { stocktakeDetail } from '../../../../shared/contract/stocktake';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Qty, formatDateTime } from '../../components/format';
import { PackCountInput } from './PackCountInput';
import { usePageShortcut, useShortcutTitle } from '../../app/shortcuts';

type Detail = z.infer<typeof stocktakeDetail>;
type Line = Detail['lines'][number];

const time = (iso: string | null) => (iso ? formatDateTime(iso).slice(-8, -3) : '');

function LineCard({ st, line, onSaved, inputId }: { st: Detail; line: Line; onSaved(lineId: number): void; inputId: string }) {
  const [value, setValue] = useState<number | null>(line.status === 'recount' ? null : line.countedQty);
  const [note, setNote] = useState('');
  const [showNote, setShowNote] = useState(false);
  const save = useApiMutation('stocktakes.count', {
    onSuccess: () => {
      setNote('');
      setShowNote(false);
      onSaved(line.id);
    },
  });
  const changed = value !== null && (line.status !== 'counted' || value !== line.countedQty || note.trim() !== '');
  const submit = () => changed && !save.isPending && save.mutate({ id: st.id, entries: [{ lineId: line.id, countedQty: value!, note: note.trim() || null }] });
  const lastRecount = line.counts.findLast((c) => c.superseded === 'recount');
  return (
    <List.Item style={{ display: 'block' }} className={`count-line count-${line.status}`}>
      <Space align="start" style={{ width: '100%', justifyContent: 'space-between' }}>
        <div>
          <Typography.Text strong>{line.drugName}</Typography.Text> <Typography.Text type="secondary">{line.spec}</Typography.Text>
          <div className="muted">{line.manufacturer}</div>
        </div>
        {line.status === 'counted' && <CheckCircleFilled style={{ color: '#52c41a', fontSize: 18 }} aria-label="已录入" />}
      </Space>
      <div className="muted" style={{ marginTop: 2 }}>
        批号 <Typography.Text code>{line.batchNo}</Typography.Text> · 效期 {line.expiryDate}
        {line.origin === 'found' && (
          <Tag color="cyan" style={{ marginLeft: 6 }}>
            账外批次
          </Tag>
        )}
      </div>
      {line.bookQtyAtStart !== null && (
        <div className="muted">
          开始时账面 <Qty qty={line.bookQtyAtStart} drug={line} />
        </div>
      )}
      {line.status === 'recount' && lastRecount && (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 6 }}
          title={`需复盘：${lastRecount.recountReason}`}
          description={`${lastRecount.recountByName ?? ''}退回，请重新清点后录入`}
        />
      )}
      <Space wrap style={{ marginTop: 8 }}>
        <PackCountInput id={inputId} value={value} onChange={setValue} drug={line} onPressEnter={submit} />
        <Button type={line.status === 'counted' ? 'default' : 'primary'} onClick={submit} disabled={!changed} loading={save.isPending}>
          {line.status === 'counted' ? '改数' : '录入'}
        </Button>
        <Button type="link" size="small" onClick={() => setShowNote(!showNote)}>
          备注
        </Button>
      </Space>
      {showNote && (
        <Input
          style={{ marginTop: 6 }}
          maxLength={200}
          placeholder="如：2 盒外包装破损"
          value={note}
          onChange={(e) => setNote(e.target.value)}
          aria-label={`${line.drugName} 备注`}
        />
      )}
      {line.status === 'counted' && (
        <div className="muted" style={{ marginTop: 4 }}>
          已录入 <Qty qty={line.countedQty} drug={line} /> · {line.countedByName} {time(line.countedAt)}
          {line.note && ` · ${line.note}`}
          {line.counts.length > 1 && `（共录入 ${line.counts.length} 次，均留存）`}
        </div>
      )}
    </List.Item>
  );
}

function FoundLotModal({ st, open, onClose }: { st: Detail; open: boolean; onClose(): void }) {
  const [q, setQ] = useState('');
  const lots = useApiQuery('stocktakes.foundLots', { id: st.id, q: q || undefined }, { enabled: open });
  const add = useApiMutation('stocktakes.addLine', {
    success: '已添加，请录入实盘数量',
    onSuccess: onClose,
  });
  return (
    <Modal open={open} onCancel={onClose} footer={null} title="添加账上没有的批次" destroyOnHidden>
      <Typography.Paragraph type="secondary">
        货架上有、但盘点表里没有的批次（账上本室没有它）：选择它的批号添加一行，再录入数量。
        {st.kind === 'spot' ? '本次抽查只能添加抽中药品的批次。' : ''}批号不在下表中的药品（不是中心库配送的），请不要添加，在备注中说明并报告中心库。
      </Typography.Paragraph>
      {st.kind === 'full' && <Input.Search placeholder="药品名称、批号或医保编码" allowClear onSearch={setQ} style={{ marginBottom: 8 }} />}
      <List
        loading={lots.isLoading}
        dataSource={lots.data}
        locale={{ emptyText: <Empty description="没有可添加的批次" /> }}
        renderItem={(l) => (
          <List.Item
            actions={[
              <Button key="add" size="small" onClick={() => add.mutate({ id: st.id, lotId: l.lotId })} loading={add.isPending}>
                添加
              </Button>,
            ]}
          >
            <List.Item.Meta title={`${l.drugName} ${l.spec}`} description={`批号 ${l.batchNo} · 效期 ${l.expiryDate} · ${l.manufacturer}`} />
          </List.Item>
        )}
      />
    </Modal>
  );
}

/** What the counter works through: every lot on the sheet, entered one at a time as it is counted. */
export function CountPanel({ st, onSubmitted }: { st: Detail; onSubmitted?(): void }) {
  const { message } = App.useApp();
  const [foundOpen, setFoundOpen] = useState(false);
  const [confirmSubmit, setConfirmSubmit] = useState(false);
  const submit = useApiMutation('stocktakes.submit', {
    onSuccess: () => {
      setConfirmSubmit(false);
      message.success('盘点结果已提交，等待药库管理员审核');
      onSubmitted?.();
    },
  });
  const order = useMemo(() => st.lines.map((l) => l.id), [st.lines]);
  const done = st.lines.filter((l) => l.status === 'counted').length;
  const recount = st.lines.filter((l) => l.status === 'recount').length;
  const complete = done === st.lines.length && st.lines.length > 0;
  usePageShortcut('approve', '提交盘点结果（确认后）', () => setConfirmSubmit(true), complete && !submit.isPending);
  const approveTitle = useShortcutTitle('approve');
  const focusNext = (lineId: number) => {
    const rest = order.slice(order.indexOf(lineId) + 1).concat(order);
    const next = rest.find((id) => st.lines.find((l) => l.id === id)?.status !== 'counted' && id !== lineId);
    if (next) setTimeout(() => document.getElementById(`count-${next}`)?.focus(), 50);
  };
  return (
    <Card
      title={
        <Space wrap>
          逐批录入实盘数量
          {recount > 0 && <Tag color="orange">{recount} 行需复盘</Tag>}
        </Space>
      }
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setFoundOpen(true)}>
          添加批次
        </Button>
      }
      styles={{ body: { paddingTop: 8 } }}
    >
      <Progress percent={st.lines.length ? Math.floor((done * 100) / st.lines.length) : 0} format={() => `${done}/${st.lines.length}`} />
      <List
        dataSource={st.lines}
        renderItem={(l) => <LineCard key={`${l.id}:${l.counts.length}:${l.status}`} st={st} line={l} inputId={`count-${l.id}`} onSaved={focusNext} />}
      />
      <Popconfirm
        title="提交盘点结果？"
        description="提交后不能再修改，由药库管理员核对差异；有疑问的行会退回复盘。"
        okText="提交"
        open={confirmSubmit}
        onOpenChange={setConfirmSubmit}
        okButtonProps={{ autoFocus: true }}
        onConfirm={() => submit.mutate({ id: st.id })}
        disabled={done < st.lines.length || st.lines.length === 0}
      >
        <Button
          type="primary"
          size="large"
          block
          style={{ marginTop: 12 }}
          disabled={done < st.lines.length || st.lines.length === 0}
          loading={submit.isPending}
          title={approveTitle}
        >
          {done < st.lines.length ? `还有 ${st.lines.length - done} 行未录入` : '提交盘点结果'}
        </Button>
      </Popconfirm>
      <FoundLotModal st={st} open={foundOpen} onClose={() => setFoundOpen(false)} />
    </Card>
  );
}
