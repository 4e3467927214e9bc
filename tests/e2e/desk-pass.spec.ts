import fs from 'node:fs';
import type { Page, Route } from '@playwright/test';
import { expect, login, screenshot, E2E_CLOCK, startServer, test, type ServerHandle } from './fixtures';

/**
 * The hub's desk on the demo hub (issues 17, 24): a slow screen keeps its frame and says what it is computing while
 * the answer is on its way (the answer is held back with page.route, so nothing here depends on the machine's speed).
 */
test.describe.configure({ mode: 'serial' });

let server: ServerHandle;
test.beforeAll(async () => {
  test.setTimeout(300_000);
  server = await startServer({ demo: true, clock: E2E_CLOCK });
});
test.afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

/** Holds every answer of one API method until released, as a ten-year hub's open month would. */
async function holdMethod(page: Page, method: string): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(`**/api/${method}`, async (route: Route) => {
    await released;
    await route.continue();
  });
  return release;
}

test('a slow 三保看板 keeps its frame and says what it computes, then shows the figures', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await login(page, server.url, 'caiwu', 'santong-demo');
  await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
  const release = await holdMethod(page, 'supervision.dashboard');
  await page.goto(new URL('/supervision/dashboard', server.url).href);

  await expect(page.getByRole('heading', { name: '三保看板' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: '村卫生室' })).toBeVisible();
  const progress = page.getByRole('status').filter({ hasText: '正在汇总' });
  // The demo's clock is in March 2026 and February is closed: the text says which part is live.
  await expect(progress).toContainText('2025年10月至2026年3月');
  await expect(progress).toContainText('2026年2月及以前已结账、读取固化数据，其后未结账、实时计算');
  await expect(progress).toContainText('仍在后台进行；页面可以继续使用', { timeout: 15_000 });
  await screenshot(page, 'desk-dashboard-computing-1366');

  release();
  await expect(page.getByText('医保目录占比（金额）')).toBeVisible();
  await expect(progress).toBeHidden();
});

test('a slow 医保进销存上传 preview says so, and a closed month is marked as fixed', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await login(page, server.url, 'yaoku', 'santong-demo');
  await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
  const release = await holdMethod(page, 'insuranceExport.preview');
  await page.goto(new URL('/settlement/insurance-export?period=2026-03', server.url).href);

  await expect(page.getByRole('heading', { name: '医保进销存上传' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: '导出库房' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('正在生成 2026年3月（未结账月份，实时计算） 的 3501–3506 上传数据预览');
  await screenshot(page, 'desk-insurance-computing-1366');

  release();
  await expect(page.getByText('本月台账行数')).toBeVisible();
  await expect(page.getByText('未结账月份，数字随业务实时变化')).toBeVisible();
  await expect(page.getByRole('status')).toBeHidden();

  await page.goto(new URL('/settlement/insurance-export?period=2026-02', server.url).href);
  await expect(page.getByText('已结账月份，数据已固化')).toBeVisible();
});
