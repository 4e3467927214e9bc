import type { ReactNode } from 'react';
import { Alert, Button, Space, Spin } from 'antd';
import { ArrowLeftOutlined, PrinterOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { desktop } from '../api/client';
import './print.css';

/** Prints the current page: the desktop app's print dialog, or the browser's. */
export async function printCurrentPage(): Promise<void> {
  const bridge = desktop();
  if (bridge) await bridge.print();
  else window.print();
}

/**
 * The frame of a print route (rendered without the app shell): a toolbar that never prints, and the
 * document on an A4 sheet on screen.
 */
export function PrintPage({ title, loading, error, children, back }: { title: string; loading?: boolean; error?: string | null; children?: ReactNode; back?: string }) {
  const navigate = useNavigate();
  return (
    <div className="print-screen">
      <div className="print-toolbar no-print">
        <Space>
          <Button icon={<ArrowLeftOutlined />} onClick={() => (back ? navigate(back) : navigate(-1))}>
            返回
          </Button>
          <span className="print-toolbar-title">{title}</span>
        </Space>
        <Button type="primary" icon={<PrinterOutlined />} disabled={loading || !!error} onClick={() => void printCurrentPage()}>
          打印
        </Button>
      </div>
      {loading ? (
        <Spin size="large" style={{ display: 'block', marginTop: 120 }} />
      ) : error ? (
        <Alert type="error" showIcon title={error} style={{ maxWidth: 600, margin: '48px auto' }} />
      ) : (
        <div className="print-sheet">{children}</div>
      )}
    </div>
  );
}
