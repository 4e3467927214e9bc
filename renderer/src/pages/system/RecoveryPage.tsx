import { useState } from 'react';
import { Alert, App, Button, Card, Input, Result, Space, Table, Typography, Upload } from 'antd';
import { ArrowLeftOutlined, UploadOutlined, WarningFilled } from '@ant-design/icons';
import type { BackupEntry, RestoreResult } from '../../../../shared/contract/backup';
import { call } from '../../api/client';
import { useApiQuery } from '../../api/hooks';
import { useSession } from '../../stores/session';
import { useFileSender } from '../../components/import/useFileSender';
import { maxUploadBytes, ReasonTag, RestoreConfirmModal, formatBytes, formatTime, type RestoreCandidate } from './backupShared';

type Pending = { candidate: RestoreCandidate; source: { fileName: string } | { upload: File } };

/**
 * Restoring without an account: when the server's database file is damaged (recovery mode), or on a
 * fresh install that takes over a hub from its backup. Only the hub PC itself may do it.
 */
export default function RecoveryPage({ mode, onBack }: { mode: 'damaged' | 'setup'; onBack?: () => void }) {
  const { message } = App.useApp();
  const send = useFileSender();
  const load = useSession((s) => s.load);
  const [dir, setDir] = useState<string | undefined>(undefined);
  const status = useApiQuery('recovery.status', dir ? { dir } : {}, { retry: false });
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<RestoreResult | null>(null);
  const damaged = mode === 'damaged';
  const s = status.data;

  async function restore() {
    if (!pending) return;
    setBusy(true);
    try {
      const input =
        'upload' in pending.source
          ? { upload: await send('recovery.restore', pending.source.upload) }
          : { fileName: pending.source.fileName, ...(dir ? { dir } : {}) };
      setDone(await call('recovery.restore', input));
      setPending(null);
    } catch (err) {
      message.error((err as Error).message, 8);
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <div className="auth-page">
        <Card className="auth-card" style={{ maxWidth: 640 }}>
          <Result
            status="success"
            title="数据已恢复"
            subTitle={
              <Space orientation="vertical">
                <span>
                  已从“{done.restoredFrom}”恢复{done.hubName ? `（${done.hubName}）` : ''}
                  {done.fileSchemaVersion < done.schemaVersion ? `，并升级到数据库版本 ${done.schemaVersion}` : ''}。
                </span>
                {done.previousDataSavedAs && (
                  <span style={{ wordBreak: 'break-all' }}>
                    {damaged ? '损坏的数据库文件已另存为：' : '原来的数据已另存为：'}
                    {done.previousDataSavedAs}
                  </span>
                )}
                <span>请用备份中的账号重新登录，并核对最近几天的业务是否需要补录。</span>
              </Space>
            }
            extra={
              <Button type="primary" size="large" onClick={() => void load()}>
                前往登录
              </Button>
            }
          />
        </Card>
      </div>
    );
  }

  const uploadPicker = (
    <Upload
      accept=".sqlite,.db,.bak"
      showUploadList={false}
      beforeUpload={(file) => {
        if (file.size > maxUploadBytes()) {
          message.error(`文件过大（${formatBytes(file.size)}）。请把它复制到备份目录，或在上面填写它所在的文件夹。`, 8);
          return Upload.LIST_IGNORE;
        }
        setPending({
          candidate: { fileName: file.name, at: new Date(file.lastModified).toISOString(), atLabel: '文件修改时间', sizeBytes: file.size, reason: null },
          source: { upload: file },
        });
        return false;
      }}
    >
      <Button icon={<UploadOutlined />}>选择备份文件…</Button>
    </Upload>
  );

  return (
    <div className="auth-page">
      <Card className="auth-card recovery-card" style={{ maxWidth: 880 }}>
        {onBack && (
          <Button type="link" icon={<ArrowLeftOutlined />} onClick={onBack} style={{ paddingInline: 0 }}>
            返回首次设置
          </Button>
        )}
        <Space align="start" size={12} style={{ marginBottom: 12 }}>
          {damaged && <WarningFilled style={{ color: '#ff4d4f', fontSize: 32, marginTop: 4 }} />}
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {damaged ? '数据库文件损坏，需要从备份恢复' : '从备份恢复数据'}
            </Typography.Title>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              {damaged
                ? '三统无法安全地打开本机的数据库文件。为防止错误扩散，系统已暂停所有业务，村卫生室也暂时无法使用。请从最近的备份恢复；损坏的文件会保留在 damaged 文件夹中，供技术人员检查。'
                : '更换电脑或重新安装后，可以把以前的备份恢复到本机，继续使用原来的卫生院数据。'}
            </Typography.Paragraph>
          </div>
        </Space>

        {s?.problem && <Alert type="error" showIcon style={{ marginBottom: 12 }} title="检测到的问题" description={s.problem} />}
        {status.error && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={status.error.message} />}

        {s && !s.local && (
          <Result
            status="warning"
            title="请在卫生院的电脑上操作"
            subTitle="为安全起见，只能在运行三统的卫生院电脑上（本机）从备份恢复。请联系卫生院的系统管理员。"
            extra={<Button onClick={() => void status.refetch()}>重新检查</Button>}
          />
        )}

        {s?.canRestore && (
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            <Typography.Text type="secondary" style={{ wordBreak: 'break-all' }}>
              数据文件：{s.dataFile}
            </Typography.Text>
            <Input.Search
              aria-label="备份所在文件夹"
              addonBefore="备份文件夹"
              placeholder={s.backupDir}
              defaultValue={dir}
              enterButton="查找"
              allowClear
              onSearch={(v) => setDir(v.trim() || undefined)}
            />
            <Table<BackupEntry>
              rowKey={(e) => `${e.dir}/${e.fileName}`}
              size="small"
              loading={status.isFetching}
              dataSource={s.backups}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              scroll={{ x: 620 }}
              locale={{ emptyText: '这个文件夹里没有三统的备份。可以在上面填写备份所在的文件夹（例如U盘 E:\\三统备份），或选择一个备份文件。' }}
              columns={[
                { title: '备份时间', dataIndex: 'createdAt', width: 170, render: (v: string) => formatTime(v) },
                { title: '类型', dataIndex: 'reason', width: 90, render: (_: unknown, e) => <ReasonTag reason={e.reason} /> },
                { title: '卫生院', dataIndex: 'hub', ellipsis: true },
                { title: '大小', dataIndex: 'sizeBytes', width: 90, align: 'right', render: (v: number) => formatBytes(v) },
                {
                  title: '操作',
                  key: 'restore',
                  width: 90,
                  render: (_: unknown, e) => (
                    <Button
                      type="primary"
                      danger
                      size="small"
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
                  ),
                },
              ]}
            />
            <Space wrap>
              {uploadPicker}
              <Typography.Text type="secondary">备份不在列表里？也可以直接选择一个备份文件（70 MB 以内）。</Typography.Text>
            </Space>
          </Space>
        )}
      </Card>
      <RestoreConfirmModal
        candidate={pending?.candidate ?? null}
        busy={busy}
        damaged={damaged}
        onConfirm={() => void restore()}
        onCancel={() => setPending(null)}
      />
    </div>
  );
}
