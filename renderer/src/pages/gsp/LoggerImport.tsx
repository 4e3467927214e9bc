import { useState } from 'react';
import { Alert, Button, Card, Input, Result, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { MethodOutput } from '../../../../shared/contract';
import type { LoggerMapping } from '../../../../shared/contract/gsp';
import { formatTemp, LOGGER_COLUMNS, READING_SLOT_LABELS } from '../../../../shared/gsp';
import { call } from '../../api/client';
import { useApiQuery } from '../../api/hooks';
import { formatDateTime } from '../../components/format';
import { PhoneCards, usePhone } from '../../components/PhoneCards';
import { ColumnMappingTable, ImportFileDrop, ImportFooter, ImportIssueTable, mappingTabLabel } from '../../components/import/ImportParts';
import { useImportFlow } from '../../components/import/useImportFlow';

type Preview = MethodOutput<'storage.loggerPreview'>;
type ImportResult = MethodOutput<'storage.loggerImport'>;
type SlotRow = Preview['slots'][number];

const STATUS: Record<SlotRow['status'], { label: string; color: string }> = {
  fill: { label: '填入', color: 'green' },
  needsAction: { label: '超出范围，须写措施', color: 'red' },
  taken: { label: '已有记录，不变', color: 'default' },
};
const slotKey = (s: { readingDate: string; slot: string }) => `${s.readingDate}|${s.slot}`;

/** 导入记录仪数据 (hub areas): the shared import flow; out-of-range slot readings ask for the action taken. */
export function LoggerImport({ areas }: { areas: { id: number; name: string }[] }) {
  const [areaId, setAreaId] = useState<number | undefined>(areas[0]?.id);
  const [actions, setActions] = useState<Record<string, string>>({});
  const { file, preview, result, busy, problem, reset, choose, remap, commit } = useImportFlow<Preview, LoggerMapping, ImportResult>({
    methods: { preview: 'storage.loggerPreview', commit: 'storage.loggerImport' },
    preview: (f, mapping) => call('storage.loggerPreview', { areaId: areaId!, file: f, mapping }),
    commit: (f, mapping, mode) =>
      call('storage.loggerImport', {
        areaId: areaId!,
        file: f,
        mapping,
        mode,
        actions: Object.entries(actions)
          .filter(([, a]) => a.trim())
          .map(([k, action]) => {
            const [readingDate, slot] = k.split('|');
            return { readingDate, slot: slot as 'am' | 'pm', action };
          }),
      }),
  });
  const restart = () => {
    setActions({});
    reset();
  };
  const cleanRows = preview ? preview.totalRows - preview.errorRows : 0;
  const phone = usePhone();
  const actionInput = (s: SlotRow) => (
    <Input
      size="small"
      maxLength={200}
      placeholder="超出范围：填写采取的措施"
      aria-label={`${s.readingDate} ${READING_SLOT_LABELS[s.slot]} 采取的措施`}
      value={actions[slotKey(s)] ?? ''}
      onChange={(e) => setActions({ ...actions, [slotKey(s)]: e.target.value })}
    />
  );
  return (
    <Card size="small" title="导入记录仪数据" style={{ marginTop: 16, maxWidth: 940 }}>
      <Space wrap style={{ marginBottom: 12 }}>
        <span>储存区</span>
        <Select
          style={{ minWidth: 160 }}
          value={areaId}
          disabled={Boolean(preview)}
          onChange={setAreaId}
          options={areas.map((a) => ({ value: a.id, label: a.name }))}
          placeholder="选择记录仪所在的储存区"
        />
      </Space>
      {result ? (
        <Result
          status={result.awaitingAction.length || result.skippedRows ? 'warning' : 'success'}
          title="导入完成"
          subTitle={`新读数 ${result.added} 条，已导入过 ${result.known} 条，填入温湿度记录 ${result.slotsFilled} 个时段${
            result.skippedRows ? `；跳过有错误的 ${result.skippedRows} 行` : ''
          }${result.awaitingAction.length ? `；${result.awaitingAction.length} 个时段超出范围而未写措施，未填入` : ''}。`}
          extra={<Button onClick={restart}>再导入一个文件</Button>}
        />
      ) : !preview ? (
        areaId === undefined ? (
          <Alert type="info" showIcon title="中心药库还没有储存区" />
        ) : (
          <ImportFileDrop
            accept=".csv,.txt,.xlsx,.xls,.et,.ods"
            busy={busy}
            problem={problem}
            onFile={choose}
            text="点击选择或拖入记录仪导出的文件（CSV 或 Excel）"
            hint="按列名识别 时间/记录时间/time、温度/temperature（℃）、湿度/humidity（%RH），可在“列映射”中修改。最接近上午、下午记录时间（±2 小时内）的读数填入尚无记录的时段，标为“来源：记录仪”；同一文件再导入不会重复。"
          />
        )
      ) : (
        <>
          <Typography.Paragraph type="secondary">
            文件：{file?.filename} · {preview.areaName} · 第 {preview.headerRow} 行为列名 · 读数 {preview.totalRows} 行（新 {preview.newRows}，已导入过{' '}
            {preview.knownRows}
            ，有错误 {preview.errorRows}，超出范围 {preview.outOfRangeRows}）{preview.firstAt ? ` · ${preview.firstAt} 至 ${preview.lastAt}` : ''}
          </Typography.Paragraph>
          {problem && <Alert style={{ marginBottom: 12 }} type="error" showIcon title={problem} />}
          <Tabs
            defaultActiveKey={preview.errorRows ? 'errors' : 'slots'}
            items={[
              {
                key: 'slots',
                label: `时段（${preview.slots.length}）`,
                children: phone ? (
                  <PhoneCards<SlotRow>
                    rows={preview.slots}
                    rowKey={slotKey}
                    card={(s) => ({
                      title: `${s.readingDate} ${READING_SLOT_LABELS[s.slot]}`,
                      tags: s.status === 'needsAction' ? null : <Tag color={STATUS[s.status].color}>{STATUS[s.status].label}</Tag>,
                      fields: [
                        ['读数时刻', s.measuredAt.slice(11)],
                        ['温湿度', `${formatTemp(s.temperature)} ${s.humidity}%`],
                      ],
                      footer: s.status === 'needsAction' && actionInput(s),
                    })}
                  />
                ) : (
                  <Table<SlotRow>
                    size="small"
                    rowKey={slotKey}
                    dataSource={preview.slots}
                    pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
                    scroll={{ x: 640 }}
                    columns={[
                      { title: '日期', dataIndex: 'readingDate', width: 110 },
                      { title: '时段', dataIndex: 'slot', width: 60, render: (s: SlotRow['slot']) => READING_SLOT_LABELS[s] },
                      { title: '读数时刻', dataIndex: 'measuredAt', width: 90, render: (m: string) => m.slice(11) },
                      { title: '温湿度', key: 'v', width: 130, render: (_, s) => `${formatTemp(s.temperature)} ${s.humidity}%` },
                      {
                        title: '结果',
                        key: 'status',
                        render: (_, s) => (s.status === 'needsAction' ? actionInput(s) : <Tag color={STATUS[s.status].color}>{STATUS[s.status].label}</Tag>),
                      },
                    ]}
                  />
                ),
              },
              { key: 'errors', label: `错误（${preview.errors.length}）`, children: <ImportIssueTable issues={preview.errors} empty="没有错误" /> },
              {
                key: 'mapping',
                label: mappingTabLabel(preview.missingRequired.length),
                children: (
                  <ColumnMappingTable
                    fields={LOGGER_COLUMNS}
                    columns={preview.columns}
                    mapping={preview.mapping}
                    busy={busy !== null}
                    fieldTitle="读数字段"
                    placeholder="选择文件中的列"
                    tags={(c) => <Tag color={preview.missingRequired.includes(c.field) ? 'red' : 'default'}>必填</Tag>}
                    onChange={(m) => remap(m as LoggerMapping)}
                  />
                ),
              },
            ]}
          />
          <div style={{ marginTop: 12 }}>
            <ImportFooter
              busy={busy}
              errorRows={preview.errorRows}
              cleanRows={cleanRows}
              canImport={preview.missingRequired.length === 0 && preview.newRows + preview.slots.filter((s) => s.status !== 'taken').length > 0}
              importLabel={`导入全部 ${preview.totalRows} 行`}
              cleanLabel={`只导入无错误的 ${cleanRows} 行`}
              cleanDescription={`将导入 ${cleanRows} 行，跳过 ${preview.errorRows} 行有错误的读数（它们不会被导入）。`}
              onReset={restart}
              onCommit={commit}
            />
          </div>
        </>
      )}
      <LoggerImportHistory />
    </Card>
  );
}

type PastImport = MethodOutput<'storage.loggerImports'>[number];

/** The files imported before: which, by whom, when, and what each added or skipped as already imported. */
function LoggerImportHistory() {
  const phone = usePhone();
  const past = useApiQuery('storage.loggerImports', {});
  if (!past.data?.length) return null;
  return (
    <div style={{ marginTop: 16 }}>
      <Typography.Title level={5}>导入记录</Typography.Title>
      {phone ? (
        <PhoneCards<PastImport>
          rows={past.data}
          rowKey={(r) => r.id}
          card={(r) => ({
            title: r.fileName,
            fields: [
              ['储存区', r.areaName],
              ['导入人', r.importedByName],
              ['时间', formatDateTime(r.importedAt)],
              ['新增读数', `${r.rowsNew} 条`],
              ['已导入过（跳过）', `${r.rowsKnown} 条`],
              ['填入时段', `${r.slotsFilled} 个`],
            ],
          })}
        />
      ) : (
        <Table<PastImport>
          size="small"
          rowKey="id"
          dataSource={past.data}
          pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
          columns={[
            { title: '文件', dataIndex: 'fileName', ellipsis: true },
            { title: '储存区', dataIndex: 'areaName', width: 100 },
            { title: '导入人', dataIndex: 'importedByName', width: 90 },
            { title: '时间', dataIndex: 'importedAt', width: 150, render: (t: string) => formatDateTime(t) },
            { title: '新增读数', dataIndex: 'rowsNew', width: 90, align: 'right' },
            { title: '已导入过（跳过）', dataIndex: 'rowsKnown', width: 130, align: 'right' },
            { title: '填入时段', dataIndex: 'slotsFilled', width: 90, align: 'right' },
          ]}
        />
      )}
    </div>
  );
}
