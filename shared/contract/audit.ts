import { z } from 'zod';
import { defineMethod } from './define';
import { id, isoDate, pageOf, paging, text } from './common';
import { AUDIT_OUTCOMES } from '../security';

export { AUDIT_OUTCOMES, AUDIT_OUTCOME_LABELS } from '../security';

export const auditRow = z.object({
  id: z.number().int(),
  /** ISO instant (UTC). */
  at: z.string(),
  userId: z.number().int().nullable(),
  username: z.string().nullable(),
  displayName: z.string().nullable(),
  role: z.string().nullable(),
  /** The clinic the record concerns: the village doctor's own, or the clinic whose document a hub user changed. */
  clinicId: z.number().int().nullable(),
  clinicName: z.string().nullable(),
  ip: z.string().nullable(),
  transport: z.string(),
  method: z.string(),
  /** The method's one-line summary from the contract (null for a method that no longer exists). */
  methodSummary: z.string().nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  errorCode: z.string().nullable(),
  /** What the call touched: '<kind>:<id>', e.g. 'requisition:42' or 'user:7'. */
  target: z.string().nullable(),
  /** The target's document number or name as it is now (e.g. 'QL-202603-0007', 'cy01'), when known. */
  targetLabel: z.string().nullable(),
  /** What the handler noted (e.g. docNo) and the input with passwords and file contents removed. */
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditRow = z.infer<typeof auditRow>;

export const auditFilter = z.object({
  userId: id.optional(),
  clinicId: id.optional(),
  /** A method name ('clinics.update') or a domain ('clinics'). */
  method: text(80, '接口').optional(),
  outcome: z.enum(AUDIT_OUTCOMES, { error: '结果无效' }).optional(),
  /** Business dates in China time, both inclusive. */
  from: isoDate.optional(),
  to: isoDate.optional(),
  /** Exact target ('requisition:42') or a kind ('requisition'). */
  target: text(80, '对象').optional(),
  ip: text(64, '地址').optional(),
});

/** audit.list counts matching rows up to this many (or up to the page asked for, if further). */
export const AUDIT_COUNT_LIMIT = 10_000;

export const auditApi = {
  'audit.list': defineMethod({
    summary: '审计日志：每次写操作和每次被拒绝的访问（谁、何时、从哪个地址、哪个接口和单据），按用户、卫生室、接口、结果和日期筛选，最新的在前',
    access: ['admin'],
    write: false,
    input: auditFilter.extend(paging).default({ page: 1, pageSize: 50 }),
    // total counts at most AUDIT_COUNT_LIMIT rows (ten years of writes are millions): totalCapped says there are more.
    output: pageOf(auditRow).extend({ totalCapped: z.boolean() }),
  }),
  'audit.deniedSummary': defineMethod({
    summary: '近期被拒绝的访问按用户和地址汇总（反复越权或反复登录失败的账号一目了然）',
    access: ['admin'],
    write: false,
    input: z.object({ days: z.number().int('天数必须是整数').min(1, '至少 1 天').max(90, '最多 90 天').default(7) }).default({ days: 7 }),
    output: z.array(
      z.object({
        userId: z.number().int().nullable(),
        username: z.string().nullable(),
        displayName: z.string().nullable(),
        clinicName: z.string().nullable(),
        ip: z.string().nullable(),
        outcome: z.enum(AUDIT_OUTCOMES),
        count: z.number().int(),
        lastAt: z.string(),
      }),
    ),
  }),
  'audit.methods': defineMethod({
    summary: '可在审计日志中筛选的接口（名称、说明、是否写操作）',
    access: ['admin'],
    write: false,
    input: z.object({}).strict().default({}),
    output: z.array(z.object({ name: z.string(), summary: z.string(), write: z.boolean() })),
  }),
};
