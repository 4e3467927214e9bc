import fs from 'node:fs';
import { expect, E2E_CLOCK, startServer, test, type ServerHandle, pickOption } from './fixtures';
import { openMenu, signIn } from './pages/app';
import type { Page } from '@playwright/test';
import { api, orderForClinic, seedTownship } from './seed';

/**
 * The hub's keyboard shortcuts (issue 17: 新增 / 保存 / 审核 / 打印 documented on screen): F1 lists what each key
 * does on the page at hand, and a receipt is opened, filled and posted without touching the mouse.
 */
test.describe.configure({ mode: 'serial' });

let server: ServerHandle;
let township: Awaited<ReturnType<typeof seedTownship>>;
test.beforeAll(async ({ browser }) => {
  server = await startServer({ clock: E2E_CLOCK });
  township = await seedTownship(browser, server.url, PASSWORD);
});
test.afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

const PASSWORD = 'Qingshi2026';

test('the pharmacist opens, fills and posts a receipt from the keyboard, and F1 says what each key does here', async ({ browser }) => {
  const { pharmacist, doctor, ids } = township;
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

  await pickOption(page, '采购订单', order.docNo);
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

/** A line of the receipt drawer filled from the keyboard, as above. */
async function fillReceiptLine(page: Page, invoiceNo: string, batchNo: string) {
  await page.getByLabel('发票号').fill(invoiceNo);
  const line = page.locator('.ant-drawer').getByRole('row', { name: /阿莫西林胶囊/ });
  await line.getByLabel('批号').fill(batchNo);
  await line.getByLabel('有效期至').fill('2028-10-31');
  await line.getByLabel('有效期至').press('Enter');
}

test('from review to the printed delivery note on the keyboard: F9 approves, sends and issues, Alt+N starts, 下一步 goes on with Enter', async ({
  browser,
}) => {
  const { pharmacist, doctor, ids } = township;
  const req = await api(doctor, 'requisitions.submit', { submitToken: 'shortcuts-0002', lines: [{ drugId: ids.amox, qty: 24, enteredIn: 'base' }] });
  const desk = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  const page = await desk.newPage();
  await signIn(page, server.url, 'yaoku', PASSWORD);

  // 请领审核: F9 asks to approve every pending line of the selected requisition; Enter confirms.
  await page.goto(new URL(`/purchasing/review?id=${req.id}`, server.url).href);
  await expect(page.getByText(`东湖村卫生室 · ${req.docNo}`)).toBeVisible();
  await expect(page.getByRole('button', { name: /全部同意（1）/ })).toHaveAttribute('title', '快捷键 F9');
  await page.keyboard.press('F9');
  await expect(page.getByText('同意全部 1 行待审核的请领？')).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: /全部同意/ })).toBeHidden();

  const selection = { requisitionIds: [req.id], hubReplenishment: false };
  const preview = await api(pharmacist, 'aggregation.preview', selection);
  const orderId = (await api(pharmacist, 'aggregation.create', { ...selection, fingerprint: preview.fingerprint })).orders[0].id as number;

  // 采购订单: F1 says what F9 and Ctrl+P do here; F9 opens the send confirmation, Enter sends.
  await page.goto(new URL(`/purchasing/orders/${orderId}`, server.url).href);
  await expect(page.getByRole('heading', { name: /采购订单 CG-/ })).toBeVisible();
  await page.keyboard.press('F1');
  const help = page.getByRole('dialog', { name: '键盘快捷键' });
  await expect(help.getByRole('row', { name: /F9\s*发送订单（确认后发送）/ })).toBeVisible();
  await expect(help.getByRole('row', { name: /Ctrl\+P\s*打印采购订单/ })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await page.keyboard.press('F9');
  await expect(page.getByText(/确认已把订单发给/)).toBeVisible();
  await page.keyboard.press('Enter');

  // 下一步: 去验收入库 has the focus; Enter opens 验收入库 with this order chosen.
  const next = page.getByRole('region', { name: '下一步' });
  await expect(next).toContainText(/CG-\d{6}-\d{4} 已发给/);
  await expect(next.getByRole('button', { name: '去验收入库' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: '验收入库' })).toBeVisible();
  const drawer = page.locator('.ant-drawer').filter({ hasText: '过账入库' });
  await expect(drawer.locator('.ant-select').filter({ has: page.getByLabel('采购订单') })).toContainText(/CG-/);
  await fillReceiptLine(page, 'FP-KEY-2', 'K2612');
  await page.keyboard.press('F9');
  await expect(drawer).toBeHidden();

  // After the receipt: 去配送出库.
  await expect(next).toContainText(/RK-\d{6}-\d{4} 的药品已入中心药库/);
  await expect(next.getByRole('button', { name: '去配送出库' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: '配送出库' })).toBeVisible();

  // 配送出库: Space ticks the line, Alt+N previews the new delivery, F9 issues it.
  const row = page.getByRole('row', { name: new RegExp(req.docNo) });
  await row.getByRole('checkbox').focus();
  await page.keyboard.press('Space');
  await expect(row.getByRole('checkbox')).toBeChecked();
  await page.keyboard.press('Alt+N');
  const issue = page.getByRole('dialog', { name: /出库预览/ });
  await expect(issue).toBeVisible();
  await page.keyboard.press('F9');
  await expect(issue).toBeHidden();
  await expect(next).toContainText(/CK-\d{6}-\d{4} 已在途，送往东湖村卫生室/);
  await expect(next.getByRole('button', { name: '打印配送单' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/print\/delivery\/\d+$/);

  // Ctrl+P on the order opens its print page.
  await page.goto(new URL(`/purchasing/orders/${orderId}`, server.url).href);
  await expect(page.getByRole('heading', { name: /采购订单 CG-/ })).toBeVisible();
  await page.keyboard.press('Control+P');
  await expect(page).toHaveURL(new RegExp(`/print/purchase-order/${orderId}$`));
  await desk.close();
});

test('Alt+N starts a new drug, a return and a write-off', async ({ browser }) => {
  const desk = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  const page = await desk.newPage();
  await signIn(page, server.url, 'yaoku', PASSWORD);
  await page.goto(new URL('/master/drugs', server.url).href);
  await expect(page.getByRole('heading', { name: '药品目录' })).toBeVisible();
  await page.keyboard.press('Alt+N');
  await expect(page.locator('.ant-drawer-title', { hasText: '新增药品' })).toBeVisible();
  for (const [path, heading, dialog] of [
    ['/stock/returns', '退货', '新建退货'],
    ['/stock/writeoffs', '报损', '新建报损'],
  ]) {
    await page.goto(new URL(path, server.url).href);
    await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
    await page.keyboard.press('Alt+N');
    await expect(page.getByRole('dialog', { name: dialog })).toBeVisible();
  }
  await desk.close();
});
