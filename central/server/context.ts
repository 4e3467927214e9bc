/** What a central handler gets: the pool, the instant of the call, the signed-in user, and its audit notes. */
import type { CentralUser } from './audit';
import type { Pool } from './db';
import { AppError } from '../../electron/errors';

export interface CentralContext {
  pool: Pool;
  now: Date;
  ip: string;
  user: CentralUser | null;
  sessionHash: string | null;
  session: { set(token: string, maxAgeSeconds: number): void; clear(): void };
  audit: { target?: string; details?: Record<string, unknown>; actor?: CentralUser };
}

export function userOf(ctx: CentralContext): CentralUser {
  if (!ctx.user) throw new AppError('UNAUTHENTICATED', '请先登录');
  return ctx.user;
}

/**
 * The county a call may see: a county viewer always their own (asking for another is refused), others the one
 * they asked for or every county (null).
 */
export function countyScope(ctx: CentralContext, asked: string | undefined | null): string | null {
  const user = userOf(ctx);
  if (user.role !== 'county_viewer') return asked ?? null;
  if (asked && asked !== user.countyCode) throw new AppError('FORBIDDEN', '只能查看本县区的数据');
  return user.countyCode;
}

/** Refuses a hub outside the caller's county (or unknown); returns the hub. */
export async function hubInScope(
  ctx: CentralContext,
  hubId: number,
): Promise<{ id: number; code: string; name: string; countyCode: string; countyName: string }> {
  const hub = (
    await ctx.pool.query<{ id: number; code: string; name: string; countyCode: string; countyName: string }>(
      'SELECT h.id, h.code, h.name, h.county_code AS "countyCode", c.name AS "countyName" FROM hubs h JOIN counties c ON c.code = h.county_code WHERE h.id = $1',
      [hubId],
    )
  ).rows[0];
  if (!hub) throw new AppError('NOT_FOUND', '卫生院不存在');
  const user = userOf(ctx);
  if (user.role === 'county_viewer' && hub.countyCode !== user.countyCode) throw new AppError('FORBIDDEN', '只能查看本县区的卫生院');
  return hub;
}
