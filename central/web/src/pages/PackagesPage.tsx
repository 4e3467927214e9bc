import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Table, Tag, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import type { SubmitAnswer } from '../../../../shared/prefecture/package';
import { MAX_UPLOAD_BYTES } from '../../../shared/contract';
import { useMe } from '../App';
import { call } from '../api';

interface PackageRow {
  id: number;
  hubName: string;
  countyCode: string;
  period: string;
  version: number;
  status: string;
  receivedAt: string;
  ledgerRows: number;
  bytes: number;
}

const OUTCOME: Record<SubmitAnswer['outcome'], 'success' | 'info' | 'error'> = {
  accepted: 'success',
  replaced: 'success',
  unchanged: 'info',
  refused: 'error',
};

/** base64 of a file's bytes, in chunks (a spread of a few MB would overflow the call stack). */
async function fileBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** 上传U盘报送的文件: a hub without a link exports its month to a .stpkg file; the administrator loads it here. */
function UploadButton({ onDone }: { onDone: (a: SubmitAnswer & { filename: string }) => void }) {
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  return (
    <Upload
      accept=".stpkg"
      showUploadList={false}
      beforeUpload={async (file) => {
        if (file.size > MAX_UPLOAD_BYTES) {
          message.error(`文件超过 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB，请确认是卫生院导出的上报包`);
          return Upload.LIST_IGNORE;
        }
        setBusy(true);
        try {
          onDone({ ...(await call<SubmitAnswer>('packages.upload', { filename: file.name, base64: await fileBase64(file) })), filename: file.name });
        } catch (e) {
          message.error((e as Error).message);
        } finally {
          setBusy(false);
        }
        return Upload.LIST_IGNORE;
      }}
    >
      <Button icon={<UploadOutlined />} loading={busy}>
        上传U盘报送的文件
      </Button>
    </Upload>
  );
}

export function PackagesPage() {
  const admin = useMe().role === 'prefecture_admin';
  const client = useQueryClient();
  const [last, setLast] = useState<(SubmitAnswer & { filename: string }) | null>(null);
  const list = useQuery({ queryKey: ['packages'], queryFn: () => call<PackageRow[]>('packages.list', {}) });
  return (
    <Card
      title="收到的上报包"
      extra={
        admin && (
          <UploadButton
            onDone={(a) => {
              setLast(a);
              void client.invalidateQueries();
            }}
          />
        )
      }
    >
      {last && (
        <Alert
          style={{ marginBottom: 12 }}
          showIcon
          closable
          type={OUTCOME[last.outcome]}
          message={`${last.filename}：${last.message}`}
          onClose={() => setLast(null)}
        />
      )}
      <Table
        size="small"
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        scroll={{ x: 760 }}
        columns={[
          { title: '卫生院', dataIndex: 'hubName' },
          { title: '县区', dataIndex: 'countyCode' },
          { title: '月份', dataIndex: 'period' },
          { title: '版本', dataIndex: 'version' },
          { title: '状态', dataIndex: 'status', render: (s: string) => (s === 'current' ? <Tag color="green">当前</Tag> : <Tag>已被取代</Tag>) },
          {
            title: '收到时间',
            dataIndex: 'receivedAt',
            render: (at: string) => new Date(at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }),
          },
          { title: '台账行数', dataIndex: 'ledgerRows', align: 'right' as const },
          { title: '大小（KB）', dataIndex: 'bytes', align: 'right' as const, render: (b: number) => Math.ceil(b / 1024) },
        ]}
      />
    </Card>
  );
}
