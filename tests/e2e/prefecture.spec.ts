/**
 * The prefecture server end to end: its own throwaway PostgreSQL cluster, the built server started with a fixed
 * --clock, the demo hub server beside it. The prefecture administrator registers the hub with the public key its
 * 上报地市 page shows; the hub sends its closed month from that page over HTTP, and exports the month before to a
 * file that the administrator uploads (the USB path); the dashboard shows it; a county viewer sees only its county;
 * a box sold at two hubs opens to both hubs' rows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from '@playwright/test';
import { createPool, migrateCentral, type Pool } from '../../central/server/db';
import { createUser } from '../../central/server/auth';
import { addCounty, registerHub } from '../../central/server/hubs';
import { plantSale } from '../../central/server/plant';
import { encodePackage } from '../../electron/domain/prefecture/seal';
import { sendPackage } from '../../electron/domain/prefecture/send';
import { cloneFor, makeIdentity, sealFor, templatePackages } from '../helpers/central';
import { spawnCentralServer, type CentralProcess } from '../helpers/central-process';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster';
import { E2E_CLOCK, login, screenshot, startServer, test, type ServerHandle } from './fixtures';

const root = path.resolve(import.meta.dirname, '../..');
const PASSWORD = 'Prefecture123';
const DUPLICATE = '86909999999999990001';

let cluster: PgCluster;
let pool: Pool;
let central: CentralProcess;
let hub: ServerHandle;

/** Calls the hub's API as its administrator (the same methods its 上报地市 page uses). */
async function hubCall(method: string, input: unknown, cookie?: string): Promise<{ body: any; cookie?: string }> {
  const res = await fetch(`${hub.url}api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(input),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${method}: ${JSON.stringify(body)}`);
  return { body, cookie: res.headers.get('set-cookie')?.split(';')[0] };
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  cluster = await startPgCluster();
  pool = createPool(cluster.url);
  await migrateCentral(pool, path.join(root, 'central/migrations'));
  await addCounty(pool, '411621', '扶沟县');
  await addCounty(pool, '411622', '西华县');
  const at = new Date(E2E_CLOCK);
  await createUser(
    pool,
    { username: 'shiadmin', displayName: '地市管理员', role: 'prefecture_admin', countyCode: null, password: PASSWORD, mustChange: false },
    at,
  );
  await createUser(
    pool,
    { username: 'fugou', displayName: '扶沟县医保局', role: 'county_viewer', countyCode: '411621', password: PASSWORD, mustChange: false },
    at,
  );
  central = await spawnCentralServer(root, cluster.url, ['--clock', E2E_CLOCK]);
  hub = await startServer({ demo: true, clock: E2E_CLOCK });

  // Two more hubs, one per county, already reporting: each sold the same box in March.
  const template = await templatePackages(4, 11);
  const others = [makeIdentity('H41162109', '韭园镇卫生院', '411621'), makeIdentity('H41162209', '东夏亭镇卫生院', '411622')];
  for (const [i, h] of others.entries()) {
    await registerHub(pool, { code: h.code, name: h.name, countyCode: h.county, publicKey: h.key.publicKeyBase64 }, at, null);
    for (const [period, p] of template) {
      const pkg = cloneFor(p, h);
      if (period === '2026-03') plantSale(pkg, DUPLICATE, 5 + i);
      const sent = await sendPackage(central.url, encodePackage(sealFor(pkg, h)), { attempts: 1 });
      expect(sent.answer?.outcome, sent.answer?.message ?? sent.error ?? '').toBe('accepted');
    }
  }
});

test.afterAll(async () => {
  central?.child.kill('SIGTERM');
  await hub?.stop();
  await pool?.end();
  cluster?.stop();
});

test('the prefecture registers a hub, receives its closed month, and shows the cross-hub evidence by county', async ({ page }) => {
  test.setTimeout(240_000);
  // The hub's administrator fills in the code the prefecture gave on the 上报地市 page and reads the hub's public key.
  const hubPage = await page.context().newPage();
  await login(hubPage, hub.url, 'admin', 'santong-demo');
  await expect(hubPage.getByRole('menuitem', { name: '上报地市' })).toBeAttached();
  await hubPage.goto(new URL('/supervision/prefecture', hub.url).href);
  await hubPage.getByLabel('本院编码').fill('H41162101');
  await hubPage.getByLabel('县区代码').fill('411621');
  await hubPage.getByLabel('上报服务器').fill(central.url);
  await hubPage.getByRole('button', { name: '保存' }).click();
  await expect(hubPage.getByText('已保存')).toBeVisible();
  const publicKey = (await hubPage.locator('.ant-typography code').innerText()).trim();
  expect(publicKey).toMatch(/^MC[A-Za-z0-9+/=]+$/);

  // The prefecture administrator registers it.
  await login(page, central.url, 'shiadmin', PASSWORD);
  await page.getByRole('menuitem', { name: '卫生院登记' }).click();
  await page.getByRole('button', { name: '登记卫生院' }).click();
  const dialog = page.getByRole('dialog', { name: '登记卫生院' });
  await dialog.getByLabel('卫生院编码').fill('H41162101');
  await dialog.getByLabel('卫生院名称').fill('青石镇卫生院');
  await dialog.getByLabel('县区').click();
  await page.getByTitle('扶沟县（411621）').click();
  await dialog.getByLabel(/签名公钥/).fill(publicKey);
  await dialog.getByRole('button', { name: '登记' }).click();
  await expect(page.getByRole('cell', { name: 'H41162101' })).toBeVisible();
  await expect(page.getByRole('row', { name: /H41162101/ })).toContainText('尚未上报');

  // The hub sends its latest closed month from the page; the server accepts it, and a second send changes nothing.
  const { cookie } = await hubCall('auth.login', { username: 'caiwu', password: 'santong-demo' });
  const months = (await hubCall('prefecture.months', {}, cookie)).body;
  const [period, earlier] = months.rows.map((r: { period: string }) => r.period) as string[];
  const latestRow = hubPage.getByRole('row', { name: new RegExp(`^${period}`) });
  await latestRow.getByRole('button', { name: '发送' }).click();
  await expect(latestRow).toContainText('已接收');
  await expect(latestRow).toContainText(`已收到 H41162101 ${period} 第 1 版`);
  await latestRow.getByRole('button', { name: '发送' }).click();
  await expect(latestRow).toContainText('此前已收到');
  // A resend rebuilt from the same close is the same content: no warning that it differs.
  await expect(latestRow).not.toContainText('不同');
  await screenshot(hubPage, 'prefecture-hub-sent');

  // The month before goes the USB way: the hub exports the file, the prefecture administrator uploads it.
  const earlierRow = hubPage.getByRole('row', { name: new RegExp(`^${earlier}`) });
  const [download] = await Promise.all([hubPage.waitForEvent('download'), earlierRow.getByRole('button', { name: '导出文件' }).click()]);
  expect(download.suggestedFilename()).toBe(`santong-H41162101-${earlier}-v1.stpkg`);
  await page.getByRole('menuitem', { name: '上报记录' }).click();
  await page
    .locator('input[type=file]')
    .setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/gzip', buffer: fs.readFileSync(await download.path()) });
  await expect(page.locator('.ant-alert')).toContainText(`santong-H41162101-${earlier}-v1.stpkg：已收到 H41162101 ${earlier} 第 1 版`);
  await expect(page.getByRole('row', { name: new RegExp(`青石镇卫生院.*${earlier}`) })).toContainText('当前');
  await hubPage.close();

  // The dashboard counts it.
  await page.getByRole('menuitem', { name: '三保总览' }).click();
  await page.reload();
  await expect(page.getByText('上报卫生院')).toBeVisible();
  await expect(page.locator('.ant-statistic').filter({ hasText: '上报卫生院' })).toContainText('3 / 3');
  await page.getByRole('menuitem', { name: '排名' }).click();
  await expect(page.getByRole('cell', { name: '青石镇卫生院' })).toBeVisible();
  await screenshot(page, 'prefecture-rankings');

  // The box sold at two hubs opens to both hubs' rows.
  await page.getByRole('menuitem', { name: '跨院信号' }).click();
  const row = page.getByRole('row', { name: new RegExp(DUPLICATE) });
  await expect(row).toContainText('韭园镇卫生院');
  await row.click();
  const drawer = page.locator('.ant-drawer');
  await expect(drawer.getByText('同一追溯码在两处销售')).toBeVisible();
  await expect(drawer.getByRole('row', { name: /次销售/ })).toHaveCount(2);
  await expect(drawer.getByRole('row', { name: /第一次销售/ })).toContainText(DUPLICATE);
  await expect(drawer.getByRole('row', { name: /第二次销售/ })).toContainText(DUPLICATE);
  await expect(drawer).toContainText('韭园镇卫生院');
  await expect(drawer).toContainText('东夏亭镇卫生院');
  await screenshot(page, 'prefecture-duplicate-box');
  await drawer.getByRole('button', { name: '关闭' }).first().click();
  await expect(page.locator('.ant-drawer-open')).toHaveCount(0);

  // A county viewer of 扶沟县 sees its two hubs and not 西华县's.
  await page.getByRole('button', { name: '退出' }).click();
  await login(page, central.url, 'fugou', PASSWORD);
  await page.getByRole('menuitem', { name: '排名' }).click();
  await expect(page.getByRole('cell', { name: '青石镇卫生院' })).toBeVisible();
  await expect(page.getByRole('cell', { name: '韭园镇卫生院' })).toBeVisible();
  await expect(page.getByRole('cell', { name: '东夏亭镇卫生院' })).toHaveCount(0);
  await expect(page.getByRole('cell', { name: '西华县' })).toHaveCount(0);
  await expect(page.getByRole('menuitem', { name: '卫生院登记' })).toHaveCount(0);
});
