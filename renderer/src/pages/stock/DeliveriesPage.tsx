import { useMemo, useState } from 'react';
import { useCan } from '../../app/access';
import { App, Alert, Button, Checkbox, Empty, Input, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { z } from 'zod';
import type { pendingIssueLine, stockApi } from '../../../../shared/contract/stock';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { call } from '../../api/client';
import { Page } from '../../components/Page';
import { BookHidden, DrugName, Money, Qty, StatusTag } from '../../components/format';
import { QtyInput } from '../../components/QtyInput';
import { DeliveryDetailDrawer } from './DeliveryDetail';
import { DELIVERY_STATUS_LABELS } from '../../../../shared/stock';
import { BOX_STATE_LABELS } from '../../../../shared/traceCodes';
import { PACKAGE_LEVEL_SHORT } from '../../../../shared/tracePackages';
import { ScanInput, type ScanResult } from '../../components/ScanInput';
import { useApiLookup } from '../trace/useTraceLookup';
import { PhoneCards, usePhone } from '../../components/PhoneCards';
import { useNavigate } from 'react-router';
import { usePageShortcut, useShortcutTitle } from '../../app/shortcuts';
import { NextStep, type NextStepInfo } from '../../components/NextStep';
import { DENSE_LIST } from '../../components/denseTable';
import { oneOf, useRememberedState } from '../../components/useRememberedState';

type Pending = z.infer<typeof pendingIssueLine>;
const DELIVERY_STATUSES = ['in_transit', 'discrepancy', 'signed', 'resolved'] as const;
type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
type Preview = z.infer<(typeof stockApi)['deliveries.preview']['output']>;

function PendingTab() {
  const { message } = App.useApp();
  const pending = useApiQuery('deliveries.pending', {});
  const clinics = useMemo(() => {
    const map = new Map<number, { id: number; name: string; lines: number }>();
    for (const l of pending.data ?? []) map.set(l.clinicId, { id: l.clinicId, name: l.clinicName, lines: (map.get(l.clinicId)?.lines ?? 0) + 1 });
    return [...map.values()];
  }, [pending.data]);
  const [clinicId, setClinicId] = useState<number>();
  const current = clinicId ?? clinics[0]?.id;
  const rows = (pending.data ?? []).filter((l) => l.clinicId === current);
  const [qty, setQty] = useState<Record<number, number | null>>({});
  const [selected, setSelected] = useState<number[]>([]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [picks, setPicks] = useState<Record<number, string[]>>({});
  // A carton or middle pack scanned: the boxes it stands for (the server expands it again when it posts).
  const [packed, setPacked] = useState<Record<string, string[]>>({});
  // Why a drug goes to a clinic that cannot keep it as its label says (the preview names those lines).
  const [overrides, setOverrides] = useState<Record<number, string>>({});
  const lookup = useApiLookup();
  const navigate = useNavigate();
  const [next, setNext] = useState<NextStepInfo | null>(null);
  const boxesOf = (codes: string[] | undefined) => (codes ?? []).flatMap((c) => packed[c] ?? [c]);
  const create = useApiMutation('deliveries.create', {
    onSuccess: (d) => {
      message.success(`配送单 ${d.docNo} 已出库，等待 ${d.clinicName} 签收`);
      setNext({
        done: `${d.docNo} 已在途，送往${d.clinicName}`,
        actions: [{ label: '打印配送单', run: () => navigate(`/print/delivery/${d.id}`) }],
      });
      setPreview(null);
      setSelected([]);
      setQty({});
      setPicks({});
      setPacked({});
      setOverrides({});
    },
  });

  // Under a blind count of the hub store its counter is not told what is available: the issue is checked when posted.
  const phone = usePhone();
  const hubAvailable = (l: Pending) =>
    l.hubAvailable === null ? (
      <BookHidden />
    ) : l.hubAvailable < l.outstandingQty ? (
      <Typography.Text type="danger">
        <Qty qty={l.hubAvailable} drug={l} />
      </Typography.Text>
    ) : (
      <Qty qty={l.hubAvailable} drug={l} />
    );
  const qtyInput = (l: Pending) => (
    <QtyInput
      drug={l}
      value={qty[l.requisitionLineId] ?? defaultQty(l)}
      max={Math.min(l.outstandingQty, l.hubAvailable ?? l.outstandingQty)}
      onChange={(q) => setQty({ ...qty, [l.requisitionLineId]: q })}
      size="small"
    />
  );
  const defaultQty = (l: Pending) => Math.min(l.outstandingQty, l.hubAvailable ?? l.outstandingQty);
  const chosen = rows
    .filter((l) => selected.includes(l.requisitionLineId))
    .map((l) => ({ requisitionLineId: l.requisitionLineId, qty: qty[l.requisitionLineId] ?? defaultQty(l) }))
    .filter((l) => l.qty > 0);

  /**
   * A scanned box joins the line of its drug whose FEFO batches include the box's batch. A carton (大码/中码) joins
   * with those of its boxes still at the hub: the line's count jumps by them.
   */
  async function pick(p: Preview, code: string): Promise<ScanResult> {
    const taken = new Set(Object.values(picks).flatMap(boxesOf));
    if (taken.has(code) || Object.values(picks).some((c) => c.includes(code))) return { tone: 'warn', kind: 'duplicate', message: `${code} 已经扫过` };
    const found = await lookup(code);
    const lines = p.lines.filter((l) => l.drugId === found.drug?.drugId);
    const boxesDue = (l: Preview['lines'][number]) => Math.floor(l.qty / l.packSize);
    if (found.package) {
      const label = PACKAGE_LEVEL_SHORT[found.package.level];
      const boxes = found.package.boxes.filter((b) => b.atHub || !b.registered);
      if (lines.length === 0)
        return { tone: 'error', kind: 'wrong_drug', message: `${label} ${code}${found.drug ? `（${found.drug.drugName}）` : ''} 不是本次出库的药品` };
      if (boxes.length === 0) return { tone: 'error', message: `${label} ${code} 的 ${found.package.boxCount} 盒都已不在中心药库` };
      const again = boxes.filter((b) => taken.has(b.code));
      if (again.length) return { tone: 'warn', message: `${label} ${code} 中的 ${again[0].code} 已经单独扫过：请逐盒扫其余的盒` };
      const batches = new Set(boxes.map((b) => b.batchNo).filter(Boolean));
      const line = lines.find(
        (l) => [...batches].every((b) => l.lots.some((lot) => lot.batchNo === b)) && boxesOf(picks[l.requisitionLineId]).length + boxes.length <= boxesDue(l),
      );
      if (!line) {
        const due = lines.flatMap((l) => l.lots.map((lot) => lot.batchNo)).join('、');
        return {
          tone: 'error',
          message: `${label} ${code} 有 ${boxes.length} 盒（批号 ${[...batches].join('、') || '未登记'}）；本行应发批号 ${due}，或剩下可扫的盒数不够`,
        };
      }
      setPacked({ ...packed, [code]: boxes.map((b) => b.code) });
      setPicks({ ...picks, [line.requisitionLineId]: [...(picks[line.requisitionLineId] ?? []), code] });
      const n = boxesOf(picks[line.requisitionLineId]).length + boxes.length;
      const opened = boxes.length < found.package.boxCount ? `（已拆开，中心库剩 ${boxes.length}/${found.package.boxCount} 盒）` : '';
      return { tone: 'ok', kind: 'accepted', message: `${label} ${code}${opened}：加入 ${boxes.length} 盒，${line.drugName} 已扫 ${n}/${boxesDue(line)} 盒` };
    }
    if (lines.length === 0) return { tone: 'error', kind: 'wrong_drug', message: `${found.drug ? found.drug.drugName : code} 不在本次出库的药品中` };
    if (!found.box) return { tone: 'warn', message: `${found.drug!.drugName}：中心库没有这盒药的入库记录（无码库存），出库时按所发批号登记` };
    if (found.box.state !== 'in_stock' && found.box.state !== 'untracked')
      return { tone: 'error', message: `${code} 这盒药现在${found.box.state ? BOX_STATE_LABELS[found.box.state] : '不在中心库'}` };
    const line = lines.find((l) => l.lots.some((lot) => lot.batchNo === found.box!.batchNo) && boxesOf(picks[l.requisitionLineId]).length < boxesDue(l));
    if (!line) {
      const due = lines.flatMap((l) => l.lots.map((lot) => lot.batchNo)).join('、');
      return { tone: 'error', message: `这盒是批号 ${found.box.batchNo}；按先到期先出应发批号 ${due}（或该批号已扫够）` };
    }
    setPicks({ ...picks, [line.requisitionLineId]: [...(picks[line.requisitionLineId] ?? []), code] });
    const n = boxesOf(picks[line.requisitionLineId]).length + 1;
    return { tone: 'ok', kind: 'accepted', message: `${line.drugName} 批号 ${found.box.batchNo}：已扫 ${n}/${boxesDue(line)} 盒` };
  }

  const blockedByStorage = (preview?.lines ?? []).some((l) => l.storageMismatch && !overrides[l.requisitionLineId]?.trim());
  const issue = () =>
    create.mutate({
      clinicId: current!,
      lines: chosen.map((l) => ({
        ...l,
        traceCodes: picks[l.requisitionLineId] ?? [],
        storageOverrideReason: overrides[l.requisitionLineId]?.trim() || null,
      })),
    });
  usePageShortcut('add', '预览出库（选中的请领明细，新的配送单）', () => void showPreview(), chosen.length > 0 && preview === null);
  usePageShortcut('approve', '确认出库（出库预览中）', issue, preview !== null && !blockedByStorage && !create.isPending);
  const addTitle = useShortcutTitle('add');
  const approveTitle = useShortcutTitle('approve');

  async function showPreview() {
    try {
      setPreview(await call('deliveries.preview', { clinicId: current!, lines: chosen }));
      setPicks({});
      setPacked({});
      setOverrides({});
    } catch (err) {
      message.error((err as Error).message);
    }
  }

  if (!pending.isLoading && clinics.length === 0)
    return (
      <>
        <NextStep step={next} onClose={() => setNext(null)} />
        <Empty description="没有待配送的请领：审核通过的请领明细会出现在这里" />
      </>
    );
  return (
    <>
      <NextStep step={next} onClose={() => setNext(null)} />
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          style={{ width: 280, maxWidth: '100%' }}
          value={current}
          onChange={(id) => {
            setClinicId(id);
            setSelected([]);
          }}
          options={clinics.map((c) => ({ value: c.id, label: `${c.name}（${c.lines} 项）` }))}
          aria-label="村卫生室"
        />
        <Button type="primary" disabled={chosen.length === 0} onClick={showPreview} title={addTitle}>
          预览出库（{chosen.length} 项）
        </Button>
      </Space>
      {phone ? (
        <PhoneCards
          rows={rows}
          rowKey={(l) => l.requisitionLineId}
          loading={pending.isLoading}
          emptyText="该卫生室没有待配送的请领"
          card={(l) => ({
            title: (
              <Checkbox
                checked={selected.includes(l.requisitionLineId)}
                disabled={l.hubAvailable === 0}
                onChange={(e) => setSelected(e.target.checked ? [...selected, l.requisitionLineId] : selected.filter((k) => k !== l.requisitionLineId))}
                aria-label={`选择 ${l.drugName}`}
              >
                <DrugName name={l.drugName} spec={l.spec} />
              </Checkbox>
            ),
            fields: [
              ['请领单', l.requisitionDocNo],
              ['已批准', <Qty key="a" qty={l.approvedQty} drug={l} />],
              ['已配送', <Qty key="i" qty={l.issuedQty} drug={l} />],
              ['中心库可用', hubAvailable(l)],
            ],
            footer: (
              <Space wrap size={6}>
                <span>本次出库</span>
                {qtyInput(l)}
              </Space>
            ),
          })}
        />
      ) : (
        <Table<Pending>
          rowKey="requisitionLineId"
          size="small"
          loading={pending.isLoading}
          dataSource={rows}
          pagination={false}
          rowSelection={{
            selectedRowKeys: selected,
            onChange: (keys) => setSelected(keys as number[]),
            getCheckboxProps: (l) => ({ disabled: l.hubAvailable === 0 }),
          }}
          columns={[
            { title: '请领单', dataIndex: 'requisitionDocNo', width: 150 },
            { title: '药品', key: 'drug', render: (_, l) => <DrugName name={l.drugName} spec={l.spec} /> },
            { title: '已批准', dataIndex: 'approvedQty', align: 'right', render: (q: number, l) => <Qty qty={q} drug={l} /> },
            { title: '已配送', dataIndex: 'issuedQty', align: 'right', render: (q: number, l) => <Qty qty={q} drug={l} /> },
            { title: '中心库可用', dataIndex: 'hubAvailable', align: 'right', render: (_: number | null, l) => hubAvailable(l) },
            { title: '本次出库', key: 'qty', width: 210, render: (_, l) => qtyInput(l) },
          ]}
        />
      )}
      <Modal
        open={preview !== null}
        title="出库预览：先到期先出（FEFO）"
        okText="确认出库"
        cancelText="返回"
        width={800}
        confirmLoading={create.isPending}
        onCancel={() => setPreview(null)}
        okButtonProps={{ disabled: blockedByStorage, title: approveTitle }}
        onOk={issue}
      >
        {preview && (
          <>
            {preview.lines.some((l) => l.storageMismatch) && (
              <Alert
                type="warning"
                showIcon
                style={{ marginBottom: 12 }}
                title="有药品卫生室不能按贮藏条件保存"
                description="如确需配送，请在该行填写原因：原因与出库人记入配送单，打印在配送单上，追溯时可见。"
              />
            )}
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              title="批次按有效期从早到晚自动分配，过期批次不会出库。出库后药品在途，村医签收后才计入卫生室库存。"
            />
            <div style={{ marginBottom: 12 }}>
              <ScanInput
                label="扫码拣货"
                placeholder="拣货时逐盒扫码，或扫整箱的大码/中码（可不扫）：须是下表所列批号的药"
                onScan={(code) => pick(preview, code)}
              />
            </div>
            <Table
              size="small"
              pagination={false}
              rowKey="requisitionLineId"
              dataSource={preview.lines}
              scroll={phone ? { x: 560 } : undefined}
              columns={[
                {
                  title: '药品',
                  key: 'drug',
                  render: (_, l) => (
                    <>
                      <DrugName name={l.drugName} spec={l.spec} />
                      {l.storageMismatch && (
                        <div style={{ marginTop: 4 }}>
                          <Typography.Text type="danger">{l.storageMismatch}</Typography.Text>
                          <Input
                            size="small"
                            maxLength={200}
                            style={{ marginTop: 4 }}
                            aria-label={`${l.drugName} 仍配送的原因`}
                            placeholder="仍要配送的原因（必填）"
                            status={overrides[l.requisitionLineId]?.trim() ? undefined : 'error'}
                            value={overrides[l.requisitionLineId] ?? ''}
                            onChange={(e) => setOverrides({ ...overrides, [l.requisitionLineId]: e.target.value })}
                          />
                        </div>
                      )}
                    </>
                  ),
                },
                { title: '数量', dataIndex: 'qty', align: 'right', render: (q: number, l) => <Qty qty={q} drug={l} /> },
                {
                  title: '已扫',
                  key: 'picked',
                  align: 'right',
                  render: (_, l) => (
                    <span data-testid="picked-count">{`${boxesOf(picks[l.requisitionLineId]).length}/${Math.floor(l.qty / l.packSize)} 盒`}</span>
                  ),
                },
                {
                  title: '批次',
                  key: 'lots',
                  render: (_, l) =>
                    l.lots.map((lot) => (
                      <div key={lot.lotId}>
                        {lot.batchNo}（效期 {lot.expiryDate}）<Qty qty={lot.qty} drug={l} /> {lot.nearExpiry && <Tag color="orange">近效期</Tag>}
                      </div>
                    )),
                },
              ]}
              summary={() => (
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0} colSpan={2} align="right">
                    金额合计
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={1}>
                    <Money fen={preview.totalAmount} prefix strong />
                  </Table.Summary.Cell>
                </Table.Summary.Row>
              )}
            />
          </>
        )}
      </Modal>
    </>
  );
}

export function DeliveryList({ clinicView = false }: { clinicView?: boolean }) {
  const [status, setStatus] = useRememberedState<DeliveryStatus | undefined>(
    clinicView ? 'clinic-deliveries' : 'deliveries',
    'status',
    undefined,
    (v): v is DeliveryStatus | undefined => v === undefined || oneOf(DELIVERY_STATUSES)(v),
  );
  const list = useApiQuery('deliveries.list', { status, limit: 200 });
  const [viewing, setViewing] = useState<number | null>(null);
  const phone = usePhone();
  const open = (r: { id: number; docNo: string }) => (
    <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setViewing(r.id)}>
      {r.docNo}
    </Button>
  );
  return (
    <>
      <Select
        allowClear
        placeholder="全部状态"
        aria-label="状态"
        style={{ width: 160, marginBottom: 12 }}
        value={status}
        onChange={setStatus}
        options={DELIVERY_STATUSES.map((value) => ({ value, label: DELIVERY_STATUS_LABELS[value] }))}
      />
      {phone ? (
        <PhoneCards
          rows={list.data}
          rowKey={(r) => r.id}
          loading={list.isLoading}
          emptyText="没有配送单"
          card={(r) => ({
            title: open(r),
            tags: <StatusTag status={r.status} />,
            fields: [
              ...(clinicView ? [] : [['村卫生室', r.clinicName] as [string, string]]),
              ['出库日期', r.businessDate],
              ['品规数', r.lineCount],
              ['金额（元）', <Money key="a" fen={r.totalAmount} />],
              ['签收人', r.signedByName],
            ],
          })}
        />
      ) : (
        <Table
          rowKey="id"
          {...DENSE_LIST}
          loading={list.isLoading}
          dataSource={list.data}
          scroll={{ x: 800 }}
          columns={[
            { title: '配送单号', dataIndex: 'docNo', render: (_: string, r) => open(r) },
            ...(clinicView ? [] : [{ title: '村卫生室', dataIndex: 'clinicName' }]),
            { title: '出库日期', dataIndex: 'businessDate', width: 110 },
            { title: '品规数', dataIndex: 'lineCount', align: 'right' as const, width: 80 },
            { title: '金额（元）', dataIndex: 'totalAmount', align: 'right' as const, render: (a: number) => <Money fen={a} /> },
            { title: '状态', dataIndex: 'status', width: 120, render: (s: string) => <StatusTag status={s} /> },
            { title: '签收人', dataIndex: 'signedByName', width: 90 },
          ]}
        />
      )}
      <DeliveryDetailDrawer id={viewing} onClose={() => setViewing(null)} />
    </>
  );
}

export default function DeliveriesPage() {
  // Who may not issue (the 院长) sees the delivery notes only: the pending tab is the issuing workflow.
  const canIssue = useCan('deliveries.create');
  return (
    <Page title="配送出库" subTitle="把审核通过的请领从中心药库配送到村卫生室；村医签收后入卫生室库存">
      <Tabs
        items={[
          ...(canIssue ? [{ key: 'pending', label: '待配送', children: <PendingTab /> }] : []),
          { key: 'list', label: '配送单', children: <DeliveryList /> },
        ]}
      />
    </Page>
  );
}
