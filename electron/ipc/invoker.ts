import { dispatch } from '../api/dispatch';
import type { Runtime } from '../runtime';

export type IpcResult = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; issues?: { path: string; message: string }[] } };

/**
 * The IPC transport without Electron: each window (by its webContents id) holds its own session token
 * in the main process, where the renderer cannot read it.
 */
export function createIpcInvoker(runtime: Runtime) {
  const tokens = new Map<number, string>();
  return {
    async invoke(windowId: number, method: unknown, input: unknown): Promise<IpcResult> {
      const result = await dispatch(
        runtime,
        typeof method === 'string' ? method : '',
        input,
        { transport: 'ipc', ip: 'desktop', userAgent: 'Santong desktop', token: tokens.get(windowId) ?? null },
        {
          set: (token) => void tokens.set(windowId, token),
          clear: () => void tokens.delete(windowId),
        },
      );
      return result.ok ? { ok: true, value: result.value } : { ok: false, error: result.body.error };
    },
    forget(windowId: number): void {
      tokens.delete(windowId);
    },
  };
}
