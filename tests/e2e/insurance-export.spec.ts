import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { createSimHub, simulate } from '../helpers/settlement';
import { expect, screenshot, startServer, test, type ServerHandle } from './fixtures';
import { expectNoSidewaysScroll, openMenu, signIn as signInAs } from './pages/app';

test.describe.configure({ mode: 'serial' });

let server: ServerHandle;
test.beforeAll(async () => {
  test.setTimeout(240_000);
  // September–October 2026 of random business; September closed on 3 October, October still open.
  const sim = await createSimHub('2026-09-01');
  await simulate(sim, '2026-10-31', { seed: 20260901, opsPerDay: 4, close: true });
  sim.hub.runtime.close();
  server = await startServer({ dataDir: sim.hub.dataDir, clock: '2026-11-02T09:00:00+08:00' });
});
test.afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

const signIn = (page: Page, username: string) => signInAs(page, server.url, username);

test('finance previews a month per store and downloads the upload files', async ({ page }) => {
  await signIn(page, 'caiwu');
  await openMenu(page, '医保进销存上传');
  await expect(page.getByRole('heading', { name: '医保进销存上传' })).toBeVisible();
  await page.goto(`${server.url}settlement/insurance-export?period=2026-09`);
  await expect(page.getByText('定点医药机构（中心药库）')).toBeVisible();
  await expect(page.getByRole('cell', { name: '商品采购', exact: true })).toBeVisible();
  await screenshot(page, 'insurance-export-01-hub');

  const json = page.waitForEvent('download');
  await page.getByRole('button', { name: '下载 JSON' }).click();
  expect((await json).suggestedFilename()).toBe('医保进销存-测试镇卫生院中心药库-2026-09.json');

  await page.getByRole('combobox', { name: '导出库房' }).click();
  await page.getByTitle('C01 东湖村卫生室').click();
  await expect(page.getByText('村卫生室库房')).toBeVisible();
  await expect(page.getByRole('cell', { name: '商品销售', exact: true })).toBeVisible();
  await screenshot(page, 'insurance-export-02-clinic');

  await page.getByRole('combobox', { name: '导出库房' }).click();
  await page.getByTitle('全部库房（Excel 汇总）').click();
  await expect(page.getByText(/全部 4 个库房/)).toBeVisible();
  await expect(page.getByRole('button', { name: '下载 JSON' })).toBeDisabled();
  const xlsx = page.waitForEvent('download');
  await page.getByRole('button', { name: '下载 Excel' }).click();
  expect((await xlsx).suggestedFilename()).toBe('医保进销存-全部库房-2026-09.xlsx');
  await screenshot(page, 'insurance-export-03-all');
});

test('a village doctor exports only their own clinic, on a phone', async ({ browser }) => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const doctor = await phone.newPage();
  await signIn(doctor, 'cy02');
  await doctor.goto(`${server.url}settlement/insurance-export?period=2026-10`);
  await expect(doctor.getByText('西岭村卫生室').first()).toBeVisible();
  await expect(doctor.getByRole('combobox', { name: '导出库房' })).toHaveCount(0);
  await expectNoSidewaysScroll(doctor, 390);
  await screenshot(doctor, 'insurance-export-04-doctor-phone');
  await phone.close();
});
