import { useEffect, useState } from 'react';
import { Alert, Descriptions, Input, Modal, Tag, Typography } from 'antd';
import { BACKUP_REASON_LABELS, RESTORE_UPLOAD_BYTES, type BackupReason } from '../../../../shared/contract/backup';
import { desktop } from '../../api/client';
import { MAX_IPC_FILE_BYTES } from '../../api/upload';
import { formatChinaDateTime } from '../../components/hubClock';

/** Sizes as people read them: 812 KB, 23.4 MB, 1.2 GB. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

export const formatTime = (iso: string | null | undefined) => (iso ? formatChinaDateTime(iso) : '—');

const REASON_COLORS: Record<BackupReason, string> = {
  daily: 'blue',
  manual: 'green',
  'before-migration': 'purple',
  'before-close': 'gold',
  'before-restore': 'orange',
};

export function ReasonTag({ reason }: { reason: BackupReason }) {
  return <Tag color={REASON_COLORS[reason]}>{BACKUP_REASON_LABELS[reason]}</Tag>;
}

/**
 * The largest backup this screen restores from a chosen file: a browser streams it to the hub's disk (up to the
 * contract's limit); the desktop app passes it over IPC as base64. Larger ones are copied to the backup folder.
 */
export const maxUploadBytes = () => (desktop() ? MAX_IPC_FILE_BYTES : RESTORE_UPLOAD_BYTES);

/** Lets the browser (or the desktop app) save a file the API sent as base64. */
export function saveBase64(fileName: string, base64: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/vnd.sqlite3' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface RestoreCandidate {
  fileName: string;
  /** When the backup was made (or, for an uploaded file, when the file was last changed). */
  at: string | null;
  atLabel: string;
  sizeBytes: number;
  reason: BackupReason | null;
}

export const CONFIRM_WORD = '确认恢复';

/**
 * The strong confirmation before a restore: it names the file and its date, says what is lost and what
 * is kept, and is only enabled once the user has typed 确认恢复.
 */
export function RestoreConfirmModal({
  candidate,
  busy,
  damaged,
  onConfirm,
  onCancel,
}: {
  candidate: RestoreCandidate | null;
  busy: boolean;
  /** Recovery mode: the current file is damaged and will be kept aside, not backed up. */
  damaged?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const [typed, setTyped] = useState('');
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new candidate clears what was typed for the previous one
  useEffect(() => setTyped(''), [candidate]);
  const ready = typed.trim() === CONFIRM_WORD;
  return (
    <Modal
      open={candidate !== null}
      title="从备份恢复数据"
      okText="恢复"
      okButtonProps={{ danger: true, disabled: !ready, loading: busy }}
      cancelButtonProps={{ disabled: busy }}
      onOk={onConfirm}
      onCancel={busy ? undefined : onCancel}
      closable={!busy}
      maskClosable={false}
      destroyOnHidden
      width={{ xs: '95%', md: 560 }}
    >
      {candidate && (
        <>
          <Descriptions
            size="small"
            column={1}
            bordered
            style={{ marginBottom: 12 }}
            items={[
              {
                key: 'file',
                label: '备份文件',
                children: (
                  <Typography.Text strong style={{ wordBreak: 'break-all' }}>
                    {candidate.fileName}
                  </Typography.Text>
                ),
              },
              { key: 'at', label: candidate.atLabel, children: <Typography.Text strong>{formatTime(candidate.at)}</Typography.Text> },
              { key: 'size', label: '大小', children: formatBytes(candidate.sizeBytes) },
              ...(candidate.reason ? [{ key: 'reason', label: '类型', children: <ReasonTag reason={candidate.reason} /> }] : []),
            ]}
          />
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            title={`系统数据将回到这个备份时的状态（${formatTime(candidate.at)}）`}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                <li>此后录入的入库、出库、用药登记等业务都不会在系统中。</li>
                {damaged ? (
                  <li>损坏的数据库文件会另存到 damaged 文件夹，不会删除，可供技术人员检查。</li>
                ) : (
                  <li>恢复前会先自动备份当前数据（“恢复前”备份），需要时可以再恢复回来。</li>
                )}
                <li>恢复后所有用户（包括您）都需要重新登录，账号和密码以备份中的为准。</li>
                <li>恢复前程序会先检查备份文件；损坏或不是三统的文件会被拒绝，当前数据不受影响。</li>
              </ul>
            }
          />
          <Typography.Paragraph style={{ marginBottom: 6 }}>
            请输入 <Typography.Text code>{CONFIRM_WORD}</Typography.Text> 以继续：
          </Typography.Paragraph>
          <Input
            aria-label="输入确认恢复"
            value={typed}
            autoFocus
            disabled={busy}
            onChange={(e) => setTyped(e.target.value)}
            onPressEnter={() => ready && !busy && onConfirm()}
          />
        </>
      )}
    </Modal>
  );
}
