import { z } from 'zod';
import { defineMethod } from './define';
import { fileContent, id, isoDate, pageOf, paging, text } from './common';
import { about, out, valuesText } from './describe';
import { AUDIT_OUTCOMES, AUDIT_OUTCOME_LABELS } from '../security';

export { AUDIT_OUTCOMES, AUDIT_OUTCOME_LABELS } from '../security';

/** What an audit row's outcome says. */
const outcome = z
  .enum(AUDIT_OUTCOMES)
  .describe(`结果。${valuesText(AUDIT_OUTCOME_LABELS)}（ok：写操作成功；denied：角色或卫生室越权，403；rejected：写操作未登录 401、登录失败或过多 429）`);

export const auditRow = z.object({
  id: out.id('审计记录', '越大越新'),
  /** ISO instant (UTC). */
  at: out.instant('发生时刻'),
  userId: out.id('用户', 'null = 未登录的调用（如登录失败）').nullable(),
  username: out.text('用户名；null = 未登录的调用').nullable(),
  displayName: out.text('用户姓名（现在的）；null = 未登录或用户已不存在').nullable(),
  role: out.text('当时的角色（admin、pharmacist、finance、village_doctor、director）；null = 未登录').nullable(),
  /** The clinic the record concerns: the village doctor's own, or the clinic whose document a hub user changed. */
  clinicId: out.id('记录涉及的村卫生室：村医本室，或药库人员改动的卫生室单据', 'null = 不涉及卫生室').nullable(),
  clinicName: out.text('该卫生室名称；null = 不涉及卫生室').nullable(),
  ip: out.text("调用方地址：HTTP 为 IP 地址，桌面版为 'desktop'；null = 未记录").nullable(),
  transport: out.text('通道：http（浏览器/局域网）、ipc（桌面版）或 internal（程序内部）'),
  method: out.text('接口名，如 requisitions.submit'),
  /** The method's one-line summary from the contract (null for a method that no longer exists). */
  methodSummary: out.text('接口的一行说明；null = 该接口已不存在').nullable(),
  outcome,
  errorCode: out.text('被拒绝时的错误代码（如 FORBIDDEN、FORBIDDEN_CLINIC）；null = 成功').nullable(),
  /** What the call touched: '<kind>:<id>', e.g. 'requisition:42' or 'user:7'. */
  target: out.text("操作对象 '<类型>:<编号>'，如 'requisition:42'、'user:7'；null = 无具体对象").nullable(),
  /** The target's document number or name as it is now (e.g. 'QL-202603-0007', 'cy01'), when known. */
  targetLabel: out.text("操作对象现在的单据号或名称（如 'QL-202603-0007'、'cy01'）；null = 无对象或无法识别").nullable(),
  /** What the handler noted (e.g. docNo) and the input with passwords and file contents removed. */
  details: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe(
      '处理函数记下的要点（如 docNo）与输入 input（密码、令牌、文件内容已隐去，字符串截到 200 字符，数组前 20 项）；整体超过 2000 字符时为 {"truncated": "<截断的 JSON 文本>"}；null = 无',
    ),
});
export type AuditRow = z.infer<typeof auditRow>;

export const auditFilter = z.object({
  userId: about(id.optional(), '只看该用户'),
  clinicId: about(id.optional(), '只看涉及该村卫生室的记录'),
  /** A method name ('clinics.update') or a domain ('clinics'). */
  method: about(text(80, '接口').optional(), "接口名（'clinics.update'，精确匹配）或领域（'clinics'，匹配 clinics.* 全部接口）"),
  outcome: about(z.enum(AUDIT_OUTCOMES, { error: '结果无效' }).optional(), `只看该结果。${valuesText(AUDIT_OUTCOME_LABELS)}`),
  /** Business dates in China time, both inclusive. */
  from: about(isoDate.optional(), '从这一天（含，中国时间 0 点起）'),
  to: about(isoDate.optional(), '到这一天（含）'),
  /** Exact target ('requisition:42') or a kind ('requisition'). */
  target: about(text(80, '对象').optional(), "精确对象（'requisition:42'）或对象类型（'requisition'）"),
  ip: about(text(64, '地址').optional(), '调用方地址，精确匹配'),
});

/** audit.list counts matching rows up to this many (or up to the page asked for, if further). */
export const AUDIT_COUNT_LIMIT = 10_000;
/** audit.export writes at most this many rows (the newest); the sheet says when the filter selects more. */
export const AUDIT_EXPORT_LIMIT = 20_000;

export const auditApi = {
  'audit.list': defineMethod({
    summary: '审计日志：每次写操作和每次被拒绝的访问（谁、何时、从哪个地址、哪个接口和单据），按用户、卫生室、接口、结果和日期筛选，最新的在前',
    access: ['admin'],
    write: false,
    input: auditFilter.extend(paging).default({ page: 1, pageSize: 50 }),
    // total counts at most AUDIT_COUNT_LIMIT rows (ten years of writes are millions): totalCapped says there are more.
    output: pageOf(auditRow).extend({
      rows: z.array(auditRow).describe('本页的记录，最新的在前（按 id 倒序）'),
      total: out.count('符合条件的记录数，最多数到 10,000（或所请求页之后一条）', 'totalCapped 为 true 时实际更多'),
      totalCapped: out.flag('符合条件的记录超过 total（只数到上限）'),
    }),
  }),
  'audit.deniedSummary': defineMethod({
    summary: '近期被拒绝的访问按用户和地址汇总（反复越权或反复登录失败的账号一目了然）',
    access: ['admin'],
    write: false,
    input: z
      .object({
        days: z.number().int('天数必须是整数').min(1, '至少 1 天').max(90, '最多 90 天').default(7).describe('回看天数：从现在往前 days × 24 小时'),
      })
      .default({ days: 7 }),
    output: z
      .array(
        z.object({
          userId: out.id('用户', 'null = 未登录的调用').nullable(),
          username: out.text('用户名；null = 未登录的调用').nullable(),
          displayName: out.text('用户姓名；null = 未登录或用户不存在').nullable(),
          clinicName: out.text('用户所在村卫生室；null = 不涉及卫生室').nullable(),
          ip: out.text('调用方地址；null = 未记录').nullable(),
          outcome: outcome.describe(`结果：只有 denied 和 rejected。${valuesText(AUDIT_OUTCOME_LABELS)}`),
          count: out.count('该用户、地址和结果的被拒次数'),
          lastAt: out.instant('最近一次被拒'),
        }),
      )
      .describe('按用户、地址和结果分组，次数多的在前，最多 50 组'),
  }),
  'audit.methods': defineMethod({
    summary: '可在审计日志中筛选的接口（名称、说明、是否写操作）',
    access: ['admin'],
    write: false,
    input: z.object({}).strict().default({}),
    output: z.array(
      z.object({ name: out.text('接口名，如 requisitions.submit'), summary: out.text('一行说明'), write: out.flag('写操作（成功时记入审计日志）') }),
    ),
  }),
  'audit.export': defineMethod({
    summary: '导出审计日志为 Excel（.xlsx）：与 audit.list 相同的筛选，不分页（最新的 20,000 条），含筛选行、每条的改动（字段：旧值 → 新值）与签字行',
    access: ['admin'],
    write: false,
    input: auditFilter.default({}),
    output: fileContent.describe('Excel 文件：审计日志-<日期>.xlsx'),
  }),
};
