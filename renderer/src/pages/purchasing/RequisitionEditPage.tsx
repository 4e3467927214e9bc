import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { App, Alert, Button, Card, Descriptions, Empty, Grid, Input, Result, Select, Space, Spin, Table, Tag, Tooltip, Typography } from 'antd';
import { DeleteOutlined, QuestionCircleOutlined, SaveOutlined, SendOutlined, UndoOutlined } from '@ant-design/icons';
import type { RequisitionDetail, RequisitionLine, StockInfo } from '../../../../shared/contract/requisitions';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { useSession } from '../../stores/session';
import { Page } from '../../components/Page';
import { DrugPicker } from '../../components/DrugPicker';
import { QtyInput, type QtyUnit } from '../../components/QtyInput';
import { AMC_FORMULA, dateTime, DecisionTag, DrugTags, qtyText, RequisitionStatusTag, suggestionFormula } from './format';
import { BookHidden, Qty } from '../../components/format';
import { LineNotices, SwitchedQty } from './LineNotices';
import { newToken } from './token';
import { shortcutTitle, usePageShortcut } from '../../app/shortcuts';

/** One line being edited. Quantities are base units; `unit` is how the doctor types it. */
interface EditLine {
  drugId: number;
  drugName: string;
  spec: string;
  manufacturer: string;
  packSize: number;
  packUnit: string;
  baseUnit: string;
  insuranceClass: 'A' | 'B' | 'none';
  vbp: boolean;
  qty: number | null;
  unit: QtyUnit;
  note: string | null;
}

const fromSaved = (l: RequisitionLine): EditLine => ({
  drugId: l.drugId,
  drugName: l.drugName,
  spec: l.spec,
  manufacturer: l.manufacturer,
  packSize: l.packSize,
  packUnit: l.packUnit,
  baseUnit: l.baseUnit,
  insuranceClass: l.insuranceClass,
  vbp: l.vbp,
  qty: l.requestedQty,
  unit: l.enteredIn,
  note: l.note,
});

function StockFigures({ info, line, onUseSuggestion }: { info: StockInfo | undefined; line: EditLine; onUseSuggestion(): void }) {
  if (!info) return <Spin size="small" />;
  return (
    <div className="stock-figures">
      <span>库存 {info.bookHidden ? <BookHidden /> : <Qty qty={info.stockOnHand} drug={line} showBase="tooltip" />}</span>
      <Tooltip title={`${AMC_FORMULA} 本药：近 ${info.windowDays} 天用 ${info.consumed}${line.baseUnit}，有库存 ${info.daysInStock} 天。`}>
        <span className="help">
          月均 <Qty qty={info.amc} drug={line} showBase="tooltip" />
        </span>
      </Tooltip>
      <span>
        在途 <Qty qty={info.inTransit} drug={line} showBase="tooltip" />
      </span>
      <Tooltip title={info.bookHidden ? '本药正在盲盘：建议量由库存算出，盘点审核后再显示' : suggestionFormula(info.targetMonths)}>
        <span className="help">
          建议 <Qty qty={info.suggestedQty} drug={line} showBase="tooltip" strong />
        </span>
      </Tooltip>
      {info.suggestedQty !== null && info.suggestedQty > 0 && line.qty !== info.suggestedQty && (
        <Button size="small" type="link" onClick={onUseSuggestion} style={{ padding: 0 }}>
          按建议
        </Button>
      )}
    </div>
  );
}

/** A submitted requisition, read-only, with the hub's decision on every line. */
function DecisionsView({ r }: { r: RequisitionDetail }) {
  const narrow = !Grid.useBreakpoint().md;
  if (narrow) {
    return (
      <div className="card-list">
        {r.lines.map((l) => (
          <Card key={l.id} size="small">
            <div className="req-card-head">
              <strong>{l.drugName}</strong>
              <DecisionTag decision={l.decision} />
            </div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {l.spec} · {l.manufacturer}
            </Typography.Text>
            <div>
              请领 <strong>{qtyText(l.requestedQty, l)}</strong>
              {l.decision !== 'pending' && (
                <>
                  {' '}
                  → 核准 <strong>{qtyText(l.approvedQty ?? 0, l)}</strong>
                </>
              )}
            </div>
            {l.issuedQty > 0 && <div>已配送 {qtyText(l.issuedQty, l)}</div>}
            {l.originalDrug && (
              <Tag color="magenta">
                原请领 {l.originalDrug.drugName} {l.originalDrug.spec}，药库改为集采药品
              </Tag>
            )}
            <SwitchedQty line={l} />
            <LineNotices line={l} />
            {l.decisionReason && <Alert type={l.decision === 'rejected' ? 'error' : 'warning'} showIcon title={l.decisionReason} style={{ marginTop: 6 }} />}
          </Card>
        ))}
      </div>
    );
  }
  return (
    <Table<RequisitionLine>
      rowKey="id"
      size="middle"
      pagination={false}
      dataSource={r.lines}
      scroll={{ x: 900 }}
      columns={[
        { title: '行', dataIndex: 'lineNo', width: 50 },
        {
          title: '药品',
          key: 'drug',
          render: (_, l) => (
            <div>
              <strong>{l.drugName}</strong> <DrugTags insuranceClass={l.insuranceClass} vbp={l.vbp} />
              <div className="muted">
                {l.spec} · {l.manufacturer}
              </div>
              {l.originalDrug && (
                <Tag color="magenta">
                  原请领 {l.originalDrug.drugName} {l.originalDrug.spec}，药库改为集采药品
                </Tag>
              )}
              <SwitchedQty line={l} />
              <LineNotices line={l} />
            </div>
          ),
        },
        { title: '请领数量', dataIndex: 'requestedQty', width: 150, align: 'right', render: (q: number, l) => qtyText(q, l) },
        { title: '审核', dataIndex: 'decision', width: 90, render: (d: RequisitionLine['decision']) => <DecisionTag decision={d} /> },
        { title: '核准数量', dataIndex: 'approvedQty', width: 150, align: 'right', render: (q: number | null, l) => (q === null ? '—' : qtyText(q, l)) },
        { title: '原因', dataIndex: 'decisionReason', render: (v: string | null) => v ?? '' },
        { title: '已配送', dataIndex: 'issuedQty', width: 110, align: 'right', render: (q: number, l) => (q ? qtyText(q, l) : '—') },
      ]}
    />
  );
}

export default function RequisitionEditPage() {
  const { id: idParam } = useParams();
  const id = idParam && idParam !== 'new' ? Number(idParam) : null;
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const user = useSession((s) => s.user)!;
  const isDoctor = user.role === 'village_doctor';
  const narrow = !Grid.useBreakpoint().md;

  // Decisions are made by someone else at the hub: always ask again when the page opens.
  const saved = useApiQuery('requisitions.get', { id: id ?? 0 }, { enabled: id !== null, staleTime: 0 });
  const clinics = useApiQuery('clinics.list', { includeInactive: false });
  const settings = useApiQuery('purchasing.settings', {});
  const [clinicId, setClinicId] = useState<number | null>(isDoctor ? user.clinicId : null);
  const [lines, setLines] = useState<EditLine[]>([]);
  const [note, setNote] = useState('');
  const [loadedId, setLoadedId] = useState<number | null>(null);
  // One token per editing session: a double click or a retried request finds the same requisition.
  const createToken = useRef(newToken());
  const submitToken = useRef(newToken());
  // One confirmation at a time, however often the button is tapped.
  const confirming = useRef(false);

  useEffect(() => {
    const r = saved.data;
    if (r && loadedId !== r.id) {
      setLoadedId(r.id);
      setClinicId(r.clinicId);
      setLines(r.lines.map(fromSaved));
      setNote(r.note ?? '');
    }
  }, [saved.data, loadedId]);

  const drugIds = useMemo(() => lines.map((l) => l.drugId), [lines]);
  const stockInfo = useApiQuery('requisitions.stockInfo', { clinicId: clinicId ?? undefined, drugIds }, { enabled: clinicId !== null && drugIds.length > 0 });
  const infoByDrug = useMemo(() => new Map((stockInfo.data?.rows ?? []).map((r) => [r.drugId, r])), [stockInfo.data]);
  const clinic = clinics.data?.find((c) => c.id === clinicId);

  const payload = () => ({
    note: note.trim() || null,
    lines: lines.map((l) => ({ drugId: l.drugId, qty: l.qty ?? 0, enteredIn: l.unit, note: l.note })),
    ...(isDoctor || id !== null ? {} : { clinicId: clinicId ?? undefined }),
  });
  const save = useApiMutation('requisitions.saveDraft', {
    success: '草稿已保存',
    onSuccess: (r) => id === null && navigate(`/purchasing/requisitions/${r.id}`, { replace: true }),
  });
  const submit = useApiMutation('requisitions.submit', {
    success: '已提交，等待药库审核',
    onSuccess: (r) => {
      setLoadedId(null);
      navigate(`/purchasing/requisitions/${r.id}`, { replace: true });
    },
  });
  const cancel = useApiMutation('requisitions.cancel', { success: '请领单已作废' });

  if (id !== null && saved.isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (id !== null && !saved.data) return <Result status="warning" title={saved.error?.message ?? '请领单不存在'} />;
  const r = saved.data;
  const editable = !r || r.can.edit;

  const check = (): boolean => {
    if (clinicId === null) return (void message.error('请选择村卫生室'), false);
    if (lines.length === 0) return (void message.error('请至少添加一种药品'), false);
    const empty = lines.find((l) => !l.qty);
    if (empty) return (void message.error(`请填写“${empty.drugName}”的请领数量`), false);
    return true;
  };
  const doSave = () => check() && save.mutate(id !== null ? { id, ...payload() } : { createToken: createToken.current, ...payload() });
  const doSubmit = () => {
    if (!check() || confirming.current) return;
    confirming.current = true;
    modal.confirm({
      afterClose: () => (confirming.current = false),
      title: '提交请领单',
      content: `共 ${lines.length} 种药品，提交后不能修改，由药库审核。`,
      okText: '提交',
      cancelText: '再看看',
      onOk: () => submit.mutateAsync({ submitToken: submitToken.current, ...(id !== null ? { id } : {}), ...payload() }).catch(() => undefined),
    });
  };

  const update = (drugId: number, patch: Partial<EditLine>) => setLines((ls) => ls.map((l) => (l.drugId === drugId ? { ...l, ...patch } : l)));
  const remove = (drugId: number) => setLines((ls) => ls.filter((l) => l.drugId !== drugId));

  const title = r ? (
    <Space wrap>
      请领单 {r.docNo} <RequisitionStatusTag status={r.status} aggregated={r.aggregationId !== null} />
    </Space>
  ) : (
    '新建请领单'
  );

  if (r && !editable) {
    return (
      <Page
        title={title}
        subTitle={`${r.clinicName} · 提交于 ${dateTime(r.submittedAt)}`}
        extra={
          r.can.cancel && (
            <Button
              icon={<UndoOutlined />}
              onClick={() =>
                modal.confirm({
                  title: '撤回请领单',
                  content: '药库尚未开始审核，撤回后这张请领单作废。',
                  okText: '撤回',
                  okButtonProps: { danger: true },
                  cancelText: '取消',
                  onOk: () => cancel.mutateAsync({ id: r.id, reason: '村医撤回' }).catch(() => undefined),
                })
              }
            >
              撤回
            </Button>
          )
        }
      >
        {r.status === 'submitted' && r.pendingCount === r.lineCount && (
          <Alert type="info" showIcon title="已提交，等待药库审核。" style={{ marginBottom: 12 }} />
        )}
        {r.note && <Typography.Paragraph>备注：{r.note}</Typography.Paragraph>}
        <DecisionsView r={r} />
        <Descriptions
          size="small"
          style={{ marginTop: 12 }}
          column={{ xs: 1, md: 3 }}
          items={[
            { key: 'c', label: '填报', children: `${r.createdByName} ${dateTime(r.createdAt)}` },
            { key: 'r', label: '审核', children: r.reviewedAt ? `${r.reviewedByName ?? ''} ${dateTime(r.reviewedAt)}` : '—' },
            { key: 'a', label: '汇总采购', children: r.aggregationDocNo ?? '—' },
          ]}
        />
      </Page>
    );
  }

  const months = settings.data?.targetMonths ?? 2;
  return (
    <Page
      title={title}
      subTitle={
        <span>
          目标库存 {months} 个月。{' '}
          <Tooltip title={`${suggestionFormula(months)} ${AMC_FORMULA}`}>
            <span className="help">
              建议量怎么算 <QuestionCircleOutlined />
            </span>
          </Tooltip>
        </span>
      }
    >
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          {isDoctor ? (
            <Typography.Text strong>{user.clinicName}</Typography.Text>
          ) : (
            <Select
              aria-label="村卫生室"
              placeholder="选择村卫生室"
              disabled={r !== undefined}
              showSearch={{ optionFilterProp: 'label' }}
              style={{ width: 260, maxWidth: '100%' }}
              value={clinicId ?? undefined}
              onChange={(v) => setClinicId(v)}
              options={clinics.data?.map((c) => ({ value: c.id, label: `${c.code} ${c.name}` }))}
            />
          )}
          {clinic ? (
            <DrugPicker
              storeId={clinic.storeId}
              excludeIds={drugIds}
              placeholder="添加药品：输入药名、拼音首字母或医保编码"
              onSelect={(hit) => {
                if (lines.some((l) => l.drugId === hit.id)) return void message.info(`${hit.genericName} 已在清单中`);
                setLines((ls) => [
                  ...ls,
                  {
                    drugId: hit.id,
                    drugName: hit.genericName,
                    spec: hit.spec,
                    manufacturer: hit.manufacturer,
                    packSize: hit.packSize,
                    packUnit: hit.packUnit,
                    baseUnit: hit.baseUnit,
                    insuranceClass: hit.insuranceClass,
                    vbp: hit.vbp,
                    qty: null,
                    unit: hit.packSize > 1 ? 'pack' : 'base',
                    note: null,
                  },
                ]);
              }}
            />
          ) : (
            !isDoctor && <Typography.Text type="secondary">先选择村卫生室，再添加药品。</Typography.Text>
          )}
        </Space>
      </Card>

      {lines.length === 0 ? (
        <Empty description="在上方搜索药品（名称、拼音首字母或医保编码）添加到请领单" style={{ margin: '24px 0' }} />
      ) : narrow ? (
        <div className="card-list">
          {lines.map((l) => (
            <Card key={l.drugId} size="small" className="line-card">
              <div className="req-card-head">
                <span>
                  <strong>{l.drugName}</strong> <DrugTags insuranceClass={l.insuranceClass} vbp={l.vbp} />
                </span>
                <Button type="text" danger size="small" icon={<DeleteOutlined />} aria-label={`删除 ${l.drugName}`} onClick={() => remove(l.drugId)} />
              </div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {l.spec} · {l.manufacturer}
              </Typography.Text>
              <StockFigures
                info={infoByDrug.get(l.drugId)}
                line={l}
                onUseSuggestion={() => update(l.drugId, { qty: infoByDrug.get(l.drugId)!.suggestedQty ?? 0, unit: 'pack' })}
              />
              <QtyInput
                label={`${l.drugName} 请领数量`}
                showConversion
                drug={l}
                value={l.qty}
                unit={l.unit}
                onUnitChange={(unit) => update(l.drugId, { unit })}
                onChange={(qty) => update(l.drugId, { qty })}
              />
            </Card>
          ))}
        </div>
      ) : (
        <Table<EditLine>
          rowKey="drugId"
          size="middle"
          pagination={false}
          dataSource={lines}
          scroll={{ x: 900 }}
          columns={[
            { title: '序号', key: 'no', width: 56, render: (_, __, i) => i + 1 },
            {
              title: '药品',
              key: 'drug',
              render: (_, l) => (
                <div>
                  <strong>{l.drugName}</strong> <DrugTags insuranceClass={l.insuranceClass} vbp={l.vbp} />
                  <div className="muted">
                    {l.spec} · {l.manufacturer}
                  </div>
                </div>
              ),
            },
            {
              title: '本室库存 / 月均用量 / 在途 / 建议',
              key: 'stock',
              width: 380,
              render: (_, l) => (
                <StockFigures
                  info={infoByDrug.get(l.drugId)}
                  line={l}
                  onUseSuggestion={() => update(l.drugId, { qty: infoByDrug.get(l.drugId)!.suggestedQty ?? 0, unit: 'pack' })}
                />
              ),
            },
            {
              title: '请领数量',
              key: 'qty',
              width: 190,
              render: (_, l) => (
                <QtyInput
                  label={`${l.drugName} 请领数量`}
                  showConversion
                  drug={l}
                  value={l.qty}
                  unit={l.unit}
                  onUnitChange={(unit) => update(l.drugId, { unit })}
                  onChange={(qty) => update(l.drugId, { qty })}
                />
              ),
            },
            {
              title: '',
              key: 'del',
              width: 50,
              render: (_, l) => <Button type="text" danger icon={<DeleteOutlined />} aria-label={`删除 ${l.drugName}`} onClick={() => remove(l.drugId)} />,
            },
          ]}
        />
      )}

      <Input.TextArea
        aria-label="备注"
        placeholder="备注（可选）"
        maxLength={200}
        rows={2}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        style={{ marginTop: 12 }}
      />
      <div className="form-actions">
        {r?.can.cancel && (
          <Button
            danger
            onClick={() =>
              modal.confirm({
                title: '作废草稿',
                okText: '作废',
                okButtonProps: { danger: true },
                cancelText: '取消',
                onOk: () =>
                  cancel
                    .mutateAsync({ id: r.id, reason: null })
                    .then(() => navigate('/purchasing/requisitions'))
                    .catch(() => undefined),
              })
            }
          >
            作废
          </Button>
        )}
        <DraftShortcuts save={doSave} submit={doSubmit} busy={save.isPending || submit.isPending} />
        <Button icon={<SaveOutlined />} loading={save.isPending} onClick={doSave} title={shortcutTitle('save')}>
          保存草稿
        </Button>
        <Button type="primary" icon={<SendOutlined />} loading={submit.isPending} onClick={doSubmit} title={shortcutTitle('approve')}>
          提交
        </Button>
      </div>
    </Page>
  );
}

/** Ctrl+S and F9 on a draft being edited (rendered only then, so a submitted request offers neither). */
function DraftShortcuts({ save, submit, busy }: { save: () => void; submit: () => void; busy: boolean }) {
  usePageShortcut('save', '保存请领单草稿', save, !busy);
  usePageShortcut('approve', '提交请领单', submit, !busy);
  return null;
}
