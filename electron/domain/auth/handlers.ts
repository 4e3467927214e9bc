import { defineHandlers, type HandlerContext, type WriteContext } from '../context';
import { sql } from '../../db/database';
import { AppError } from '../../errors';
import { getSetting, setSetting } from '../settings';
import { hashPassword, unknownUserHash, verifyPassword } from './passwords';
import { createSession, endAllSessions, endSession, loadAuthedUser, type AuthedUser } from './sessions';
import { recordLoginAttempt, reserveLoginAttempt } from './throttle';
import { isLocalCaller } from '../hub-pc';

function userCount(ctx: HandlerContext): number {
  return (sql(ctx.db, 'SELECT count(*) AS n FROM users').get() as { n: number }).n;
}

function startSession(ctx: WriteContext, userId: number): AuthedUser {
  const { token, expiresAt } = createSession(ctx.db, userId, ctx.now, { ip: ctx.caller.ip, userAgent: ctx.caller.userAgent });
  ctx.session.set(token, expiresAt, ctx.now);
  const user = loadAuthedUser(ctx.db, userId);
  if (!user) throw new AppError('INTERNAL', '用户不存在');
  return user;
}

/**
 * First-run actions belong to whoever installed the program on the hub PC. Without this, a server started
 * with --host 0.0.0.0 on a fresh data folder could be claimed by anyone on the LAN who got there first.
 */
function assertAtHubPc(ctx: HandlerContext, what = '首次设置'): void {
  if (!isLocalCaller(ctx.caller)) throw new AppError('FORBIDDEN', `为安全起见，${what}只能在卫生院电脑（本机）上进行`);
}

export const authHandlers = defineHandlers({
  'system.status': (ctx) => ({
    setupRequired: userCount(ctx) === 0,
    hubName: getSetting(ctx.db, 'hub.name'),
    demo: ctx.hub.demo,
    version: ctx.hub.version,
    schemaVersion: ctx.hub.schemaVersion,
    now: ctx.now.toISOString(),
  }),

  'setup.initialize': {
    // Anyone may call this method: refuse before the (deliberately slow) hashing once the hub is set up.
    prepare: (ctx, input) => {
      if (userCount(ctx) > 0) throw new AppError('INVALID_STATE', '系统已完成首次设置，请直接登录');
      assertAtHubPc(ctx);
      return hashPassword(input.adminPassword);
    },
    run: (ctx, input, passwordHash: string) => {
      if (userCount(ctx) > 0) throw new AppError('INVALID_STATE', '系统已完成首次设置，请直接登录');
      const at = ctx.now.toISOString();
      setSetting(ctx.db, 'hub.name', input.hubName);
      sql(ctx.db, "INSERT INTO stores (kind, clinic_id, name) VALUES ('hub', NULL, ?)").run(`${input.hubName}中心药库`);
      const { lastInsertRowid } = sql(
        ctx.db,
        `INSERT INTO users (username, display_name, role, clinic_id, password_hash, must_change_password, created_at, updated_at)
         VALUES (?, ?, 'admin', NULL, ?, 0, ?, ?)`,
      ).run(input.adminUsername, input.adminDisplayName, passwordHash, at, at);
      ctx.audit.target = `user:${lastInsertRowid}`;
      const user = startSession(ctx, Number(lastInsertRowid));
      ctx.audit.actor = user;
      return { user };
    },
  },

  'setup.enterDemo': {
    async: async (ctx) => {
      if (ctx.host.profile !== 'demo') {
        if (userCount(ctx) > 0) throw new AppError('INVALID_STATE', '系统已开始正式使用，不能切换到演示卫生院');
        assertAtHubPc(ctx);
      }
      await ctx.host.enterDemo();
      ctx.session.clear();
      return { ok: true as const };
    },
  },

  'setup.leaveDemo': {
    async: async (ctx) => {
      if (ctx.host.profile !== 'demo') throw new AppError('INVALID_STATE', '当前不是演示卫生院');
      // It ends every session on the server: like entering the demo, it belongs to whoever sits at the hub PC.
      assertAtHubPc(ctx, '退出演示卫生院');
      ctx.host.leaveDemo();
      ctx.session.clear();
      return { ok: true as const };
    },
  },

  'auth.login': {
    // The check is reserved before the (deliberately slow) hash and settled after it, outside the transaction:
    // a burst of parallel guesses gets exactly the allowed number of checks, and a failure is remembered even
    // though the call fails.
    prepare: async (ctx, input) => {
      const db = ctx.hub.db;
      const attempt = reserveLoginAttempt(db, input.username, ctx.caller.ip, ctx.now);
      try {
        const row = sql(db, 'SELECT id, password_hash AS hash, active FROM users WHERE username = ?').get(input.username) as
          | { id: number; hash: string; active: number }
          | undefined;
        const good = await verifyPassword(input.password, row?.hash ?? (await unknownUserHash()));
        if (!row || !good || row.active !== 1) {
          attempt.failed();
          throw new AppError('BAD_CREDENTIALS', row && good ? '该账号已停用，请联系管理员' : '用户名或密码错误');
        }
        return row.id;
      } finally {
        attempt.release();
      }
    },
    run: (ctx, input, userId: number) => {
      recordLoginAttempt(ctx.db, input.username, ctx.caller.ip, true, ctx.now);
      sql(ctx.db, 'UPDATE users SET last_login_at = ? WHERE id = ?').run(ctx.now.toISOString(), userId);
      const user = startSession(ctx, userId);
      ctx.audit.target = `user:${userId}`;
      ctx.audit.actor = user;
      return { user };
    },
  },

  'auth.logout': (ctx) => {
    if (ctx.sessionTokenHash) endSession(ctx.db, ctx.sessionTokenHash);
    ctx.session.clear();
    return { ok: true as const };
  },

  'auth.logoutAll': (ctx) => {
    const ended = endAllSessions(ctx.db, ctx.user.id);
    ctx.session.clear();
    return { ended };
  },

  'auth.me': (ctx) => ({ user: ctx.user }),

  'auth.changePassword': {
    // Guessing the old password from a stolen session is throttled and counted like failed logins.
    prepare: async (ctx, input) => {
      const db = ctx.hub.db;
      const attempt = reserveLoginAttempt(db, ctx.user.username, ctx.caller.ip, ctx.now);
      try {
        const row = sql(db, 'SELECT password_hash AS hash FROM users WHERE id = ?').get(ctx.user.id) as { hash: string };
        if (!(await verifyPassword(input.oldPassword, row.hash))) {
          attempt.failed();
          throw new AppError('BAD_CREDENTIALS', '原密码不正确');
        }
      } finally {
        attempt.release();
      }
      if (input.oldPassword === input.newPassword) throw new AppError('VALIDATION', '新密码不能与原密码相同');
      return hashPassword(input.newPassword);
    },
    run: (ctx, _input, newHash: string) => {
      sql(ctx.db, 'UPDATE users SET password_hash = ?, must_change_password = 0, updated_at = ? WHERE id = ?').run(newHash, ctx.now.toISOString(), ctx.user.id);
      // Other devices signed in with the old password are signed out; this one stays.
      endAllSessions(ctx.db, ctx.user.id, ctx.sessionTokenHash ?? undefined);
      ctx.audit.target = `user:${ctx.user.id}`;
      return { ok: true as const };
    },
  },
});
