import { Alert, Button, Col, Modal, Result, Row, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { SETTLEMENT_COLUMNS } from '../../../../shared/reconciliation';
import type { SettlementImportPreview, SettlementMapping } from '../../../../shared/contract/reconciliation';
import type { MethodOutput } from '../../../../shared/contract';
import { formatFen } from '../../../../shared/money';
import { call } from '../../api/client';
import { ColumnMappingTable, ImportFileDrop, ImportFooter, ImportIssueTable, mappingTabLabel } from '../../components/import/ImportParts';
import { useImportFlow } from '../../components/import/useImportFlow';

type CommitResult = MethodOutput<'reconciliation.importCommit'>;
type PreviewRow = SettlementImportPreview['rows'][number];

const ACTION: Record<PreviewRow['action'], { label: string; color: string }> = {
  new: { label: '新增', color: 'green' },
  known: { label: '已导入过', color: 'default' },
  error: { label: '有错误', color: 'red' },
  non_drug: { label: '非药品', color: 'default' },
};

/**
 * Import a day's or a month's settlement details exported by the insurance client: choose the file, check the
 * preview (the columns found, new / already imported / reversal lines, every bad row with its column and
 * reason), then import. The same file twice changes nothing; a reversal takes back the line it names.
 */
export function ImportSettlementModal({ open, clinicId, clinicName, onClose }: { open: boolean; clinicId?: number; clinicName: string; onClose(): void }) {
  const { file, preview, result, busy, problem, reset, choose, remap, commit } = useImportFlow<SettlementImportPreview, SettlementMapping, CommitResult>({
    methods: { preview: 'reconciliation.importPreview', commit: 'reconciliation.importCommit' },
    preview: (f, mapping) => call('reconciliation.importPreview', { clinicId, file: f, mapping }),
    commit: (f, mapping, mode) => call('reconciliation.importCommit', { clinicId, file: f, mapping, mode }),
  });

  const close = () => {
    reset();
    onClose();
  };
  const cleanRows = preview ? preview.newLines : 0;
  const canImport = preview !== null && preview.missingRequired.length === 0 && preview.newLines > 0;
  const personal = preview ? preview.personal.names + preview.personal.certnos + preview.personal.psnNos : 0;

  const footer = result ? (
    <Button type="primary" onClick={close}>
      完成
    </Button>
  ) : preview ? (
    <ImportFooter
      busy={busy}
      errorRows={preview.errorRows}
      cleanRows={cleanRows}
      canImport={canImport}
      importLabel={`导入 ${preview.newLines} 条新明细`}
      cleanLabel="只导入无错误的行"
      cleanDescription={`将导入 ${cleanRows} 条新明细，跳过 ${preview.errorRows} 行有错误的数据。`}
      onReset={reset}
      onCommit={commit}
    />
  ) : null;

  return (
    <Modal open={open} title={`导入医保结算明细 · ${clinicName}`} width={1000} onCancel={close} footer={footer} destroyOnHidden maskClosable={false}>
      {result ? (
        <Result
          status={result.skippedRows ? 'warning' : 'success'}
          title={result.added ? '导入完成' : '没有新的明细'}
          subTitle={`新导入 ${result.added} 条（其中冲正 ${result.reversals} 条），已导入过的 ${result.known} 条未改动${result.skippedRows ? `，跳过有错误的 ${result.skippedRows} 行` : ''}${
            result.firstDate ? `；日期 ${result.firstDate}${result.lastDate !== result.firstDate ? ` 至 ${result.lastDate}` : ''}` : ''
          }。`}
        />
      ) : !preview ? (
        <ImportFileDrop
          accept=".xlsx,.xls,.et,.ods,.csv,.txt"
          busy={busy}
          problem={problem}
          onFile={choose}
          text="点击选择或拖入医保客户端导出的费用明细"
          hint="Excel、WPS、CSV 均可；列名可以是接口字段（mdtrt_id、med_list_codg、cnt、pric、det_item_fee_sumamt、fee_ocur_time……）或客户端打印的中文表头（就诊ID、项目编码、数量、单价、金额、费用发生时间……）。导入前先预览，不会直接修改数据；同一文件导入两次不会重复。"
        />
      ) : (
        <>
          <Typography.Paragraph type="secondary">
            文件：{file?.filename} · {preview.format}
            {preview.encoding ? `（${preview.encoding}）` : ''}
            {preview.firstDate && ` · ${preview.firstDate}${preview.lastDate !== preview.firstDate ? ` 至 ${preview.lastDate}` : ''}`}
          </Typography.Paragraph>
          <Row gutter={[16, 8]} style={{ marginBottom: 16 }}>
            <Col xs={8} md={4}>
              <Statistic title="数据行" value={preview.totalRows} />
            </Col>
            <Col xs={8} md={4}>
              <Statistic title="新明细" value={preview.newLines} styles={{ content: { color: '#389e0d' } }} />
            </Col>
            <Col xs={8} md={4}>
              <Statistic title="已导入过" value={preview.knownLines} />
            </Col>
            <Col xs={8} md={4}>
              <Statistic title="冲正" value={preview.reversalLines} />
            </Col>
            <Col xs={8} md={4}>
              <Statistic title="非药品" value={preview.nonDrugRows} />
            </Col>
            <Col xs={8} md={4}>
              <Statistic title="有错误的行" value={preview.errorRows} styles={{ content: { color: preview.errorRows ? '#cf1322' : undefined } }} />
            </Col>
          </Row>
          {problem && <Alert style={{ marginBottom: 12 }} type="error" showIcon title={problem} />}
          {preview.missingRequired.length > 0 ? (
            <Alert
              style={{ marginBottom: 12 }}
              type="error"
              showIcon
              title={`没有找到必填的列：${preview.missingRequired.map((f) => SETTLEMENT_COLUMNS.find((c) => c.field === f)?.label ?? f).join('、')}`}
              description="请在“列对应”中选择文件里的对应列。"
            />
          ) : preview.errorRows > 0 ? (
            <Alert
              style={{ marginBottom: 12 }}
              type="error"
              showIcon
              title={`文件中有 ${preview.errorRows} 行共 ${preview.errorCount} 处错误`}
              description="请按行号和列修正文件后重新选择；或者确认后只导入无错误的行。"
            />
          ) : preview.newLines === 0 && preview.totalRows > 0 ? (
            <Alert style={{ marginBottom: 12 }} type="info" showIcon title="文件中的明细都已导入过，再导入不会改动任何数据。" />
          ) : null}
          {preview.unknownDrugLines > 0 && (
            <Alert
              style={{ marginBottom: 12 }}
              type="warning"
              showIcon
              title={`${preview.unknownDrugLines} 条明细的医保编码不在药品目录中：照样导入，对账时列为“结算药品不在目录”。`}
            />
          )}
          {personal > 0 && (
            <Alert
              style={{ marginBottom: 12 }}
              type="info"
              showIcon
              title="文件中有患者个人信息"
              description={`姓名 ${preview.personal.names} 行、证件号码 ${preview.personal.certnos} 行、人员编号 ${preview.personal.psnNos} 行。导入后只为对账与上传保存，页面上遮盖显示，每次查看记入审计日志，超过保存期限后清除；未对应的列（诊断、住址、电话等）不保存。`}
            />
          )}
          <Tabs
            defaultActiveKey={preview.missingRequired.length ? 'mapping' : preview.errorRows ? 'errors' : 'rows'}
            items={[
              { key: 'errors', label: `错误（${preview.errorCount}）`, children: <ImportIssueTable issues={preview.errors} empty="没有错误" /> },
              {
                key: 'rows',
                label: '预览',
                children: (
                  <Table<PreviewRow>
                    size="small"
                    rowKey={(r) => `${r.sheet}-${r.row}`}
                    dataSource={preview.rows}
                    pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
                    scroll={{ x: 860 }}
                    columns={[
                      { title: '行', dataIndex: 'row', width: 56 },
                      {
                        title: '结果',
                        dataIndex: 'action',
                        width: 90,
                        render: (a: PreviewRow['action'], r) => <Tag color={ACTION[a].color}>{r.reversal ? '冲正' : ACTION[a].label}</Tag>,
                      },
                      { title: '费用时间', dataIndex: 'feeTime', width: 160 },
                      { title: '就诊ID', dataIndex: 'mdtrtId', width: 120 },
                      { title: '药品', key: 'drug', render: (_, r) => `${r.drugName ?? r.itemName ?? r.medListCodg ?? ''}${r.spec ? ` ${r.spec}` : ''}` },
                      {
                        title: '数量',
                        key: 'qty',
                        width: 120,
                        render: (_, r) =>
                          r.qty === null
                            ? r.fileCnt
                            : `${r.fileCnt}${r.unitName && r.qty !== Number(r.fileCnt) ? ` = ${r.qty}${r.baseUnit ?? ''}` : (r.unitName ?? '')}`,
                      },
                      { title: '金额', dataIndex: 'amount', width: 90, align: 'right', render: (v: number | null) => (v === null ? '—' : formatFen(v)) },
                      { title: '原因', dataIndex: 'reasons', render: (r: string[]) => <Typography.Text type="danger">{r.join('；')}</Typography.Text> },
                    ]}
                  />
                ),
              },
              { key: 'notes', label: `提示（${preview.notes.length}）`, children: <ImportIssueTable issues={preview.notes} empty="没有提示" /> },
              {
                key: 'mapping',
                label: mappingTabLabel(preview.missingRequired.length),
                children: (
                  <ColumnMappingTable
                    fields={SETTLEMENT_COLUMNS}
                    columns={preview.columns.filter((c) => c.sheet === preview.columns[0]?.sheet)}
                    mapping={preview.mapping}
                    busy={busy !== null}
                    fieldTitle="字段"
                    placeholder="文件中没有（不导入）"
                    tags={(c) => (
                      <>
                        {c.required && <Tag color={preview.missingRequired.includes(c.field) ? 'red' : 'default'}>必填</Tag>}
                        {c.personal && <Tag color="purple">个人信息</Tag>}
                      </>
                    )}
                    onChange={(m) => remap(m as SettlementMapping)}
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
