import { App } from 'antd';
import type { MethodName } from '../../../../shared/contract';
import type { FileInput } from '../../../../shared/contract/common';
import { sendFile } from '../../api/upload';

/** Files from this size on show how much of them has gone (a 60 MB backup takes a while over a village's VPN). */
const SHOW_PROGRESS_FROM_BYTES = 1024 * 1024;

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Sends a chosen file the way `method` takes it (api/upload.ts), with the upload's progress shown for large files. */
export function useFileSender(): (method: MethodName, file: File) => Promise<FileInput> {
  const { message } = App.useApp();
  return async (method, file) => {
    if (file.size < SHOW_PROGRESS_FROM_BYTES) return sendFile(method, file);
    const key = `upload:${method}:${file.name}`;
    const show = (share: number) =>
      message.open({
        key,
        type: 'loading',
        duration: 0,
        content: `正在上传“${file.name}”：${Math.round(share * 100)}%（${megabytes(share * file.size)} / ${megabytes(file.size)}）`,
      });
    show(0);
    try {
      return await sendFile(method, file, show);
    } finally {
      message.destroy(key);
    }
  };
}
