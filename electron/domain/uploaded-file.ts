/**
 * The bytes of a file a method was given, whichever form it came in (base64 in the request, or an upload the
 * channel streamed to disk): for readers that need the whole file anyway (workbooks, at most 64 MiB). A backup
 * restore takes the path instead (`ctx.host.uploadedFile`) and never holds the file in memory.
 */
import fs from 'node:fs';
import { AppError } from '../errors';
import type { FileInput } from '../../shared/contract/common';
import type { Caller } from './context';
import type { Host } from './ports';

export interface ReceivedFile {
  filename: string;
  bytes: Buffer;
}

/** What the spreadsheet reader takes at most (lib/sheets refuses larger files anyway). */
export const WORKBOOK_MAX_BYTES = 64 * 1024 * 1024;

export async function receivedBytes(ctx: { host: Host; caller: Caller }, file: FileInput, maxBytes = WORKBOOK_MAX_BYTES): Promise<ReceivedFile> {
  const got = ctx.host.uploadedFile(file, ctx.caller.token);
  if ('bytes' in got) return got;
  try {
    // An upload made for another method may be larger than this one takes: refused before it is read.
    if (got.sizeBytes > maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', `${file.filename}：文件过大（最大 ${Math.round(maxBytes / 2 ** 20)} MiB）`);
    return { filename: got.filename, bytes: await fs.promises.readFile(got.path) };
  } finally {
    await fs.promises.rm(got.path, { force: true });
  }
}
