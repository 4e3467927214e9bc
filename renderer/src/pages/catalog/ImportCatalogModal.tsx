import { useRef, useState } from 'react';
import { Alert, Button, Checkbox, Col, Modal, Result, Row, Select, Space, Spin, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { CATALOG_COLUMNS } from '../../../../shared/catalogColumns';
import { CATALOG_IMPORT_ROWS_PER_BATCH, catalogImportInBatches } from '../../../../shared/catalog-import';
import type { ImportMapping, ImportPreview } from '../../../../shared/contract/catalog';
import type { MethodOutput } from '../../../../shared/contract';
import { call } from '../../api/client';
import { ColumnMappingTable, ImportFileDrop, ImportFooter, ImportIssueTable, mappingTabLabel } from '../../components/import/ImportParts';
import { useImportFlow } from '../../components/import/useImportFlow';
import { useFileSender } from '../../components/import/useFileSender';
import { downloadFile } from '../../components/download';
import { ImportTemplateButton } from './ImportTemplateButton';

type CommitResult = MethodOutput<'catalog.importCommit'>;

const ACTION: Record<ImportPreview['rows'][number]['action'], { label: string; color: string }> = {
  new: { label: '新增', color: 'green' },
  update: { label: '更新', color: 'blue' },
  unchanged: { label: '不变', color: 'default' },
  error: { label: '有错误', color: 'red' },
};

/** Rows listed by number: "第 6、9 行", the first few. */
const rowList = (rows: { sheet: string; row: number }[], many: boolean) =>
  rows
    .slice(0, 8)
    .map((r) => (many ? `${r.sheet}第 ${r.row} 行` : `第 ${r.row} 行`))
    .join('、') + (rows.length > 8 ? ` 等 ${rows.length} 行` : '');

/**
 * Import a catalog file (any spreadsheet format): choose the file, check the preview (sheets taken and left out,
 * column mapping with hidden columns marked, counts, every bad row with its column and reason, rows set aside as
 * 已忽略), then import — all rows, or knowingly only the clean ones.
 */
export function ImportCatalogModal({ open, onClose }: { open: boolean; onClose(): void }) {
  // The user's read choices travel with every preview and the commit (refs: the flow's calls outlive a render).
  const sheets = useRef<string[] | undefined>(undefined);
  const skipHiddenRows = useRef(false);
  const { file, preview, result, busy, problem, reset, choose, remap, commit } = useImportFlow<ImportPreview, ImportMapping, CommitResult>({
    methods: { preview: 'catalog.importPreview', commit: 'catalog.importCommit' },
    preview: (f, mapping) => call('catalog.importPreview', { file: f, mapping, sheets: sheets.current, skipHiddenRows: skipHiddenRows.current }),
    commit: (f, mapping, mode) => call('catalog.importCommit', { file: f, mapping, mode, sheets: sheets.current, skipHiddenRows: skipHiddenRows.current }),
  });

  const close = () => {
    sheets.current = undefined;
    skipHiddenRows.current = false;
    reset();
    onClose();
  };
  const startOver = () => {
    sheets.current = undefined;
    skipHiddenRows.current = false;
    reset();
  };
  const pickSheets = (names: string[]) => {
    if (!file || names.length === 0) return;
    sheets.current = names;
    // Other sheets may have their columns elsewhere: the headers are read again.
    void choose(file.picked);
  };
  const send = useFileSender();
  const [downloading, setDownloading] = useState(false);
  const [downloadProblem, setDownloadProblem] = useState<string | null>(null);
  /** 下载错误数据: the failing rows as they were in the file, with 错误原因 (checked again on the server, same mapping). */
  const downloadFailingRows = async () => {
    if (!file || !preview) return;
    setDownloading(true);
    setDownloadProblem(null);
    try {
      const f = await send('catalog.importErrorsExport', file.picked);
      downloadFile(
        await call('catalog.importErrorsExport', { file: f, mapping: preview.mapping, sheets: sheets.current, skipHiddenRows: skipHiddenRows.current }),
      );
    } catch (err) {
      setDownloadProblem((err as Error).message);
    } finally {
      setDownloading(false);
    }
  };
  const taken = preview?.sheets.filter((s) => s.taken) ?? [];
  const leftOut = preview?.sheets.filter((s) => !s.taken) ?? [];
  const manySheets = taken.length > 1;
  const withSheet = <T extends { sheet: string; column: string }>(issues: T[]) =>
    manySheets ? issues.map((i) => ({ ...i, column: `${i.sheet} · ${i.column}` })) : issues;
  const cleanRows = preview ? preview.totalRows - preview.errorRowCount : 0;
  const canImport = preview && preview.totalRows > 0 && preview.newCount + preview.updatedCount > 0;

  const footer = result ? (
    <Button type="primary" onClick={close}>
      完成
    </Button>
  ) : preview ? (
    <ImportFooter
      busy={busy}
      errorRows={preview.errorRowCount}
      cleanRows={cleanRows}
      canImport={Boolean(canImport)}
      importLabel={`导入全部 ${preview.totalRows} 行`}
      cleanLabel={`只导入无错误的 ${cleanRows} 行`}
      cleanDescription={`将导入 ${cleanRows} 行，跳过 ${preview.errorRowCount} 行有错误的数据（它们不会被导入）。`}
      onReset={startOver}
      onCommit={commit}
    />
  ) : null;

  return (
    <Modal open={open} title="导入药品目录（Excel）" width={1000} onCancel={close} footer={footer} destroyOnHidden maskClosable={false}>
      {!preview && !result && <ImportTemplateButton />}
      {result ? (
        <Result
          status={result.skippedRows ? 'warning' : 'success'}
          title="导入完成"
          subTitle={`新增 ${result.created} 种，更新 ${result.updated} 种，未变化 ${result.unchanged} 种${result.skippedRows ? `；跳过有错误的 ${result.skippedRows} 行` : ''}。`}
        />
      ) : !preview ? (
        <ImportFileDrop
          accept=".xlsx,.xls,.et,.ods,.csv,.txt,.xml,.htm,.html"
          busy={busy}
          problem={problem}
          onFile={choose}
          text="点击选择或拖入药品目录文件"
          hint="Excel（.xlsx、.xls）、WPS（.et）、.ods、CSV（UTF-8 或 GBK）、HIS 导出的网页格式 .xls 均可。可直接使用国家医保药品分类与代码数据库下载的文件（药品代码、注册名称、注册剂型、注册规格、最小包装数量……），也可使用本系统导出的药品目录。按医保药品编码新增或更新；导入前会先预览，不会直接修改数据。"
        />
      ) : (
        <>
          <Typography.Paragraph type="secondary" data-testid="catalog-import-source">
            文件：{file?.filename} · {preview.format}
            {preview.encoding ? `（${preview.encoding}）` : ''} · 工作表{taken.map((s) => `“${s.name}”（第 ${s.headerRow} 行为列名）`).join('、')}
          </Typography.Paragraph>
          {preview.sheets.length > 1 && (
            <Alert
              style={{ marginBottom: 12 }}
              type={leftOut.length ? 'warning' : 'info'}
              showIcon
              data-testid="catalog-import-sheets"
              title={`导入 ${taken.length} 张工作表：${taken.map((s) => `“${s.name}”`).join('、')}${leftOut.length ? `；未导入 ${leftOut.length} 张` : ''}`}
              description={
                <Space orientation="vertical" size={4} style={{ width: '100%' }}>
                  {leftOut.map((s) => (
                    <div key={s.name}>
                      “{s.name}”：{s.reason}
                    </div>
                  ))}
                  <Space wrap>
                    <span>选择要导入的工作表：</span>
                    <Select
                      mode="multiple"
                      size="small"
                      style={{ minWidth: 240 }}
                      aria-label="要导入的工作表"
                      disabled={busy !== null}
                      value={taken.map((s) => s.name)}
                      options={preview.sheets.map((s) => ({ value: s.name, label: s.hidden ? `${s.name}（隐藏）` : s.name }))}
                      onChange={pickSheets}
                    />
                  </Space>
                </Space>
              }
            />
          )}
          {preview.hiddenRows.length > 0 && (
            <Alert
              style={{ marginBottom: 12 }}
              type="warning"
              showIcon
              data-testid="catalog-import-hidden-rows"
              title={`文件中有 ${preview.hiddenRows.length} 行被隐藏（手动隐藏或被筛选）：${rowList(preview.hiddenRows, manySheets)}`}
              description={
                <Checkbox
                  checked={preview.hiddenRowsSkipped}
                  disabled={busy !== null}
                  onChange={(e) => {
                    skipHiddenRows.current = e.target.checked;
                    void remap(preview.mapping);
                  }}
                >
                  跳过隐藏的行（不导入）
                </Checkbox>
              }
            />
          )}
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
          {(busy === 'all' || busy === 'cleanRowsOnly') && (
            <Alert
              style={{ marginBottom: 12 }}
              type="info"
              showIcon
              icon={<Spin size="small" />}
              title={
                catalogImportInBatches(preview.newCount + preview.updatedCount)
                  ? `正在分批写入药品目录…（${preview.newCount + preview.updatedCount} 种药品，每 ${CATALOG_IMPORT_ROWS_PER_BATCH} 种一批，写好一批生效一批）`
                  : `正在写入药品目录…（${preview.newCount + preview.updatedCount} 种药品，全部写入后一起生效）`
              }
              description="大文件需要几分钟，请不要关闭本窗口；期间村卫生室和其他同事可以照常使用系统。"
              data-testid="catalog-import-writing"
            />
          )}
          {preview.errorRowCount > 0 ? (
            <Alert
              style={{ marginBottom: 12 }}
              type="error"
              showIcon
              title={`文件中有 ${preview.errorRowCount} 行共 ${preview.errorCount} 处错误`}
              description={
                <>
                  请按下面的行号和列修正文件后重新选择；或者确认后“只导入无错误的行”，有错误的行不会被导入。
                  {downloadProblem && <Typography.Text type="danger"> {downloadProblem}</Typography.Text>}
                </>
              }
              action={
                <Button size="small" loading={downloading} disabled={busy !== null} onClick={() => void downloadFailingRows()}>
                  下载错误数据
                </Button>
              }
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
                children: <ImportIssueTable issues={withSheet(preview.errors)} empty="没有错误" />,
              },
              {
                key: 'warnings',
                label: `提示（${preview.warningCount}）`,
                children: <ImportIssueTable issues={withSheet(preview.warnings)} empty="没有提示" />,
              },
              {
                key: 'ignored',
                label: `已忽略（${preview.ignored.length}）`,
                children: (
                  <Table
                    size="small"
                    rowKey={(r) => `${r.sheet}-${r.row}`}
                    dataSource={preview.ignored}
                    pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
                    locale={{ emptyText: '没有忽略的行' }}
                    scroll={{ x: 560 }}
                    columns={[
                      ...(manySheets ? [{ title: '工作表', dataIndex: 'sheet', width: 90 }] : []),
                      { title: '行', dataIndex: 'row', width: 64 },
                      { title: '原因', dataIndex: 'label', width: 200 },
                      { title: '内容', dataIndex: 'text', ellipsis: true },
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
                    rowKey={(r) => `${r.sheet}-${r.row}`}
                    dataSource={preview.rows}
                    pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
                    scroll={{ x: 820 }}
                    columns={[
                      ...(manySheets ? [{ title: '工作表', dataIndex: 'sheet', width: 90 }] : []),
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
                label: mappingTabLabel(preview.missingRequired.length),
                children: (
                  <>
                    {preview.columns.some((c) => c.hidden || c.passedOver) && (
                      <Alert
                        style={{ marginBottom: 8 }}
                        type="info"
                        showIcon
                        data-testid="catalog-import-column-notes"
                        title="列的选择"
                        description={preview.columns
                          .filter((c) => c.hidden || c.passedOver)
                          .map((c) => (
                            <div key={c.index}>
                              {c.letter} 列“{c.header}”{c.hidden ? '（隐藏列）' : ''}
                              {c.passedOver ? `：${c.passedOver}` : ''}
                            </div>
                          ))}
                      />
                    )}
                    <ColumnMappingTable
                      fields={CATALOG_COLUMNS}
                      columns={preview.columns.map((c) => (c.hidden ? { ...c, header: `${c.header}（隐藏列）` } : c))}
                      mapping={preview.mapping}
                      busy={busy !== null}
                      fieldTitle="系统字段"
                      placeholder="不导入（保留系统中的值）"
                      tags={(c) => c.requiredForNew && <Tag color={preview.missingRequired.includes(c.field) ? 'red' : 'default'}>新增必填</Tag>}
                      onChange={(m) => remap(m as ImportMapping)}
                    />
                  </>
                ),
              },
            ]}
          />
        </>
      )}
    </Modal>
  );
}
