import { z } from 'zod';
import { about } from './describe';

/** Reusable field schemas with Chinese messages. */

export const id = z
  .number({ error: '必须是编号' })
  .int('编号必须是整数')
  .positive('编号必须大于 0')
  .max(2 ** 31, '编号过大')
  .describe('编号 id：正整数，取自相应的列表或详情接口');

export const text = (max: number, label = '内容') =>
  z
    .string({ error: `${label}必须是文字` })
    .trim()
    .max(max, `${label}不能超过 ${max} 个字符`)
    .describe(`文字：去掉首尾空白后最多 ${max} 个字符`);

export const requiredText = (max: number, label: string) => text(max, label).min(1, `请填写${label}`).describe(`必填文字：去掉首尾空白后 1–${max} 个字符`);

export const optionalText = (max: number, label: string) =>
  text(max, label)
    .nullish()
    .transform((v) => (v ? v : null))
    .describe(`可选文字：最多 ${max} 个字符；省略、null 或空白都存为 null`);

export const isoDate = z
  .string({ error: '日期格式应为 YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, '日期无效')
  .describe("日期 'YYYY-MM-DD'：中国时间（UTC+8）的日历日");

export const period = z
  .string({ error: '会计期间格式应为 YYYY-MM' })
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '会计期间格式应为 YYYY-MM')
  .describe("会计期间（自然月）'YYYY-MM'");

/** Non-negative integer amount in fen. */
export const fen = z
  .number({ error: '金额必须是数字' })
  .int('金额必须以分为单位的整数')
  .min(0, '金额不能为负')
  .max(1e13, '金额过大')
  .describe('金额，单位分 (fen)：整数，1 元 = 100 分，如 12.50 元填 1250');

/** Positive integer quantity in base units. */
export const positiveQty = z
  .number({ error: '数量必须是数字' })
  .int('数量必须是整数')
  .positive('数量必须大于 0')
  .max(1e9, '数量过大')
  .describe('数量，最小单位 (base units，如 粒、片、支)：正整数，不是包装数；2 盒 × 24 粒填 48');

export const nonNegativeQty = z
  .number({ error: '数量必须是数字' })
  .int('数量必须是整数')
  .min(0, '数量不能为负')
  .max(1e9, '数量过大')
  .describe('数量，最小单位 (base units，如 粒、片、支)：≥ 0 的整数，不是包装数');

/** Unit price in micro-yuan (1 yuan = 1,000,000). */
export const unitPrice = z
  .number({ error: '单价必须是数字' })
  .int('单价格式错误')
  .min(0, '单价不能为负')
  .max(1e12, '单价过大')
  .describe('价格，百万分之一元 (micro-yuan)：整数，1 元 = 1,000,000，如 12.5 元填 12500000');

/** A key the client makes for one submission, so that a retried or double-clicked submit posts once. */
export const clientToken = text(64, '提交标识')
  .min(8)
  .describe('提交标识（幂等键）：8–64 个字符，客户端为每次新的提交生成一个（如 UUID）；同一标识再次提交返回第一次的结果，不会重复记账');

export const paging = {
  page: z.number().int().min(1).max(1_000_000).default(1).describe('页码，从 1 开始'),
  pageSize: z.number().int().min(1).max(500).default(50).describe('每页行数'),
};

export const pageOf = <T extends z.ZodType>(row: T) =>
  z.object({
    rows: z.array(row).describe('本页的行'),
    total: z.number().int().describe('符合条件的总行数（不只本页）'),
    page: z.number().int().describe('本页页码，从 1 开始'),
    pageSize: z.number().int().describe('每页行数'),
  });

export const ok = z.object({ ok: z.literal(true).describe('总是 true：操作已完成') });

export const emptyInput = z.object({}).strict().default({});

/** A file travelling through the API (JSON over HTTP, structured clone over IPC). */
export const fileContent = z.object({
  filename: about(text(200, '文件名').min(1, '缺少文件名'), '文件名，含扩展名（如 .xlsx），不含目录'),
  base64: z
    .string()
    .max(96 * 1024 * 1024, '文件过大')
    .describe('文件内容，base64 编码（不带 data: 前缀）'),
});
export type FileContent = z.infer<typeof fileContent>;

/** An upload id the server answered for a file sent to `POST /api/upload/<method>` (see fileInput). */
export const uploadId = z
  .string({ error: '上传编号必须是文字' })
  .regex(/^[A-Za-z0-9_-]{32,64}$/, '上传编号无效')
  .describe('上传编号：POST /api/upload/<接口名> 的回答 {uploadId}；只能由上传它的登录会话使用一次，1 小时内有效');

/** A file already streamed to the server's disk through the upload channel: only its name and upload id travel. */
export const uploadedFileRef = z.object({
  filename: about(text(200, '文件名').min(1, '缺少文件名'), '文件名，含扩展名（如 .xlsx），不含目录'),
  uploadId,
});

/**
 * A file a method takes, in either form: the bytes as base64 in the JSON (IPC, small files, API integrators), or
 * the id of an upload the server has already written to disk (the browser, any size up to the method's limit).
 */
const FILE_FORMS =
  '两种形式任选其一：{filename, base64}（文件内容 base64 编码放在请求中，受请求体大小限制）；或 {filename, uploadId}（先以 application/octet-stream 把文件原样 POST 到 /api/upload/<接口名>，文件名放在 X-File-Name 头中（百分号编码），得到 {uploadId}，再调用本接口）';
export const fileInput = z.union([fileContent, uploadedFileRef]).describe(`文件，${FILE_FORMS}`);
export type FileInput = z.infer<typeof fileInput>;

/** fileInput described for one method: what the file is, then the two forms it may take. */
export const fileInputAbout = (words: string) => fileInput.describe(`${words}。${FILE_FORMS}`);
