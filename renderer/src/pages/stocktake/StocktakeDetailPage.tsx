import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert, Button, Card, Descriptions, Input, Modal, Result, Space, Spin, Typography } from 'antd';
import { InfoCircleOutlined, PrinterOutlined } from '@ant-design/icons';
import { COUNT_RULE_TEXT } from '../../../../shared/stocktake';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { Money, formatDateTime } from '../../components/format';
import { useSession } from '../../stores/session';
import { CountPanel } from './CountPanel';
import { LinesTable } from './LinesTable';
import { ReviewPanel } from './ReviewPanel';
import { SelectionCard } from './SelectionCard';
import { StocktakeStatusTag, StocktakeTags } from './labels';
import { usePageShortcut, useShortcutTitle } from '../../app/shortcuts';
import { NextStep, type NextStepInfo } from '../../components/NextStep';

function CancelButton({ id, docNo }: { id: number; docNo: string }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const cancel = useApiMutation('stocktakes.cancel', {
    success: '盘点单已作废',
    onSuccess: () => setOpen(false),
  });
  return (
    <>
      <Button danger onClick={() => setOpen(true)}>
        作废
      </Button>
      <Modal
        open={open}
        title={`作废 ${docNo}`}
        okText="作废"
        okButtonProps={{ danger: true, disabled: !reason.trim(), loading: cancel.isPending }}
        onOk={() => cancel.mutate({ id, reason: reason.trim() })}
        onCancel={() => setOpen(false)}
      >
        <Typography.Paragraph type="secondary">作废后不再计入账实相符率，但单据、抽样记录和已录入的数量都保留，并在统计中显示作废次数。</Typography.Paragraph>
        <Input.TextArea
          autoFocus
          placeholder="作废原因（必填）"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={200}
          autoSize={{ minRows: 2 }}
        />
      </Modal>
    </>
  );
}

/** One stocktake: what the counter enters, what the reviewer approves, and the record afterwards. */
export default function StocktakeDetailPage() {
  const id = Number(useParams().id);
  const role = useSession((s) => s.user?.role);
  const hubStaff = role === 'pharmacist' || role === 'admin';
  const query = useApiQuery('stocktakes.get', { id }, { enabled: Number.isInteger(id) && id > 0 });
  const [showRule, setShowRule] = useState(false);
  const navigate = useNavigate();
  const st = query.data;
  const [next, setNext] = useState<NextStepInfo | null>(null);
  const resultPrintable = Boolean(st?.bookVisible && (st.status === 'submitted' || st.status === 'approved'));
  usePageShortcut(
    'print',
    resultPrintable ? '打印盘点结果单' : '打印盘点表',
    () => st && navigate(resultPrintable ? `/print/stocktake-result/${st.id}` : `/print/stocktake-count/${st.id}`),
    Boolean(st),
  );
  const printTitle = useShortcutTitle('print');
  const toReview = () => document.getElementById('stocktake-review')?.scrollIntoView({ block: 'start' });
  if (query.error) return <Result status="warning" title={query.error.message} extra={<Link to="/stocktake">返回盘点列表</Link>} />;
  if (!st) return <Spin style={{ display: 'block', margin: 48 }} />;
  const open = st.status === 'counting' || st.status === 'submitted';
  const reviewing = st.status === 'submitted' && hubStaff && st.bookVisible;

  return (
    <Page
      title={
        <Space wrap>
          {st.docNo}
          <StocktakeStatusTag status={st.status} />
        </Space>
      }
      subTitle={st.clinicCode ? `${st.clinicCode} ${st.storeName}` : st.storeName}
      extra={
        <>
          <StocktakeTags kind={st.kind} counterMode={st.counterMode} blind={st.blind} />
          <Button icon={<PrinterOutlined />} onClick={() => navigate(`/print/stocktake-count/${st.id}`)} title={resultPrintable ? undefined : printTitle}>
            {st.blind ? '盘点表（盲盘）' : '盘点表'}
          </Button>
          {st.bookVisible && (st.status === 'submitted' || st.status === 'approved') && (
            <Button icon={<PrinterOutlined />} onClick={() => navigate(`/print/stocktake-result/${st.id}`)} title={printTitle}>
              结果单
            </Button>
          )}
          {hubStaff && open && <CancelButton id={st.id} docNo={st.docNo} />}
        </>
      }
    >
      <NextStep step={next} onClose={() => setNext(null)} />
      <Alert
        type="info"
        showIcon
        icon={<InfoCircleOutlined />}
        style={{ marginBottom: 12 }}
        title={
          <span>
            盘点期间的收发怎么算？账面数以录入该行的那一刻为准。
            <Button type="link" size="small" onClick={() => setShowRule(!showRule)}>
              {showRule ? '收起' : '查看规则'}
            </Button>
          </span>
        }
        description={showRule ? COUNT_RULE_TEXT : undefined}
      />
      {st.status === 'cancelled' && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={`已由 ${st.decidedByName ?? ''} 于 ${formatDateTime(st.decidedAt)} 作废：${st.cancelReason}`}
        />
      )}
      {st.status === 'submitted' && !reviewing && (
        <Alert type="success" showIcon style={{ marginBottom: 12 }} title={`已于 ${formatDateTime(st.submittedAt)} 提交，等待药库管理员审核`} />
      )}
      {st.status === 'approved' && (
        <Card size="small" style={{ marginBottom: 12 }}>
          <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }}>
            <Descriptions.Item label="审核">{`${st.decidedByName ?? ''} ${formatDateTime(st.decidedAt)}`}</Descriptions.Item>
            <Descriptions.Item label="记账日期">{st.businessDate}</Descriptions.Item>
            <Descriptions.Item label="相符">
              {st.matchedCount} / {st.lineCount} 行
            </Descriptions.Item>
            <Descriptions.Item label="盘盈 / 盘亏">
              <Money fen={st.surplusAmount} prefix /> / <Money fen={st.shortageAmount} prefix />
            </Descriptions.Item>
            {st.decisionNote && <Descriptions.Item label="审核意见">{st.decisionNote}</Descriptions.Item>}
          </Descriptions>
        </Card>
      )}
      {st.canCount ? (
        <>
          {st.blind && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title="盲盘：请按货架上的实际数量录入，系统不显示账面数。" />}
          <CountPanel
            st={st}
            onSubmitted={() =>
              // The hub's own on-site count is reviewed by the hub on this same page; a doctor's waits for the hub.
              hubStaff && setNext({ done: `盘点单 ${st.docNo} 已提交`, actions: [{ label: '去审核', run: () => setTimeout(toReview, 0) }] })
            }
          />
        </>
      ) : reviewing ? (
        <div id="stocktake-review">
          <ReviewPanel st={st} />
        </div>
      ) : (
        <Card
          title={st.status === 'counting' ? `盘点中：已录入 ${st.countedCount} / ${st.lineCount} 行` : '盘点明细'}
          size="small"
          styles={{ body: { padding: 0 } }}
          style={{ marginBottom: 16 }}
        >
          {st.status === 'counting' && st.blind && <Alert type="info" banner title="盲盘进行中：提交前不显示账面数和差异。" />}
          <LinesTable st={st} />
        </Card>
      )}
      <div style={{ marginTop: 16 }}>
        <SelectionCard st={st} />
      </div>
      <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} title="单据信息">
        <Descriptions.Item label="发起">{`${st.createdByName} ${formatDateTime(st.createdAt)}`}</Descriptions.Item>
        <Descriptions.Item label="开始日期">{st.startDate}</Descriptions.Item>
        {st.submittedAt && <Descriptions.Item label="提交">{`${st.submittedByName ?? ''} ${formatDateTime(st.submittedAt)}`}</Descriptions.Item>}
        {st.note && <Descriptions.Item label="备注">{st.note}</Descriptions.Item>}
      </Descriptions>
    </Page>
  );
}
