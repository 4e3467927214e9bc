import { useState } from 'react';
import { Alert, Button, Col, Modal, Result, Row, Select, Space, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import type { MethodOutput } from '../../../../shared/contract';
import { PACKAGE_COLUMNS, PACKAGE_LEVEL_SHORT } from '../../../../shared/tracePackages';
import { call } from '../../api/client';
import { useApiQuery } from '../../api/hooks';
import { ColumnMappingTable, ImportFileDrop, ImportIssueTable, mappingTabLabel } from '../../components/import/ImportParts';
import { useImportFlow } from '../../components/import/useImportFlow';

type Preview = MethodOutput<'trace.packagesPreview'>;
type Mapping = Preview['mapping'];
type Done = MethodOutput<'trace.packagesImport'>;

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
  const suppliers = useApiQuery('suppliers.list', {}, { enabled: open });
  const [supplierId, setSupplierId] = useState<number>();
  const { file, preview, result, busy, problem, reset, choose, remap, commit } = useImportFlow<Preview, Mapping, Done>({
    methods: { preview: 'trace.packagesPreview', commit: 'trace.packagesImport' },
    preview: (f, mapping) => call('trace.packagesPreview', { supplierId, file: f, mapping }),
    // One file is one delivery's packing: imported whole or not at all (no "clean rows only").
    commit: (f, mapping) => call('trace.packagesImport', { supplierId, file: f, mapping }),
  });
  const close = () => {
    reset();
    onClose();
  };
  const missingRequired = preview ? PACKAGE_COLUMNS.filter((c) => c.required && preview.mapping[c.field] == null).length : 0;

  const footer = result ? (
    <Button type="primary" onClick={close}>
      完成
    </Button>
  ) : preview ? (
    <Space wrap>
      <Button onClick={reset} disabled={busy !== null}>
        重新选择文件
      </Button>
      <Button type="primary" loading={busy === 'all'} disabled={busy !== null || preview.errorRows > 0 || preview.newLinks === 0} onClick={() => commit('all')}>
        导入 {preview.newLinks} 条关联
      </Button>
    </Space>
  ) : null;

  return (
    <Modal open={open} title="导入大码/中码关联" width={860} onCancel={close} footer={footer} destroyOnHidden maskClosable={false}>
      {result ? (
        <Result
          status="success"
          title={result.added ? '导入完成' : '没有新的关联'}
          subTitle={`新导入 ${result.added} 条，已导入过的 ${result.known} 条未改动；文件中有大码 ${result.cartons} 个、中码 ${result.middlePacks} 个、小码 ${result.boxes} 盒。之后扫大码或中码即等于扫了其中的每一盒。`}
        />
      ) : (
        <>
          <Select
            allowClear
            style={{ width: '100%', maxWidth: 360, marginBottom: 12 }}
            placeholder="提供文件的配送企业（可不选）"
            value={supplierId}
            onChange={setSupplierId}
            disabled={preview !== null}
            options={(suppliers.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
            aria-label="配送企业"
          />
          {!preview ? (
            <ImportFileDrop
              accept=".xlsx,.xls,.et,.ods,.csv,.txt"
              busy={busy}
              problem={problem}
              onFile={choose}
              text="点击选择或拖入配送企业随货提供的追溯码关联关系"
              hint="Excel、WPS、CSV 均可；每行一个“上级码 → 下级码”（列名如 大码/上级码/父码、小码/下级码/子码，可另有一列包装层级：大码或中码）。先预览，不会直接修改数据；同一文件导入两次不会重复。"
            />
          ) : (
            <>
              <Typography.Paragraph type="secondary">
                文件：{file?.filename} · {preview.format} · 工作表“{preview.sheet}”，表头在第 {preview.headerRow} 行
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
              {problem && <Alert style={{ marginBottom: 12 }} type="error" showIcon title={problem} />}
              {preview.errorRows > 0 ? (
                <Alert
                  type="error"
                  showIcon
                  style={{ marginBottom: 12 }}
                  title={`文件中有 ${preview.errorRows} 行有错误，整个文件不能导入：请修正后重新选择文件`}
                />
              ) : preview.newLinks === 0 ? (
                <Alert type="info" showIcon style={{ marginBottom: 12 }} title="文件中的关联都已导入过，没有新的关联，不需要再导入" />
              ) : null}
              <Tabs
                defaultActiveKey={missingRequired ? 'mapping' : preview.errorRows ? 'errors' : 'rows'}
                items={[
                  { key: 'errors', label: `错误（${preview.errors.length}）`, children: <ImportIssueTable issues={preview.errors} empty="没有错误" /> },
                  {
                    key: 'rows',
                    label: '预览',
                    children: (
                      <Table
                        size="small"
                        rowKey="row"
                        pagination={{ pageSize: 8, size: 'small' }}
                        scroll={{ x: 640 }}
                        dataSource={preview.rows}
                        columns={[
                          { title: '行', dataIndex: 'row', width: 56 },
                          {
                            title: '结果',
                            dataIndex: 'action',
                            width: 90,
                            render: (a: keyof typeof ACTION) => <Tag color={ACTION[a].color}>{ACTION[a].label}</Tag>,
                          },
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
                    ),
                  },
                  {
                    key: 'mapping',
                    label: mappingTabLabel(missingRequired),
                    children: (
                      <ColumnMappingTable
                        fields={PACKAGE_COLUMNS}
                        columns={preview.columns}
                        mapping={preview.mapping}
                        busy={busy !== null}
                        fieldTitle="字段"
                        placeholder="文件中没有"
                        tags={(c) => c.required && <Tag color={preview.mapping[c.field] == null ? 'red' : 'default'}>必填</Tag>}
                        onChange={(m) => remap(m as Mapping)}
                      />
                    ),
                  },
                ]}
              />
            </>
          )}
        </>
      )}
    </Modal>
  );
}
