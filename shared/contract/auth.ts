import { z } from 'zod';
import { defineMethod, ROLES } from './define';
import { emptyInput, id, ok, optionalText, requiredText } from './common';

export const username = z
  .string({ error: '请填写用户名' })
  .trim()
  .min(2, '用户名至少 2 个字符')
  .max(32, '用户名不能超过 32 个字符')
  .regex(/^[A-Za-z0-9_.-]+$/, '用户名只能包含字母、数字、下划线、点和减号');

/** Password policy: length and two character classes; checked again server-side for every change. */
export const newPassword = z
  .string({ error: '请填写密码' })
  .min(8, '密码至少 8 位')
  .max(128, '密码不能超过 128 位')
  .refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), '密码必须同时包含字母和数字');

export const role = z.enum(ROLES, { error: '角色无效' });

export const sessionUser = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role,
  clinicId: z.number().int().nullable(),
  clinicName: z.string().nullable(),
  mustChangePassword: z.boolean(),
});
export type SessionUser = z.infer<typeof sessionUser>;

export const systemStatus = z.object({
  setupRequired: z.boolean(),
  hubName: z.string().nullable(),
  demo: z.boolean(),
  version: z.string(),
  schemaVersion: z.number().int(),
  /** The hub's clock now (ISO instant): pages count "today" from it, not from the device's clock. */
  now: z.string(),
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
      hubName: requiredText(60, '卫生院名称'),
      adminUsername: username,
      adminDisplayName: requiredText(30, '管理员姓名'),
      adminPassword: newPassword,
    }),
    output: z.object({ user: sessionUser }),
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
      username: z.string({ error: '请填写用户名' }).trim().min(1, '请填写用户名').max(64, '用户名过长'),
      password: z.string({ error: '请填写密码' }).min(1, '请填写密码').max(256, '密码过长'),
    }),
    output: z.object({ user: sessionUser }),
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
    output: z.object({ ended: z.number().int() }),
  }),
  'auth.me': defineMethod({
    summary: '当前登录用户',
    access: 'authenticated',
    write: false,
    input: emptyInput,
    output: z.object({ user: sessionUser }),
  }),
  'auth.changePassword': defineMethod({
    summary: '修改自己的密码（需原密码）；其他会话随之失效',
    access: 'authenticated',
    write: true,
    input: z.object({
      oldPassword: z.string({ error: '请填写原密码' }).min(1, '请填写原密码').max(256, '密码过长'),
      newPassword,
    }),
    output: ok,
  }),
};

export const userRow = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role,
  clinicId: z.number().int().nullable(),
  clinicName: z.string().nullable(),
  phone: z.string().nullable(),
  active: z.boolean(),
  mustChangePassword: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
export type UserRow = z.infer<typeof userRow>;

const userFields = {
  displayName: requiredText(30, '姓名'),
  role,
  clinicId: id.nullish().transform((v) => v ?? null),
  phone: optionalText(20, '电话'),
};

export const usersApi = {
  'users.list': defineMethod({
    summary: '用户列表（可按角色、卫生室筛选）',
    access: ['admin'],
    write: false,
    input: z.object({ role: role.optional(), clinicId: id.optional(), includeInactive: z.boolean().default(true) }).default({ includeInactive: true }),
    output: z.array(userRow),
  }),
  'users.create': defineMethod({
    summary: '新建用户，设置初始密码（首次登录须修改）；村医必须绑定一个村卫生室',
    access: ['admin'],
    write: true,
    input: z.object({ username, initialPassword: newPassword, ...userFields }),
    output: userRow,
  }),
  'users.update': defineMethod({
    summary: '修改用户资料、角色、绑定卫生室或停用',
    access: ['admin'],
    write: true,
    input: z.object({ id, active: z.boolean(), ...userFields }),
    output: userRow,
  }),
  'users.resetPassword': defineMethod({
    summary: '重置用户密码为新的初始密码，结束其全部会话，下次登录须修改',
    access: ['admin'],
    write: true,
    input: z.object({ id, initialPassword: newPassword }),
    output: ok,
  }),
};
