import crypto from 'node:crypto';
import { sql, type ReadDb, type WriteDb, type SqlRow } from '../../db/database';
import type { Role } from '../../../shared/contract';

/** Idle and absolute lifetimes of a session. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;
/** last_seen_at is refreshed at most this often, so reads do not each cost a write. */
const TOUCH_INTERVAL_MS = 60 * 1000;

export interface AuthedUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  clinicId: number | null;
  clinicName: string | null;
  mustChangePassword: boolean;
}

export function newSessionToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export function createSession(db: WriteDb, userId: number, now: Date, meta: { ip: string; userAgent?: string }): { token: string; expiresAt: Date } {
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
  sql(
    db,
    `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(tokenHash(token), userId, now.toISOString(), now.toISOString(), expiresAt.toISOString(), meta.ip, meta.userAgent?.slice(0, 200) ?? null);
  return { token, expiresAt };
}

const USER_COLUMNS = `u.id, u.username, u.display_name AS displayName, u.role, u.clinic_id AS clinicId,
  c.name AS clinicName, u.must_change_password AS mustChangePassword`;

export function loadAuthedUser(db: ReadDb, userId: number): AuthedUser | null {
  const row = sql(
    db,
    `SELECT ${USER_COLUMNS} FROM users u LEFT JOIN clinics c ON c.id = u.clinic_id
                      WHERE u.id = ? AND u.active = 1`,
  ).get(userId) as SqlRow<AuthedUser, 'mustChangePassword'> | undefined;
  return row ? { ...row, mustChangePassword: row.mustChangePassword === 1 } : null;
}

export type SessionLookup = { user: AuthedUser; tokenHash: string } | { expired: true } | null;

/**
 * Resolves a token to its user, enforcing idle and absolute expiry. Expired sessions are deleted and a used one is
 * touched, unless `mayWrite` is false (a worker holds the file): then a later request does both.
 */
export function resolveSession(db: WriteDb, token: string, now: Date, mayWrite = true): SessionLookup {
  const hash = tokenHash(token);
  const s = sql(db, 'SELECT user_id AS userId, last_seen_at AS lastSeenAt, expires_at AS expiresAt FROM sessions WHERE token_hash = ?').get(hash) as
    | { userId: number; lastSeenAt: string; expiresAt: string }
    | undefined;
  if (!s) return null;
  const nowMs = now.getTime();
  const lastSeen = Date.parse(s.lastSeenAt);
  if (nowMs >= Date.parse(s.expiresAt) || nowMs - lastSeen >= SESSION_IDLE_MS) {
    if (mayWrite) sql(db, 'DELETE FROM sessions WHERE token_hash = ?').run(hash);
    return { expired: true };
  }
  const user = loadAuthedUser(db, s.userId);
  if (!user) {
    if (mayWrite) sql(db, 'DELETE FROM sessions WHERE token_hash = ?').run(hash);
    return null;
  }
  if (mayWrite && nowMs - lastSeen >= TOUCH_INTERVAL_MS) {
    sql(db, 'UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(now.toISOString(), hash);
  }
  return { user, tokenHash: hash };
}

export function endSession(db: WriteDb, hash: string): void {
  sql(db, 'DELETE FROM sessions WHERE token_hash = ?').run(hash);
}

export function endAllSessions(db: WriteDb, userId: number, exceptHash?: string): number {
  return sql(db, 'DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?').run(userId, exceptHash ?? null).changes;
}
