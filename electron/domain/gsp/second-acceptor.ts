import type { HandlerContext } from '../context';
import { sql } from '../../db/database';
import { AppError } from '../../errors';
import { unknownUserHash, verifyPassword } from '../auth/passwords';

/**
 * The second acceptor confirms on the spot with their own password (a name typed by the first acceptor would
 * prove nobody was there). Runs before the receipt's transaction: hashing is slow and asynchronous.
 */
export async function verifySecondAcceptor(ctx: HandlerContext, cred: { username: string; password: string } | undefined): Promise<number | null> {
  if (!cred) return null;
  const user = sql(ctx.db, 'SELECT id, role, active, password_hash AS hash FROM users WHERE username = ?').get(cred.username) as
    | { id: number; role: string; active: number; hash: string }
    | undefined;
  const matches = await verifyPassword(cred.password, user?.hash ?? (await unknownUserHash()));
  const field = [{ path: 'acceptance.secondAcceptor.password', message: '用户名或密码不正确' }];
  if (!user || !matches || user.active !== 1) throw new AppError('VALIDATION', '第二验收人的用户名或密码不正确', field);
  if (user.id === ctx.user.id)
    throw new AppError('VALIDATION', '第二验收人不能是本人', [{ path: 'acceptance.secondAcceptor.username', message: '请另一位药库人员验收' }]);
  if (user.role !== 'pharmacist' && user.role !== 'admin') {
    throw new AppError('VALIDATION', '第二验收人须是药库管理员或系统管理员', [{ path: 'acceptance.secondAcceptor.username', message: '须是药库人员' }]);
  }
  return user.id;
}
