import { Button, App as AntApp } from 'antd';
import type { z } from 'zod';
import { downloadFile } from '../../../../renderer/src/components/download';
import type { CentralApi } from '../../../shared/contract';
import { call } from '../api';

/** 导出 Excel: asks the server for the table as a workbook and saves it. */
export function ExportButton({ input }: { input: z.input<CentralApi['export.table']['input']> }) {
  const { message } = AntApp.useApp();
  return (
    <Button
      onClick={async () => {
        try {
          downloadFile(await call<{ filename: string; base64: string }>('export.table', input));
        } catch (e) {
          message.error((e as Error).message);
        }
      }}
    >
      导出 Excel
    </Button>
  );
}
