import type { MethodInput, MethodName, MethodOutput } from '../../../shared/contract';
import { isApiErrorBody, type ErrorCode } from '../../../shared/errors';

/** What the Electron preload exposes; absent in a browser. */
interface DesktopBridge {
  invoke(method: string, input: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: ApiErrorShape }>;
  print(): Promise<{ ok: boolean }>;
  savePdf(fileName: string): Promise<{ ok: boolean; path?: string }>;
}

interface ApiErrorShape {
  code: ErrorCode;
  message: string;
  issues?: { path: string; message: string }[];
}

declare global {
  interface Window {
    santongDesktop?: DesktopBridge;
  }
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly issues: { path: string; message: string }[];
  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.code = shape.code;
    this.issues = shape.issues ?? [];
  }
}

export const desktop = (): DesktopBridge | undefined => window.santongDesktop;

/** Listeners told when the session is gone (expired, logged out elsewhere), so the app shows the login. */
const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(fn: () => void): () => void {
  unauthenticatedListeners.add(fn);
  return () => unauthenticatedListeners.delete(fn);
}

/** Listeners told when the server says its database is damaged (recovery mode), so the app shows the restore screen. */
const recoveryListeners = new Set<() => void>();
export function onRecoveryMode(fn: () => void): () => void {
  recoveryListeners.add(fn);
  return () => recoveryListeners.delete(fn);
}

/**
 * Calls one API method. The same contract over IPC (desktop) or HTTP (browser on the LAN); the
 * page never knows which.
 */
export async function call<K extends MethodName>(method: K, input?: MethodInput<K>): Promise<MethodOutput<K>> {
  let error: ApiErrorShape;
  const bridge = desktop();
  if (bridge) {
    const result = await bridge.invoke(method, input ?? {});
    if (result.ok) return result.value as MethodOutput<K>;
    error = result.error;
  } else {
    let response: Response;
    try {
      response = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      throw new ApiError({ code: 'INTERNAL', message: '无法连接到卫生院服务器，请检查网络后重试' });
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.ok) return body as MethodOutput<K>;
    error = isApiErrorBody(body) ? body.error : { code: 'INTERNAL', message: `服务器错误（${response.status}）` };
  }
  if (error.code === 'UNAUTHENTICATED' || error.code === 'SESSION_EXPIRED') {
    if (method !== 'auth.login') unauthenticatedListeners.forEach((fn) => fn());
  }
  if (error.code === 'RECOVERY_MODE') recoveryListeners.forEach((fn) => fn());
  throw new ApiError(error);
}
