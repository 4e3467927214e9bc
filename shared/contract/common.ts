import { z } from 'zod';

/** Reusable field schemas with Chinese messages. */

export const id = z.number({ error: '必须是编号' }).int('编号必须是整数').positive('编号必须大于 0').max(2 ** 31, '编号过大');

export const text = (max: number, label = '内容') =>
  z
    .string({ error: `${label}必须是文字` })
    .trim()
    .max(max, `${label}不能超过 ${max} 个字符`);

export const requiredText = (max: number, label: string) => text(max, label).min(1, `请填写${label}`);

export const optionalText = (max: number, label: string) =>
  text(max, label)
    .nullish()
    .transform((v) => (v ? v : null));

export const isoDate = z
  .string({ error: '日期格式应为 YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, '日期无效');

export const period = z
  .string({ error: '会计期间格式应为 YYYY-MM' })
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '会计期间格式应为 YYYY-MM');

/** Non-negative integer amount in fen. */
export const fen = z.number({ error: '金额必须是数字' }).int('金额必须以分为单位的整数').min(0, '金额不能为负').max(1e13, '金额过大');

/** Positive integer quantity in base units. */
export const positiveQty = z.number({ error: '数量必须是数字' }).int('数量必须是整数').positive('数量必须大于 0').max(1e9, '数量过大');

export const nonNegativeQty = z.number({ error: '数量必须是数字' }).int('数量必须是整数').min(0, '数量不能为负').max(1e9, '数量过大');

/** Unit price in micro-yuan (1 yuan = 1,000,000). */
export const unitPrice = z.number({ error: '单价必须是数字' }).int('单价格式错误').min(0, '单价不能为负').max(1e12, '单价过大');

export const paging = {
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(1).max(500).default(50),
};

export const pageOf = <T extends z.ZodType>(row: T) =>
  z.object({ rows: z.array(row), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const ok = z.object({ ok: z.literal(true) });

export const emptyInput = z.object({}).strict().default({});

/** A file travelling through the API (JSON over HTTP, structured clone over IPC). */
export const fileContent = z.object({
  filename: text(200, '文件名').min(1, '缺少文件名'),
  base64: z.string().max(96 * 1024 * 1024, '文件过大'),
});
export type FileContent = z.infer<typeof fileContent>;
