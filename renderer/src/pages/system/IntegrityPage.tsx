import { Alert, Button, Card, Collapse, Descriptions, List, Result, Space, Tag, Typography } from 'antd';
import { CheckCircleFilled, CloseCircleFilled, SafetyCertificateOutlined } from '@ant-design/icons';
import type { IntegrityCheckResult } from '../../../../shared/contract/backup';
import { useApiMutation } from '../../api/hooks';
import { Page } from '../../components/Page';
import { formatBytes, formatTime } from './backupShared';

function CheckRow({ check }: { check: IntegrityCheckResult }) {
  const icon = check.ok ? <CheckCircleFilled style={{ color: '#52c41a', fontSize: 18 }} /> : <CloseCircleFilled style={{ color: '#ff4d4f', fontSize: 18 }} />;
  return (
    <List.Item>
      <Space align="start" style={{ width: '100%' }}>
        {icon}
        <div style={{ flex: 1, minWidth: 0 }}>
          <Space wrap>
            <Typography.Text strong>{check.label}</Typography.Text>
            {check.ok ? <Tag color="success">通过</Tag> : <Tag color="error">发现 {check.problemCount} 处问题</Tag>}
          </Space>
          {!check.ok && (
            <Collapse
              size="small"
              ghost
              defaultActiveKey={['p']}
              items={[
                {
                  key: 'p',
                  label: check.problemCount > check.problems.length ? `问题明细（显示前 ${check.problems.length} 处）` : '问题明细',
                  children: (
                    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                      {check.problems.map((p, i) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: the problems of a check are a fixed list, never reordered
                        <li key={i} style={{ wordBreak: 'break-all' }}>
                          {p}
                        </li>
                      ))}
                    </ul>
                  ),
                },
              ]}
            />
          )}
        </div>
      </Space>
    </List.Item>
  );
}

/** 系统管理 → 数据检查: SQLite's own checks and the stock book's invariants, on demand. */
export default function IntegrityPage() {
  const check = useApiMutation('system.integrityCheck');
  const report = check.data;

  return (
    <Page
      title="数据检查"
      subTitle="检查数据库文件是否完好、引用是否完整、库存结存与台账是否一致。数据多时需要一些时间。"
      extra={
        <Button type="primary" icon={<SafetyCertificateOutlined />} loading={check.isPending} onClick={() => check.mutate({})}>
          {report ? '重新检查' : '开始检查'}
        </Button>
      }
    >
      {!report && !check.isPending && (
        <Card>
          <Result
            icon={<SafetyCertificateOutlined style={{ color: '#1677ff' }} />}
            title="检查数据是否完好、账目是否一致"
            subTitle="建议每月结账前检查一次；怀疑电脑异常断电、硬盘故障后，也请立即检查。检查只读取数据，不做任何修改。"
            extra={
              <Button type="primary" onClick={() => check.mutate({})}>
                开始检查
              </Button>
            }
          />
        </Card>
      )}
      {check.isPending && (
        <Card>
          <Result status="info" title="正在检查…" subTitle="正在逐页检查数据库文件并核对库存台账，请稍候。" />
        </Card>
      )}
      {report && !check.isPending && (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          {report.ok ? (
            <Alert type="success" showIcon title="全部检查通过" description={`共 ${report.checks.length} 项检查，数据库文件完好，库存账目一致。`} />
          ) : (
            <Alert
              type="error"
              showIcon
              title={`发现问题：${report.checks.filter((c) => !c.ok).length} 项检查未通过`}
              description="请暂停录入业务，先在“数据备份”中立即备份一份（保留现状供技术人员分析），然后联系技术支持。数据库文件损坏时，可以从最近一次校验通过的备份恢复。"
            />
          )}
          <Card size="small" title="检查项目">
            <List dataSource={report.checks} renderItem={(c) => <CheckRow check={c} />} />
          </Card>
          <Card size="small">
            <Descriptions
              size="small"
              column={{ xs: 1, md: 2 }}
              items={[
                { key: 'at', label: '检查时间', children: formatTime(report.checkedAt) },
                { key: 'size', label: '文件大小', children: formatBytes(report.sizeBytes) },
                { key: 'file', label: '数据文件', children: <Typography.Text style={{ wordBreak: 'break-all' }}>{report.dbFile}</Typography.Text> },
                { key: 'v', label: '数据库版本', children: report.schemaVersion },
              ]}
            />
          </Card>
        </Space>
      )}
    </Page>
  );
}
