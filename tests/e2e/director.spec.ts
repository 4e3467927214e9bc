import path from 'node:path';
import type { Locator } from '@playwright/test';
import { expect, login, SCREENSHOT_DIR, serverForFile, shotsIn, test } from './fixtures';
import { openMenu } from './pages/app';

test.describe.configure({ mode: 'serial' });

/** The 院长 of the demo hub reads every hub figure, sees no button that writes, and the server refuses a write. */
const server = serverForFile({ demo: true });

const SHOTS = path.join(SCREENSHOT_DIR, 'director');
const shot = shotsIn('director');

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

/**
 * The dashboard in daily use (the hub's clock is 2026-03-16, the device's 2031): the running month is marked as
 * partial, the consumption trend draws the top clinics only, a column opens from its empty space, the clinic filter
 * is searched by name or code.
 */
test('the dashboard marks the month so far, draws the top clinics, opens whole columns and searches clinics', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await login(page, server.url, 'yuanzhang', 'santong-demo');
  await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
  await openMenu(page, '三保看板', '三保看板');

  // 1. The hub's March is partial, by the hub's clock (the device is in 2031): the note and every trend's axis say so.
  await expect(page.getByTestId('partial-month-note')).toContainText('2026年3月是本月，数字只到 3月16日，不是整月');
  await expect(page.getByTestId('partial-month-note')).toContainText('3月（至今）');
  for (const name of ['医保目录药品占比按月', '集采药品占比与节约金额', '用药金额趋势', '账实相符率按月']) {
    const axis = page.getByRole('img', { name }).first();
    await expect(axis).toHaveAttribute('aria-description', /、2月、3月（至今）$/);
    expect((await axis.getAttribute('aria-description'))?.match(/至今/g)).toHaveLength(1);
  }

  // 2. The consumption trend: at most the top 5 clinics (one legend entry each), the others in the table below it.
  const trend = page.getByTestId('consumption-trend');
  await expect(trend.locator('canvas')).toBeVisible();
  const lines = Number(await trend.getAttribute('data-series'));
  expect(lines).toBeGreaterThanOrEqual(1);
  expect(lines).toBeLessThanOrEqual(6);
  const rest = page.getByTestId('consumption-rest-note');
  await expect(rest).toContainText(`图中只画前 ${lines} 个`);
  const others = Number(/其余 (\d+) 个卫生室见下表/.exec((await rest.textContent()) ?? '')?.[1]);
  expect(lines + others).toBe(22);
  await expect(page.locator('.consumption-ranking tbody tr.ant-table-row')).toHaveCount(22);
  await expect(page.locator('.consumption-ranking .line-dot')).toHaveCount(lines);
  await shot(page, 'dashboard-full-1366');

  // 3. A click in the empty space above the month-so-far's short bar (the last column) opens that month.
  const vbp = page.getByRole('img', { name: '集采药品占比与节约金额' });
  await vbp.scrollIntoViewIfNeeded();
  // The grid's top is 40 px down: a point just under it, in the middle of the last column.
  const at = { x: (await columns(vbp)).at(-1)!, y: 48 };
  await expectEmptyAt(vbp, at);
  await vbp.click({ position: at });
  const drawer = page.getByRole('dialog');
  await expect(drawer.getByText('2026-03 中心库采购入库明细', { exact: true })).toBeVisible();
  // 5. The drawer: its title, what it is limited to (the month so far), a total and the exports.
  await expect(drawer.locator('.drill-filter')).toContainText('只看 2026-03，全乡（2026-03 为本月，只到 2026-03-16，不是整月）');
  await expect(drawer.locator('.drill-total')).toContainText(/共 \d+ 行，合计 ¥/);
  await expect(drawer.getByRole('button', { name: /导出 Excel/ })).toBeVisible();
  await expect(drawer.getByRole('button', { name: /打印/ })).toBeVisible();
  await shot(page, 'dashboard-column-drill-1366');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();

  // The same below a clinic's bar: the empty top of the first column of 断货天数 opens that clinic.
  const stockouts = page.getByRole('img', { name: '各村卫生室断货天数' });
  await stockouts.scrollIntoViewIfNeeded();
  const first = { x: (await columns(stockouts))[0], y: 48 };
  await expectEmptyAt(stockouts, first);
  await stockouts.click({ position: first });
  await expect(drawer.getByText(/断货明细/)).toBeVisible();
  await expect(drawer.locator('.drill-filter')).toContainText('2025-10 至 2026-03，东湖村卫生室');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();

  // 4. The clinic filter is searched by part of a name or by code.
  const filter = page.getByRole('combobox', { name: '村卫生室' });
  await filter.click();
  const options = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
  await expect(options.first()).toBeVisible();
  await filter.fill('坪');
  await expect(options).toHaveText(['C05 上坪村卫生室', 'C06 下坪村卫生室']);
  await filter.fill('');
  await filter.fill('c22');
  await expect(options).toHaveText(['C22 新民村卫生室']);
  await filter.press('Enter');
  await expect(page.locator('.ant-select').filter({ has: filter })).toContainText('C22 新民村卫生室');
  await expect(page.getByText('配送到本室，目标 ≥ 70%')).toBeVisible();
  await expect(page.getByTestId('consumption-rest-note')).toHaveCount(0);
  await expect(trend).toHaveAttribute('data-series', /^[01]$/);
  await shot(page, 'dashboard-one-clinic-1366');
});

/** The middle of each column of a chart, in pixels from its left (the chart writes them into `data-columns`). */
async function columns(chart: Locator): Promise<number[]> {
  await expect(chart).toHaveAttribute('data-columns', /\d/);
  return ((await chart.getAttribute('data-columns')) ?? '').split(',').map(Number);
}

/** Nothing is painted at this point of the chart's canvas but its background or a light grid line: no bar, no line. */
async function expectEmptyAt(chart: Locator, at: { x: number; y: number }): Promise<void> {
  const pixel = await chart.locator('canvas').evaluate((c: HTMLCanvasElement, p) => {
    const r = c.width / c.getBoundingClientRect().width;
    return [...c.getContext('2d')!.getImageData(Math.round(p.x * r), Math.round(p.y * r), 1, 1).data];
  }, at);
  expect(pixel[3] === 0 || pixel.slice(0, 3).every((v) => v >= 200), `the pixel at ${at.x},${at.y} is ${pixel}`).toBe(true);
}

for (const width of [390, 1440]) {
  test(`the 院长's dashboard at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 1000 });
    await login(page, server.url, 'yuanzhang', 'santong-demo');
    await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
    await openMenu(page, '三保看板', '三保看板');
    await expect(page.getByTestId('consumption-trend').locator('canvas')).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/dashboard-${width}.png` });
    // Nothing runs off the side: the page never scrolls sideways, at a phone's width either.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await shot(page, `dashboard-full-${width}`);
    await openMenu(page, '月结', '月结');
    await page.screenshot({ path: `${SHOTS}/periods-${width}.png` });
  });
}
