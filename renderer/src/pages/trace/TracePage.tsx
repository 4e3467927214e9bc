import { useState } from 'react';
import { Alert, Card, Descriptions, Empty, Space, Tag, Timeline, Typography } from 'antd';
import type { MethodOutput } from '../../../../shared/contract';
import { BOX_ANOMALY_LABELS, BOX_STATE_LABELS, TRACE_KIND_LABELS } from '../../../../shared/traceCodes';
import { Page } from '../../components/Page';
import { ScanInput } from '../../components/ScanInput';
import { useApiLookup } from './useTraceLookup';

type Lookup = MethodOutput<'trace.lookup'>;

const STATE_COLORS: Record<string, string> = { in_stock: 'green', in_transit: 'blue', opened: 'cyan', dispensed: 'default', untracked: 'gold' };

/** 药品追溯: scan or type a box's code and see its whole path, supplier to patient, with the documents. */
export default function TracePage() {
  const lookup = useApiLookup();
  const [result, setResult] = useState<Lookup | null>(null);
  return (
    <Page title="药品追溯" subTitle="扫描或输入一盒药的追溯码，查看它从配送企业到患者的每一步：单据、经手人、日期">
      <Card style={{ marginBottom: 16 }}>
        <ScanInput
          label="追溯码"
          placeholder="扫码枪扫描药盒追溯码，或输入 20 位码 / GS1 码后回车"
          onScan={async (code) => {
            const r = await lookup(code);
            setResult(r);
            if (!r.box && r.events.length === 0) return { tone: 'warn', message: `卫生院没有追溯码 ${code} 的任何记录` };
            return { tone: r.events.some((e) => e.anomaly) ? 'warn' : 'ok', message: `追溯码 ${code}：${r.events.length} 条记录` };
          }}
        />
      </Card>
      {result && <TraceResult r={result} />}
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
        {!r.box && <Alert type="warning" showIcon title="卫生院从未入库或出库扫到这盒药（体外采购或未扫码入库）" style={{ marginTop: 8 }} />}
      </Card>
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
    </Space>
  );
}
