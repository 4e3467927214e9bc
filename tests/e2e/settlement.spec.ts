import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, login, screenshot, startServer, test, type ServerHandle } from './fixtures';
import { seedSettlementHub } from './settlement-seed';

test.describe.configure({ mode: 'serial' });

let server: ServerHandle;
test.beforeAll(async () => {
  test.setTimeout(240_000);
  server = await startServer({ dataDir: await seedSettlementHub() });
});
async function signIn(page: Page, username: string) {
  await login(page, server.url, username, 'Changed123');
  await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
}

test.afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

test('finance closes October after reading its checks, then settles a supplier', async ({ page }) => {
  await signIn(page, 'caiwu');
  await page.getByRole('menuitem', { name: '月结' }).click();
  await expect(page.getByText('2026年10月 结账前检查')).toBeVisible();
  await expect(page.getByText('月份已结束')).toBeVisible();
  await expect(page.getByText('账务一致')).toBeVisible();
  await screenshot(page, 'settlement-01-periods');
  await page.getByRole('button', { name: '结账' }).last().click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText('结账：2026年10月')).toBeVisible();
  const ack = dialog.getByText('我已查看以上事项，确认结账');
  if (await ack.isVisible()) await ack.click();
  await dialog.getByRole('button', { name: '确认结账' }).click();
  await expect(page.getByText('2026年10月已结账，该月的业务与付款不能再变动。')).toBeVisible();
  await expect(page.getByRole('row', { name: /2026年10月.*已结账.*孙会计/ })).toBeVisible();
  await screenshot(page, 'settlement-02-closed');

  await page.getByRole('menuitem', { name: '供应商结算' }).click();
  await expect(page.getByRole('heading', { name: '供应商结算' })).toBeVisible();
  await page.getByRole('link', { name: '国药控股青石医药有限公司' }).click();
  await expect(page.getByRole('heading', { name: '国药控股青石医药有限公司 对账单' })).toBeVisible();
  await screenshot(page, 'settlement-03-supplier');
});

test('finance records a payment and exports the statement', async ({ page }) => {
  await signIn(page, 'caiwu');
  await page.goto(`${server.url}settlement/suppliers?period=2026-11`);
  await page.getByRole('link', { name: '九州通医药集团某市有限公司' }).click();
  await expect(page.getByRole('heading', { name: '九州通医药集团某市有限公司 对账单' })).toBeVisible();
  const owed = page.locator('.due-card .ant-statistic-content-value');
  const before = await owed.innerText();
  await page.getByRole('button', { name: '登记付款' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('凭证号').fill('记-202611-088');
  await dialog.getByLabel('金额（元）').fill('12.3');
  await dialog.getByRole('button', { name: '登记' }).click();
  await expect(page.getByText('已登记付款 ¥12.30')).toBeVisible();
  await expect(page.getByRole('cell', { name: '记-202611-088' }).first()).toBeVisible();
  await expect(owed).not.toHaveText(before);
  await screenshot(page, 'settlement-04-payment');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出 Excel' }).click();
  expect((await download).suggestedFilename()).toBe('配送企业对账单-九州通医药集团某市有限公司-2026-11.xlsx');
});

test('hub and clinic statements; a village doctor sees only their own, on a phone', async ({ page, browser }) => {
  await signIn(page, 'caiwu');
  await page.getByRole('menuitem', { name: '中心库进销存' }).click();
  await expect(page.getByRole('heading', { name: '中心库进销存' })).toBeVisible();
  await expect(page.getByText('在途（已出库未签收）期末')).toBeVisible();
  await screenshot(page, 'settlement-05-hub');
  await page.getByRole('menuitem', { name: '卫生室结算' }).click();
  await expect(page.getByRole('columnheader', { name: '应结算（用药金额）' })).toBeVisible();
  await screenshot(page, 'settlement-06-clinics');
  await page.getByRole('link', { name: '东湖村卫生室' }).click();
  await expect(page.getByRole('heading', { name: '东湖村卫生室 结算单' })).toBeVisible();
  await screenshot(page, 'settlement-07-clinic');

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const doctor = await phone.newPage();
  await signIn(doctor, 'cy02');
  await doctor.goto(`${server.url}settlement/clinics?period=2026-10`);
  await expect(doctor.getByRole('heading', { name: '西岭村卫生室 结算单' })).toBeVisible();
  await expect(doctor.getByText('本月用药金额（应结算）')).toBeVisible();
  const width = await doctor.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await screenshot(doctor, 'settlement-08-doctor-phone');
  // Another clinic's statement is refused by the server, whatever the address says.
  await doctor.goto(`${server.url}settlement/clinics?period=2026-10&clinic=1`);
  await expect(doctor.getByRole('heading', { name: '西岭村卫生室 结算单' })).toBeVisible();
  await phone.close();
});
