import type { WriteContext } from '../context';
import { sql } from '../../db/database';
import { AppError } from '../../errors';
import { unknownUserHash, verifyPassword } from '../auth/passwords';
import { reserveLoginAttempt } from '../auth/throttle';

/**
 * The second acceptor confirms on the spot with their own password (a name typed by the first acceptor would
 * prove nobody was there). Runs before the receipt's transaction: hashing is slow and asynchronous.
 *
 * The password field is a way to guess another user's password, so each check goes through that user's login
 * throttle like auth.login: reserved before the hash (a burst of parallel receipts gets no more checks than the
 * limit), a wrong password recorded as a failed login of that account.
 */
export async function verifySecondAcceptor(ctx: WriteContext, cred: { username: string; password: string } | undefined): Promise<number | null> {
  if (!cred) return null;
  const attempt = reserveSecondAcceptorCheck(ctx, cred.username);
  let user: { id: number; role: string; active: number; hash: string } | undefined;
  try {
    user = sql(ctx.hub.db, 'SELECT id, role, active, password_hash AS hash FROM users WHERE username = ?').get(cred.username) as typeof user;
    const matches = await verifyPassword(cred.password, user?.hash ?? (await unknownUserHash()));
    if (!user || !matches || user.active !== 1) {
      attempt.failed();
      const field = [{ path: 'acceptance.secondAcceptor.password', message: '用户名或密码不正确' }];
      throw new AppError('VALIDATION', '第二验收人的用户名或密码不正确', field);
    }
  } finally {
    attempt.release();
  }
  if (user.id === ctx.user.id)
    throw new AppError('VALIDATION', '第二验收人不能是本人', [{ path: 'acceptance.secondAcceptor.username', message: '请另一位药库人员验收' }]);
  if (user.role !== 'pharmacist' && user.role !== 'admin') {
    throw new AppError('VALIDATION', '第二验收人须是药库管理员或系统管理员', [{ path: 'acceptance.secondAcceptor.username', message: '须是药库人员' }]);
  }
  return user.id;
}

function reserveSecondAcceptorCheck(ctx: WriteContext, username: string) {
  try {
    return reserveLoginAttempt(ctx.hub.db, username, ctx.caller.ip, ctx.now);
  } catch (err) {
    if (err instanceof AppError && err.code === 'TOO_MANY_REQUESTS') {
      throw new AppError('TOO_MANY_REQUESTS', `第二验收人${err.message.replace('登录失败次数过多', '的密码错误次数过多')}`, [
        { path: 'acceptance.secondAcceptor.password', message: '密码错误次数过多，请稍后再试' },
      ]);
    }
    throw err;
  }
}
