/**
 * Users and sessions of the prefecture server, with the hub's rules: scrypt password hashes (the hub's own code),
 * session tokens stored only as SHA-256, 12-hour idle and 7-day absolute expiry, login throttling per account
 * (5 failures) and per address (30) in 15 minutes, HttpOnly SameSite=Strict cookies set by the HTTP layer.
 */
import crypto from 'node:crypto';
import { hashPassword, unknownUserHash, verifyPassword } from '../../electron/domain/auth/passwords';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../electron/domain/auth/sessions';
import { AppError } from '../../electron/errors';
import type { CentralUser } from './audit';
import { userOf, type CentralContext } from './context';
import type { Pool } from './db';
import type { CentralInput } from '../shared/contract';

const WINDOW_MS = 15 * 60 * 1000;
const tokenHash = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

const USER_COLUMNS = `u.id, u.username, u.display_name AS "displayName", u.role, u.county_code AS "countyCode", u.must_change_password AS "mustChangePassword"`;

export async function resolveCentralSession(pool: Pool, token: string, now: Date): Promise<{ user: CentralUser; hash: string } | { expired: true } | null> {
  const hash = tokenHash(token);
  const s = (
    await pool.query<{ userId: number; lastSeen: Date; expires: Date }>(
      'SELECT user_id AS "userId", last_seen_at AS "lastSeen", expires_at AS expires FROM sessions WHERE token_hash = $1',
      [hash],
    )
  ).rows[0];
  if (!s) return null;
  if (now.getTime() >= s.expires.getTime() || now.getTime() - s.lastSeen.getTime() >= SESSION_IDLE_MS) {
    await pool.query('DELETE FROM sessions WHERE token_hash = $1', [hash]);
    return { expired: true };
  }
  const user = (await pool.query<CentralUser>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1 AND u.active`, [s.userId])).rows[0];
  if (!user) return null;
  if (now.getTime() - s.lastSeen.getTime() >= 60_000)
    await pool.query('UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1', [hash, now.toISOString()]);
  return { user, hash };
}

async function assertLoginAllowed(pool: Pool, username: string, ip: string, now: Date): Promise<void> {
  const since = new Date(now.getTime() - WINDOW_MS).toISOString();
  const r = (
    await pool.query<{ account: number; address: number }>(
      `SELECT count(*) FILTER (WHERE lower(username) = lower($1) AND at > greatest($3::timestamptz, coalesce((SELECT max(at) FROM login_attempts WHERE lower(username) = lower($1) AND success), $3::timestamptz)))::int AS account,
              count(*) FILTER (WHERE ip = $2)::int AS address
         FROM login_attempts WHERE NOT success AND at > $3`,
      [username, ip, since],
    )
  ).rows[0];
  if (r.account >= 5 || r.address >= 30) throw new AppError('TOO_MANY_REQUESTS', '登录失败次数过多，请 15 分钟后再试');
}

export async function login(ctx: CentralContext, input: CentralInput<'auth.login'>): Promise<CentralUser> {
  await assertLoginAllowed(ctx.pool, input.username, ctx.ip, ctx.now);
  const row = (
    await ctx.pool.query<CentralUser & { hash: string }>(
      `SELECT ${USER_COLUMNS}, u.password_hash AS hash FROM users u WHERE lower(u.username) = lower($1) AND u.active`,
      [input.username],
    )
  ).rows[0];
  const ok = await verifyPassword(input.password, row?.hash ?? (await unknownUserHash()));
  await ctx.pool.query('INSERT INTO login_attempts (at, username, ip, success) VALUES ($1, $2, $3, $4)', [
    ctx.now.toISOString(),
    input.username,
    ctx.ip,
    ok && Boolean(row),
  ]);
  if (!ok || !row) throw new AppError('BAD_CREDENTIALS', '用户名或密码错误');
  const token = crypto.randomBytes(32).toString('base64url');
  const expires = new Date(ctx.now.getTime() + SESSION_ABSOLUTE_MS);
  await ctx.pool.query('INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip) VALUES ($1, $2, $3, $3, $4, $5)', [
    tokenHash(token),
    row.id,
    ctx.now.toISOString(),
    expires.toISOString(),
    ctx.ip,
  ]);
  ctx.session.set(token, Math.floor(SESSION_ABSOLUTE_MS / 1000));
  const { hash: _hash, ...user } = row;
  ctx.audit.actor = user;
  ctx.audit.target = `user:${user.id}`;
  return user;
}

export async function logout(ctx: CentralContext): Promise<{ ok: true }> {
  if (ctx.sessionHash) await ctx.pool.query('DELETE FROM sessions WHERE token_hash = $1', [ctx.sessionHash]);
  ctx.session.clear();
  return { ok: true };
}

export async function changePassword(ctx: CentralContext, input: CentralInput<'auth.changePassword'>): Promise<{ ok: true }> {
  const user = userOf(ctx);
  const row = (await ctx.pool.query<{ hash: string }>('SELECT password_hash AS hash FROM users WHERE id = $1', [user.id])).rows[0];
  if (!(await verifyPassword(input.oldPassword, row.hash)))
    throw new AppError('VALIDATION', '原密码不正确', [{ path: 'oldPassword', message: '原密码不正确' }]);
  await ctx.pool.query('UPDATE users SET password_hash = $2, must_change_password = false WHERE id = $1', [user.id, await hashPassword(input.newPassword)]);
  await ctx.pool.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2', [user.id, ctx.sessionHash ?? '']);
  ctx.audit.target = `user:${user.id}`;
  return { ok: true };
}

export async function createUser(
  pool: Pool,
  input: { username: string; displayName: string; role: CentralUser['role']; countyCode: string | null; password: string; mustChange: boolean },
  at: Date,
): Promise<number> {
  const exists = await pool.query('SELECT 1 FROM users WHERE lower(username) = lower($1)', [input.username]);
  if (exists.rowCount) throw new AppError('DUPLICATE', `用户名 ${input.username} 已存在`, [{ path: 'username', message: '已存在' }]);
  const r = await pool.query<{ id: number }>(
    'INSERT INTO users (username, display_name, role, county_code, password_hash, must_change_password, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
    [input.username, input.displayName, input.role, input.countyCode, await hashPassword(input.password), input.mustChange, at.toISOString()],
  );
  return r.rows[0].id;
}
