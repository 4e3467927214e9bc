import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Alert, Button, Card, Descriptions, Empty, Space, Table, Tag, Timeline, Typography } from 'antd';
import { CloudUploadOutlined } from '@ant-design/icons';
import type { MethodOutput } from '../../../../shared/contract';
import { BOX_ANOMALY_LABELS, BOX_STATE_LABELS, TRACE_KIND_LABELS } from '../../../../shared/traceCodes';
import { Page } from '../../components/Page';
import { ScanInput } from '../../components/ScanInput';
import { useApiLookup } from './useTraceLookup';
import { ImportPackagesModal } from './ImportPackagesModal';
import { PACKAGE_LEVEL_SHORT } from '../../../../shared/tracePackages';
import { useSession } from '../../stores/session';

type Lookup = MethodOutput<'trace.lookup'>;

const STATE_COLORS: Record<string, string> = { in_stock: 'green', in_transit: 'blue', opened: 'cyan', dispensed: 'default', untracked: 'gold' };

/** 药品追溯: scan or type a box's code and see its whole path, supplier to patient, with the documents. */
export default function TracePage() {
  const lookup = useApiLookup();
  // The code being looked at lives in the address (?code=…): the header's lookup box opens this page with it.
  const [params, setParams] = useSearchParams();
  const asked = params.get('code');
  const [result, setResult] = useState<{ asked: string; r: Lookup } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the address only; a scan here sets both at once
  useEffect(() => {
    if (!asked || result?.asked === asked) return;
    let live = true;
    setProblem(null);
    lookup(asked).then(
      (r) => live && setResult({ asked, r }),
      (e: unknown) => {
        if (!live) return;
        setResult(null);
        setProblem(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, [asked]);
  const [importing, setImporting] = useState(false);
  const role = useSession((s) => s.user?.role);
  return (
    <Page
      title="药品追溯"
      subTitle="扫描或输入一盒药的追溯码，查看它从配送企业到患者的每一步：单据、经手人、日期"
      extra={
        (role === 'pharmacist' || role === 'admin') && (
          <Button icon={<CloudUploadOutlined />} onClick={() => setImporting(true)}>
            导入大码/中码关联
          </Button>
        )
      }
    >
      <ImportPackagesModal open={importing} onClose={() => setImporting(false)} />
      <Card style={{ marginBottom: 16 }}>
        <ScanInput
          label="追溯码"
          placeholder="扫码枪扫描药盒追溯码，或输入 20 位码 / GS1 码后回车"
          onScan={async (code) => {
            const r = await lookup(code);
            setProblem(null);
            setResult({ asked: code, r });
            setParams({ code }, { replace: true });
            if (r.package)
              return {
                tone: 'ok',
                message: `${PACKAGE_LEVEL_SHORT[r.package.level]} ${code}：装有 ${r.package.boxCount} 盒，其中 ${r.package.atHubCount} 盒在中心药库`,
              };
            if (!r.box && r.events.length === 0) return { tone: 'warn', message: `卫生院没有追溯码 ${code} 的任何记录` };
            return { tone: r.events.some((e) => e.anomaly) ? 'warn' : 'ok', message: `追溯码 ${code}：${r.events.length} 条记录` };
          }}
        />
      </Card>
      {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 16 }} />}
      {result && <TraceResult r={result.r} />}
    </Page>
  );
}

function TraceResult({ r }: { r: Lookup }) {
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={16}>
      <Card
        title={
          <Space wrap>
            追溯码{' '}
            <Typography.Text code copyable>
              {r.code}
            </Typography.Text>
          </Space>
        }
      >
        <Descriptions size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label="码的种类">{TRACE_KIND_LABELS[r.kind]}</Descriptions.Item>
          <Descriptions.Item label="药品">{r.drug ? `${r.drug.drugName} ${r.drug.spec}（${r.drug.manufacturer}）` : '认不出'}</Descriptions.Item>
          {r.box && (
            <>
              <Descriptions.Item label="现在">
                {r.box.state ? <Tag color={STATE_COLORS[r.box.state]}>{BOX_STATE_LABELS[r.box.state]}</Tag> : <Tag>在其他卫生室</Tag>}
                {r.box.storeName}
              </Descriptions.Item>
              <Descriptions.Item label="批号 / 效期">
                {r.box.batchNo} / {r.box.expiryDate}
              </Descriptions.Item>
              <Descriptions.Item label="配送企业">{r.box.supplierName ?? '—'}</Descriptions.Item>
              {r.box.state === 'opened' && <Descriptions.Item label="已拆零，已用">{r.box.usedQty}</Descriptions.Item>}
            </>
          )}
        </Descriptions>
        {r.packedIn.length > 0 && (
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            装在 {r.packedIn.map((p) => `${PACKAGE_LEVEL_SHORT[p.level]} ${p.code}`).join(' → ')} 里
          </Typography.Paragraph>
        )}
        {!r.box && !r.package && (
          <Alert
            type="warning"
            showIcon
            title={r.events.length === 0 ? '卫生院没有这个追溯码的任何记录' : '卫生院从未入库或出库扫到这盒药'}
            description="可能是体外采购的药品，或入库时未扫码；请核对药盒上的码是否扫全。"
            style={{ marginTop: 8 }}
          />
        )}
      </Card>
      {r.package && <PackageCard pack={r.package} />}
      {!r.package && (
        <Card title="经过">
          {r.events.length === 0 ? (
            <Empty description="没有记录" />
          ) : (
            <Timeline
              items={r.events.map((e) => ({
                color: e.anomaly ? 'red' : e.event === 'dispense' ? 'gray' : 'green',
                content: (
                  <div data-testid="trace-event">
                    <Space wrap size={6}>
                      <Typography.Text strong>{e.businessDate}</Typography.Text>
                      <Typography.Text>{e.eventLabel}</Typography.Text>
                      {e.anomaly && <Tag color="red">{BOX_ANOMALY_LABELS[e.anomaly].split('：')[0]}</Tag>}
                      {e.docStatus === 'reversed' && <Tag>已冲销</Tag>}
                    </Space>
                    <div className="muted">
                      {[
                        e.supplierName && `配送企业 ${e.supplierName}`,
                        e.docNo && `单据 ${e.docNo}`,
                        e.visitNo && e.visitNo !== e.docNo && `就诊号 ${e.visitNo}`,
                        e.fromStore && `从 ${e.fromStore}`,
                        e.toStore && `到 ${e.toStore}`,
                        e.clinicName && !e.toStore && e.clinicName,
                        `经手人 ${e.userName}`,
                      ]
                        .filter(Boolean)
                        .join(' · ')}
                    </div>
                    {e.note && <Typography.Text type="danger">{e.note}</Typography.Text>}
                    {e.storageOverride && <Typography.Text type="warning">贮藏条件不符仍配送：{e.storageOverride}</Typography.Text>}
                  </div>
                ),
              }))}
            />
          )}
        </Card>
      )}
    </Space>
  );
}

/** A carton or middle pack: what is packed in it, and where each of its boxes is now. */
function PackageCard({ pack }: { pack: NonNullable<Lookup['package']> }) {
  const middles = pack.children.filter((c) => c.level !== null);
  return (
    <Card
      title={`${PACKAGE_LEVEL_SHORT[pack.level]}：装有 ${pack.boxCount} 盒${middles.length ? `（${middles.length} 个中码）` : ''}`}
      extra={
        <Tag color={pack.atHubCount === pack.boxCount ? 'green' : pack.atHubCount ? 'gold' : 'default'}>
          中心药库 {pack.atHubCount}/{pack.boxCount} 盒
        </Tag>
      }
    >
      {pack.atHubCount > 0 && pack.atHubCount < pack.boxCount && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={`已拆开：还有 ${pack.atHubCount} 盒在中心药库，拣货时扫这个码只出库这 ${pack.atHubCount} 盒`}
        />
      )}
      <Table
        size="small"
        rowKey="code"
        pagination={pack.boxes.length > 20 ? { pageSize: 20, size: 'small' } : false}
        dataSource={pack.boxes}
        columns={[
          {
            title: '小码 / 批号',
            dataIndex: 'code',
            render: (c: string, b) => (
              <>
                <Typography.Text code>{c}</Typography.Text>
                <div className="muted">{b.batchNo ? `批号 ${b.batchNo}` : '—'}</div>
              </>
            ),
          },
          {
            title: '现在',
            key: 'state',
            render: (_, b) =>
              !b.registered ? (
                <Tag>未登记（无码库存）</Tag>
              ) : b.state ? (
                <>
                  <Tag color={STATE_COLORS[b.state]}>{BOX_STATE_LABELS[b.state]}</Tag>
                  {b.storeName}
                </>
              ) : (
                <Tag>在其他卫生室</Tag>
              ),
          },
        ]}
      />
    </Card>
  );
}
