import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Table, Tag, Typography } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import type { z } from 'zod';
import type { stocktakeDetail } from '../../../../shared/contract/stocktake';
import { SELECTION_RULE_TEXT, selectionMethodText } from '../../../../shared/stocktake';
import { useApiQuery } from '../../api/hooks';
import { Money, formatDateTime } from '../../components/format';
import { useSession } from '../../stores/session';

type Detail = z.infer<typeof stocktakeDetail>;

/** How the drugs of a spot check were drawn, and a button that draws again from the record to prove it. */
export function SelectionCard({ st }: { st: Detail }) {
  const role = useSession((s) => s.user?.role);
  const [verify, setVerify] = useState(false);
  const result = useApiQuery('stocktakes.verifySelection', { id: st.id }, { enabled: verify });
  const sel = st.selection;
  if (!sel) return null;
  const names = new Map((sel.candidates ?? []).map((c) => [c.drugId, c.drugName]));
  return (
    <Card
      title="随机抽样记录"
      size="small"
      extra={
        role !== 'village_doctor' && (
          <Button
            size="small"
            icon={<SafetyCertificateOutlined />}
            onClick={() => (verify ? void result.refetch() : setVerify(true))}
            loading={result.isFetching}
          >
            复核抽样
          </Button>
        )
      }
      style={{ marginBottom: 16 }}
    >
      <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }}>
        <Descriptions.Item label="随机种子">
          <Typography.Text code copyable>
            {sel.seed}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label="抽取时间">{formatDateTime(sel.drawnAt)}</Descriptions.Item>
        <Descriptions.Item label="抽取种数">{sel.sampleSize} 种</Descriptions.Item>
        <Descriptions.Item label="用药统计期">
          {sel.windowFrom} 至 {sel.windowTo}
        </Descriptions.Item>
        {/* The algorithm's identifier stays on hover, for whoever re-runs the draw; people read what it does. */}
        <Descriptions.Item label="抽取方法" span={2}>
          <span title={sel.algorithm}>{selectionMethodText(sel.algorithm)}</span>
        </Descriptions.Item>
      </Descriptions>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {SELECTION_RULE_TEXT}种子由服务器随机生成，与权重输入一起记录；任何人可用同样的种子和输入重新抽取，结果必须完全相同。
      </Typography.Paragraph>
      {result.data && (
        <Alert
          style={{ marginBottom: 8 }}
          type={result.data.reproduced ? 'success' : 'error'}
          showIcon
          title={result.data.reproduced ? '复核通过：按记录的种子和权重重新抽取，结果与当时完全一致。' : '复核不一致！请联系管理员检查数据。'}
          description={`记录：${result.data.recorded.map((d) => names.get(d) ?? d).join('、')}；重算：${result.data.recomputed.map((d) => names.get(d) ?? d).join('、')}`}
        />
      )}
      {sel.candidates ? (
        <Table
          size="small"
          rowKey="position"
          pagination={sel.candidates.length > 10 ? { pageSize: 10, size: 'small' } : false}
          dataSource={sel.candidates}
          scroll={{ x: 640 }}
          columns={[
            { title: '序', dataIndex: 'position', width: 48 },
            { title: '药品', key: 'drug', render: (_, c) => `${c.drugName} ${c.spec}` },
            { title: '库存金额（元）', dataIndex: 'stockValue', align: 'right', render: (v: number) => <Money fen={v} /> },
            { title: '用药金额（元）', dataIndex: 'dispensedAmount', align: 'right', render: (v: number) => <Money fen={v} /> },
            { title: '权重', dataIndex: 'weight', align: 'right' },
            { title: '抽中', dataIndex: 'pickOrder', width: 80, render: (p: number | null) => (p ? <Tag color="magenta">第 {p} 个</Tag> : '') },
          ]}
        />
      ) : (
        <Typography.Text type="secondary">盲盘进行中，各药品的库存金额（权重输入）在盘点提交前不显示。</Typography.Text>
      )}
    </Card>
  );
}
