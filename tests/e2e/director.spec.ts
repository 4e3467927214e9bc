import path from 'node:path';
import { expect, login, SCREENSHOT_DIR, serverForFile, test } from './fixtures';
import { openMenu } from './pages/app';

test.describe.configure({ mode: 'serial' });

/** The 院长 of the demo hub reads every hub figure, sees no button that writes, and the server refuses a write. */
const server = serverForFile({ demo: true });

const SHOTS = path.join(SCREENSHOT_DIR, 'director');

test('the 院长 walks the menu at 1366 px and sees no write button', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await login(page, server.url, 'yuanzhang', 'santong-demo');
  await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/workbench-1366.png` });

  await openMenu(page, '三保看板', '三保看板');
  await page.getByText('医保目录占比（金额）').click();
  const drawer = page.getByRole('dialog');
  await expect(drawer.locator('tbody tr.ant-table-row').first()).toContainText('RK');
  await page.screenshot({ path: `${SHOTS}/dashboard-drill-1366.png` });
  await page.keyboard.press('Escape');

  await openMenu(page, '卫生室结算', '卫生室结算');
  await expect(page.getByRole('button', { name: /打印/ }).first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/clinic-statements-1366.png` });

  await openMenu(page, '库存台账', '库存台账');
  await page.screenshot({ path: `${SHOTS}/stock-card-1366.png` });

  await openMenu(page, '验收入库', '验收入库');
  await expect(page.getByRole('button', { name: '本月药品验收记录' })).toBeVisible();
  await expect(page.getByRole('button', { name: '验收入库', exact: true })).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/receipts-1366.png` });

  await openMenu(page, '配送出库', '配送出库');
  await expect(page.getByRole('tab', { name: '配送单' })).toBeVisible();
  await expect(page.getByRole('tab', { name: '待配送' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /预览出库/ })).toHaveCount(0);

  await openMenu(page, '月结', '月结');
  await expect(page.locator('tbody tr.ant-table-row').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /^结账$|反结账/ })).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/periods-1366.png` });

  // The server refuses a write with the director's own session, whatever the UI shows.
  const res = await page.request.post(new URL('/api/periods.close', server.url).href, {
    data: { period: '2026-02', acknowledgeWarnings: true },
    headers: { origin: new URL(server.url).origin },
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).error).toMatchObject({ code: 'FORBIDDEN', message: '院长账号只能查看，不能办理或修改任何单据和设置' });
});

for (const width of [390, 1440]) {
  test(`the 院长's dashboard at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 1000 });
    await login(page, server.url, 'yuanzhang', 'santong-demo');
    await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
    await openMenu(page, '三保看板', '三保看板');
    await page.screenshot({ path: `${SHOTS}/dashboard-${width}.png` });
    await openMenu(page, '月结', '月结');
    await page.screenshot({ path: `${SHOTS}/periods-${width}.png` });
  });
}
