import { Alert, Button, Col, Modal, Result, Row, Spin, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { CATALOG_COLUMNS } from '../../../../shared/catalogColumns';
import type { ImportMapping, ImportPreview } from '../../../../shared/contract/catalog';
import type { MethodOutput } from '../../../../shared/contract';
import { call } from '../../api/client';
import { ColumnMappingTable, ImportFileDrop, ImportFooter, ImportIssueTable, mappingTabLabel } from '../../components/import/ImportParts';
import { useImportFlow } from '../../components/import/useImportFlow';
import { ImportTemplateButton } from './ImportTemplateButton';

type CommitResult = MethodOutput<'catalog.importCommit'>;

const ACTION: Record<ImportPreview['rows'][number]['action'], { label: string; color: string }> = {
  new: { label: '新增', color: 'green' },
  update: { label: '更新', color: 'blue' },
  unchanged: { label: '不变', color: 'default' },
  error: { label: '有错误', color: 'red' },
};

/**
 * Import a catalog workbook: choose the file, check the preview (column mapping, counts, every bad row
 * with its column and reason), then import — all rows, or knowingly only the clean ones.
 */
export function ImportCatalogModal({ open, onClose }: { open: boolean; onClose(): void }) {
  const { file, preview, result, busy, problem, reset, choose, remap, commit } = useImportFlow<ImportPreview, ImportMapping, CommitResult>({
    methods: { preview: 'catalog.importPreview', commit: 'catalog.importCommit' },
    preview: (f, mapping) => call('catalog.importPreview', { file: f, mapping }),
    commit: (f, mapping, mode) => call('catalog.importCommit', { file: f, mapping, mode }),
    invalidates: ['catalog.list', 'catalog.search', 'catalog.get', 'suppliers.list'],
  });

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
    <ImportFooter
      busy={busy}
      errorRows={preview.errorRowCount}
      cleanRows={cleanRows}
      canImport={Boolean(canImport)}
      importLabel={`导入全部 ${preview.totalRows} 行`}
      cleanLabel={`只导入无错误的 ${cleanRows} 行`}
      cleanDescription={`将导入 ${cleanRows} 行，跳过 ${preview.errorRowCount} 行有错误的数据（它们不会被导入）。`}
      onReset={reset}
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
          accept=".xlsx"
          busy={busy}
          problem={problem}
          onFile={choose}
          text="点击选择或拖入 Excel 文件（.xlsx）"
          hint="可直接使用国家医保药品分类与代码数据库下载的文件（药品代码、注册名称、注册剂型、注册规格、最小包装数量……），也可使用本系统导出的药品目录。按医保药品编码新增或更新；导入前会先预览，不会直接修改数据。"
        />
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
          {(busy === 'all' || busy === 'cleanRowsOnly') && (
            <Alert
              style={{ marginBottom: 12 }}
              type="info"
              showIcon
              icon={<Spin size="small" />}
              title={`正在写入药品目录…（${preview.newCount + preview.updatedCount} 种药品，全部写入后一起生效）`}
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
                children: <ImportIssueTable issues={preview.errors} empty="没有错误" />,
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
                label: mappingTabLabel(preview.missingRequired.length),
                children: (
                  <ColumnMappingTable
                    fields={CATALOG_COLUMNS}
                    columns={preview.columns}
                    mapping={preview.mapping}
                    busy={busy !== null}
                    fieldTitle="系统字段"
                    placeholder="不导入（保留系统中的值）"
                    tags={(c) => c.requiredForNew && <Tag color={preview.missingRequired.includes(c.field) ? 'red' : 'default'}>新增必填</Tag>}
                    onChange={(m) => remap(m as ImportMapping)}
                  />
                ),
              },
            ]}
          />
        </>
      )}
    </Modal>
  );
}
