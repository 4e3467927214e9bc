/** 上报地市: the hub's settings for the prefecture server, its closed months, what was sent and what the server answered. */
import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { MethodOutput } from '../../../../shared/contract';
import { call } from '../../api/client';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { downloadFile } from '../../components/download';
import { PhoneCards, usePhone } from '../../components/PhoneCards';
import { useSession } from '../../stores/session';
import { formatChinaDateTime } from '../../components/hubClock';

type SendRecord = MethodOutput<'prefecture.months'>['rows'][number]['sends'][number];

const OUTCOME: Record<string, { color: string; label: string }> = {
  accepted: { color: 'green', label: '已接收' },
  replaced: { color: 'green', label: '已接收（取代旧版本）' },
  unchanged: { color: 'blue', label: '此前已收到' },
  refused: { color: 'red', label: '被拒绝' },
};

const sentAt = (at: string) => formatChinaDateTime(at, false);

function answerTag(r: SendRecord) {
  if (r.target === 'file') return <Tag>已导出文件</Tag>;
  if (!r.answer) return <Tag color="orange">未送达</Tag>;
  const o = OUTCOME[r.answer.outcome];
  return <Tag color={o.color}>{o.label}</Tag>;
}

/** Where a sent package's figures came from (the manifest's builtFrom), in the words of a director. */
function sourceTag(r: SendRecord | undefined) {
  if (!r) return <Typography.Text type="secondary">—</Typography.Text>;
  if (!r.builtFrom)
    return (
      <Tooltip title="这次发送早于开始记录数据来源的版本；重新发送或导出后显示">
        <Typography.Text type="secondary">未记录</Typography.Text>
      </Tooltip>
    );
  return r.builtFrom === 'facts' ? (
    <Tooltip title="取自该月结账时保存下来的数据：之后改了卫生室名称、阈值或排除了信号，重发同一版本内容也不变">
      <Tag color="green">结账时固化的数据</Tag>
    </Tooltip>
  ) : (
    <Tooltip title="发送时该月的结账数据还没有生成完，按当时的台账现算；结账数据生成后再发送，将以固化的数据为准">
      <Tag color="orange">按台账实时计算</Tag>
    </Tooltip>
  );
}

function SettingsCard() {
  const [form] = Form.useForm();
  const settings = useApiQuery('prefecture.settings', {});
  const phone = usePhone();
  const save = useApiMutation('prefecture.saveSettings', { success: '已保存', form });
  if (!settings.data) return null;
  return (
    <Card title="上报设置" size="small">
      <Form
        form={form}
        layout={phone ? 'vertical' : 'inline'}
        initialValues={settings.data}
        onFinish={(v: { hubCode: string; countyCode: string; serverUrl: string; serverCaPem: string | null }) =>
          save.mutate({ hubCode: v.hubCode || null, countyCode: v.countyCode || null, serverUrl: v.serverUrl || null, serverCaPem: v.serverCaPem || null })
        }
      >
        <Form.Item label="本院编码" name="hubCode">
          <Input placeholder="地市分配，如 H41162101" style={{ width: 180 }} />
        </Form.Item>
        <Form.Item label="县区代码" name="countyCode">
          <Input placeholder="6 位行政区划代码" style={{ width: 140 }} />
        </Form.Item>
        <Form.Item label="上报服务器" name="serverUrl">
          <Input placeholder="https://…" style={{ width: 280, maxWidth: '100%' }} />
        </Form.Item>
        <Form.Item label="专网根证书（可选）" name="serverCaPem" tooltip="服务器的 HTTPS 证书由专网自己的根证书签发时，粘贴该根证书（PEM）">
          <Input.TextArea placeholder="-----BEGIN CERTIFICATE-----" autoSize={{ minRows: 1, maxRows: 4 }} style={{ width: 280, maxWidth: '100%' }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          保存
        </Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }}>
        本院签名公钥（请交地市管理员登记）：
        <Typography.Text code copyable style={{ overflowWrap: 'anywhere', wordBreak: 'break-all' }}>
          {settings.data.publicKey}
        </Typography.Text>
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        填写了上报服务器地址后，已结账的月份（含反结账后重新结账的新版本）会自动发送，发送记录中记为“自动上报”；连不上服务器时每隔 5、10、20 分钟……最长 6
        小时重试；服务器拒收的，请按答复处理后在下面点“发送”。
      </Typography.Paragraph>
    </Card>
  );
}

export default function PrefecturePage() {
  const { message } = App.useApp();
  const admin = useSession((s) => s.user?.role === 'admin');
  const sender = useSession((s) => s.user?.role === 'admin' || s.user?.role === 'pharmacist');
  const months = useApiQuery('prefecture.months', {});
  const [busy, setBusy] = useState<string | null>(null);
  const send = useApiMutation('prefecture.send', {});
  const phone = usePhone();
  type Month = NonNullable<typeof months.data>['rows'][number];
  const latest = (r: Month) =>
    r.sends[0] ? (
      <Space size={4} wrap>
        <span>{sentAt(r.sends[0].at)}</span>
        {answerTag(r.sends[0])}
        <Typography.Text type="secondary">{r.sends[0].answer?.message ?? r.sends[0].error ?? ''}</Typography.Text>
      </Space>
    ) : (
      '未上报'
    );
  const actions = (r: Month) =>
    sender && (
      <Space>
        <Button
          size={phone ? 'middle' : 'small'}
          type="primary"
          loading={send.isPending && send.variables?.period === r.period}
          onClick={() => send.mutate({ period: r.period })}
        >
          发送
        </Button>
        <Button
          size={phone ? 'middle' : 'small'}
          loading={busy === r.period}
          onClick={async () => {
            setBusy(r.period);
            try {
              downloadFile(await call('prefecture.export', { period: r.period }), 'application/gzip');
              void months.refetch();
            } catch (e) {
              message.error((e as Error).message);
            } finally {
              setBusy(null);
            }
          }}
        >
          导出文件
        </Button>
      </Space>
    );
  return (
    <Page title="上报地市">
      <Space direction="vertical" style={{ width: '100%' }}>
        {admin && <SettingsCard />}
        {months.data && !months.data.configured && <Alert type="warning" showIcon message="尚未填写本院编码和县区代码：请管理员先完成上报设置" />}
        {phone ? (
          <PhoneCards
            rows={months.data?.rows}
            rowKey={(r) => r.period}
            loading={months.isLoading}
            emptyText="还没有结账的月份"
            card={(r) => ({
              title: r.period,
              tags: r.version ? <Tag>第 {r.version} 版</Tag> : undefined,
              fields: [
                ['最近一次', latest(r)],
                ['数据来源', sourceTag(r.sends[0])],
                ['发送记录', `${r.sends.length} 次`],
              ],
              footer: actions(r),
            })}
          />
        ) : (
          <Table
            size="small"
            rowKey="period"
            loading={months.isLoading}
            dataSource={months.data?.rows ?? []}
            pagination={{ pageSize: 12 }}
            scroll={{ x: 820 }}
            columns={[
              { title: '月份', dataIndex: 'period' },
              { title: '版本', dataIndex: 'version' },
              { title: '最近一次', render: (_: unknown, r) => latest(r) },
              { title: '数据来源', render: (_: unknown, r) => sourceTag(r.sends[0]) },
              { title: '发送记录', render: (_: unknown, r) => `${r.sends.length} 次` },
              { title: '', render: (_: unknown, r) => actions(r) },
            ]}
          />
        )}
      </Space>
    </Page>
  );
}
