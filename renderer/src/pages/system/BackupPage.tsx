import { useEffect, useState } from 'react';
import { Alert, App, Badge, Button, Card, Col, Descriptions, Form, Input, InputNumber, Row, Space, Table, Tooltip, Typography, Upload } from 'antd';
import { CloudDownloadOutlined, DatabaseOutlined, HistoryOutlined, SaveOutlined, UploadOutlined } from '@ant-design/icons';
import { KEEP_MAX, KEEP_MIN, type BackupEntry, type RestoreResult } from '../../../../shared/contract/backup';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { call } from '../../api/client';
import { Page } from '../../components/Page';
import { useSession } from '../../stores/session';
import { useFileSender } from '../../components/import/useFileSender';
import { maxUploadBytes, ReasonTag, RestoreConfirmModal, formatBytes, formatTime, saveBase64, type RestoreCandidate } from './backupShared';

type Pending = { candidate: RestoreCandidate; source: { fileName: string } | { upload: File } };

function VerifiedBadge({ entry }: { entry: BackupEntry }) {
  if (entry.verified === true) return <Badge status="success" text="已校验" />;
  if (entry.verified === false) {
    return (
      <Tooltip title={entry.problem}>
        <Badge status="error" text="校验未通过" />
      </Tooltip>
    );
  }
  return (
    <Tooltip title="本数据库中没有这个文件的备份记录（例如恢复之前做的备份，或从别处复制来的文件）。恢复时会先检查文件。">
      <Badge status="default" text="无记录" />
    </Tooltip>
  );
}

/** 系统管理 → 数据备份: folder and retention, the backups on disk, backup now, download, restore. */
export default function BackupPage() {
  const { message, modal } = App.useApp();
  const send = useFileSender();
  const load = useSession((s) => s.load);
  const [form] = Form.useForm<{ dir: string; keep: number }>();
  const status = useApiQuery('backup.status', {}, { refetchInterval: (q) => (q.state.data?.busy ? 2000 : false) });
  const list = useApiQuery('backup.list', {});
  const [pending, setPending] = useState<Pending | null>(null);
  const [restoring, setRestoring] = useState(false);
  const [downloading, setDownloading] = useState<string | null>(null);

  const save = useApiMutation('backup.updateSettings', { success: '备份设置已保存', form });
  const create = useApiMutation('backup.create', {
    onSuccess: (entry) =>
      entry.verified
        ? message.success(`备份完成并已校验：${entry.fileName}`)
        : message.error(`备份已写入，但校验未通过：${entry.problem ?? ''}。请立即运行“数据检查”。`),
  });

  const s = status.data;
  // A backup the scheduler was making when the page opened: show its file once it is done.
  const busy = s?.busy ?? false;
  const refetchList = list.refetch;
  useEffect(() => {
    if (!busy) void refetchList();
  }, [busy, refetchList]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the form follows the saved folder and count, not every refetch of the status
  useEffect(() => {
    if (s) form.setFieldsValue({ dir: s.dir, keep: s.keep });
  }, [s?.dir, s?.keep, form]);

  async function download(entry: BackupEntry) {
    setDownloading(entry.fileName);
    try {
      const out = await call('backup.download', { fileName: entry.fileName });
      saveBase64(out.fileName, out.base64);
    } catch (err) {
      message.error((err as Error).message);
    } finally {
      setDownloading(null);
    }
  }

  async function restore() {
    if (!pending) return;
    setRestoring(true);
    try {
      const input = 'upload' in pending.source ? { upload: await send('backup.restore', pending.source.upload) } : { fileName: pending.source.fileName };
      const result: RestoreResult = await call('backup.restore', input);
      setPending(null);
      modal.success({
        title: '数据已恢复',
        content: (
          <>
            <p>
              已从“{result.restoredFrom}”恢复{result.fileSchemaVersion < result.schemaVersion ? `，并升级到数据库版本 ${result.schemaVersion}` : ''}。
            </p>
            {result.previousDataSavedAs && <p style={{ wordBreak: 'break-all' }}>恢复前的数据已备份为：{result.previousDataSavedAs}</p>}
            <p>所有用户都已退出，请重新登录。</p>
          </>
        ),
        okText: '重新登录',
        onOk: () => load(),
      });
    } catch (err) {
      message.error((err as Error).message, 8);
    } finally {
      setRestoring(false);
    }
  }

  const uploadPicker = (
    <Upload
      accept=".sqlite,.db,.bak"
      showUploadList={false}
      beforeUpload={(file) => {
        if (file.size > maxUploadBytes()) {
          message.error(`文件过大（${formatBytes(file.size)}）。请把它复制到备份目录中，再从下面的列表恢复。`, 8);
          return Upload.LIST_IGNORE;
        }
        setPending({
          candidate: { fileName: file.name, at: new Date(file.lastModified).toISOString(), atLabel: '文件修改时间', sizeBytes: file.size, reason: null },
          source: { upload: file },
        });
        return false;
      }}
    >
      <Button icon={<UploadOutlined />}>从文件恢复…</Button>
    </Upload>
  );

  return (
    <Page
      title="数据备份"
      subTitle="每天自动备份；升级数据库、月结和恢复之前也会自动备份；也可以随时手动备份。"
      extra={
        <>
          {uploadPicker}
          {/* Never blocked by a running job: the server queues backups one after another. */}
          <Button type="primary" icon={<SaveOutlined />} loading={create.isPending} onClick={() => create.mutate({ note: null })}>
            立即备份
          </Button>
        </>
      }
    >
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        {busy && !create.isPending && <Alert type="info" showIcon title="正在进行一次备份（例如每日自动备份），请稍候…" />}
        {s && !s.folder.ok && <Alert type="error" showIcon title="备份目录不可用，备份无法写入" description={s.folder.problem} />}
        {s?.scheduler.lastError && (
          <Alert
            type="error"
            showIcon
            title={s.scheduler.lastError}
            description={`时间：${formatTime(s.scheduler.lastErrorAt)}。请检查备份目录后点“立即备份”。`}
          />
        )}
        {s?.folder.ok && s.folder.sameDiskAsData && (
          <Alert
            type="warning"
            showIcon
            title="备份与数据在同一块硬盘上"
            description="硬盘损坏时，数据和备份会一起丢失。建议把备份目录设在U盘、移动硬盘或网络共享上（例如 E:\三统备份 或 \\服务器\共享\三统备份）。"
          />
        )}

        <Row gutter={[12, 12]}>
          <Col xs={24} xl={11}>
            <Card title="备份设置" size="small" loading={status.isLoading}>
              <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => save.mutate({ dir: v.dir, keep: v.keep })}>
                <Form.Item
                  name="dir"
                  label="备份目录"
                  rules={[{ required: true, whitespace: true, message: '请填写备份目录' }]}
                  extra={s ? `须是已存在、可写入的文件夹。默认：${s.defaultDir}` : undefined}
                >
                  <Input placeholder="例如 E:\三统备份" maxLength={260} />
                </Form.Item>
                <Form.Item
                  name="keep"
                  label="自动备份保留份数"
                  extra="每种自动备份（每日、升级前、月结前、恢复前）各保留最新的这么多份；手动备份不会被自动删除。"
                  rules={[{ required: true, message: '请填写保留份数' }]}
                >
                  <InputNumber min={KEEP_MIN} max={KEEP_MAX} precision={0} addonAfter="份" style={{ width: 160 }} />
                </Form.Item>
                <Button htmlType="submit" loading={save.isPending}>
                  保存设置
                </Button>
              </Form>
            </Card>
          </Col>
          <Col xs={24} xl={13}>
            <Card title="备份状态" size="small" loading={status.isLoading}>
              {s && (
                <Descriptions
                  size="small"
                  column={1}
                  items={[
                    {
                      key: 'last',
                      label: '最近一次备份',
                      children: s.lastBackup ? (
                        <Space wrap>
                          {formatTime(s.lastBackup.createdAt)}
                          <ReasonTag reason={s.lastBackup.reason} />
                          <VerifiedBadge entry={s.lastBackup} />
                        </Space>
                      ) : (
                        <Typography.Text type="danger">还没有任何备份</Typography.Text>
                      ),
                    },
                    {
                      key: 'daily',
                      label: '今天的自动备份',
                      children: s.todayDailyDone ? (
                        <Badge status="success" text="已完成" />
                      ) : (
                        <Badge status="warning" text="尚未完成（程序运行时每小时检查一次）" />
                      ),
                    },
                    {
                      key: 'file',
                      label: '数据文件',
                      children: (
                        <Typography.Text copyable style={{ wordBreak: 'break-all' }}>
                          {s.dataFile}
                        </Typography.Text>
                      ),
                    },
                    { key: 'size', label: '数据大小', children: formatBytes(s.dataSizeBytes) },
                    { key: 'free', label: '备份目录剩余空间', children: formatBytes(s.folder.freeBytes) },
                  ]}
                />
              )}
            </Card>
          </Col>
        </Row>

        <Card
          title={
            <Space>
              <HistoryOutlined />
              备份文件
            </Space>
          }
          size="small"
          extra={<Typography.Text type="secondary">{s ? s.dir : ''}</Typography.Text>}
        >
          <Table<BackupEntry>
            rowKey={(e) => `${e.dir}/${e.fileName}`}
            size="small"
            loading={list.isLoading}
            dataSource={list.data ?? []}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: 860 }}
            locale={{ emptyText: '还没有备份。点右上角“立即备份”做第一份备份。' }}
            columns={[
              { title: '备份时间', dataIndex: 'createdAt', width: 170, render: (v: string) => formatTime(v) },
              { title: '类型', dataIndex: 'reason', width: 90, render: (_: unknown, e) => <ReasonTag reason={e.reason} /> },
              { title: '大小', dataIndex: 'sizeBytes', width: 90, align: 'right', render: (v: number) => formatBytes(v) },
              { title: '校验', key: 'verified', width: 110, render: (_: unknown, e) => <VerifiedBadge entry={e} /> },
              {
                title: '文件',
                dataIndex: 'fileName',
                ellipsis: true,
                render: (v: string, e) => (
                  <Tooltip title={`${e.dir} · ${v}${e.note ? ` · ${e.note}` : ''}`}>
                    <span>
                      <DatabaseOutlined style={{ color: '#8c8c8c', marginInlineEnd: 4 }} />
                      {v}
                    </span>
                  </Tooltip>
                ),
              },
              { title: '操作人', dataIndex: 'createdBy', width: 90, render: (v: string | null, e) => v ?? (e.automatic ? '自动' : '—') },
              {
                title: '操作',
                key: 'actions',
                width: 130,
                fixed: 'right',
                render: (_: unknown, e) => (
                  <Space size={0}>
                    <Button
                      type="link"
                      size="small"
                      icon={<CloudDownloadOutlined />}
                      loading={downloading === e.fileName}
                      onClick={() => void download(e)}
                      aria-label={`下载 ${e.fileName}`}
                    >
                      下载
                    </Button>
                    <Button
                      type="link"
                      size="small"
                      danger
                      aria-label={`恢复 ${e.fileName}`}
                      onClick={() =>
                        setPending({
                          candidate: { fileName: e.fileName, at: e.createdAt, atLabel: '备份时间', sizeBytes: e.sizeBytes, reason: e.reason },
                          source: { fileName: e.fileName },
                        })
                      }
                    >
                      恢复
                    </Button>
                  </Space>
                ),
              },
            ]}
          />
        </Card>
      </Space>
      <RestoreConfirmModal candidate={pending?.candidate ?? null} busy={restoring} onConfirm={() => void restore()} onCancel={() => setPending(null)} />
    </Page>
  );
}
