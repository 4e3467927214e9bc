import type { Page, Route } from '@playwright/test';
import { expect, login, screenshot, serverForFile, test } from './fixtures';

/**
 * The hub's desk on the demo hub (issues 17, 24): a slow screen keeps its frame and says what it is computing while
 * the answer is on its way (the answer is held back with page.route, so nothing here depends on the machine's speed).
 */
test.describe.configure({ mode: 'serial' });

const server = serverForFile({ demo: true });

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

/** Rows (table rows or inbox entries) wholly inside the window, the page not scrolled. */
async function rowsInView(page: Page): Promise<{ inView: number; present: number; scrolled: number }> {
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll('tr.ant-table-row, .inbox-item')].filter((r) => r.getBoundingClientRect().height > 0);
    const inView = rows.filter((r) => {
      const b = r.getBoundingClientRect();
      return b.top >= 0 && b.bottom <= window.innerHeight;
    }).length;
    return { inView, present: rows.length, scrolled: window.scrollY };
  });
}

test('every hub list shows at least ten rows at 1366×768 without scrolling the page', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1366, height: 768 });
  await login(page, server.url, 'admin', 'santong-demo');
  await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
  const lists: [string, string, string][] = [
    ['/stocktake', '盘点与抽查', 'stocktake'],
    ['/stock/receipts', '验收入库', 'receipts'],
    ['/stock/deliveries', '配送出库', 'deliveries'],
    ['/purchasing/orders?status=all', '采购订单', 'orders'],
    ['/purchasing/review?f=all', '请领审核', 'review'],
    ['/stock/on-hand', '库存查询', 'onhand'],
    ['/supervision/signals', '异常信号', 'signals'],
    ['/system/audit', '审计日志', 'audit'],
    ['/master/drugs', '药品目录', 'drugs'],
  ];
  const check = async (name: string) => {
    // Rows, or (库存台账 of a drug without movements this month) the table's empty state.
    await expect(page.locator('tr.ant-table-row:visible, .inbox-item:visible, .ant-table-placeholder:visible').first()).toBeVisible({ timeout: 30_000 });
    const { inView, present, scrolled } = await rowsInView(page);
    expect(scrolled, name).toBe(0);
    expect(inView, `${name}: ${inView} of ${present} rows in view`).toBeGreaterThanOrEqual(Math.min(10, present));
    await screenshot(page, `desk-dense-${name}-1366`);
  };
  for (const [path, heading, name] of lists) {
    await page.goto(new URL(path, server.url).href);
    await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
    if (name === 'deliveries') await page.getByRole('tab', { name: '配送单' }).click();
    await check(name);
  }
  // 库存台账 of the hub's first drug in stock, opened from 库存查询.
  await page.goto(new URL('/stock/on-hand', server.url).href);
  await page.locator('tr.ant-table-row').getByRole('link', { name: '台账', exact: true }).first().click();
  await expect(page.getByRole('heading', { name: '库存台账' })).toBeVisible();
  await check('card');
});
