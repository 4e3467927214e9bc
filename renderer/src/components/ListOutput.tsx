import { useState } from 'react';
import { useNavigate } from 'react-router';
import { App, Button } from 'antd';
import { DownloadOutlined, PrinterOutlined } from '@ant-design/icons';
import { downloadFile } from './download';

/**
 * 导出 Excel and 打印 for a list or ledger screen: the workbook comes from the server (the same rows and
 * filters as the screen), the print is the list's /print/… route with the filters in its address.
 */
export function ListOutput({
  exportFile,
  printTo,
  disabled,
}: {
  exportFile: () => Promise<{ filename: string; base64: string }>;
  printTo: string;
  disabled?: boolean;
}) {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  return (
    <>
      <Button
        icon={<DownloadOutlined />}
        loading={busy}
        disabled={disabled}
        onClick={async () => {
          setBusy(true);
          try {
            const file = await exportFile();
            downloadFile(file);
            message.success(`已导出 ${file.filename}`);
          } catch (err) {
            message.error((err as Error).message);
          } finally {
            setBusy(false);
          }
        }}
      >
        导出 Excel
      </Button>
      <Button icon={<PrinterOutlined />} disabled={disabled} onClick={() => navigate(printTo)}>
        打印
      </Button>
    </>
  );
}
