import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Col, Modal, Popconfirm, Result, Row, Select, Space, Statistic, Table, Tabs, Tag, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { CATALOG_COLUMNS, type ImportField } from '../../../../shared/catalogColumns';
import type { ImportMapping, ImportPreview } from '../../../../shared/contract/catalog';
import type { MethodOutput } from '../../../../shared/contract';
import { ApiError, call } from '../../api/client';
import { readFileAsBase64 } from './files';

type CommitResult = MethodOutput<'catalog.importCommit'>;
type File64 = { filename: string; base64: string };

const ACTION: Record<ImportPreview['rows'][number]['action'], { label: string; color: string }> = {
  new: { label: '新增', color: 'green' },
  update: { label: '更新', color: 'blue' },
  unchanged: { label: '不变', color: 'default' },
  error: { label: '有错误', color: 'red' },
};

/** Column mapping: which column of the file holds which field. National column names are recognised. */
function MappingTable({ preview, busy, onChange }: { preview: ImportPreview; busy: boolean; onChange(m: ImportMapping): void }) {
  const options = preview.columns.map((c) => ({
    value: c.index,
    label: `${c.letter} 列 · ${c.header || '（无列名）'}${c.samples[0] ? `（如 ${c.samples[0].slice(0, 16)}）` : ''}`,
  }));
  return (
    <Table
      size="small"
      rowKey="field"
      pagination={false}
      scroll={{ y: 360 }}
      dataSource={CATALOG_COLUMNS}
      columns={[
        {
          title: '系统字段',
          dataIndex: 'label',
          width: 230,
          render: (label: string, c) => (
            <Space size={4} wrap>
              <span>{label}</span>
              {c.requiredForNew && <Tag color={preview.missingRequired.includes(c.field) ? 'red' : 'default'}>新增必填</Tag>}
            </Space>
          ),
        },
        {
          title: '文件中的列',
          key: 'column',
          render: (_, c) => (
            <Select
              allowClear
              disabled={busy}
              style={{ width: '100%' }}
              placeholder="不导入（保留系统中的值）"
              value={preview.mapping[c.field] ?? undefined}
              options={options}
              aria-label={`${c.label}对应的列`}
              onChange={(v: number | undefined) => onChange({ ...preview.mapping, [c.field as ImportField]: v ?? null })}
            />
          ),
        },
        { title: '说明', dataIndex: 'hint', width: 220, render: (h?: string) => <Typography.Text type="secondary">{h}</Typography.Text> },
      ]}
    />
  );
}

/**
 * Import a catalog workbook: choose the file, check the preview (column mapping, counts, every bad row
 * with its column and reason), then import — all rows, or knowingly only the clean ones.
 */
export function ImportCatalogModal({ open, onClose }: { open: boolean; onClose(): void }) {
  const { message } = App.useApp();
  const client = useQueryClient();
  const [file, setFile] = useState<File64 | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [result, setResult] = useState<CommitResult | null>(null);
  const [busy, setBusy] = useState<'preview' | 'all' | 'cleanRowsOnly' | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  function reset() {
    setFile(null);
    setPreview(null);
    setResult(null);
    setProblem(null);
  }

  async function runPreview(f: File64, mapping?: ImportMapping) {
    setBusy('preview');
    setProblem(null);
    try {
      setPreview(await call('catalog.importPreview', { file: f, mapping }));
    } catch (err) {
      setProblem((err as Error).message);
      if (!mapping) setPreview(null);
    } finally {
      setBusy(null);
    }
  }

  async function commit(mode: 'all' | 'cleanRowsOnly') {
    if (!file || !preview) return;
    setBusy(mode);
    try {
      const r = await call('catalog.importCommit', { file, mapping: preview.mapping, mode });
      setResult(r);
      await Promise.all(['catalog.list', 'catalog.search', 'catalog.get', 'suppliers.list'].map((m) => client.invalidateQueries({ queryKey: [m] })));
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : '导入失败');
    } finally {
      setBusy(null);
    }
  }

  const close = () => {
    reset();
    onClose();
  };
  const cleanRows = preview ? preview.totalRows - preview.errorRowCount : 0;
  const canImport = preview && preview.totalRows > 0 && preview.newCount + preview.updatedCount > 0;

  const footer = result ? (
    <Button type="primary" onClick={close}>
      完成
    </Button>
  ) : preview ? (
    <Space wrap>
      <Button onClick={reset} disabled={busy !== null}>
        重新选择文件
      </Button>
      {preview.errorRowCount > 0 && cleanRows > 0 && (
        <Popconfirm
          title="只导入无错误的行？"
          description={`将导入 ${cleanRows} 行，跳过 ${preview.errorRowCount} 行有错误的数据（它们不会被导入）。`}
          okText="确定导入"
          cancelText="取消"
          onConfirm={() => commit('cleanRowsOnly')}
        >
          <Button danger loading={busy === 'cleanRowsOnly'} disabled={busy !== null && busy !== 'cleanRowsOnly'}>
            只导入无错误的 {cleanRows} 行
          </Button>
        </Popconfirm>
      )}
      <Button
        type="primary"
        disabled={preview.errorRowCount > 0 || !canImport || (busy !== null && busy !== 'all')}
        loading={busy === 'all'}
        onClick={() => commit('all')}
      >
        导入全部 {preview.totalRows} 行
      </Button>
    </Space>
  ) : null;

  return (
    <Modal open={open} title="导入药品目录（Excel）" width={1000} onCancel={close} footer={footer} destroyOnHidden maskClosable={false}>
      {result ? (
        <Result
          status={result.skippedRows ? 'warning' : 'success'}
          title="导入完成"
          subTitle={`新增 ${result.created} 种，更新 ${result.updated} 种，未变化 ${result.unchanged} 种${result.skippedRows ? `；跳过有错误的 ${result.skippedRows} 行` : ''}。`}
        />
      ) : !preview ? (
        <>
          <Upload.Dragger
            accept=".xlsx"
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
            <p className="ant-upload-text">{busy === 'preview' ? '正在读取文件……' : '点击选择或拖入 Excel 文件（.xlsx）'}</p>
            <p className="ant-upload-hint">
              可直接使用国家医保药品分类与代码数据库下载的文件（药品代码、注册名称、注册剂型、注册规格、最小包装数量……），也可使用本系统导出的药品目录。按医保药品编码新增或更新；导入前会先预览，不会直接修改数据。
            </p>
          </Upload.Dragger>
          {problem && <Alert style={{ marginTop: 16 }} type="error" showIcon title={problem} />}
        </>
      ) : (
        <>
          <Typography.Paragraph type="secondary">
            文件：{file?.filename} · 工作表“{preview.sheet}” · 第 {preview.headerRow} 行为列名
          </Typography.Paragraph>
          <Row gutter={16} style={{ marginBottom: 16 }}>
            <Col xs={8} md={4}>
              <Statistic title="数据行" value={preview.totalRows} />
            </Col>
            <Col xs={8} md={4}>
              <Statistic title="新增" value={preview.newCount} styles={{ content: { color: '#389e0d' } }} />
            </Col>
            <Col xs={8} md={4}>
              <Statistic title="更新" value={preview.updatedCount} styles={{ content: { color: '#1677ff' } }} />
            </Col>
            <Col xs={8} md={4}>
              <Statistic title="不变" value={preview.unchangedCount} />
            </Col>
            <Col xs={8} md={4}>
              <Statistic title="有错误的行" value={preview.errorRowCount} styles={{ content: { color: preview.errorRowCount ? '#cf1322' : undefined } }} />
            </Col>
          </Row>
          {problem && <Alert style={{ marginBottom: 12 }} type="error" showIcon title={problem} />}
          {preview.errorRowCount > 0 ? (
            <Alert
              style={{ marginBottom: 12 }}
              type="error"
              showIcon
              title={`文件中有 ${preview.errorRowCount} 行共 ${preview.errorCount} 处错误`}
              description="请按下面的行号和列修正文件后重新选择；或者确认后“只导入无错误的行”，有错误的行不会被导入。"
            />
          ) : preview.totalRows > 0 && !canImport ? (
            <Alert style={{ marginBottom: 12 }} type="info" showIcon title="文件中的药品与系统中完全一致，没有需要导入的内容。" />
          ) : null}
          <Tabs
            defaultActiveKey={preview.errorRowCount ? 'errors' : 'rows'}
            items={[
              {
                key: 'errors',
                label: `错误（${preview.errorCount}）`,
                children: (
                  <Table
                    size="small"
                    rowKey={(e) => `${e.row}-${e.column}-${e.reason}`}
                    dataSource={preview.errors}
                    pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
                    locale={{ emptyText: '没有错误' }}
                    columns={[
                      { title: '行', dataIndex: 'row', width: 70 },
                      { title: '列', dataIndex: 'column', width: 180 },
                      { title: '原因', dataIndex: 'reason' },
                    ]}
                  />
                ),
              },
              {
                key: 'rows',
                label: '预览',
                children: (
                  <Table
                    size="small"
                    rowKey="row"
                    dataSource={preview.rows}
                    pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
                    scroll={{ x: 820 }}
                    columns={[
                      { title: '行', dataIndex: 'row', width: 60 },
                      {
                        title: '结果',
                        dataIndex: 'action',
                        width: 80,
                        render: (a: keyof typeof ACTION) => <Tag color={ACTION[a].color}>{ACTION[a].label}</Tag>,
                      },
                      { title: '医保编码', dataIndex: 'nhsaCode', width: 220, render: (c: string) => <Typography.Text code>{c}</Typography.Text> },
                      { title: '通用名', dataIndex: 'genericName' },
                      { title: '规格', dataIndex: 'spec', width: 110 },
                      { title: '生产企业', dataIndex: 'manufacturer', ellipsis: true },
                      { title: '变更', dataIndex: 'changes', render: (c: string[]) => c.join('、') },
                    ]}
                  />
                ),
              },
              {
                key: 'mapping',
                label: preview.missingRequired.length ? (
                  <Typography.Text type="danger">列对应（缺 {preview.missingRequired.length} 项）</Typography.Text>
                ) : (
                  '列对应'
                ),
                children: <MappingTable preview={preview} busy={busy !== null} onChange={(m) => file && runPreview(file, m)} />,
              },
            ]}
          />
        </>
      )}
    </Modal>
  );
}
