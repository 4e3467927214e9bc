import type { MethodName } from '../../../shared/contract';
import type { FileInput } from '../../../shared/contract/common';
import { isApiErrorBody } from '../../../shared/errors';
import { ApiError, desktop } from './client';

/** Largest file the desktop app passes over IPC (as base64, within the methods' 100 MiB body). */
export const MAX_IPC_FILE_BYTES = 70 * 1024 * 1024;

/** Share of the file sent so far, 0–1. */
export type UploadProgress = (sent: number) => void;

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new ApiError({ code: 'BAD_REQUEST', message: '无法读取所选文件' }));
    reader.readAsDataURL(file);
  });
}

/**
 * A chosen file as `method` takes it. In a browser the file goes first, raw, to the upload channel, which streams it
 * to the hub's disk (never through JSON or base64) and answers an upload id for one call of this session; the
 * desktop app, on the hub PC itself, passes the bytes over IPC as base64. A preview and its commit each send it.
 */
export async function sendFile(method: MethodName, file: File, onProgress?: UploadProgress): Promise<FileInput> {
  if (desktop()) return { filename: file.name, base64: await readAsBase64(file) };
  const answer = await new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/upload/${method}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('x-file-name', encodeURIComponent(file.name));
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON: said below */
      }
      resolve({ status: xhr.status, body });
    };
    // A refusal from the headers closes the connection while the file is still going out: the browser may then
    // report no answer at all.
    xhr.onerror = () => reject(new ApiError({ code: 'INTERNAL', message: '文件上传中断：请检查网络，或确认已登录且有权执行此操作后重试' }));
    xhr.send(file);
  });
  const body = answer.body as { uploadId?: string } | null;
  if (answer.status === 200 && body?.uploadId) return { filename: file.name, uploadId: body.uploadId };
  throw new ApiError(isApiErrorBody(answer.body) ? answer.body.error : { code: 'INTERNAL', message: `文件上传失败（${answer.status}）` });
}
