import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Col, Modal, Popconfirm, Result, Row, Select, Space, Statistic, Table, Tabs, Tag, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { SETTLEMENT_COLUMNS, type SettlementField } from '../../../../shared/reconciliation';
import type { SettlementImportPreview, SettlementMapping } from '../../../../shared/contract/reconciliation';
import type { MethodOutput } from '../../../../shared/contract';
import { formatFen } from '../../../../shared/money';
import { ApiError, call } from '../../api/client';
import { readFileAsBase64 } from '../catalog/files';

type CommitResult = MethodOutput<'reconciliation.importCommit'>;
type File64 = { filename: string; base64: string };
type PreviewRow = SettlementImportPreview['rows'][number];

const ACTION: Record<PreviewRow['action'], { label: string; color: string }> = {
  new: { label: '新增', color: 'green' },
  known: { label: '已导入过', color: 'default' },
  error: { label: '有错误', color: 'red' },
  non_drug: { label: '非药品', color: 'default' },
};

/** Which column of the file holds which field; the NHSA field codes and the Chinese headers are recognised. */
function MappingTable({ preview, busy, onChange }: { preview: SettlementImportPreview; busy: boolean; onChange(m: SettlementMapping): void }) {
  const sheet = preview.columns[0]?.sheet;
  const options = preview.columns
    .filter((c) => c.sheet === sheet)
    .map((c) => ({ value: c.index, label: `${c.letter} 列 · ${c.header || '（无列名）'}${c.samples[0] ? `（如 ${c.samples[0].slice(0, 16)}）` : ''}` }));
  return (
    <Table
      size="small"
      rowKey="field"
      pagination={false}
      scroll={{ y: 360, x: 640 }}
      dataSource={SETTLEMENT_COLUMNS}
      columns={[
        {
          title: '字段',
          dataIndex: 'label',
          width: 200,
          render: (label: string, c) => (
            <Space size={4} wrap>
              <span>{label}</span>
              {c.required && <Tag color={preview.missingRequired.includes(c.field) ? 'red' : 'default'}>必填</Tag>}
              {c.personal && <Tag color="purple">个人信息</Tag>}
            </Space>
          ),
        },
        {
          title: '文件中的列',
          key: 'column',
          width: 260,
          render: (_, c) => (
            <Select
              allowClear
              disabled={busy}
              style={{ width: '100%' }}
              placeholder="文件中没有（不导入）"
              value={preview.mapping[c.field] ?? undefined}
              options={options}
              aria-label={`${c.label}对应的列`}
              onChange={(v: number | undefined) => onChange({ ...preview.mapping, [c.field as SettlementField]: v ?? null })}
            />
          ),
        },
        { title: '说明', dataIndex: 'hint', render: (h?: string) => <Typography.Text type="secondary">{h}</Typography.Text> },
      ]}
    />
  );
}

function IssueTable({ issues, empty }: { issues: SettlementImportPreview['errors']; empty: string }) {
  return (
    <Table
      size="small"
      rowKey={(e) => `${e.sheet}-${e.row}-${e.column}-${e.reason}`}
      dataSource={issues}
      pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
      locale={{ emptyText: empty }}
      scroll={{ x: 560 }}
      columns={[
        { title: '行', dataIndex: 'row', width: 60 },
        { title: '列', dataIndex: 'column', width: 160 },
        { title: '原因', dataIndex: 'reason' },
      ]}
    />
  );
}

/**
 * Import a day's or a month's settlement details exported by the insurance client: choose the file, check the
 * preview (the columns found, new / already imported / reversal lines, every bad row with its column and
 * reason), then import. The same file twice changes nothing; a reversal takes back the line it names.
 */
export function ImportSettlementModal({ open, clinicId, clinicName, onClose }: { open: boolean; clinicId?: number; clinicName: string; onClose(): void }) {
  const { message } = App.useApp();
  const client = useQueryClient();
  const [file, setFile] = useState<File64 | null>(null);
  const [preview, setPreview] = useState<SettlementImportPreview | null>(null);
  const [result, setResult] = useState<CommitResult | null>(null);
  const [busy, setBusy] = useState<'preview' | 'all' | 'cleanRowsOnly' | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  function reset() {
    setFile(null);
    setPreview(null);
    setResult(null);
    setProblem(null);
  }

  async function runPreview(f: File64, mapping?: SettlementMapping) {
    setBusy('preview');
    setProblem(null);
    try {
      setPreview(await call('reconciliation.importPreview', { clinicId, file: f, mapping }));
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
      setResult(await call('reconciliation.importCommit', { clinicId, file, mapping: preview.mapping, mode }));
      await Promise.all(
        ['reconciliation.clinic', 'reconciliation.overview', 'reconciliation.imports', 'reconciliation.sheet'].map((m) =>
          client.invalidateQueries({ queryKey: [m] }),
        ),
      );
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
  const cleanRows = preview ? preview.newLines : 0;
  const canImport = preview !== null && preview.missingRequired.length === 0 && preview.newLines > 0;
  const personal = preview ? preview.personal.names + preview.personal.certnos + preview.personal.psnNos : 0;

  const footer = result ? (
    <Button type="primary" onClick={close}>
      完成
    </Button>
  ) : preview ? (
    <Space wrap>
      <Button onClick={reset} disabled={busy !== null}>
        重新选择文件
      </Button>
      {preview.errorRows > 0 && cleanRows > 0 && (
        <Popconfirm
          title="只导入无错误的行？"
          description={`将导入 ${cleanRows} 条新明细，跳过 ${preview.errorRows} 行有错误的数据。`}
          okText="确定导入"
          cancelText="取消"
          onConfirm={() => commit('cleanRowsOnly')}
        >
          <Button danger loading={busy === 'cleanRowsOnly'} disabled={busy !== null && busy !== 'cleanRowsOnly'}>
            只导入无错误的行
          </Button>
        </Popconfirm>
      )}
      <Button
        type="primary"
        disabled={preview.errorRows > 0 || !canImport || (busy !== null && busy !== 'all')}
        loading={busy === 'all'}
        onClick={() => commit('all')}
      >
        导入 {preview.newLines} 条新明细
      </Button>
    </Space>
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
        <>
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
            <p className="ant-upload-text">{busy === 'preview' ? '正在读取文件……' : '点击选择或拖入医保客户端导出的费用明细'}</p>
            <p className="ant-upload-hint">
              Excel、WPS、CSV
              均可；列名可以是接口字段（mdtrt_id、med_list_codg、cnt、pric、det_item_fee_sumamt、fee_ocur_time……）或客户端打印的中文表头（就诊ID、项目编码、数量、单价、金额、费用发生时间……）。导入前先预览，不会直接修改数据；同一文件导入两次不会重复。
            </p>
          </Upload.Dragger>
          {problem && <Alert style={{ marginTop: 16 }} type="error" showIcon title={problem} />}
        </>
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
              { key: 'errors', label: `错误（${preview.errorCount}）`, children: <IssueTable issues={preview.errors} empty="没有错误" /> },
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
              { key: 'notes', label: `提示（${preview.notes.length}）`, children: <IssueTable issues={preview.notes} empty="没有提示" /> },
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
