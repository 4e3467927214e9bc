import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Alert, Badge, Button, Card, Col, Descriptions, Empty, Popconfirm, Row, Segmented, Space, Spin, Table, Tag, Tooltip, Typography } from 'antd';
import { CheckOutlined } from '@ant-design/icons';
import type { RequisitionLine, RequisitionSummary } from '../../../../shared/contract/requisitions';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { AMC_FORMULA, dateTime, DecisionTag, DrugTags, qtyText, RequisitionStatusTag } from './format';
import { Qty } from '../../components/format';
import { DecisionModal, type DecisionDraft } from './DecisionModal';
import { BookHidden } from '../../components/format';
import { LineNotices, SwitchedQty } from './LineNotices';
import { VbpSuggestionButton } from './VbpSuggestionButton';
import { usePageShortcut, useShortcutTitle } from '../../app/shortcuts';

const FILTERS = [
  { value: 'pending', label: '待审核', input: { status: ['submitted' as const] } },
  { value: 'reviewed', label: '已审核待汇总', input: { aggregatable: true } },
  { value: 'all', label: '全部', input: {} },
];

/** The inbox: requisitions grouped by clinic, newest first inside each clinic. */
function Inbox({ rows, selected, onSelect }: { rows: RequisitionSummary[]; selected: number | null; onSelect(id: number): void }) {
  const groups = useMemo(() => {
    const m = new Map<number, { name: string; code: string; rows: RequisitionSummary[] }>();
    for (const r of rows) {
      const g = m.get(r.clinicId) ?? { name: r.clinicName, code: r.clinicCode, rows: [] };
      g.rows.push(r);
      m.set(r.clinicId, g);
    }
    return [...m.entries()].sort((a, b) => a[1].code.localeCompare(b[1].code));
  }, [rows]);
  if (rows.length === 0) return <Empty description="没有请领单" style={{ margin: '32px 0' }} />;
  return (
    // biome-ignore lint/a11y/useSemanticElements: rows are buttons grouped under clinic headings; the list role names them for screen readers
    <div className="inbox" role="list" aria-label="请领单">
      {groups.map(([clinicId, g]) => (
        <div key={clinicId} className="inbox-group">
          <div className="inbox-clinic">
            <span>{g.name}</span>
            <Typography.Text type="secondary">{g.code}</Typography.Text>
          </div>
          {g.rows.map((r) => (
            // biome-ignore lint/a11y/useSemanticElements: a whole row is one focusable button that is also an item of the list
            // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: (same) the row stays a button for the keyboard
            <button
              key={r.id}
              type="button"
              role="listitem"
              aria-label={`${r.clinicName} ${r.docNo}`}
              className={`inbox-item${r.id === selected ? ' selected' : ''}`}
              onClick={() => onSelect(r.id)}
            >
              <span className="inbox-doc">
                {r.docNo} <RequisitionStatusTag status={r.status} aggregated={r.aggregationId !== null} />
              </span>
              <span className="inbox-meta">
                {dateTime(r.submittedAt)} · {r.lineCount} 种
                {r.pendingCount > 0 && r.status === 'submitted' && (
                  <Badge count={`待审 ${r.pendingCount}`} style={{ backgroundColor: '#fa8c16', marginLeft: 6 }} />
                )}
              </span>
            </button>
          ))}
        </div>
      ))}
    </div>
  );
}

function ReviewPanel({ id }: { id: number }) {
  const req = useApiQuery('requisitions.get', { id }, { staleTime: 0 });
  const [draft, setDraft] = useState<DecisionDraft | null>(null);
  const decide = useApiMutation('requisitions.decide', {
    onSuccess: () => {
      setDraft(null);
      setConfirmAll(false);
    },
  });
  const [confirmAll, setConfirmAll] = useState(false);
  const pendingCount = req.data?.can.review ? req.data.lines.filter((l) => l.decision === 'pending').length : 0;
  usePageShortcut('approve', '审核通过选中请领单的全部待审行（确认后）', () => setConfirmAll(true), pendingCount > 0 && !decide.isPending);
  const approveTitle = useShortcutTitle('approve');
  if (req.isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (!req.data) return <Alert type="error" showIcon title={req.error?.message ?? '请领单不存在'} />;
  const r = req.data;
  const canReview = r.can.review;
  const pending = r.lines.filter((l) => l.decision === 'pending');
  const approve = (lines: RequisitionLine[]) => decide.mutate({ id, lines: lines.map((l) => ({ lineId: l.id, decision: 'approved' as const, reason: null })) });

  return (
    <Card
      size="small"
      title={
        <Space wrap>
          <span>
            {r.clinicName} · {r.docNo}
          </span>
          <RequisitionStatusTag status={r.status} aggregated={r.aggregationId !== null} />
        </Space>
      }
      extra={
        canReview &&
        pending.length > 0 && (
          <Popconfirm
            title={`同意全部 ${pending.length} 行待审核的请领？`}
            okText="全部同意"
            cancelText="取消"
            open={confirmAll}
            onOpenChange={setConfirmAll}
            okButtonProps={{ autoFocus: true }}
            onConfirm={() => approve(pending)}
          >
            <Button type="primary" icon={<CheckOutlined />} loading={decide.isPending} title={approveTitle}>
              全部同意（{pending.length}）
            </Button>
          </Popconfirm>
        )
      }
    >
      <Descriptions
        size="small"
        column={{ xs: 1, md: 3 }}
        style={{ marginBottom: 12 }}
        items={[
          { key: 'by', label: '提交', children: `${r.submittedByName ?? r.createdByName} ${dateTime(r.submittedAt)}` },
          { key: 'rv', label: '审核', children: r.reviewedAt ? `${r.reviewedByName ?? ''} ${dateTime(r.reviewedAt)}` : '—' },
          { key: 'ag', label: '汇总单', children: r.aggregationDocNo ?? '—' },
          ...(r.note ? [{ key: 'note', label: '备注', children: r.note, span: 3 }] : []),
        ]}
      />
      {!canReview && r.status !== 'submitted' && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={r.aggregationId !== null ? '该请领单已汇总采购，审核结果不能再修改。' : r.status === 'reviewed' ? '已审核。' : '该请领单已结束。'}
        />
      )}
      <Table<RequisitionLine>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={r.lines}
        scroll={{ x: 820 }}
        columns={[
          {
            title: '药品',
            key: 'drug',
            render: (_, l) => (
              <div>
                <div>
                  <strong>{l.drugName}</strong> <DrugTags insuranceClass={l.insuranceClass} vbp={l.vbp} />
                </div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {l.spec} · {l.manufacturer}
                </Typography.Text>
                {l.originalDrug && (
                  <div>
                    <Tag color="magenta">
                      原请领 {l.originalDrug.drugName} {l.originalDrug.spec}，已改为集采
                    </Tag>
                    <SwitchedQty line={l} />
                  </div>
                )}
                {l.note && <div className="muted">备注：{l.note}</div>}
                <LineNotices line={l} />
              </div>
            ),
          },
          { title: '请领', dataIndex: 'requestedQty', width: 80, align: 'right', render: (q: number, l) => <Qty qty={q} drug={l} showBase="tooltip" strong /> },
          {
            title: (
              <Tooltip title="中心药库现有未过期库存（不扣除已核准待发的数量）">
                <span className="help">药库库存</span>
              </Tooltip>
            ),
            dataIndex: 'hubStock',
            width: 80,
            align: 'right',
            render: (q: number | null, l) => <Qty qty={q} drug={l} showBase="tooltip" />,
          },
          {
            title: (
              <Tooltip title={`提交时本室的情况。${AMC_FORMULA}`}>
                <span className="help">本室库存 / 月均 / 在途 / 建议</span>
              </Tooltip>
            ),
            key: 'ref',
            width: 170,
            render: (_, l) => (
              <div className="ref-figures">
                <span>库存 {l.bookHidden ? <BookHidden /> : <Qty qty={l.stockOnHand} drug={l} showBase="tooltip" />}</span>
                <span>
                  月均 <Qty qty={l.amc} drug={l} showBase="tooltip" />
                </span>
                <span>
                  在途 <Qty qty={l.inTransit} drug={l} showBase="tooltip" />
                </span>
                <span>
                  建议 <Qty qty={l.suggestedQty} drug={l} showBase="tooltip" />
                </span>
              </div>
            ),
          },
          {
            title: '审核',
            key: 'decision',
            width: 230,
            fixed: 'right',
            render: (_, l) => (
              <div className="decision-cell">
                <div>
                  <DecisionTag decision={l.decision} />
                  {l.decision !== 'pending' && l.decision !== 'rejected' && <Qty qty={l.approvedQty} drug={l} showBase="tooltip" strong />}
                </div>
                {l.decisionReason && <div className="muted">{l.decisionReason}</div>}
                {canReview && l.issuedQty === 0 && (
                  <Space size={4} wrap style={{ marginTop: 4 }}>
                    <Button size="small" disabled={l.decision === 'approved'} onClick={() => approve([l])} aria-label={`同意 ${l.drugName}`}>
                      同意
                    </Button>
                    <Button size="small" onClick={() => setDraft({ line: l, mode: 'adjusted' })} aria-label={`调整 ${l.drugName}`}>
                      调整
                    </Button>
                    <Button size="small" danger onClick={() => setDraft({ line: l, mode: 'rejected' })} aria-label={`驳回 ${l.drugName}`}>
                      驳回
                    </Button>
                    {l.vbpSuggestion && <VbpSuggestionButton suggestion={l.vbpSuggestion} lineIds={[l.id]} unit={l} />}
                  </Space>
                )}
                {l.issuedQty > 0 && <Typography.Text type="secondary">已发 {qtyText(l.issuedQty, l)}</Typography.Text>}
              </div>
            ),
          },
        ]}
      />
      <DecisionModal
        draft={draft}
        saving={decide.isPending}
        onClose={() => setDraft(null)}
        onSubmit={(qty, reason) => draft && decide.mutate({ id, lines: [{ lineId: draft.line.id, decision: draft.mode, approvedQty: qty, reason }] })}
      />
    </Card>
  );
}

export default function ReviewPage() {
  const [params, setParams] = useSearchParams();
  const filter = params.get('f') ?? 'pending';
  const selectedParam = Number(params.get('id')) || null;
  // New requisitions arrive from the clinics: ask again on every visit, and every minute while open.
  const list = useApiQuery(
    'requisitions.list',
    { ...FILTERS.find((f) => f.value === filter)!.input, page: 1, pageSize: 200 },
    { staleTime: 0, refetchInterval: 60_000 },
  );
  const rows = list.data?.rows ?? [];
  const [selected, setSelected] = useState<number | null>(selectedParam);
  useEffect(() => {
    if (selected === null && rows.length) setSelected(rows[0].id);
  }, [rows, selected]);
  const select = (id: number) => {
    setSelected(id);
    setParams((p) => {
      p.set('id', String(id));
      return p;
    });
  };

  return (
    <Page title="请领审核" subTitle="逐行同意、调整（须填原因）或驳回；全部行有结论后即可汇总采购">
      <Segmented
        value={filter}
        options={FILTERS.map((f) => ({ value: f.value, label: f.label }))}
        onChange={(v) => {
          setSelected(null);
          setParams({ f: String(v) });
        }}
        style={{ marginBottom: 12 }}
      />
      <Row gutter={12}>
        <Col xs={24} lg={7} xl={6}>
          <Card size="small" styles={{ body: { padding: 0 } }} loading={list.isLoading}>
            <Inbox rows={rows} selected={selected} onSelect={select} />
          </Card>
        </Col>
        <Col xs={24} lg={17} xl={18}>
          {selected ? <ReviewPanel id={selected} /> : <Empty description="请在左侧选择一张请领单" style={{ marginTop: 48 }} />}
        </Col>
      </Row>
    </Page>
  );
}
