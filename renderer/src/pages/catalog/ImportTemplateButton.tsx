import { useState } from 'react';
import { App, Button, Space, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { call } from '../../api/client';
import { downloadBase64 } from './files';

/** 下载导入模板: a blank catalog workbook with required columns marked, drop-downs and a 填写说明 sheet. */
export function ImportTemplateButton() {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);

  async function download() {
    setBusy(true);
    try {
      const file = await call('catalog.importTemplate', {});
      downloadBase64(file.filename, file.base64);
    } catch (err) {
      message.error((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Space wrap style={{ marginBottom: 12 }}>
      <Button icon={<DownloadOutlined />} loading={busy} onClick={download}>
        下载导入模板
      </Button>
      <Typography.Text type="secondary">没有现成的文件时，按模板填写：红色带 * 的列必填，选项列有下拉菜单，“填写说明”表列出每列的写法。</Typography.Text>
    </Space>
  );
}
