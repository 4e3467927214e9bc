import { defineHandlers, type WriteContext } from '../context';
import { bool, sql, type ReadDb, type SqlRow } from '../../db/database';
import { AppError, notFound } from '../../errors';
import { hashPassword } from '../auth/passwords';
import { endAllSessions } from '../auth/sessions';
import { changedFields } from '../audit/record';
import type { Role } from '../../../shared/contract';
import type { UserRow } from '../../../shared/contract/auth';

const USER_SELECT = `SELECT u.id, u.username, u.display_name AS displayName, u.role, u.clinic_id AS clinicId,
    c.name AS clinicName, u.phone, u.active, u.must_change_password AS mustChangePassword,
    u.last_login_at AS lastLoginAt, u.created_at AS createdAt
  FROM users u LEFT JOIN clinics c ON c.id = u.clinic_id`;

type UserDbRow = SqlRow<UserRow, 'active' | 'mustChangePassword'>;

function toUser(row: UserDbRow): UserRow {
  return { ...row, active: bool(row.active), mustChangePassword: bool(row.mustChangePassword) };
}

export function getUser(db: ReadDb, id: number): UserRow {
  const row = sql(db, `${USER_SELECT} WHERE u.id = ?`).get(id) as UserDbRow | undefined;
  if (!row) throw notFound('用户');
  return toUser(row);
}

/** A village doctor needs exactly one active clinic; every other role has none. */
function checkClinicBinding(db: ReadDb, role: Role, clinicId: number | null): void {
  if (role !== 'village_doctor') {
    if (clinicId !== null) throw new AppError('VALIDATION', '只有村医账号需要绑定村卫生室', [{ path: 'clinicId', message: '该角色不绑定卫生室' }]);
    return;
  }
  if (clinicId === null) throw new AppError('VALIDATION', '村医账号必须绑定一个村卫生室', [{ path: 'clinicId', message: '请选择村卫生室' }]);
  const clinic = sql(db, 'SELECT active FROM clinics WHERE id = ?').get(clinicId) as { active: number } | undefined;
  if (!clinic) throw notFound('村卫生室');
  if (clinic.active !== 1) throw new AppError('BUSINESS_RULE', '该村卫生室已停用，不能绑定新的村医');
}

function activeAdminsOtherThan(db: ReadDb, userId: number): number {
  return (sql(db, "SELECT count(*) AS n FROM users WHERE role = 'admin' AND active = 1 AND id <> ?").get(userId) as { n: number }).n;
}

function assertUsernameFree(db: ReadDb, username: string): void {
  if (sql(db, 'SELECT 1 FROM users WHERE username = ?').get(username)) {
    throw new AppError('DUPLICATE', `用户名“${username}”已被使用`, [{ path: 'username', message: '用户名已存在' }]);
  }
}

export const userHandlers = defineHandlers({
  'users.list': (ctx, input) => {
    const where: string[] = [];
    const params: unknown[] = [];
    if (input.role) {
      where.push('u.role = ?');
      params.push(input.role);
    }
    if (input.clinicId) {
      where.push('u.clinic_id = ?');
      params.push(input.clinicId);
    }
    if (!input.includeInactive) where.push('u.active = 1');
    const rows = ctx.db
      .prepare(`${USER_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY u.role, c.code, u.username`)
      .all(...params) as UserDbRow[];
    return rows.map(toUser);
  },

  'users.create': {
    prepare: (_ctx, input) => hashPassword(input.initialPassword),
    run: (ctx: WriteContext, input, passwordHash: string) => {
      assertUsernameFree(ctx.db, input.username);
      checkClinicBinding(ctx.db, input.role, input.clinicId);
      const at = ctx.now.toISOString();
      const { lastInsertRowid } = sql(
        ctx.db,
        `INSERT INTO users (username, display_name, role, clinic_id, phone, password_hash, must_change_password, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`,
      ).run(input.username, input.displayName, input.role, input.clinicId, input.phone, passwordHash, at, at);
      ctx.audit.target = `user:${lastInsertRowid}`;
      ctx.audit.clinicId = input.clinicId;
      ctx.audit.details = { username: input.username };
      return getUser(ctx.db, Number(lastInsertRowid));
    },
  },

  'users.update': (ctx, input) => {
    const before = getUser(ctx.db, input.id);
    checkClinicBinding(ctx.db, input.role, input.clinicId);
    const losesAdmin = before.role === 'admin' && before.active && (input.role !== 'admin' || !input.active);
    if (losesAdmin && activeAdminsOtherThan(ctx.db, input.id) === 0) {
      throw new AppError('BUSINESS_RULE', '至少需要保留一个启用的系统管理员账号');
    }
    if (input.id === ctx.user.id && !input.active) throw new AppError('BUSINESS_RULE', '不能停用自己的账号');
    sql(ctx.db, 'UPDATE users SET display_name = ?, role = ?, clinic_id = ?, phone = ?, active = ?, updated_at = ? WHERE id = ?').run(
      input.displayName,
      input.role,
      input.clinicId,
      input.phone,
      input.active ? 1 : 0,
      ctx.now.toISOString(),
      input.id,
    );
    // A changed role, clinic or a deactivation takes effect at once, not when the session expires.
    if (!input.active || input.role !== before.role || input.clinicId !== before.clinicId) {
      endAllSessions(ctx.db, input.id, input.id === ctx.user.id ? (ctx.sessionTokenHash ?? undefined) : undefined);
    }
    ctx.audit.target = `user:${input.id}`;
    ctx.audit.clinicId = input.clinicId ?? before.clinicId;
    const after = getUser(ctx.db, input.id);
    ctx.audit.details = { username: before.username, changes: changedFields(before, after, ['displayName', 'role', 'clinicName', 'phone', 'active']) };
    return after;
  },

  'users.resetPassword': {
    prepare: (_ctx, input) => hashPassword(input.initialPassword),
    run: (ctx, input, passwordHash: string) => {
      const target = getUser(ctx.db, input.id);
      sql(ctx.db, 'UPDATE users SET password_hash = ?, must_change_password = 1, updated_at = ? WHERE id = ?').run(
        passwordHash,
        ctx.now.toISOString(),
        input.id,
      );
      endAllSessions(ctx.db, input.id);
      ctx.audit.target = `user:${input.id}`;
      ctx.audit.clinicId = target.clinicId;
      ctx.audit.details = { username: target.username };
      return { ok: true as const };
    },
  },
});
