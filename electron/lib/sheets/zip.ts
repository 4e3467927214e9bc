import zlib from 'node:zlib';
import { refuse } from './errors';
import { megabytes, type SheetLimits } from './limits';

/**
 * What a zip file (xlsx, ods, .et saved as OOXML) holds, checked before any spreadsheet code inflates it:
 * the kind of document from its part names, then every entry inflated once into a counter, so neither a
 * bomb nor a directory that lies about sizes gets as far as the parser.
 */

interface ZipEntry {
  name: string;
  method: number;
  encrypted: boolean;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

const corrupt = () => refuse('UNREADABLE', '文件已损坏，无法读取（压缩包结构不完整）：请在 Excel 或 WPS 中打开后重新保存');

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function u64(dv: DataView, at: number): number {
  const value = dv.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt();
  return Number(value);
}

/** The central directory's entries (zip64 included). Throws UNREADABLE when the structure is broken. */
export function zipEntries(bytes: Uint8Array, limits: SheetLimits): ZipEntry[] {
  const dv = view(bytes);
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (dv.getUint32(at, true) === EOCD) {
      end = at;
      break;
    }
  }
  if (end < 0) throw corrupt();
  let count = dv.getUint16(end + 10, true);
  let dirOffset = dv.getUint32(end + 16, true);
  if ((count === 0xffff || dirOffset === MAX32) && end >= 20 && dv.getUint32(end - 20, true) === EOCD64_LOCATOR) {
    const at = u64(dv, end - 20 + 8);
    if (at + 56 > bytes.length || dv.getUint32(at, true) !== EOCD64) throw corrupt();
    count = u64(dv, at + 32);
    dirOffset = u64(dv, at + 48);
  }
  if (count > limits.maxZipEntries) throw refuse('ZIP_BOMB', `压缩包中有 ${count} 个文件，超过了 ${limits.maxZipEntries} 个的上限，不像是正常的表格文件`);

  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder('utf-8');
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || dv.getUint32(at, true) !== CENTRAL) throw corrupt();
    const flags = dv.getUint16(at + 8, true);
    const method = dv.getUint16(at + 10, true);
    let compressedSize = dv.getUint32(at + 20, true);
    let size = dv.getUint32(at + 24, true);
    const nameLength = dv.getUint16(at + 28, true);
    const extraLength = dv.getUint16(at + 30, true);
    const commentLength = dv.getUint16(at + 32, true);
    let localOffset = dv.getUint32(at + 42, true);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // zip64: the sizes and offset that did not fit are in extra field 0x0001, in this order.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = dv.getUint16(extra, true);
      const length = dv.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let field = extra + 4;
        if (size === MAX32) (size = u64(dv, field)), (field += 8);
        if (compressedSize === MAX32) (compressedSize = u64(dv, field)), (field += 8);
        if (localOffset === MAX32) localOffset = u64(dv, field);
      }
      extra += 4 + length;
    }
    entries.push({ name, method, encrypted: (flags & 1) === 1, compressedSize, size, localOffset });
    at = extraEnd + commentLength;
  }
  return entries;
}

export type ZipSpreadsheet = 'ooxml' | 'ods';

/** The spreadsheet kind of a zip by its part names, or a refusal naming what it is instead. */
export function zipKind(bytes: Uint8Array, entries: ZipEntry[]): ZipSpreadsheet {
  const names = new Set(entries.map((e) => e.name.replace(/^\//, '').toLowerCase()));
  if (names.has('[content_types].xml') && (names.has('xl/workbook.xml') || names.has('xl/workbook.bin'))) return 'ooxml';
  const mimetype = entries.find((e) => e.name === 'mimetype' && e.method === 0);
  if (mimetype) {
    const type = new TextDecoder('latin1').decode(entryData(bytes, mimetype)).trim();
    if (type === 'application/vnd.oasis.opendocument.spreadsheet') return 'ods';
    if (type.startsWith('application/vnd.oasis.opendocument.text'))
      throw refuse('NOT_A_SPREADSHEET', '这是一份文字文档（.odt），不是表格：请导入 Excel、WPS 表格或 CSV 文件');
  }
  if (names.has('word/document.xml')) throw refuse('NOT_A_SPREADSHEET', '这是一份 Word 文档（.docx），不是表格：请导入 Excel、WPS 表格或 CSV 文件');
  if (names.has('ppt/presentation.xml')) throw refuse('NOT_A_SPREADSHEET', '这是一份 PowerPoint 演示文稿，不是表格：请导入 Excel、WPS 表格或 CSV 文件');
  throw refuse('NOT_A_SPREADSHEET', '这是一个压缩包（.zip），不是表格：请先解压，再导入其中的 Excel 或 CSV 文件');
}

/** An entry's stored (compressed) bytes, found through its local header. */
function entryData(bytes: Uint8Array, e: ZipEntry): Uint8Array {
  const dv = view(bytes);
  if (e.localOffset + 30 > bytes.length || dv.getUint32(e.localOffset, true) !== LOCAL) throw corrupt();
  const start = e.localOffset + 30 + dv.getUint16(e.localOffset + 26, true) + dv.getUint16(e.localOffset + 28, true);
  if (start + e.compressedSize > bytes.length) throw corrupt();
  return bytes.subarray(start, start + e.compressedSize);
}

const bomb = (detail: string) => refuse('ZIP_BOMB', `文件解压后过大（${detail}），不像是正常的表格文件，已拒绝读取`);

/** Inflates into a counter, never holding the output: the true size, or a refusal once past `budget`. */
function inflatedSize(data: Uint8Array, budget: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const inflater = zlib.createInflateRaw();
    let total = 0;
    inflater.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > budget) {
        inflater.destroy();
        reject(bomb(`超过 ${megabytes(budget)}`));
      }
    });
    inflater.on('end', () => resolve(total));
    inflater.on('error', () => reject(corrupt()));
    inflater.end(data);
  });
}

/**
 * Refuses a zip that is encrypted, uses an unknown compression, or inflates past the limits: the total, or a
 * large entry whose ratio only a bomb reaches. Sizes are measured, so a directory that understates them
 * changes nothing.
 */
export async function checkZipSizes(bytes: Uint8Array, entries: ZipEntry[], limits: SheetLimits): Promise<void> {
  let total = 0;
  for (const e of entries) {
    if (e.encrypted) throw refuse('ENCRYPTED', '文件设置了密码（已加密），无法读取：请在 Excel 或 WPS 中取消密码后另存，再导入');
    if (e.size > limits.maxUnzippedBytes || total + e.size > limits.maxUnzippedBytes) throw bomb(`超过 ${megabytes(limits.maxUnzippedBytes)}`);
    const data = entryData(bytes, e);
    let size: number;
    if (e.method === 0) size = data.length;
    else if (e.method === 8) size = await inflatedSize(data, limits.maxUnzippedBytes - total);
    else throw refuse('UNREADABLE', `文件使用了不支持的压缩方式（${e.method}），无法读取：请在 Excel 或 WPS 中打开后另存为 .xlsx`);
    if (size > 10 * 1024 * 1024 && size / Math.max(1, data.length) > limits.maxCompressionRatio) {
      throw bomb(`“${e.name}”压缩比 ${Math.round(size / Math.max(1, data.length))}:1`);
    }
    total += size;
  }
}

/** The inflated bytes of one named entry (ods content.xml), or null when absent. */
export function readZipEntry(bytes: Uint8Array, entries: ZipEntry[], name: string): Buffer | null {
  const e = entries.find((x) => x.name === name);
  if (!e) return null;
  const data = entryData(bytes, e);
  return e.method === 0 ? Buffer.from(data) : zlib.inflateRawSync(data);
}
