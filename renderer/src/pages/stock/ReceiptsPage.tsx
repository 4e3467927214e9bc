import { useEffect, useMemo, useState } from 'react';
import { App, Alert, Button, DatePicker, Descriptions, Drawer, Empty, Input, Popconfirm, Select, Space, Table, Typography } from 'antd';
import { PlusOutlined, SplitCellsOutlined, DeleteOutlined } from '@ant-design/icons';
import type { z } from 'zod';
import dayjs from 'dayjs';
import { parseTraceCode, type ParsedTraceCode } from '../../../../shared/traceCodes';
import { ScanInput, type ScanResult } from '../../components/ScanInput';
import { routeReceiptScan } from './receiptScan';
import type { receiptDetail, stockApi } from '../../../../shared/contract/stock';
import { formatUnitPrice, lineAmountFromPackPrice, parseYuanToUnitPrice } from '../../../../shared/money';
import { NEAR_EXPIRY_DAYS } from '../../../../shared/stock';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { DrugName, Money, Qty, StatusTag } from '../../components/format';
import { QtyInput } from '../../components/QtyInput';
import { addDaysIso, toIsoDate, todayIso } from '../../components/dates';
import { formatFen } from '../../../../shared/money';
import { COLD_CHAIN, CONCLUSION_LABELS, formatTemp, parseTemp, REJECT_REASON_LABELS, STORAGE_CONDITION_SHORT, type RejectReason } from '../../../../shared/gsp';
import { useNavigate, useSearchParams } from 'react-router';
import { useApiLookup } from '../trace/useTraceLookup';
import { shortcutTitle, usePageShortcut, useShortcutTitle } from '../../app/shortcuts';
import { NextStep, type NextStepInfo } from '../../components/NextStep';
import { DENSE_LIST } from '../../components/denseTable';
import { useCan } from '../../app/access';

type Receipt = z.infer<typeof receiptDetail>;
type OpenOrder = z.infer<(typeof stockApi)['receipts.openOrders']['output']>[number];
type OrderLine = OpenOrder['lines'][number];

interface DraftLine {
  key: string;
  line: OrderLine;
  batchNo: string;
  mfgDate: string | null;
  expiryDate: string | null;
  qty: number | null;
  packPrice: string;
  traceCodes: string[];
  rejectedQty: number | null;
  rejectReason: RejectReason | undefined;
  rejectNote: string;
  pending: boolean;
  arrivalTemp: string;
  transportRecord: string;
}

/**
 * New codes of a line; a GS1 code fills the line's batch, expiry and production date when they are still empty
 * (the box says them; the server refuses a code that disagrees with what the line says).
 */
function withCodes(l: DraftLine, codes: string[]): Partial<DraftLine> {
  const clean = codes.map((c) => c.trim()).filter(Boolean);
  const patch: Partial<DraftLine> = { traceCodes: clean };
  for (const raw of clean.filter((c) => !l.traceCodes.includes(c))) {
    const r = parseTraceCode(raw);
    if (r.ok) Object.assign(patch, gs1Fill(l, r.value, patch));
  }
  return patch;
}

/** What a GS1 code says of its batch fills the line's batch, expiry and production date where they are still empty. */
function gs1Fill(l: DraftLine, parsed: ParsedTraceCode, already: Partial<DraftLine> = {}): Partial<DraftLine> {
  if (parsed.kind !== 'gs1') return {};
  const patch: Partial<DraftLine> = {};
  if (parsed.batchNo && !l.batchNo && !already.batchNo) patch.batchNo = parsed.batchNo;
  if (parsed.expiryDate && !l.expiryDate && !already.expiryDate) patch.expiryDate = parsed.expiryDate;
  if (parsed.mfgDate && !l.mfgDate && !already.mfgDate) patch.mfgDate = parsed.mfgDate;
  return patch;
}
const coldChain = (l: OrderLine) => COLD_CHAIN.includes(l.storageCondition);

let keySeq = 0;
const draftFor = (line: OrderLine, qty: number | null): DraftLine => ({
  key: `k${++keySeq}`,
  line,
  batchNo: '',
  mfgDate: null,
  expiryDate: null,
  qty,
  packPrice: formatUnitPrice(line.packPrice),
  traceCodes: [],
  rejectedQty: null,
  rejectReason: undefined,
  rejectNote: '',
  pending: false,
  arrivalTemp: '',
  transportRecord: '',
});

function ReceiveDrawer({ open, onClose, initialPoId, onPosted }: { open: boolean; onClose(): void; initialPoId?: number; onPosted(next: NextStepInfo): void }) {
  const { modal, message } = App.useApp();
  const navigate = useNavigate();
  const orders = useApiQuery('receipts.openOrders', {}, { enabled: open });
  const [poId, setPoId] = useState<number>();
  const [invoiceNo, setInvoiceNo] = useState('');
  const [invoiceDate, setInvoiceDate] = useState<string | null>(null);
  const [lines, setLines] = useState<DraftLine[]>([]);
  const [deliveryNoteNo, setDeliveryNoteNo] = useState('');
  const [second, setSecond] = useState({ username: '', password: '' });
  const settings = useApiQuery('gsp.settings', {}, { enabled: open });
  const order = orders.data?.find((o) => o.poId === poId);
  const rule = settings.data?.secondAcceptor ?? 'cold_and_special';
  const needsSecond = lines.some((l) => rule !== 'none' && (l.line.specialControl || (rule === 'cold_and_special' && coldChain(l.line))));
  const anyCold = lines.some((l) => coldChain(l.line));
  const create = useApiMutation('receipts.create', {
    onSuccess: (r) => {
      message.success(`入库单 ${r.receipt.docNo} 已过账，金额 ¥${formatFen(r.receipt.totalAmount)}`);
      r.warnings.forEach((w) => message.warning(w.message, 6));
      setPoId(undefined);
      setLines([]);
      setDeliveryNoteNo('');
      setSecond({ username: '', password: '' });
      onClose();
      onPosted({ done: `${r.receipt.docNo} 的药品已入中心药库`, actions: [{ label: '去配送出库', run: () => navigate('/stock/deliveries') }] });
    },
  });

  function chooseOrder(id: number) {
    setPoId(id);
    const o = orders.data?.find((x) => x.poId === id);
    setLines(o ? o.lines.filter((l) => l.outstandingQty > 0).map((l) => draftFor(l, l.outstandingQty)) : []);
  }
  // Opened from an order's 去验收入库: that order is chosen as soon as the open orders are known.
  // biome-ignore lint/correctness/useExhaustiveDependencies: chooses once per order handed in, not on every change
  useEffect(() => {
    if (open && initialPoId !== undefined && poId === undefined && orders.data?.some((o) => o.poId === initialPoId)) chooseOrder(initialPoId);
  }, [open, initialPoId, orders.data]);
  const update = (key: string, patch: Partial<DraftLine>) => setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...patch } : l)));
  // Cartons and middle packs scanned (大码/中码): how many boxes each stands for; the server expands them when it posts.
  const [packed, setPacked] = useState<Record<string, number>>({});
  const lookup = useApiLookup();
  const scannedBoxes = (l: DraftLine) => l.traceCodes.reduce((n, c) => n + (packed[c] ?? 1), 0);
  function scanCodes(l: DraftLine, codes: string[]) {
    update(l.key, withCodes(l, codes));
    for (const c of codes.filter((x) => !l.traceCodes.includes(x) && packed[x] === undefined)) {
      lookup(c)
        .then((r) => r.package && setPacked((p) => ({ ...p, [c]: r.package!.boxCount })))
        .catch(() => undefined); // an unreadable code is refused when the receipt posts, with the line named
    }
  }

  // The receipt's one scan box (receiptScan.ts): each box to its line by its own product and batch.
  const [lastScanned, setLastScanned] = useState<string>();
  const boxesOf = (l: DraftLine) => Math.floor(((l.qty ?? 0) - (l.rejectedQty ?? 0)) / l.line.packSize);
  function scanToLine(code: string, parsed: ParsedTraceCode): ScanResult {
    const routed = routeReceiptScan(
      code,
      parsed,
      lines.map((l) => ({
        key: l.key,
        drugName: l.line.drugName,
        tracePrefix: l.line.tracePrefix,
        gtin: l.line.gtin,
        batchNo: l.batchNo,
        traceCodes: l.traceCodes,
        boxes: boxesOf(l),
        scanned: scannedBoxes(l),
      })),
      lastScanned,
    );
    if (!routed.ok) {
      const kind = routed.kind === 'duplicate' ? 'duplicate' : routed.kind === 'wrong_drug' ? 'wrong_drug' : undefined;
      return { tone: routed.kind === 'duplicate' || routed.kind === 'full' ? 'warn' : 'error', kind, message: routed.message };
    }
    const line = lines.find((l) => l.key === routed.lineKey)!;
    scanCodes(line, [...line.traceCodes, code]);
    // The box's own batch and dates (the stored code keeps only GTIN and serial).
    update(line.key, gs1Fill(line, parsed));
    setLastScanned(line.key);
    return { tone: 'ok', kind: 'accepted', message: routed.message };
  }

  function submit() {
    const problems: string[] = [];
    const payload = lines
      .filter((l) => l.qty && l.qty > 0)
      .map((l, i) => {
        const price = parseYuanToUnitPrice(l.packPrice);
        const row = `第 ${i + 1} 行 ${l.line.drugName}`;
        const today = todayIso();
        if (!l.batchNo.trim()) problems.push(`${row}：请填写批号`);
        if (!l.expiryDate) problems.push(`${row}：请填写有效期`);
        // Mistakes a glance at the box shows, said before the near-expiry question and before the server.
        else if (l.expiryDate < today && (l.rejectedQty ?? 0) < (l.qty ?? 0))
          problems.push(`${row}：批号 ${l.batchNo.trim()} 已过期（有效期至 ${l.expiryDate}），不能入库：请填拒收`);
        if (l.mfgDate && l.mfgDate > today) problems.push(`${row}：生产日期 ${l.mfgDate} 晚于今天，请核对`);
        if (l.mfgDate && l.expiryDate && l.mfgDate >= l.expiryDate) problems.push(`${row}：生产日期 ${l.mfgDate} 不早于有效期 ${l.expiryDate}，请核对`);
        if (price === null) problems.push(`${row}：单价格式不对`);
        const temp = l.arrivalTemp.trim() ? parseTemp(l.arrivalTemp) : null;
        if (l.arrivalTemp.trim() && temp === null) problems.push(`${row}：到货温度格式不对（如 5.2）`);
        return {
          poLineId: l.line.poLineId,
          batchNo: l.batchNo.trim(),
          mfgDate: l.mfgDate,
          expiryDate: l.expiryDate ?? '',
          qty: l.qty!,
          packPrice: price ?? 0,
          traceCodes: l.traceCodes,
          rejectedQty: l.rejectedQty ?? 0,
          rejectReason: l.rejectedQty ? l.rejectReason : undefined,
          rejectNote: l.rejectNote.trim() || null,
          conclusion: l.rejectedQty ? (l.pending ? ('pending' as const) : ('fail' as const)) : undefined,
          arrivalTemp: temp ?? undefined,
          transportRecord: l.transportRecord.trim() || null,
        };
      });
    if (!poId || payload.length === 0) problems.push('请至少填写一行实收数量');
    if (problems.length) {
      message.error(problems[0]);
      return;
    }
    const acceptance = {
      deliveryNoteNo: deliveryNoteNo.trim() || null,
      secondAcceptor: needsSecond && second.username.trim() ? { username: second.username.trim(), password: second.password } : undefined,
    };
    const send = () => create.mutate({ poId: poId!, invoiceNo: invoiceNo || null, invoiceDate, acceptance, lines: payload });
    const near = payload.filter((p) => p.expiryDate < addDaysIso(todayIso(), NEAR_EXPIRY_DAYS));
    if (near.length) {
      modal.confirm({
        title: '近效期药品',
        content: `${near.length} 行药品有效期不足 6 个月（${near.map((n) => n.batchNo).join('、')}），确认验收入库？`,
        okText: '确认入库',
        cancelText: '返回修改',
        onOk: send,
      });
    } else send();
  }

  const total = useMemo(
    () =>
      lines.reduce((n, l) => {
        const price = parseYuanToUnitPrice(l.packPrice);
        return price === null || !l.qty ? n : n + lineAmountFromPackPrice(l.qty, price, l.line.packSize);
      }, 0),
    [lines],
  );

  usePageShortcut('approve', '过账入库（验收入库单中）', submit, open && Boolean(order) && !create.isPending);
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title="验收入库"
      size={1200}
      destroyOnHidden
      extra={
        <Button type="primary" loading={create.isPending} onClick={submit} disabled={!order} title={shortcutTitle('approve')}>
          过账入库
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          placeholder="选择待收货的采购订单"
          style={{ width: 420 }}
          value={poId}
          onChange={chooseOrder}
          loading={orders.isLoading}
          showSearch={{ optionFilterProp: 'label' }}
          notFoundContent={<Empty description="没有待收货的订单（订单须先发送给配送企业）" />}
          options={orders.data?.map((o) => ({ value: o.poId, label: `${o.docNo} · ${o.supplierName} · ${o.status === 'sent' ? '待收货' : '部分收货'}` }))}
          aria-label="采购订单"
        />
        <Input
          placeholder="发票号"
          value={invoiceNo}
          onChange={(e) => setInvoiceNo(e.target.value)}
          style={{ width: 180 }}
          aria-label="发票号"
          maxLength={40}
        />
        <DatePicker placeholder="发票日期" onChange={(d) => setInvoiceDate(toIsoDate(d))} aria-label="发票日期" />
        <Input
          placeholder="随货同行单号"
          value={deliveryNoteNo}
          onChange={(e) => setDeliveryNoteNo(e.target.value)}
          style={{ width: 180 }}
          aria-label="随货同行单号"
          maxLength={50}
        />
      </Space>
      {needsSecond && (
        <Alert
          style={{ marginBottom: 12 }}
          type="warning"
          showIcon
          title="本单有冷藏、冷冻或特殊管理药品，须两人验收：请第二验收人在此输入自己的用户名和密码"
          description={
            <Space wrap>
              <Input
                placeholder="第二验收人用户名"
                value={second.username}
                onChange={(e) => setSecond({ ...second, username: e.target.value })}
                aria-label="第二验收人用户名"
                style={{ width: 180 }}
              />
              <Input.Password
                placeholder="第二验收人密码"
                value={second.password}
                onChange={(e) => setSecond({ ...second, password: e.target.value })}
                aria-label="第二验收人密码"
                style={{ width: 180 }}
                autoComplete="off"
              />
            </Space>
          }
        />
      )}
      {order && (
        <>
          <Alert
            style={{ marginBottom: 12 }}
            type="info"
            showIcon
            title="每行按实物填写批号、生产日期、有效期和到货数量；破损、批号不符等不合格的填“拒收”数量与原因，拒收部分进入不合格品区（不能配送），之后退货或销毁。冷藏药品须填到货温度和冷链运输记录，温度超出 2–8 ℃ 的只能全部拒收。同一品种有多个批号时点“拆分批次”。追溯码用扫码枪在下面的扫码框逐盒扫描（每扫一个回车），按码自动归到对应的药品和批号；GS1 码自动填批号、效期和生产日期。"
          />
          <div style={{ marginBottom: 12, maxWidth: 640 }}>
            <ScanInput label="扫码验收" placeholder="扫码枪逐盒扫描追溯码（大码/中码亦可），按码自动归行" autoFocus={false} onScan={scanToLine} />
          </div>
          <Table<DraftLine>
            rowKey="key"
            size="small"
            pagination={false}
            dataSource={lines}
            scroll={{ x: anyCold ? 1700 : 1480 }}
            summary={() => (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} colSpan={5} align="right">
                  合计（估算）
                </Table.Summary.Cell>
                <Table.Summary.Cell index={1} colSpan={3}>
                  <Money fen={total} prefix strong />
                </Table.Summary.Cell>
              </Table.Summary.Row>
            )}
            columns={[
              {
                title: '药品',
                key: 'drug',
                width: 200,
                render: (_, l) => <DrugName name={l.line.drugName} spec={l.line.spec} manufacturer={l.line.manufacturer} />,
              },
              { title: '未收', key: 'out', width: 90, render: (_, l) => <Qty qty={l.line.outstandingQty} drug={l.line} /> },
              {
                title: '批号',
                key: 'batch',
                width: 130,
                render: (_, l) => <Input value={l.batchNo} onChange={(e) => update(l.key, { batchNo: e.target.value })} aria-label="批号" maxLength={40} />,
              },
              {
                title: '生产日期',
                key: 'mfg',
                width: 150,
                render: (_, l) => (
                  <DatePicker value={l.mfgDate ? dayjs(l.mfgDate) : null} onChange={(d) => update(l.key, { mfgDate: toIsoDate(d) })} aria-label="生产日期" />
                ),
              },
              {
                title: '有效期至',
                key: 'exp',
                width: 150,
                render: (_, l) => (
                  <DatePicker
                    value={l.expiryDate ? dayjs(l.expiryDate) : null}
                    onChange={(d) => update(l.key, { expiryDate: toIsoDate(d) })}
                    aria-label="有效期至"
                    status={l.expiryDate && l.expiryDate < todayIso() ? 'error' : undefined}
                  />
                ),
              },
              {
                title: '到货数量',
                key: 'qty',
                width: 200,
                render: (_, l) => <QtyInput drug={l.line} value={l.qty} onChange={(q) => update(l.key, { qty: q })} />,
              },
              {
                title: '拒收（不合格）',
                key: 'reject',
                width: 260,
                render: (_, l) => (
                  <Space orientation="vertical" size={4} style={{ width: '100%' }}>
                    <QtyInput drug={l.line} value={l.rejectedQty} onChange={(q) => update(l.key, { rejectedQty: q })} label="拒收" />
                    {!!l.rejectedQty && (
                      <Space.Compact style={{ width: '100%' }}>
                        <Select<RejectReason>
                          placeholder="拒收原因"
                          value={l.rejectReason}
                          onChange={(v) => update(l.key, { rejectReason: v })}
                          options={Object.entries(REJECT_REASON_LABELS).map(([value, label]) => ({ value: value as RejectReason, label }))}
                          style={{ width: 110 }}
                          aria-label="拒收原因"
                        />
                        <Select
                          value={l.pending ? 'pending' : 'fail'}
                          onChange={(v) => update(l.key, { pending: v === 'pending' })}
                          options={[
                            { value: 'fail', label: '不合格' },
                            { value: 'pending', label: '待处理' },
                          ]}
                          style={{ width: 90 }}
                          aria-label="验收结论"
                        />
                      </Space.Compact>
                    )}
                    {!!l.rejectedQty && (
                      <Input
                        placeholder="拒收说明"
                        value={l.rejectNote}
                        onChange={(e) => update(l.key, { rejectNote: e.target.value })}
                        aria-label="拒收说明"
                        maxLength={200}
                      />
                    )}
                  </Space>
                ),
              },
              ...(anyCold
                ? [
                    {
                      title: '冷链（到货温度 ℃ / 运输记录）',
                      key: 'cold',
                      width: 220,
                      render: (_: unknown, l: DraftLine) =>
                        coldChain(l.line) ? (
                          <Space orientation="vertical" size={4} style={{ width: '100%' }}>
                            <Input
                              value={l.arrivalTemp}
                              onChange={(e) => update(l.key, { arrivalTemp: e.target.value })}
                              aria-label="到货温度"
                              placeholder={`${STORAGE_CONDITION_SHORT[l.line.storageCondition]}，如 5.2`}
                              suffix="℃"
                              inputMode="decimal"
                            />
                            <Input
                              value={l.transportRecord}
                              onChange={(e) => update(l.key, { transportRecord: e.target.value })}
                              aria-label="冷链运输记录"
                              placeholder="车辆/保温箱、启运时间、途中温度"
                              maxLength={200}
                            />
                          </Space>
                        ) : (
                          <Typography.Text type="secondary">{STORAGE_CONDITION_SHORT[l.line.storageCondition]}</Typography.Text>
                        ),
                    },
                  ]
                : []),
              {
                title: `单价（元/包装）`,
                key: 'price',
                width: 120,
                render: (_, l) => (
                  <Input value={l.packPrice} onChange={(e) => update(l.key, { packPrice: e.target.value })} aria-label="单价" suffix={`/${l.line.packUnit}`} />
                ),
              },
              {
                title: '追溯码',
                key: 'trace',
                width: 220,
                render: (_, l) => (
                  <>
                    <Select
                      mode="tags"
                      value={l.traceCodes}
                      onChange={(codes: string[]) => scanCodes(l, codes)}
                      tokenSeparators={[',', ' ', '\n']}
                      placeholder={l.line.tracePrefix ? `扫码：以 ${l.line.tracePrefix} 开头的 20 位码或 GS1 码` : '扫码：20 位码、GS1 码或企业码'}
                      style={{ width: '100%' }}
                      open={false}
                      aria-label="追溯码"
                    />
                    {l.traceCodes.length > 0 && (
                      <Typography.Text type="secondary" data-testid="receipt-scanned">
                        已扫 {scannedBoxes(l)}/{boxesOf(l)} 盒{l.traceCodes.some((c) => packed[c]) ? '（含大码/中码）' : ''}
                      </Typography.Text>
                    )}
                  </>
                ),
              },
              {
                title: '',
                key: 'ops',
                width: 80,
                render: (_, l) => (
                  <Space size={0}>
                    <Button
                      size="small"
                      type="text"
                      icon={<SplitCellsOutlined />}
                      title="拆分批次"
                      onClick={() =>
                        setLines((ls) => {
                          const i = ls.findIndex((x) => x.key === l.key);
                          const copy = [...ls];
                          copy.splice(i + 1, 0, draftFor(l.line, null));
                          return copy;
                        })
                      }
                    />
                    <Button
                      size="small"
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      title="删除此行"
                      onClick={() => setLines((ls) => ls.filter((x) => x.key !== l.key))}
                    />
                  </Space>
                ),
              },
            ]}
          />
        </>
      )}
    </Drawer>
  );
}

function ReceiptDetailDrawer({ id, onClose }: { id: number | null; onClose(): void }) {
  const canReverse = useCan('receipts.reverse');
  const navigate = useNavigate();
  const receipt = useApiQuery('receipts.get', { id: id! }, { enabled: id !== null });
  const [reason, setReason] = useState('');
  const reverse = useApiMutation('receipts.reverse', {
    success: '入库单已冲销',
  });
  const r = receipt.data;
  return (
    <Drawer open={id !== null} onClose={onClose} title={r ? `入库单 ${r.docNo}` : '入库单'} size={1000}>
      {r && (
        <>
          <Descriptions size="small" column={{ xs: 1, md: 3 }} bordered>
            <Descriptions.Item label="配送企业">{r.supplierName}</Descriptions.Item>
            <Descriptions.Item label="采购订单">{r.poDocNo}</Descriptions.Item>
            <Descriptions.Item label="状态">
              <StatusTag status={r.status} />
            </Descriptions.Item>
            <Descriptions.Item label="入库日期">{r.businessDate}</Descriptions.Item>
            <Descriptions.Item label="发票">
              {r.invoiceNo} {r.invoiceDate}
            </Descriptions.Item>
            <Descriptions.Item label="经办人">{r.createdByName}</Descriptions.Item>
            <Descriptions.Item label="金额">
              <Money fen={r.totalAmount} prefix strong />
            </Descriptions.Item>
            {r.reverseReason && <Descriptions.Item label="冲销原因">{r.reverseReason}</Descriptions.Item>}
            <Descriptions.Item label="随货同行单号">{r.acceptance?.deliveryNoteNo ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="验收">
              {r.acceptance
                ? `${r.acceptance.acceptedOn} ${r.acceptance.acceptorName}${r.acceptance.secondAcceptorName ? `、${r.acceptance.secondAcceptorName}` : ''}`
                : '升级前入库，无验收记录'}
            </Descriptions.Item>
          </Descriptions>
          <Button style={{ marginTop: 12 }} onClick={() => navigate(`/print/acceptance/receipt/${r.id}`)}>
            打印药品验收记录
          </Button>
          <Table
            style={{ marginTop: 16 }}
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={r.lines}
            columns={[
              { title: '药品', key: 'drug', render: (_, l) => <DrugName name={l.drugName} spec={l.spec} manufacturer={l.manufacturer} /> },
              { title: '批号', dataIndex: 'batchNo' },
              { title: '有效期至', dataIndex: 'expiryDate' },
              { title: '到货', dataIndex: 'qty', align: 'right', render: (q: number, l) => <Qty qty={q} drug={l} /> },
              {
                title: '验收',
                key: 'acceptance',
                render: (_, l) =>
                  l.acceptance ? (
                    <span>
                      {CONCLUSION_LABELS[l.acceptance.conclusion]}
                      {l.acceptance.rejectedQty > 0 && (
                        <>
                          ，拒收 <Qty qty={l.acceptance.rejectedQty} drug={l} />（{REJECT_REASON_LABELS[l.acceptance.rejectReason!]}）
                        </>
                      )}
                      {l.acceptance.arrivalTemp !== null && ` · 到货 ${formatTemp(l.acceptance.arrivalTemp)}`}
                    </span>
                  ) : (
                    '—'
                  ),
              },
              { title: '单价', dataIndex: 'packPrice', align: 'right', render: (p: number, l) => `${formatUnitPrice(p)}/${l.packUnit}` },
              { title: '金额', dataIndex: 'amount', align: 'right', render: (a: number) => <Money fen={a} /> },
              {
                title: '追溯码',
                dataIndex: 'traceCodes',
                render: (c: string[]) => (c.length ? <Typography.Text copyable={{ text: c.join('\n') }}>{c.length} 个</Typography.Text> : ''),
              },
            ]}
          />
          {r.status === 'posted' && canReverse && (
            <Space style={{ marginTop: 16 }}>
              <Input placeholder="冲销原因（必填）" value={reason} onChange={(e) => setReason(e.target.value)} style={{ width: 280 }} maxLength={200} />
              <Popconfirm
                title="冲销后该入库单的药品全部从中心库减去，订单的已收数量恢复。确定冲销？"
                onConfirm={() => reverse.mutate({ id: r.id, reason })}
                okText="冲销"
                cancelText="取消"
                disabled={!reason.trim()}
              >
                <Button danger disabled={!reason.trim()} loading={reverse.isPending}>
                  冲销入库单
                </Button>
              </Popconfirm>
            </Space>
          )}
        </>
      )}
    </Drawer>
  );
}

export default function ReceiptsPage() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const fromOrder = Number(params.get('order')) || undefined;
  const [receiving, setReceiving] = useState(fromOrder !== undefined);
  const [next, setNext] = useState<NextStepInfo | null>(null);
  const addTitle = useShortcutTitle('add');
  const [viewing, setViewing] = useState<number | null>(null);
  const receipts = useApiQuery('receipts.list', { limit: 200 });
  const canReceive = useCan('receipts.create');
  usePageShortcut('add', '验收入库（新的入库单）', () => setReceiving(true), !receiving && canReceive);
  return (
    <Page
      title="验收入库"
      subTitle="按采购订单验收到货，录入批号、效期与追溯码后入中心药库；拒收的进入不合格品区"
      extra={
        <>
          <Button onClick={() => navigate(`/print/acceptance/month/${todayIso().slice(0, 7)}`)}>本月药品验收记录</Button>
          {canReceive && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setReceiving(true)} title={addTitle}>
              验收入库
            </Button>
          )}
        </>
      }
    >
      <NextStep step={next} onClose={() => setNext(null)} />
      <Table<Omit<Receipt, 'lines' | 'acceptance'> & { lineCount: number }>
        rowKey="id"
        {...DENSE_LIST}
        loading={receipts.isLoading}
        dataSource={receipts.data}
        scroll={{ x: 900 }}
        onRow={(r) => ({ onDoubleClick: () => setViewing(r.id) })}
        columns={[
          {
            title: '入库单号',
            dataIndex: 'docNo',
            render: (d: string, r) => (
              <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setViewing(r.id)}>
                {d}
              </Button>
            ),
          },
          { title: '入库日期', dataIndex: 'businessDate', width: 110 },
          { title: '配送企业', dataIndex: 'supplierName' },
          { title: '采购订单', dataIndex: 'poDocNo' },
          { title: '发票号', dataIndex: 'invoiceNo' },
          { title: '品规数', dataIndex: 'lineCount', align: 'right', width: 80 },
          { title: '金额（元）', dataIndex: 'totalAmount', align: 'right', render: (a: number) => <Money fen={a} /> },
          { title: '状态', dataIndex: 'status', width: 90, render: (s: string) => <StatusTag status={s} /> },
          { title: '经办人', dataIndex: 'createdByName', width: 90 },
        ]}
      />
      <ReceiveDrawer
        open={receiving}
        initialPoId={fromOrder}
        onClose={() => {
          setReceiving(false);
          if (fromOrder !== undefined) setParams({}, { replace: true });
        }}
        onPosted={setNext}
      />
      <ReceiptDetailDrawer id={viewing} onClose={() => setViewing(null)} />
    </Page>
  );
}
