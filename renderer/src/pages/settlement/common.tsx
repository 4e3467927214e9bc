import { useState, type ReactNode } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { App, Button, DatePicker, Tag, Tooltip } from 'antd';
import { FileExcelOutlined, LockOutlined, PrinterOutlined, UnlockOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import type { MethodInput } from '../../../../shared/contract';
import { periodLabel } from '../../../../shared/settlement';
import { call } from '../../api/client';
import { downloadFile } from '../../components/download';
import { formatChinaDateTime, hubMonth, isAfterHubMonth } from '../../components/hubClock';
import { previousPeriod } from '../../../../shared/dates';

/** Last month, as 'YYYY-MM': the month finance settles by default. */
export function defaultPeriod(): string {
  return previousPeriod(hubMonth());
}

/** The period (and other ids) a settlement screen shows, kept in the address so it can be bookmarked and shared. */
export function useSettlementParams() {
  const [params, setParams] = useSearchParams();
  const raw = params.get('period');
  const period = raw && /^\d{4}-(0[1-9]|1[0-2])$/.test(raw) ? raw : defaultPeriod();
  const num = (key: string) => {
    const v = Number(params.get(key));
    return Number.isInteger(v) && v > 0 ? v : undefined;
  };
  const set = (changes: Record<string, string | number | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) next.delete(k);
      else next.set(k, String(v));
    }
    setParams(next, { replace: true });
  };
  return { period, num, set };
}

/** Month picker: no future months. */
export function PeriodPicker({ value, onChange }: { value: string; onChange(period: string): void }) {
  return (
    <DatePicker
      picker="month"
      aria-label="会计期间"
      allowClear={false}
      value={dayjs(`${value}-01`)}
      format="YYYY年M月"
      disabledDate={isAfterHubMonth}
      onChange={(d) => d && onChange(d.format('YYYY-MM'))}
      style={{ width: 140 }}
    />
  );
}

export function PeriodStatus({ closed, closedAt, closedByName }: { closed: boolean; closedAt: string | null; closedByName: string | null }) {
  return closed ? (
    <Tooltip title={closedAt ? `${closedByName ?? ''} ${formatChinaDateTime(closedAt, false)} 结账` : '随后续月份一并结账'}>
      <Tag icon={<LockOutlined />} color="green">
        已结账
      </Tag>
    </Tooltip>
  ) : (
    <Tooltip title="本月尚未结账，数字可能随业务变化">
      <Tag icon={<UnlockOutlined />} color="orange">
        未结账
      </Tag>
    </Tooltip>
  );
}

/** Downloads a statement as .xlsx (made by the server). */
export function ExportButton({ input, children = '导出 Excel' }: { input: MethodInput<'statements.export'>; children?: ReactNode }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      icon={<FileExcelOutlined />}
      loading={busy}
      onClick={async () => {
        setBusy(true);
        try {
          downloadFile(await call('statements.export', input));
        } catch (err) {
          message.error((err as Error).message);
        } finally {
          setBusy(false);
        }
      }}
    >
      {children}
    </Button>
  );
}

/** Opens the printable A4 page of a statement (print dialog and PDF from there). */
export function PrintButton({ to, children = '打印 / PDF' }: { to: string; children?: ReactNode }) {
  const navigate = useNavigate();
  return (
    <Button icon={<PrinterOutlined />} onClick={() => navigate(to)}>
      {children}
    </Button>
  );
}

export const periodTitle = (period: string) => periodLabel(period);
