import { useEffect, useState } from 'react';
import { App, Alert, Button, Card, Empty, Input, List, Popconfirm, Space, Tag, Typography } from 'antd';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { Money, Qty } from '../../components/format';
import { QtyInput } from '../../components/QtyInput';
import { DeliveryList } from '../stock/DeliveriesPage';
import { ScanInput, type ScanResult } from '../../components/ScanInput';
import { PACKAGE_LEVEL_SHORT } from '../../../../shared/tracePackages';
import { useApiLookup } from '../trace/useTraceLookup';

interface LineState {
  receivedQty: number | null;
  reason: string;
}

/**
 * Signing for one delivery line by line, on a phone: what arrived, and why not all of it. Once the doctor scans
 * boxes of the delivery she signs by scanning: a line's 实收 may claim no more coded boxes than she scanned (the
 * server refuses it too), and one button sets every line's 实收 to what she scanned.
 */
function SignCard({ id }: { id: number }) {
  const { message } = App.useApp();
  const delivery = useApiQuery('deliveries.get', { id });
  const lookup = useApiLookup();
  const [lines, setLines] = useState<Record<number, LineState>>({});
  const [note, setNote] = useState('');
  /** The codes as scanned (a carton as itself: the server expands it), sent with the sign-off. */
  const [scanned, setScanned] = useState<string[]>([]);
  /** The delivery's boxes the scans stand for (a carton's boxes on this delivery included). */
  const [arrived, setArrived] = useState<string[]>([]);
  /** Codes not on this delivery: flagged when signed. */
  const [foreign, setForeign] = useState<string[]>([]);
  const sign = useApiMutation('deliveries.sign', {
    onSuccess: (d) => {
      message.success(d.status === 'signed' ? `${d.docNo} 已签收入库` : `${d.docNo} 已签收，差异已通知中心库`);
      for (const n of d.traceNotices) message.warning(n.message, 8);
    },
  });
  const d = delivery.data;
  useEffect(() => {
    if (d) setLines(Object.fromEntries(d.lines.map((l) => [l.id, { receivedQty: l.qty, reason: '' }])));
  }, [d]);
  if (!d) return <Card loading />;
  const coded = d.lines.reduce((n, l) => n + l.boxes.length, 0);
  type Line = (typeof d.lines)[number];
  const onDelivery = (code: string) => d.lines.find((l) => l.boxes.some((b) => b.code === code));
  const scannedOn = (l: Line, also: string[] = []) => l.boxes.filter((b) => arrived.includes(b.code) || also.includes(b.code)).length;
  const byScan = arrived.length > 0;
  /** What the scans say arrived on a line: its scanned boxes and its uncoded quantity (无码库存). */
  const asScanned = (l: Line) => scannedOn(l) * l.packSize + Math.max(0, l.qty - l.boxes.length * l.packSize);
  /** Boxes the line's 实收 claims beyond what was scanned (signing by scanning only). */
  const unscannedClaimed = (l: Line) => {
    const r = lines[l.id]?.receivedQty;
    return byScan && r != null && r > asScanned(l) ? Math.ceil((r - asScanned(l)) / l.packSize) : 0;
  };

  async function scan(code: string): Promise<ScanResult> {
    if (scanned.includes(code) || arrived.includes(code)) return { tone: 'warn', kind: 'duplicate', message: `${code} 已经扫过` };
    const line = onDelivery(code);
    if (line) {
      setScanned([...scanned, code]);
      setArrived([...arrived, code]);
      return { tone: 'ok', kind: 'accepted', message: `${line.drugName}：已扫 ${scannedOn(line, [code])}/${line.boxes.length} 盒` };
    }
    // A carton or middle pack stands for its boxes on this delivery, as the server reads it.
    const found = await lookup(code).catch(() => null);
    const mine = found?.package?.boxes.map((b) => b.code).filter((c) => onDelivery(c)) ?? [];
    if (!found?.package || mine.length === 0) {
      setScanned([...scanned, code]);
      setForeign([...foreign, code]);
      return { tone: 'error', kind: 'not_on_delivery', message: `${code} 不在本配送单上：签收时会报告中心库` };
    }
    const label = PACKAGE_LEVEL_SHORT[found.package.level];
    const again = mine.filter((c) => arrived.includes(c));
    if (again.length) return { tone: 'warn', message: `${label} ${code} 中的 ${again[0]} 已经单独扫过：请逐盒扫其余的盒` };
    setScanned([...scanned, code]);
    setArrived([...arrived, ...mine]);
    const first = onDelivery(mine[0])!;
    return {
      tone: 'ok',
      kind: 'accepted',
      message: `${label} ${code}：${mine.length} 盒，${first.drugName} 已扫 ${scannedOn(first, mine)}/${first.boxes.length} 盒`,
    };
  }
  function fillFromScans() {
    setLines(Object.fromEntries(d!.lines.map((l) => [l.id, { receivedQty: asScanned(l), reason: lines[l.id]?.reason ?? '' }])));
  }
  const missingBoxes = d.lines.reduce((n, l) => n + l.boxes.length - scannedOn(l), 0);
  const short = d.lines.filter((l) => {
    const r = lines[l.id]?.receivedQty;
    return r != null && r < l.qty;
  });
  const problems = d.lines.filter((l) => {
    const s = lines[l.id];
    return s && (s.receivedQty === null || (s.receivedQty < l.qty && !s.reason.trim()) || unscannedClaimed(l) > 0);
  });
  const problemText = (l: Line) => {
    if (lines[l.id]?.receivedQty === null) return `${l.drugName} 实收数量`;
    if (unscannedClaimed(l) > 0) return `${l.drugName} 未扫的 ${unscannedClaimed(l)} 盒（扫码，或按扫码数填写实收）`;
    return `${l.drugName} 差异原因`;
  };
  return (
    <Card
      title={
        <Space wrap>
          {d.docNo}
          <Typography.Text type="secondary">{d.businessDate} 出库</Typography.Text>
        </Space>
      }
      extra={<Money fen={d.totalAmount} prefix />}
      style={{ marginBottom: 16 }}
    >
      {coded > 0 && (
        <div style={{ marginBottom: 8 }}>
          <ScanInput label="扫码签收" placeholder="逐盒扫码核对到货（回车）" onScan={scan} />
          <Typography.Text type="secondary">
            本单 {coded} 盒有追溯码，已扫 {arrived.length} 盒
            {foreign.length > 0 && <Typography.Text type="danger">；不在本单上的码 {foreign.length} 个</Typography.Text>}
          </Typography.Text>
          {byScan && missingBoxes > 0 && (
            <Alert
              type="warning"
              showIcon
              style={{ marginTop: 8 }}
              title={`还有 ${missingBoxes} 盒没有扫到`}
              description={
                <>
                  找到的盒请接着扫；没到的，按扫码数填写实收并写明差异原因，它们留在途中由中心库处理。
                  {/* Full width under the text: the phone has no room beside it. */}
                  <Button type="primary" block style={{ marginTop: 8 }} onClick={fillFromScans}>
                    按扫码数填写实收
                  </Button>
                </>
              }
            />
          )}
        </div>
      )}
      <List
        dataSource={d.lines}
        renderItem={(l) => {
          const s = lines[l.id] ?? { receivedQty: l.qty, reason: '' };
          const short = s.receivedQty !== null && s.receivedQty < l.qty;
          return (
            <List.Item style={{ display: 'block' }}>
              <Typography.Text strong>{l.drugName}</Typography.Text> <Typography.Text type="secondary">{l.spec}</Typography.Text>
              <div className="muted">
                批号 {l.batchNo} · 效期 {l.expiryDate} · 配送 <Qty qty={l.qty} drug={l} />
                {l.boxes.length > 0 && (
                  <Tag color={scannedOn(l) === l.boxes.length ? 'green' : 'default'} style={{ marginLeft: 6 }}>
                    已扫 {scannedOn(l)}/{l.boxes.length} 盒
                  </Tag>
                )}
              </div>
              <Space wrap style={{ marginTop: 6 }}>
                <span>实收</span>
                <QtyInput drug={l} value={s.receivedQty} max={l.qty} onChange={(q) => setLines({ ...lines, [l.id]: { ...s, receivedQty: q } })} />
                {short && (
                  <Tag color="orange">
                    少 <Qty qty={l.qty - (s.receivedQty ?? 0)} drug={l} />
                  </Tag>
                )}
              </Space>
              {unscannedClaimed(l) > 0 && (
                <Typography.Text type="danger" style={{ display: 'block', marginTop: 4 }}>
                  实收含未扫的 {unscannedClaimed(l)} 盒：请扫码，或按扫码数填写实收（
                  <Qty qty={asScanned(l)} drug={l} />）
                </Typography.Text>
              )}
              {short && (
                <Input
                  style={{ marginTop: 6 }}
                  placeholder="差异原因（必填），如：破损一盒、少送一盒"
                  value={s.reason}
                  status={s.reason.trim() ? undefined : 'error'}
                  onChange={(e) => setLines({ ...lines, [l.id]: { ...s, reason: e.target.value } })}
                  maxLength={200}
                  aria-label={`${l.drugName} 差异原因`}
                />
              )}
            </List.Item>
          );
        }}
      />
      <Input.TextArea
        placeholder="签收备注（可不填）"
        value={note}
        onChange={(e) => setNote(e.target.value)}
        autoSize
        maxLength={200}
        style={{ marginTop: 8 }}
      />
      {/* Why the button cannot be pressed yet, where the doctor looks: under it. */}
      {problems.length > 0 && (
        <Typography.Text type="danger" style={{ display: 'block', marginTop: 8 }} role="alert">
          请先填写：{problems.map(problemText).join('、')}
        </Typography.Text>
      )}
      <Popconfirm
        title={`签收 ${d.docNo}？`}
        description={
          short.length > 0 ? `其中 ${short.length} 种药品实收少于配送，差异将通知中心库。签收后计入本室库存。` : '实收与配送一致，签收后计入本室库存。'
        }
        okText="确认无误，签收"
        cancelText="再看看"
        disabled={problems.length > 0}
        onConfirm={() =>
          sign.mutate({
            id: d.id,
            note: note || null,
            lines: d.lines.map((l) => ({ lineId: l.id, receivedQty: lines[l.id]?.receivedQty ?? 0, reason: lines[l.id]?.reason || null })),
            scannedCodes: scanned,
          })
        }
      >
        <Button type="primary" block size="large" style={{ marginTop: 12 }} disabled={problems.length > 0} loading={sign.isPending}>
          确认签收
        </Button>
      </Popconfirm>
    </Card>
  );
}

export default function SignDeliveriesPage() {
  const inTransit = useApiQuery('deliveries.list', { status: 'in_transit', limit: 50 });
  return (
    <Page title="配送签收" subTitle="核对到货的药品，逐行填写实收数量；签收后才计入本室库存">
      {inTransit.data?.length === 0 && <Alert type="success" showIcon title="没有待签收的配送单" style={{ marginBottom: 16 }} />}
      {inTransit.isLoading && <Card loading />}
      {inTransit.data?.map((d) => (
        <SignCard key={d.id} id={d.id} />
      ))}
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        全部配送单
      </Typography.Title>
      <DeliveryList clinicView />
      {!inTransit.data && !inTransit.isLoading && <Empty />}
    </Page>
  );
}
