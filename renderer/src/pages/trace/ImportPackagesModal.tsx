import { useState } from 'react';
import { Alert, App, Col, Modal, Result, Row, Select, Statistic, Table, Tag, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import type { MethodOutput } from '../../../../shared/contract';
import { PACKAGE_COLUMN_BY_FIELD, PACKAGE_LEVEL_SHORT } from '../../../../shared/tracePackages';
import { ApiError, call } from '../../api/client';
import { useApiQuery } from '../../api/hooks';
import { readFileAsBase64 } from '../catalog/files';

type Preview = MethodOutput<'trace.packagesPreview'>;
type Done = MethodOutput<'trace.packagesImport'>;
type File64 = { filename: string; base64: string };

const ACTION: Record<Preview['rows'][number]['action'], { label: string; color: string }> = {
  new: { label: '新增', color: 'green' },
  known: { label: '已导入过', color: 'default' },
  error: { label: '有错误', color: 'red' },
};

/**
 * 导入大码/中码关联: the supplier's association file (parent → child codes). Preview first (columns found, counts,
 * every error with its row and column), then one all-or-nothing import; the same file twice adds nothing.
 */
export function ImportPackagesModal({ open, onClose }: { open: boolean; onClose(): void }) {
  const { message } = App.useApp();
  const suppliers = useApiQuery('suppliers.list', {}, { enabled: open });
  const [supplierId, setSupplierId] = useState<number>();
  const [file, setFile] = useState<File64 | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState<'preview' | 'import' | null>(null);

  function reset() {
    setFile(null);
    setPreview(null);
    setDone(null);
    setProblem(null);
  }

  async function runPreview(next: File64) {
    setBusy('preview');
    setProblem(null);
    try {
      setPreview(await call('trace.packagesPreview', { supplierId, file: next }));
    } catch (e) {
      setProblem(e instanceof ApiError || e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  }

  async function runImport() {
    if (!file) return;
    setBusy('import');
    try {
      const r = await call('trace.packagesImport', { supplierId, file });
      setDone(r);
      message.success(r.added ? `已导入 ${r.added} 条关联` : '没有新的关联');
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <Modal
      open={open}
      title="导入大码/中码关联"
      width={860}
      okText={done ? '完成' : '导入'}
      cancelText="关闭"
      okButtonProps={{ disabled: !done && (!preview || preview.errorRows > 0 || preview.newLinks === 0), loading: busy === 'import' }}
      onOk={() => (done ? (reset(), onClose()) : void runImport())}
      onCancel={() => {
        reset();
        onClose();
      }}
      destroyOnHidden
    >
      {done ? (
        <Result
          status="success"
          title={done.added ? '导入完成' : '没有新的关联'}
          subTitle={`新导入 ${done.added} 条，已导入过的 ${done.known} 条未改动；文件中有大码 ${done.cartons} 个、中码 ${done.middlePacks} 个、小码 ${done.boxes} 盒。之后扫大码或中码即等于扫了其中的每一盒。`}
        />
      ) : (
        <>
          <Select
            allowClear
            style={{ width: '100%', maxWidth: 360, marginBottom: 12 }}
            placeholder="提供文件的配送企业（可不选）"
            value={supplierId}
            onChange={setSupplierId}
            options={(suppliers.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
            aria-label="配送企业"
          />
          {!preview ? (
            <Upload.Dragger
              accept=".xlsx,.xls,.et,.ods,.csv,.txt"
              multiple={false}
              showUploadList={false}
              disabled={busy !== null}
              beforeUpload={async (f) => {
                const next = { filename: f.name, base64: await readFileAsBase64(f) };
                setFile(next);
                await runPreview(next);
                return false;
              }}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{busy === 'preview' ? '正在读取文件……' : '点击选择或拖入配送企业随货提供的追溯码关联关系'}</p>
              <p className="ant-upload-hint">
                Excel、WPS、CSV 均可；每行一个“上级码 → 下级码”（列名如
                大码/上级码/父码、小码/下级码/子码，可另有一列包装层级：大码或中码）。先预览，不会直接修改数据；同一文件导入两次不会重复。
              </p>
            </Upload.Dragger>
          ) : (
            <>
              <Typography.Paragraph type="secondary">
                文件：{file?.filename} · {preview.format} · 工作表“{preview.sheet}”，表头在第 {preview.headerRow} 行 · 列：
                {Object.entries(preview.mapping)
                  .filter(([, col]) => col != null)
                  .map(
                    ([field, col]) =>
                      `${PACKAGE_COLUMN_BY_FIELD[field as keyof typeof PACKAGE_COLUMN_BY_FIELD].label} = ${preview.columns.find((c) => c.index === col)?.letter} 列`,
                  )
                  .join('，')}
              </Typography.Paragraph>
              <Row gutter={[16, 8]} style={{ marginBottom: 16 }}>
                <Col xs={8} md={4}>
                  <Statistic title="新关联" value={preview.newLinks} />
                </Col>
                <Col xs={8} md={4}>
                  <Statistic title="已导入过" value={preview.knownLinks} />
                </Col>
                <Col xs={8} md={4}>
                  <Statistic title="有错误的行" value={preview.errorRows} styles={{ content: { color: preview.errorRows ? '#cf1322' : undefined } }} />
                </Col>
                <Col xs={8} md={4}>
                  <Statistic title="大码" value={preview.cartons} />
                </Col>
                <Col xs={8} md={4}>
                  <Statistic title="中码" value={preview.middlePacks} />
                </Col>
                <Col xs={8} md={4}>
                  <Statistic title="小码（盒）" value={preview.boxes} />
                </Col>
              </Row>
              {preview.errorRows > 0 && (
                <Alert
                  type="error"
                  showIcon
                  style={{ marginBottom: 12 }}
                  title={`文件中有 ${preview.errorRows} 行有错误，整个文件不能导入：请修正后重新选择文件`}
                  description={
                    <ul style={{ margin: 0, paddingLeft: 18, maxHeight: 180, overflow: 'auto' }}>
                      {preview.errors.slice(0, 100).map((e) => (
                        <li key={`${e.row}-${e.column}-${e.reason}`}>
                          第 {e.row} 行 {e.column}：{e.reason}
                        </li>
                      ))}
                    </ul>
                  }
                />
              )}
              {preview.errorRows === 0 && preview.newLinks === 0 && (
                <Alert type="info" showIcon style={{ marginBottom: 12 }} title="文件中的关联都已导入过，没有新的关联，不需要再导入" />
              )}
              <Table
                size="small"
                rowKey="row"
                pagination={{ pageSize: 8, size: 'small' }}
                scroll={{ x: 640 }}
                dataSource={preview.rows}
                columns={[
                  { title: '行', dataIndex: 'row', width: 56 },
                  { title: '结果', dataIndex: 'action', width: 90, render: (a: keyof typeof ACTION) => <Tag color={ACTION[a].color}>{ACTION[a].label}</Tag> },
                  {
                    title: '上级码',
                    dataIndex: 'parentCode',
                    render: (c: string | null, r) => (
                      <>
                        {r.level && <Tag>{PACKAGE_LEVEL_SHORT[r.level]}</Tag>}
                        <Typography.Text code>{c ?? '—'}</Typography.Text>
                      </>
                    ),
                  },
                  { title: '下级码', dataIndex: 'childCode', render: (c: string | null) => <Typography.Text code>{c ?? '—'}</Typography.Text> },
                ]}
              />
            </>
          )}
          {problem && <Alert style={{ marginTop: 16 }} type="error" showIcon title={problem} />}
        </>
      )}
    </Modal>
  );
}
