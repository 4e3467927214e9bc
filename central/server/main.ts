/**
 * The prefecture server (地市医保监管服务器).
 *   npm run central -- --pg postgres://user:pass@host:5432/santong_central [--host H] [--port P] [--clock ISO]
 *                      [--tls-cert server.crt --tls-key server.key]   (HTTPS with the certificate the network issued)
 *   npm run central -- --pg URL --add-admin USERNAME     (asks nothing: the password comes from SANTONG_CENTRAL_PASSWORD)
 *   npm run central -- --demo [--port P] [--clock ISO]   (embedded PostgreSQL with a demo prefecture)
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { appRoot } from '../../electron/paths';
import { offsetClock, systemClock } from '../../electron/app';
import { createUser } from './auth';
import { centralMigrationsDir, createPool, migrateCentral } from './db';
import { startCentralServer } from './http';
import { readTlsFiles } from './tls';

function parse() {
  const { values } = parseArgs({
    options: {
      pg: { type: 'string' },
      demo: { type: 'boolean', default: false },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8787' },
      clock: { type: 'string' },
      data: { type: 'string' },
      hostname: { type: 'string', multiple: true },
      'add-admin': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
  });
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) throw new Error('--tls-cert 与 --tls-key 须一起给出（证书和它的私钥）');
  const tls = values['tls-cert'] && values['tls-key'] ? readTlsFiles(values['tls-cert'], values['tls-key']) : null;
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`端口无效：${values.port}`);
  const clock = values.clock === undefined ? null : new Date(values.clock);
  if (clock && Number.isNaN(clock.getTime())) throw new Error(`时间无效：${values.clock}`);
  if (!values.demo && !values.pg) throw new Error('请用 --pg 指定 PostgreSQL 地址，或用 --demo 启动演示');
  return { ...values, port, clockAt: clock, tls };
}

async function main() {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (err) {
    console.error(
      `参数错误：${(err as Error).message}\n用法：npm run central -- --pg postgres://… [--host 地址] [--port 端口] [--tls-cert 证书 --tls-key 私钥] [--clock 时间]  或  npm run central -- --demo`,
    );
    process.exit(2);
  }
  const clock = args.clockAt ? offsetClock(args.clockAt) : systemClock;
  if (args.clockAt) console.log(`!! 模拟时钟：服务器时间从 ${args.clockAt.toISOString()} 开始（仅供培训与测试）`);
  let url = args.pg;
  let stopDemo: (() => Promise<void>) | null = null;
  if (args.demo) {
    const { startDemoPostgres } = await import('./demo');
    const demo = await startDemoPostgres(args.data ?? null);
    url = demo.url;
    stopDemo = demo.stop;
  }
  const pool = createPool(url!);
  await migrateCentral(pool, centralMigrationsDir(appRoot()));
  if (args['add-admin']) {
    const password = process.env.SANTONG_CENTRAL_PASSWORD;
    if (!password || password.length < 10) {
      console.error('请在环境变量 SANTONG_CENTRAL_PASSWORD 中给出初始密码（至少 10 位），首次登录后须修改');
      process.exit(2);
    }
    await createUser(
      pool,
      { username: args['add-admin'], displayName: '地市管理员', role: 'prefecture_admin', countyCode: null, password, mustChange: true },
      clock.now(),
    );
    console.log(`已创建地市管理员 ${args['add-admin']}`);
    await pool.end();
    return;
  }
  const server = await startCentralServer({
    pool,
    host: args.host!,
    port: args.port,
    clock,
    webDir: path.join(appRoot(), 'dist', 'central', 'web'),
    hostnames: args.hostname,
    ...(args.tls ? { https: args.tls } : {}),
  });
  if (args.demo) {
    const { seedDemoPrefecture } = await import('./demo');
    await seedDemoPrefecture(pool, server.url, clock, (s) => console.log(s));
  }
  const users = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0].n;
  if (users === 0) console.log('尚无用户：先运行 SANTONG_CENTRAL_PASSWORD=… npm run central -- --pg URL --add-admin admin');
  console.log(`地市服务器已启动 / prefecture server: ${server.url}`);
  const stop = async () => {
    await server.close().catch(() => {});
    await pool.end().catch(() => {});
    if (stopDemo) await stopDemo().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
