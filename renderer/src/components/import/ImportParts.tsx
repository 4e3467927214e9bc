import type { ReactNode } from 'react';
import { Alert, Button, Popconfirm, Select, Space, Table, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import type { CommitMode, ImportBusy } from './useImportFlow';

/** The first step of an import: choose or drop the file; the server's refusal of it shows below. */
export function ImportFileDrop(props: {
  accept: string;
  busy: ImportBusy;
  text: string;
  hint: ReactNode;
  problem: string | null;
  onFile(file: File): Promise<void>;
}) {
  return (
    <>
      <Upload.Dragger
        accept={props.accept}
        multiple={false}
        showUploadList={false}
        disabled={props.busy !== null}
        beforeUpload={async (f) => {
          await props.onFile(f);
          return false;
        }}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{props.busy === 'preview' ? '正在读取文件……' : props.text}</p>
        <p className="ant-upload-hint">{props.hint}</p>
      </Upload.Dragger>
      {props.problem && <Alert style={{ marginTop: 16 }} type="error" showIcon title={props.problem} />}
    </>
  );
}

/** The preview's buttons: choose another file, import only the clean rows (asked first), import everything. */
export function ImportFooter(props: {
  busy: ImportBusy;
  errorRows: number;
  cleanRows: number;
  canImport: boolean;
  importLabel: string;
  cleanLabel: string;
  cleanDescription: string;
  onReset(): void;
  onCommit(mode: CommitMode): void;
}) {
  const { busy } = props;
  return (
    <Space wrap>
      <Button onClick={props.onReset} disabled={busy !== null}>
        重新选择文件
      </Button>
      {props.errorRows > 0 && props.cleanRows > 0 && (
        <Popconfirm
          title="只导入无错误的行？"
          description={props.cleanDescription}
          okText="确定导入"
          cancelText="取消"
          onConfirm={() => props.onCommit('cleanRowsOnly')}
        >
          <Button danger loading={busy === 'cleanRowsOnly'} disabled={busy !== null && busy !== 'cleanRowsOnly'}>
            {props.cleanLabel}
          </Button>
        </Popconfirm>
      )}
      <Button
        type="primary"
        disabled={props.errorRows > 0 || !props.canImport || (busy !== null && busy !== 'all')}
        loading={busy === 'all'}
        onClick={() => props.onCommit('all')}
      >
        {props.importLabel}
      </Button>
    </Space>
  );
}

interface FileColumn {
  index: number;
  letter: string;
  header: string;
  samples?: string[];
}

/** Which column of the file holds which field: one row per field, a choice of the file's columns. */
export function ColumnMappingTable<Field extends string, Def extends { field: Field; label: string; hint?: string }>(props: {
  fields: readonly Def[];
  columns: readonly FileColumn[];
  mapping: Partial<Record<Field, number | null>>;
  busy: boolean;
  /** Marks beside a field's name (必填, 个人信息 …). */
  tags(field: Def): ReactNode;
  placeholder: string;
  fieldTitle: string;
  onChange(mapping: Partial<Record<Field, number | null>>): void;
}) {
  const options = props.columns.map((c) => ({
    value: c.index,
    label: `${c.letter} 列 · ${c.header || '（无列名）'}${c.samples?.[0] ? `（如 ${c.samples[0].slice(0, 16)}）` : ''}`,
  }));
  return (
    <Table<Def>
      size="small"
      rowKey="field"
      pagination={false}
      scroll={{ y: 360, x: 640 }}
      dataSource={[...props.fields]}
      columns={[
        {
          title: props.fieldTitle,
          dataIndex: 'label',
          width: 220,
          render: (label: string, c) => (
            <Space size={4} wrap>
              <span>{label}</span>
              {props.tags(c)}
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
              disabled={props.busy}
              style={{ width: '100%' }}
              placeholder={props.placeholder}
              value={props.mapping[c.field] ?? undefined}
              options={options}
              aria-label={`${c.label}对应的列`}
              onChange={(v: number | undefined) => props.onChange({ ...props.mapping, [c.field]: v ?? null })}
            />
          ),
        },
        { title: '说明', dataIndex: 'hint', render: (h?: string) => <Typography.Text type="secondary">{h}</Typography.Text> },
      ]}
    />
  );
}

/** Rows of the file that have a problem or a note: row, column, reason. */
export function ImportIssueTable({ issues, empty }: { issues: readonly { sheet?: string; row: number; column: string; reason: string }[]; empty: string }) {
  return (
    <Table
      size="small"
      rowKey={(e) => `${e.sheet ?? ''}-${e.row}-${e.column}-${e.reason}`}
      dataSource={[...issues]}
      pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
      locale={{ emptyText: empty }}
      scroll={{ x: 560 }}
      columns={[
        { title: '行', dataIndex: 'row', width: 64 },
        { title: '列', dataIndex: 'column', width: 170 },
        { title: '原因', dataIndex: 'reason' },
      ]}
    />
  );
}

/** The mapping tab's label: red with the count when required fields have no column. */
export function mappingTabLabel(missing: number): ReactNode {
  return missing ? <Typography.Text type="danger">列对应（缺 {missing} 项）</Typography.Text> : '列对应';
}
