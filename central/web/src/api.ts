/** Calls the prefecture server's API (POST /api/<method>, JSON, same-origin cookie). */
import type { z } from 'zod';
import type { CentralApi, CentralMethodName } from '../../shared/contract';

export class CentralError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

const unauthenticated = new Set<() => void>();
export const onUnauthenticated = (fn: () => void) => (unauthenticated.add(fn), () => unauthenticated.delete(fn));

export async function call<T = unknown, K extends CentralMethodName = CentralMethodName>(method: K, input?: z.input<CentralApi[K]['input']>): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(input ?? {}),
    });
  } catch {
    throw new CentralError('INTERNAL', '无法连接到地市服务器，请检查网络后重试');
  }
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string; issues?: { path: string; message: string }[] } } | null;
  if (res.ok) return body as T;
  const e = body?.error ?? { code: 'INTERNAL', message: `服务器错误（${res.status}）` };
  if ((e.code === 'UNAUTHENTICATED' || e.code === 'SESSION_EXPIRED') && method !== 'auth.login' && method !== 'auth.me') unauthenticated.forEach((fn) => fn());
  throw new CentralError(e.code, e.message, e.issues);
}

export const yuan = (fen: number) => (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const wan = (fen: number) => `${(fen / 1_000_000).toLocaleString('zh-CN', { maximumFractionDigits: 2 })} 万元`;
export const pct = (bp: number | null) => (bp === null ? '—' : `${(bp / 100).toFixed(1)}%`);
