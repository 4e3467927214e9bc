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

/**
 * Base64 decoded 1M characters at a time with a turn of the event loop between: a 27 MB workbook sent as base64 is
 * decoded in ~220 ms, during which the server would answer nobody. A text Node would read differently in pieces
 * (whitespace or padding inside it) is decoded whole, as before.
 */
export async function decodeBase64InSlices(base64: string, slice = 1 << 20): Promise<Buffer> {
  const chars = slice - (slice % 4);
  const out = Buffer.allocUnsafe(Buffer.byteLength(base64, 'base64'));
  let written = 0;
  for (let at = 0; at < base64.length; at += chars) {
    const last = at + chars >= base64.length;
    const bytes = out.write(base64.slice(at, at + chars), written, 'base64');
    // Only a piece of nothing but full groups of four letters decodes to exactly 3 bytes per 4 characters.
    if (!last && bytes !== (chars / 4) * 3) return Buffer.from(base64, 'base64');
    written += bytes;
    if (!last) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return out.subarray(0, written);
}

export async function receivedBytes(ctx: { host: Host; caller: Caller }, file: FileInput, maxBytes = WORKBOOK_MAX_BYTES): Promise<ReceivedFile> {
  if ('base64' in file) return { filename: file.filename, bytes: await decodeBase64InSlices(file.base64) };
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
