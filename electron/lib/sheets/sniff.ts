import { refuse } from './errors';
import { megabytes, type SheetLimits } from './limits';

/** How a file's bytes are packed, from its first bytes: never from its name (.et, .xls and .csv all lie). */
export type Container = 'zip' | 'ole' | 'text';

const startsWith = (bytes: Uint8Array, ...sig: number[]) => sig.every((b, i) => bytes[i] === b);

const NOT_A_SHEET = '请导入 Excel（.xlsx/.xls）、WPS 表格（.et）、OpenDocument 表格（.ods）或 CSV 文件';

/** Signatures of files people rename to .xls by mistake (or on purpose), and what to tell them. */
const FOREIGN: { sig: number[]; message: string; reason: 'EXECUTABLE' | 'NOT_A_SPREADSHEET' }[] = [
  { sig: [0x4d, 0x5a], reason: 'EXECUTABLE', message: '这是一个 Windows 程序（.exe/.dll），不是表格文件，已拒绝读取。请勿打开来历不明的文件' },
  { sig: [0x7f, 0x45, 0x4c, 0x46], reason: 'EXECUTABLE', message: '这是一个程序文件，不是表格文件，已拒绝读取' },
  { sig: [0x25, 0x50, 0x44, 0x46], reason: 'NOT_A_SPREADSHEET', message: `这是 PDF 文件，不是表格：${NOT_A_SHEET}` },
  { sig: [0x89, 0x50, 0x4e, 0x47], reason: 'NOT_A_SPREADSHEET', message: `这是一张图片（PNG），不是表格：${NOT_A_SHEET}` },
  { sig: [0xff, 0xd8, 0xff], reason: 'NOT_A_SPREADSHEET', message: `这是一张图片（JPEG），不是表格：${NOT_A_SHEET}` },
  { sig: [0x47, 0x49, 0x46, 0x38], reason: 'NOT_A_SPREADSHEET', message: `这是一张图片（GIF），不是表格：${NOT_A_SHEET}` },
  { sig: [0x52, 0x61, 0x72, 0x21], reason: 'NOT_A_SPREADSHEET', message: '这是一个 RAR 压缩包，不是表格：请先解压，再导入其中的表格文件' },
  { sig: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], reason: 'NOT_A_SPREADSHEET', message: '这是一个 7z 压缩包，不是表格：请先解压，再导入其中的表格文件' },
  { sig: [0x1f, 0x8b], reason: 'NOT_A_SPREADSHEET', message: '这是一个 gzip 压缩文件，不是表格：请先解压，再导入其中的表格文件' },
];

/** The container of a file, or a refusal (empty, too large, a program, a PDF, an image, binary data). */
export function sniffContainer(bytes: Uint8Array, limits: SheetLimits): Container {
  if (bytes.length === 0) throw refuse('EMPTY', '文件是空的（0 字节）');
  if (bytes.length > limits.maxFileBytes) {
    throw refuse('TOO_LARGE', `文件有 ${megabytes(bytes.length)}，超过了 ${megabytes(limits.maxFileBytes)} 的上限：请删去不需要的工作表，或分成几个文件导入`);
  }
  if (startsWith(bytes, 0x50, 0x4b, 0x03, 0x04) || startsWith(bytes, 0x50, 0x4b, 0x05, 0x06)) return 'zip';
  if (startsWith(bytes, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return 'ole';
  for (const f of FOREIGN) if (startsWith(bytes, ...f.sig)) throw refuse(f.reason, f.message);
  // UTF-16 text (Excel's "Unicode text") is full of zero bytes; any other text has none.
  const utf16 = startsWith(bytes, 0xff, 0xfe) || startsWith(bytes, 0xfe, 0xff);
  if (!utf16 && bytes.subarray(0, 8192).includes(0)) throw refuse('NOT_A_SPREADSHEET', `文件内容是二进制数据，不是表格：${NOT_A_SHEET}`);
  return 'text';
}

export interface DecodedText {
  text: string;
  /** What the bytes were read as: 'UTF-8', 'UTF-8 BOM', 'UTF-16LE', 'UTF-16BE', 'GB18030' or a declared charset. */
  encoding: string;
}

/** A charset named in an HTML <meta> or an XML declaration near the top, lower-cased. */
function declaredCharset(bytes: Uint8Array): string | null {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  const m = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head) ?? /<\?xml[^>]+encoding\s*=\s*["']([\w-]+)["']/i.exec(head);
  return m ? m[1].toLowerCase() : null;
}

/**
 * Text as the writer meant it. A BOM decides; else bytes that are valid UTF-8 are UTF-8 (real GBK text almost
 * never is); else a non-Chinese charset the page declares (Big5…); else GB18030, the superset of GBK and
 * GB2312 that zh-CN Excel, WPS and HIS exports write. SheetJS ignores <meta charset>, hence decoding here.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (startsWith(bytes, 0xef, 0xbb, 0xbf)) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'UTF-8 BOM' };
  if (startsWith(bytes, 0xff, 0xfe)) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'UTF-16LE' };
  if (startsWith(bytes, 0xfe, 0xff)) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'UTF-16BE' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF-8' };
  } catch {
    // not UTF-8
  }
  const declared = declaredCharset(bytes);
  if (declared && !/^(gb|utf-?8|x-gbk|cp936|windows-936|euc-cn)/.test(declared)) {
    try {
      const decoder = new TextDecoder(declared);
      return { text: decoder.decode(bytes), encoding: decoder.encoding.toUpperCase() };
    } catch {
      // an unknown label: fall through to GB18030
    }
  }
  return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'GB18030' };
}
