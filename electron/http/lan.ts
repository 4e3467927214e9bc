/**
 * The LAN server as the hub's settings describe it (系统设置 → 局域网访问): started, restarted or stopped
 * when they change. Plain Node: the Electron shell only creates the controller and shows its errors.
 */
import type { Runtime } from '../runtime';
import type { LanHost } from '../domain/ports';
import type { LanSettings } from '../../shared/contract/system';
import { readLanHostnames, readLanSettings } from '../domain/system/lan-settings';
import { ensureCertificate, lanAddresses } from '../lib/certificate';
import { startHttpServer, type RunningServer } from './server';

export { readLanSettings, writeLanSettings } from '../domain/system/lan-settings';

/** The addresses to give village doctors for a server listening on all interfaces. */
export function lanUrls(https: boolean, port: number, addresses = lanAddresses()): string[] {
  return addresses.map((a) => `${https ? 'https' : 'http'}://${a}:${port}/`);
}

/** Starts the LAN server on every interface, with the hub's certificate when HTTPS is on. */
export async function startLanServer(runtime: Runtime, s: { port: number; https: boolean; host?: string }, rendererDir?: string): Promise<RunningServer> {
  const app = runtime.openApp; // null in recovery mode
  const tls = s.https ? await ensureCertificate(runtime.mainDataDir, app?.clock.now() ?? new Date(), app ? readLanHostnames(app.db) : []) : null;
  return startHttpServer({
    runtime,
    host: s.host ?? '0.0.0.0',
    port: s.port,
    rendererDir,
    ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}),
  });
}

function describeStartError(err: unknown, port: number): string {
  const code = (err as { code?: string })?.code;
  if (code === 'EADDRINUSE') return `端口 ${port} 已被其他程序占用，请换一个端口`;
  if (code === 'EACCES') return `没有权限使用端口 ${port}，请换一个 1024 以上的端口`;
  return `局域网服务未能启动：${(err as Error)?.message ?? String(err)}`;
}

const same = (a: LanSettings | null, b: LanSettings) =>
  a !== null && a.enabled === b.enabled && a.port === b.port && a.https === b.https && a.hostnames.join() === b.hostnames.join();

/** Keeps the LAN server in step with the settings. One change at a time, in order. */
export class LanController implements LanHost {
  readonly managed = true;
  private server: RunningServer | null = null;
  private applied: LanSettings | null = null;
  private error: string | null = null;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly runtime: Runtime,
    private readonly opts: { rendererDir?: string; host?: string; onError?: (message: string) => void } = {},
  ) {}

  state() {
    const s = this.applied;
    // Settings just saved and not applied yet: not running "as set" until the restart finishes.
    const db = this.runtime.openApp?.db;
    const settled = db ? same(s, readLanSettings(db)) : true;
    return {
      running: this.server !== null && settled,
      urls:
        this.server && s
          ? this.opts.host && this.opts.host !== '0.0.0.0'
            ? [this.server.url]
            : lanUrls(s.https, this.server.port, [...lanAddresses(), ...s.hostnames])
          : [],
      error: this.error,
    };
  }

  settingsChanged(): void {
    // The write that changed the settings is still inside its transaction: act after it commits.
    setImmediate(() => void this.apply());
  }

  /** Brings the server to the current settings; resolves when done. */
  apply(): Promise<void> {
    this.queue = this.queue.then(() => this.applyNow());
    return this.queue;
  }

  private async applyNow(): Promise<void> {
    const app = this.runtime.openApp;
    if (!app) {
      // Recovery mode (damaged database): only this PC may restore, so the LAN server stays off.
      await this.stop();
      this.applied = null;
      return;
    }
    const wanted = readLanSettings(app.db);
    if (same(this.applied, wanted) && (this.server !== null || !wanted.enabled)) return;
    await this.stop();
    this.applied = wanted;
    this.error = null;
    if (!wanted.enabled) return;
    try {
      this.server = await startLanServer(this.runtime, { ...wanted, host: this.opts.host }, this.opts.rendererDir);
    } catch (err) {
      this.error = describeStartError(err, wanted.port);
      this.opts.onError?.(this.error);
    }
  }

  private async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await server.close();
  }

  /** Stops the server for good (the app is quitting). */
  async close(): Promise<void> {
    this.queue = this.queue.then(() => this.stop());
    await this.queue;
  }
}
