import fs from 'node:fs';
import { expect, E2E_CLOCK, startServer, test, type ServerHandle } from './fixtures';
import { openMenu, signIn } from './pages/app';
import { orderForClinic, seedTownship } from './seed';

/**
 * The hub's keyboard shortcuts (issue 17: 新增 / 保存 / 审核 / 打印 documented on screen): F1 lists what each key
 * does on the page at hand, and a receipt is opened, filled and posted without touching the mouse.
 */
test.describe.configure({ mode: 'serial' });

let server: ServerHandle;
test.beforeAll(async () => {
  server = await startServer({ clock: E2E_CLOCK });
});
test.afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

const PASSWORD = 'Qingshi2026';

test('the pharmacist opens, fills and posts a receipt from the keyboard, and F1 says what each key does here', async ({ browser }) => {
  const { pharmacist, doctor, ids } = await seedTownship(browser, server.url, PASSWORD);
  const order = await orderForClinic(pharmacist, doctor, ids.amox, 48, 'shortcuts-0001');
  const desk = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  const page = await desk.newPage();
  await signIn(page, server.url, 'yaoku', PASSWORD);
  await openMenu(page, '验收入库');
  await expect(page.getByRole('heading', { name: '验收入库' })).toBeVisible();

  await page.keyboard.press('F1');
  const help = page.getByRole('dialog', { name: '键盘快捷键' });
  await expect(help.getByRole('row', { name: /Alt\+N\s*验收入库（新的入库单）/ })).toBeVisible();
  await expect(help.getByRole('row', { name: /Ctrl\+S\s*保存（本页没有）/ })).toBeVisible();
  await expect(help.getByRole('row', { name: /F2 或 \/\s*追溯码查询/ })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/shortcuts-help-1366.png' });
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  await page.keyboard.press('Alt+N');
  const drawer = page.locator('.ant-drawer').filter({ hasText: '过账入库' });
  await expect(drawer).toBeVisible();
  // No order chosen yet: F9 posts nothing, and the help says why the key does nothing now.
  await page.keyboard.press('F9');
  await page.keyboard.press('F1');
  await expect(help.getByRole('row', { name: /F9\s*过账入库（验收入库单中）（现在不可用）/ })).toBeVisible();
  await page.keyboard.press('Escape');

  await page.getByLabel('采购订单').fill(order.docNo);
  await page.getByLabel('采购订单').press('Enter');
  await page.getByLabel('发票号').fill('FP-KEY-1');
  const line = page.getByRole('row', { name: /阿莫西林胶囊/ });
  await line.getByLabel('批号').fill('K2611');
  await line.getByLabel('有效期至').fill('2028-10-31');
  await line.getByLabel('有效期至').press('Enter');
  await page.keyboard.press('F9');
  await expect(page.getByText(/入库单 RK-\d{6}-0001 已过账/)).toBeVisible();
  await expect(drawer).toBeHidden();
  await desk.close();
});
