import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Alert, App, Button, Space, Spin } from 'antd';
import { ArrowLeftOutlined, FilePdfOutlined, PrinterOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { desktop } from '../api/client';
import './print.css';
import { shortcutTitle, usePageShortcut } from '../app/shortcuts';

/** Prints the current page: the desktop app's print dialog, or the browser's. */
export async function printCurrentPage(): Promise<void> {
  const bridge = desktop();
  if (bridge) await bridge.print();
  else window.print();
}

/** Saves the current page as PDF through the desktop app's save dialog (a browser prints to PDF instead). */
export async function savePdf(fileName: string): Promise<{ ok: boolean; path?: string }> {
  const bridge = desktop();
  if (!bridge) return { ok: false };
  return bridge.savePdf(fileName);
}

/**
 * The sheet at its paper width, scaled down as a whole on a screen narrower than the paper (a phone): the
 * preview shows the page as it prints, never reflowed into a narrower column, and nothing scrolls sideways.
 */
function ScaledSheet({ children }: { children: ReactNode }) {
  const sheet = useRef<HTMLDivElement>(null);
  const [fit, setFit] = useState<{ scale: number; width: number; height: number } | null>(null);
  useLayoutEffect(() => {
    const el = sheet.current;
    if (!el) return;
    const measure = () => {
      const room = document.documentElement.clientWidth - 16;
      const scale = Math.min(1, room / el.offsetWidth);
      setFit(scale < 1 ? { scale, width: el.offsetWidth * scale, height: el.offsetHeight * scale } : null);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    window.addEventListener('resize', measure);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', measure);
    };
  }, []);
  return (
    <div className="print-scaler" style={fit ? { width: fit.width, height: fit.height } : undefined}>
      <div ref={sheet} className="print-sheet" style={fit ? { transform: `scale(${fit.scale})` } : undefined}>
        {children}
      </div>
    </div>
  );
}

/**
 * The frame of a print route (rendered without the app shell): a toolbar that never prints, and the
 * document on an A4 sheet on screen. `toolbar` adds controls (e.g. the paper); `pdfName` adds 保存 PDF in
 * the desktop app (in a browser, 打印 → 另存为 PDF does it).
 */
export function PrintPage({
  title,
  loading,
  error,
  children,
  back,
  toolbar,
  pdfName,
}: {
  title: string;
  loading?: boolean;
  error?: string | null;
  children?: ReactNode;
  back?: string;
  toolbar?: ReactNode;
  pdfName?: string;
}) {
  const navigate = useNavigate();
  const { message } = App.useApp();
  const onDesktop = desktop() !== undefined;
  usePageShortcut('print', `打印${title}`, () => void printCurrentPage(), !loading && !error);
  return (
    <div className="print-screen">
      <div className="print-toolbar no-print">
        <Space>
          <Button icon={<ArrowLeftOutlined />} onClick={() => (back ? navigate(back) : navigate(-1))}>
            返回
          </Button>
          <span className="print-toolbar-title">{title}</span>
        </Space>
        <Space wrap>
          {toolbar}
          {pdfName && onDesktop && (
            <Button
              icon={<FilePdfOutlined />}
              disabled={loading || !!error}
              onClick={async () => {
                const saved = await savePdf(pdfName);
                if (saved.ok) message.success(`已保存：${saved.path ?? pdfName}`);
              }}
            >
              保存 PDF
            </Button>
          )}
          <Button
            type="primary"
            icon={<PrinterOutlined />}
            disabled={loading || !!error}
            onClick={() => void printCurrentPage()}
            title={onDesktop ? shortcutTitle('print') : `${shortcutTitle('print')}；在打印对话框中可选“另存为 PDF”`}
          >
            打印
          </Button>
        </Space>
      </div>
      {loading ? (
        <Spin size="large" style={{ display: 'block', marginTop: 120 }} />
      ) : error ? (
        <Alert type="error" showIcon title={error} style={{ maxWidth: 600, margin: '48px auto' }} />
      ) : (
        <ScaledSheet>{children}</ScaledSheet>
      )}
    </div>
  );
}
