import { sql, type ReadDb, type WriteDb } from '../../db/database';
import { AppError } from '../../errors';

const WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;

/**
 * Refuses a login attempt while an account (or an address guessing many accounts) has failed too often
 * in the last 15 minutes. A success clears the account's count.
 */
export function assertLoginAllowed(db: ReadDb, username: string, ip: string, now: Date): void {
  const since = new Date(now.getTime() - WINDOW_MS).toISOString();
  const lastSuccess = sql(db, 'SELECT max(at) AS at FROM login_attempts WHERE username = ? AND success = 1').get(username) as { at: string | null };
  const from = lastSuccess.at && lastSuccess.at > since ? lastSuccess.at : since;
  const account = sql(db, 'SELECT count(*) AS n, min(at) AS first FROM login_attempts WHERE username = ? AND success = 0 AND at > ?').get(username, from) as {
    n: number;
    first: string | null;
  };
  const address = sql(db, 'SELECT count(*) AS n, min(at) AS first FROM login_attempts WHERE ip = ? AND success = 0 AND at > ?').get(ip, since) as {
    n: number;
    first: string | null;
  };
  const blocked = account.n >= MAX_FAILURES_PER_ACCOUNT ? account.first : address.n >= MAX_FAILURES_PER_ADDRESS ? address.first : null;
  if (blocked) {
    const minutes = Math.max(1, Math.ceil((Date.parse(blocked) + WINDOW_MS - now.getTime()) / 60000));
    throw new AppError('TOO_MANY_REQUESTS', `登录失败次数过多，请 ${minutes} 分钟后再试`);
  }
}

export function recordLoginAttempt(db: WriteDb, username: string, ip: string, success: boolean, now: Date): void {
  sql(db, 'INSERT INTO login_attempts (at, username, ip, success) VALUES (?, ?, ?, ?)').run(now.toISOString(), username, ip, success ? 1 : 0);
}
