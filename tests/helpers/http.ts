import { startHttpServer, type RunningServer } from '../../electron/http/server';
import { createTestHub, type TestHub } from './runtime';

export interface HttpHub extends TestHub {
  server: RunningServer;
  post(method: string, body: unknown, opts?: { cookie?: string; headers?: Record<string, string> }): Promise<{ status: number; json: any; headers: Headers }>;
}

/** A test hub behind the real HTTP transport on a random loopback port. */
export async function createHttpHub(opts: { dataDir?: string } = {}): Promise<HttpHub> {
  const hub = await createTestHub(opts);
  const server = await startHttpServer({ runtime: hub.runtime, host: '127.0.0.1', port: 0 });
  return {
    ...hub,
    server,
    async post(method, body, opts = {}) {
      const res = await fetch(`${server.url}api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(opts.cookie ? { cookie: opts.cookie } : {}), ...opts.headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: res.status, json, headers: res.headers };
    },
    close: async () => {
      await server.close();
      await hub.close();
    },
  } as HttpHub;
}

export function sessionCookie(headers: Headers): string {
  const set = headers.getSetCookie().find((c) => c.startsWith('santong_sid='));
  if (!set) throw new Error('no session cookie');
  return set.split(';')[0];
}
