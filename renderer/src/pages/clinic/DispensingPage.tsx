import { useCallback, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { App, Button, Card, Col, DatePicker, Empty, Input, List, Popconfirm, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { DeleteOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import type { z } from 'zod';
import type { DrugHit } from '../../../../shared/contract/catalog';
import type { dispensingEntry } from '../../../../shared/contract/stock';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { DrugPicker } from '../../components/DrugPicker';
import { QtyInput, toHalfWidthDigits } from '../../components/QtyInput';
import { Money, Qty, StatusTag } from '../../components/format';
import { toIsoDate, todayIso } from '../../components/dates';
import { useSession } from '../../stores/session';
import { isAfterHubToday } from '../../components/hubClock';
import { formatFen } from '../../../../shared/money';
import { ScanInput } from '../../components/ScanInput';
import { useApiLookup } from '../trace/useTraceLookup';
import { formatQty } from '../../../../shared/units';
import { BOOK_HIDDEN_TEXT } from '../../../../shared/stocktake';
import { formatChinaDateTime } from '../../components/hubClock';

type Entry = z.infer<typeof dispensingEntry>;
type DraftDrug = Pick<DrugHit, 'id' | 'genericName' | 'spec' | 'packUnit' | 'baseUnit' | 'packSize'> & { stockQty?: number | null };
interface DraftLine {
  drug: DraftDrug;
  qty: number;
  /** Boxes scanned for this line (追溯码, as the server spells them). */
  codes: string[];
}

/** What the draft already takes of a drug (a drug may be listed twice). */
const draftQty = (lines: DraftLine[], drugId: number) => lines.filter((l) => l.drug.id === drugId).reduce((n, l) => n + l.qty, 0);

/** Why a quantity cannot be dispensed from the shelf, in the words the doctor sees on it; null when it can. */
function shortageOf(drug: DrugHit, qty: number, lines: DraftLine[]): string | null {
  if (drug.stockQty === null) return null; // a blind count hides the book: the server decides
  const left = drug.stockQty - draftQty(lines, drug.id);
  const unit = { packSize: drug.packSize, packUnit: drug.packUnit, baseUnit: drug.baseUnit };
  if (left <= 0) return drug.stockQty === 0 ? `${drug.genericName}：本室无库存` : `${drug.genericName}：本次已登记完本室的库存`;
  if (qty > left)
    return `${drug.genericName}：可用 ${formatQty(left, unit.packSize, unit.packUnit, unit.baseUnit)}，不能登记 ${formatQty(qty, unit.packSize, unit.packUnit, unit.baseUnit)}`;
  return null;
}

/** What the shelf holds of the chosen drug, less what this entry already lists: "本室无库存" or "可用 3盒". */
function StockHint({ drug, inDraft }: { drug: DrugHit; inDraft: number }) {
  if (drug.bookHidden) return <Typography.Text type="secondary">库存：{BOOK_HIDDEN_TEXT}</Typography.Text>;
  if (drug.stockQty === null) return null;
  const left = drug.stockQty - inDraft;
  // Expired lots are on the shelf but cannot be used: said beside the usable figure, never added to it.
  const expired = (drug.expiredQty ?? 0) > 0 && (
    <Typography.Text type="warning">
      {' '}
      另有过期 <Qty qty={drug.expiredQty} drug={drug} />
    </Typography.Text>
  );
  if (drug.stockQty === 0)
    return (
      <span>
        <Typography.Text type="danger">本室无库存</Typography.Text>
        {expired}
      </span>
    );
  return (
    <span>
      <Typography.Text type={left > 0 ? 'secondary' : 'danger'}>
        可用 <Qty qty={Math.max(left, 0)} drug={drug} />
      </Typography.Text>
      {expired}
    </span>
  );
}

const newToken = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;

/** Which clinic: a village doctor's own; the pharmacist picks one when entering on a clinic's behalf. */
function useClinicChoice() {
  const user = useSession((s) => s.user)!;
  const stores = useApiQuery('stock.stores', {});
  const clinicStores = (stores.data ?? []).filter((s) => s.kind === 'clinic');
  const [chosen, setChosen] = useState<number>();
  const clinicId = user.role === 'village_doctor' ? user.clinicId! : (chosen ?? clinicStores[0]?.clinicId ?? undefined);
  const storeId = clinicStores.find((s) => s.clinicId === clinicId)?.id;
  return { user, clinicStores, clinicId, storeId, setChosen };
}

function TodayEntries({ clinicId, date }: { clinicId: number; date: string }) {
  const entries = useApiQuery('dispensing.list', { clinicId, from: date, to: date });
  const [reasons, setReasons] = useState<Record<number, string>>({});
  const reverse = useApiMutation('dispensing.reverse', {
    success: '已冲销，药品回到原批次',
  });
  const posted = (entries.data ?? []).filter((e) => e.status === 'posted');
  const total = posted.reduce((n, e) => n + e.totalAmount, 0);
  return (
    <Card
      title={`${date === todayIso() ? '今日' : date} 用药登记`}
      extra={
        <Typography.Text type="secondary">
          {posted.length} 笔 · 成本 <Money fen={total} prefix />
        </Typography.Text>
      }
    >
      <List<Entry>
        loading={entries.isLoading}
        dataSource={entries.data}
        locale={{ emptyText: <Empty description="还没有登记" /> }}
        renderItem={(e) => (
          <List.Item
            key={e.id}
            actions={
              e.status === 'posted'
                ? [
                    <Space.Compact key="rev" size="small">
                      <Input
                        placeholder="冲销原因"
                        value={reasons[e.id] ?? ''}
                        onChange={(ev) => setReasons({ ...reasons, [e.id]: ev.target.value })}
                        style={{ width: 110 }}
                        maxLength={200}
                      />
                      <Popconfirm
                        title="冲销这笔登记？药品将回到原批次。"
                        disabled={!reasons[e.id]?.trim()}
                        onConfirm={() => reverse.mutate({ id: e.id, reason: reasons[e.id] })}
                      >
                        <Button danger disabled={!reasons[e.id]?.trim()}>
                          冲销
                        </Button>
                      </Popconfirm>
                    </Space.Compact>,
                  ]
                : []
            }
          >
            <List.Item.Meta
              title={
                <Space wrap size={4}>
                  {formatChinaDateTime(e.createdAt, false).slice(11)}
                  {e.rxNo && <Tag>处方 {e.rxNo}</Tag>}
                  {e.visitNo && <Tag>就诊 {e.visitNo}</Tag>}
                  {e.status !== 'posted' && <StatusTag status={e.status} />}
                  {e.reverseReason && <Typography.Text type="secondary">（{e.reverseReason}）</Typography.Text>}
                </Space>
              }
              description={e.lines.map((l) => (
                <div key={l.id} style={e.status !== 'posted' ? { textDecoration: 'line-through' } : undefined}>
                  {l.drugName} {l.spec} × <Qty qty={l.qty} drug={l} />
                  <Typography.Text type="secondary">
                    {' '}
                    批号 {l.lots.map((x) => x.batchNo).join('、')} · <Money fen={l.amount} /> 元
                  </Typography.Text>
                </div>
              ))}
            />
          </List.Item>
        )}
      />
    </Card>
  );
}

/** 用药登记: fast daily entry from the keyboard — find a drug, type the quantity, Enter, next. */
export default function DispensingPage() {
  const { message } = App.useApp();
  const { user, clinicStores, clinicId, storeId, setChosen } = useClinicChoice();
  const [date, setDate] = useState(todayIso());
  const [lines, setLines] = useState<DraftLine[]>([]);
  const [current, setCurrent] = useState<DrugHit | null>(null);
  const [qty, setQty] = useState<number | null>(null);
  const [shortage, setShortage] = useState<string | null>(null);
  const [rxNo, setRxNo] = useState('');
  const [visitNo, setVisitNo] = useState('');
  const [token, setToken] = useState(newToken);
  const qtyBox = useRef<HTMLDivElement>(null);
  const pickerKey = useRef(0);
  const [pickerGen, setPickerGen] = useState(0);

  const focusPicker = useCallback(() => {
    pickerKey.current += 1;
    setPickerGen(pickerKey.current);
  }, []);

  const create = useApiMutation('dispensing.create', {
    onSuccess: (e) => {
      message.success(`已登记 ${e.lines.length} 种药品，成本 ¥${formatFen(e.totalAmount)}`);
      for (const n of e.traceNotices) message.warning(n.message, 8);
      setLines([]);
      setRxNo('');
      setVisitNo('');
      setToken(newToken());
      focusPicker();
    },
  });

  function choose(hit: DrugHit, typedAhead: string) {
    // Digits typed before the search answered are the quantity (in base units, the unit the box opens in).
    const digits = toHalfWidthDigits(typedAhead);
    // The quantity box is drawn and focused before this task ends: a key pressed meanwhile would land in the
    // picker and start a new search (the "12" that picked 维生素B12).
    flushSync(() => {
      setCurrent(hit);
      setShortage(null);
      setQty(/^\d+$/.test(digits) ? Number(digits) : null);
    });
    const box = qtyBox.current?.querySelector('input');
    box?.focus();
    box?.setSelectionRange(box.value.length, box.value.length);
  }

  /** The line being typed, checked against what the shelf holds; null (with the reason on screen) when it cannot be added. */
  function currentLine(): DraftLine | null {
    if (!current || !qty) return null;
    const problem = shortageOf(current, qty, lines);
    setShortage(problem);
    return problem ? null : { drug: current, qty, codes: [] };
  }

  function addLine() {
    const line = currentLine();
    if (!line) return;
    setLines([...lines, line]);
    setCurrent(null);
    setQty(null);
    focusPicker();
  }

  const lookup = useApiLookup();
  /** A scanned box joins its drug's line (one pack per box; 拆零: change the quantity after scanning). */
  async function scanBox(code: string) {
    if (lines.some((l) => l.codes.includes(code))) return { tone: 'warn' as const, kind: 'duplicate' as const, message: `${code} 已经扫过` };
    const found = await lookup(code);
    if (!found.drug) return { tone: 'error' as const, message: `认不出追溯码 ${code} 是哪种药品：请先在上方选药再扫码` };
    const drug = found.drug;
    const i = lines.findIndex((l) => l.drug.id === drug.drugId);
    const base = { id: drug.drugId, genericName: drug.drugName, spec: drug.spec, packUnit: drug.packUnit, baseUnit: drug.baseUnit, packSize: drug.packSize };
    if (i < 0) setLines([...lines, { drug: base, qty: drug.packSize, codes: [code] }]);
    else setLines(lines.map((l, j) => (j === i ? { ...l, qty: l.codes.length === 0 ? l.qty : l.qty + drug.packSize, codes: [...l.codes, code] } : l)));
    const here = found.box?.state === 'in_stock' || found.box?.state === 'opened';
    return here
      ? { tone: 'ok' as const, kind: 'accepted' as const, message: `${drug.drugName} ${drug.spec}：已扫 ${code}` }
      : { tone: 'warn' as const, message: `${drug.drugName}：${found.box ? '这盒药不在本室的账上' : '卫生院没有这个码的入库记录'}，登记时将记为异常` };
  }

  /** Ctrl+Enter posts what is listed, with the line being typed when it has a quantity. */
  function submit() {
    if (!clinicId) return;
    const typed = current && qty ? currentLine() : null;
    if (current && qty && !typed) return;
    const all = typed ? [...lines, typed] : lines;
    if (all.length === 0) return;
    if (typed) {
      setLines(all);
      setCurrent(null);
      setQty(null);
    }
    create.mutate({
      clinicId,
      businessDate: date,
      rxNo: rxNo || null,
      visitNo: visitNo || null,
      clientToken: token,
      lines: all.map((l) => ({ drugId: l.drug.id, qty: l.qty, traceCodes: l.codes })),
    });
  }

  const totalLines = useMemo(() => lines.length, [lines]);
  return (
    <Page
      title="用药登记"
      subTitle={
        <>
          输入拼音首字母找药，回车选中，输入数量再回车；批次按先到期先用自动扣减。
          <span className="kbd-hint">Ctrl+Enter 提交本次登记。</span>
        </>
      }
      extra={
        <>
          {user.role !== 'village_doctor' && (
            <Select
              style={{ width: 220 }}
              value={clinicId}
              onChange={(id) => {
                setChosen(id);
                setLines([]);
              }}
              options={clinicStores.map((s) => ({ value: s.clinicId!, label: `${s.clinicCode} ${s.name}` }))}
              aria-label="村卫生室"
            />
          )}
          <DatePicker
            value={dayjs(date)}
            onChange={(d) => d && setDate(toIsoDate(d)!)}
            allowClear={false}
            disabledDate={isAfterHubToday}
            aria-label="业务日期"
          />
        </>
      }
    >
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={13}>
          <Card
            title="本次登记"
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                submit();
              }
            }}
          >
            <Space orientation="vertical" style={{ width: '100%' }}>
              <ScanInput label="扫码登记" placeholder="扫药盒追溯码（回车）：自动加入该药，每盒一包装" autoFocus={false} onScan={scanBox} />
              <DrugPicker
                key={pickerGen}
                storeId={storeId}
                onSelect={choose}
                focusAfterSelect="caller"
                autoFocus
                placeholder="药品：拼音首字母、名称或医保编码"
                size="large"
              />
              {current && (
                <div className="dispense-current">
                  <Space wrap size={[8, 4]}>
                    <Typography.Text strong>{current.genericName}</Typography.Text>
                    <Typography.Text type="secondary">{current.spec}</Typography.Text>
                    <StockHint drug={current} inDraft={draftQty(lines, current.id)} />
                  </Space>
                  <Space wrap size={[8, 4]}>
                    <div ref={qtyBox}>
                      <QtyInput
                        drug={current}
                        value={qty}
                        onChange={(q) => {
                          setQty(q);
                          setShortage(null);
                        }}
                        defaultUnit="base"
                        onPressEnter={addLine}
                        size="large"
                      />
                    </div>
                    <Button onClick={addLine} disabled={!qty} size="large">
                      加入<span className="kbd-hint">（回车）</span>
                    </Button>
                  </Space>
                  {shortage && (
                    <Typography.Text type="danger" role="alert">
                      {shortage}
                    </Typography.Text>
                  )}
                </div>
              )}
              <Table<DraftLine>
                rowKey={(l, i) => `${l.drug.id}-${i}`}
                size="small"
                pagination={false}
                dataSource={lines}
                locale={{ emptyText: '尚未加入药品' }}
                columns={[
                  { title: '药品', key: 'drug', render: (_, l) => `${l.drug.genericName} ${l.drug.spec}` },
                  { title: '数量', key: 'qty', align: 'right', render: (_, l) => <Qty qty={l.qty} drug={l.drug} showBase /> },
                  { title: '扫码', key: 'codes', align: 'right', width: 56, render: (_, l) => (l.codes.length ? `${l.codes.length}盒` : '') },
                  {
                    title: '',
                    key: 'del',
                    width: 40,
                    render: (_, __, i) => (
                      <Button
                        type="text"
                        size="small"
                        danger
                        icon={<DeleteOutlined />}
                        aria-label="删除"
                        onClick={() => setLines(lines.filter((_, j) => j !== i))}
                      />
                    ),
                  },
                ]}
              />
              <Row gutter={8}>
                <Col span={12}>
                  <Input placeholder="处方号（可不填）" value={rxNo} onChange={(e) => setRxNo(e.target.value)} maxLength={40} aria-label="处方号" />
                </Col>
                <Col span={12}>
                  <Input placeholder="就诊号（可不填）" value={visitNo} onChange={(e) => setVisitNo(e.target.value)} maxLength={40} aria-label="就诊号" />
                </Col>
              </Row>
              <Button type="primary" size="large" block disabled={totalLines === 0} loading={create.isPending} onClick={submit}>
                登记（{totalLines} 种药品）
              </Button>
            </Space>
          </Card>
        </Col>
        <Col xs={24} lg={11}>
          {clinicId && <TodayEntries clinicId={clinicId} date={date} />}
        </Col>
      </Row>
    </Page>
  );
}
