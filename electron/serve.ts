/**
 * Headless server: the same main-process code as the desktop app, without Electron, serving the
 * renderer and the API over HTTP. This is also how village doctors reach the hub over the LAN/VPN.
 *
 *   npm run serve -- [--data DIR] [--host H] [--port P] [--https] [--demo] [--clock ISO-INSTANT]
 *
 * --https serves HTTPS with the hub's own certificate (made in DATA/tls on first use; clinics trust
 * DATA/tls/santong-ca.crt, also downloadable at /santong-ca.crt — see docs/lan-https.md).
 * --clock starts the server's clock at the given instant (it runs on from there): business dates, periods
 * and timestamps follow it. For training and end-to-end tests only; the server says so when it starts.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { defaultDataDir, rendererDir } from './paths';
import { Runtime } from './runtime';
import { offsetClock } from './app';
import { lanUrls, startLanServer } from './http/lan';
import { describeDemoLogins, ensureDemoHub } from './demo/ensure';
import { startBackupScheduler } from './domain/backup/scheduler';
import { startPrefectureSender } from './domain/prefecture/auto-send';
import { packageBytesOffThread } from './api/long-reads';

export const DEFAULT_PORT = 8686;

export interface ServeArgs {
  data: string;
  host: string;
  port: number;
  https: boolean;
  demo: boolean;
  /** The instant the server's clock starts at, or null for the real time. */
  clock: Date | null;
}

export function parseServeArgs(argv: string[]): ServeArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: String(DEFAULT_PORT) },
      https: { type: 'boolean', default: false },
      demo: { type: 'boolean', default: false },
      clock: { type: 'string' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`端口无效：${values.port}`);
  const clock = values.clock === undefined ? null : new Date(values.clock);
  if (clock && (!/^\d{4}-\d{2}-\d{2}T/.test(values.clock!) || Number.isNaN(clock.getTime())))
    throw new Error(`时间无效：${values.clock}（例如 2026-03-10T09:00:00+08:00）`);
  return { data: path.resolve(values.data ?? defaultDataDir()), host: values.host!, port, https: values.https!, demo: values.demo!, clock };
}

export async function serve(args: ServeArgs) {
  // The demo preparer is start-up code: the runtime only calls it when a fresh install steps into the demo hub.
  const runtime: Runtime = new Runtime({ dataDir: args.data, demo: args.demo, ...(args.clock ? { clock: offsetClock(args.clock) } : {}) }, undefined, {
    prepareDemo: () => ensureDemoHub(runtime),
  });
  if (args.demo) await runtime.ready;
  if (args.demo && !runtime.recovery) await ensureDemoHub(runtime);
  const server = await startLanServer(runtime, { host: args.host, port: args.port, https: args.https }, rendererDir());
  const everywhere = args.host === '0.0.0.0' || args.host === '::';
  const urls = everywhere ? lanUrls(args.https, server.port) : [server.url];
  // The settings page reports this server; its flags, not the settings, decide how it runs.
  runtime.lan = { managed: false, state: () => ({ running: true, urls, error: null }), settingsChanged() {} };
  const backups = startBackupScheduler(runtime);
  const prefectureSender = startPrefectureSender(runtime, packageBytesOffThread(runtime));
  return { runtime, server, urls, backups, prefectureSender };
}

async function main(): Promise<void> {
  let args: ServeArgs;
  try {
    args = parseServeArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`参数错误：${(err as Error).message}\n用法：npm run serve -- [--data 目录] [--host 地址] [--port 端口] [--https] [--demo] [--clock 时间]`);
    process.exit(2);
  }
  try {
    const { runtime, server, urls, backups, prefectureSender } = await serve(args);
    console.log(`三统药品管理 已启动 / Santong is running: ${server.url}`);
    if (urls.length && urls[0] !== server.url) console.log(`村卫生室访问地址 / LAN addresses: ${urls.join('  ')}`);
    if (args.https) console.log(`HTTPS 根证书 / root certificate for clinics: ${server.url}santong-ca.crt（安装方法见 docs/lan-https.md）`);
    console.log(`数据目录 / data: ${runtime.dataDir}`);
    if (args.clock) console.log(`!! 模拟时钟：服务器时间从 ${args.clock.toISOString()} 开始（仅供培训与测试）/ simulated clock`);
    if (runtime.checking) {
      console.log('!! 上次未正常关闭：正在后台检查数据库，完成前页面显示“正在检查”。/ checking the database after an unclean shutdown');
      void runtime.ready.then(() => {
        if (runtime.recovery) console.error(`!! 数据库文件损坏，已进入恢复模式：${runtime.recovery.problem}`);
        else console.log('数据库检查完成，可以正常使用 / database check passed');
      });
    }
    if (runtime.recovery) {
      console.error(`!! 数据库文件损坏：${runtime.recovery.problem}`);
      console.error('!! 已进入恢复模式：请在本机浏览器打开上面的地址，从备份恢复数据。/ The database is damaged: recovery mode.');
      console.error('!!   Open the URL above in a browser on this PC and restore a backup.');
    }
    if (args.host === '127.0.0.1' || args.host === 'localhost') {
      console.log('仅本机可访问。要让村卫生室通过局域网访问，请加 --host 0.0.0.0 / local only; add --host 0.0.0.0 to serve the LAN');
    }
    if (runtime.openApp?.demo) console.log(describeDemoLogins());
    const stop = async () => {
      backups.stop();
      prefectureSender.stop();
      await server.close();
      await runtime.close();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (err) {
    console.error(`启动失败 / failed to start: ${(err as Error).message}`);
    process.exit(1);
  }
}

if (process.env.SANTONG_NO_MAIN !== '1') void main();
