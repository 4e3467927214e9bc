import { z } from 'zod';
import { defineMethod, ROLE_LABELS, ROLES } from './define';
import { emptyInput, id, ok, optionalText, requiredText } from './common';
import { about, out, valuesText } from './describe';

export const username = z
  .string({ error: '请填写用户名' })
  .trim()
  .min(2, '用户名至少 2 个字符')
  .max(32, '用户名不能超过 32 个字符')
  .regex(/^[A-Za-z0-9_.-]+$/, '用户名只能包含字母、数字、下划线、点和减号')
  .describe('用户名（登录名）：去掉首尾空白后 2–32 个字符，只能是字母、数字、下划线、点和减号；区分大小写，全系统唯一，建立后不能修改');

/** Password policy: length and two character classes; checked again server-side for every change. */
export const newPassword = z
  .string({ error: '请填写密码' })
  .min(8, '密码至少 8 位')
  .max(128, '密码不能超过 128 位')
  .refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), '密码必须同时包含字母和数字')
  .describe('新密码：8–128 个字符，至少含一个字母和一个数字（不去空白）；服务器只保存 scrypt 散列');

export const role = z.enum(ROLES, { error: '角色无效' }).describe(`角色。${valuesText(ROLE_LABELS)}`);

export const sessionUser = z.object({
  id: out.id('用户'),
  username: out.text('用户名（登录名）'),
  displayName: out.text('姓名'),
  role,
  clinicId: out.id('绑定的村卫生室', 'null = 不是村医（其他角色不绑定卫生室）').nullable(),
  clinicName: out.text('绑定的村卫生室名称；null = 不是村医').nullable(),
  mustChangePassword: out.flag('须先修改密码（管理员设置或重置的初始密码）：为 true 时界面只允许 auth.changePassword'),
});
export type SessionUser = z.infer<typeof sessionUser>;

export const systemStatus = z.object({
  setupRequired: out.flag('尚无任何用户，须先在卫生院电脑上完成首次设置（setup.initialize）'),
  hubName: out.text('卫生院名称；null = 尚未首次设置').nullable(),
  demo: out.flag('当前是演示卫生院（单独的演示数据库）'),
  version: out.text('程序版本号，如 0.1.0'),
  schemaVersion: z.number().int().describe('数据库结构版本（迁移编号）'),
  /** The hub's clock now (ISO instant): pages count "today" from it, not from the device's clock. */
  now: out.instant('卫生院服务器时钟的当前时刻：“今天”按它的中国日期计算，不按设备时钟'),
});

export const authApi = {
  'system.status': defineMethod({
    summary: '系统状态：是否需要首次设置、卫生院名称、是否演示模式',
    access: 'public',
    write: false,
    input: emptyInput,
    output: systemStatus,
  }),
  'setup.initialize': defineMethod({
    summary: '首次设置：卫生院名称与系统管理员账号（仅在尚无任何用户时可用），完成后自动登录',
    access: 'public',
    write: true,
    input: z.object({
      hubName: about(requiredText(60, '卫生院名称'), '卫生院名称，如 某某镇卫生院；中心药库命名为 <名称>中心药库'),
      adminUsername: about(username, '第一个系统管理员的用户名'),
      adminDisplayName: about(requiredText(30, '管理员姓名'), '管理员姓名'),
      adminPassword: about(newPassword, '管理员密码（系统没有默认密码）'),
    }),
    output: z.object({ user: sessionUser.describe('已登录的用户（会话已建立）') }),
  }),
  'setup.enterDemo': defineMethod({
    summary: '首次使用时体验演示卫生院：切换到单独的演示数据库（首次进入时生成），正式数据库不受影响',
    access: 'public',
    write: false,
    input: emptyInput,
    output: ok,
  }),
  'setup.leaveDemo': defineMethod({
    summary: '离开演示卫生院，回到正式数据库（仅在演示卫生院中可用）',
    access: 'public',
    write: false,
    input: emptyInput,
    output: ok,
  }),
  'auth.login': defineMethod({
    summary: '登录，成功后建立会话（HTTP 下为 HttpOnly Cookie）',
    access: 'public',
    write: true,
    input: z.object({
      username: z.string({ error: '请填写用户名' }).trim().min(1, '请填写用户名').max(64, '用户名过长').describe('用户名，去掉首尾空白；区分大小写'),
      password: z
        .string({ error: '请填写密码' })
        .min(1, '请填写密码')
        .max(256, '密码过长')
        .describe('密码。15 分钟内同一账号失败 5 次（或同一地址失败 30 次）后暂停登录，答 429 TOO_MANY_REQUESTS；停用的账号不能登录'),
    }),
    output: z.object({ user: sessionUser.describe('已登录的用户（会话已建立）') }),
  }),
  'auth.logout': defineMethod({
    summary: '退出当前会话',
    access: 'authenticated',
    write: true,
    input: emptyInput,
    output: ok,
  }),
  'auth.logoutAll': defineMethod({
    summary: '退出本账号的全部会话（所有电脑和手机）',
    access: 'authenticated',
    write: true,
    input: emptyInput,
    output: z.object({ ended: out.count('结束的会话数（含本会话）') }),
  }),
  'auth.me': defineMethod({
    summary: '当前登录用户',
    access: 'authenticated',
    write: false,
    input: emptyInput,
    output: z.object({ user: sessionUser.describe('当前登录的用户') }),
  }),
  'auth.changePassword': defineMethod({
    summary: '修改自己的密码（需原密码）；其他会话随之失效',
    access: 'authenticated',
    write: true,
    input: z.object({
      oldPassword: z.string({ error: '请填写原密码' }).min(1, '请填写原密码').max(256, '密码过长').describe('原密码；猜错与登录失败一样计数和限制'),
      newPassword: about(newPassword, '不能与原密码相同；本账号的其他会话随之结束，本会话保留'),
    }),
    output: ok,
  }),
};

export const userRow = z.object({
  id: out.id('用户'),
  username: out.text('用户名（登录名）'),
  displayName: out.text('姓名'),
  role,
  clinicId: out.id('绑定的村卫生室', 'null = 不是村医').nullable(),
  clinicName: out.text('绑定的村卫生室名称；null = 不是村医').nullable(),
  phone: out.text('电话；null = 未填').nullable(),
  active: out.flag('启用；false = 已停用，不能登录'),
  mustChangePassword: out.flag('下次登录须修改密码（新建或重置密码后为 true）'),
  lastLoginAt: out.instant('最近一次成功登录', 'null = 从未登录').nullable(),
  createdAt: out.instant('建立时刻'),
});
export type UserRow = z.infer<typeof userRow>;

const userFields = {
  displayName: about(requiredText(30, '姓名'), '姓名'),
  role,
  clinicId: about(
    id.nullish().transform((v) => v ?? null),
    '绑定的村卫生室：角色为 village_doctor 时必填（须是启用的卫生室），其他角色必须省略或 null',
  ),
  phone: about(optionalText(20, '电话'), '电话'),
};

export const usersApi = {
  'users.list': defineMethod({
    summary: '用户列表（可按角色、卫生室筛选）',
    access: ['admin'],
    write: false,
    input: z
      .object({
        role: about(role.optional(), '只列出该角色；省略 = 全部角色'),
        clinicId: about(id.optional(), '只列出绑定该村卫生室的用户；省略 = 不按卫生室筛选'),
        includeInactive: z.boolean().default(true).describe('包括已停用的用户'),
      })
      .default({ includeInactive: true }),
    output: z.array(userRow),
  }),
  'users.create': defineMethod({
    summary: '新建用户，设置初始密码（首次登录须修改）；村医必须绑定一个村卫生室',
    access: ['admin'],
    write: true,
    input: z.object({ username, initialPassword: about(newPassword, '初始密码：用户首次登录后须修改'), ...userFields }),
    output: userRow,
  }),
  'users.update': defineMethod({
    summary: '修改用户资料、角色、绑定卫生室或停用',
    access: ['admin'],
    write: true,
    input: z.object({
      id: about(id, '用户'),
      active: z.boolean().describe('启用；false = 停用（不能停用自己，至少保留一个启用的管理员）。停用、改角色或改卫生室会立即结束其全部会话'),
      ...userFields,
    }),
    output: userRow,
  }),
  'users.resetPassword': defineMethod({
    summary: '重置用户密码为新的初始密码，结束其全部会话，下次登录须修改',
    access: ['admin'],
    write: true,
    input: z.object({ id: about(id, '用户'), initialPassword: about(newPassword, '新的初始密码：用户下次登录须修改') }),
    output: ok,
  }),
};
