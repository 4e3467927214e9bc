import type { Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import { expect, newDevicePage, serverForFile, shotsIn, test } from './fixtures';
import { choose, expectNoSidewaysScroll, openMenu, signIn } from './pages/app';
import { api, apiAs } from './seed';

test.describe.configure({ mode: 'serial' });

const PASSWORD = 'santong-demo';
const shot = shotsIn('ui-rest');
const server = serverForFile({ demo: true });

/** A page by its address (the phone's menu folds its groups away). */
async function open(page: Page, path: string, heading: string) {
  await page.goto(new URL(path, server.url).href);
  await expect(page.getByRole('heading', { name: heading }).first()).toBeVisible();
}

async function readSheet(file: string): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb.worksheets[0];
}

test('审计日志: the detail reads 字段：旧值 → 新值, 导出 Excel has every filtered row, 打印 lists them, the filter is remembered', async ({ browser }) => {
  test.setTimeout(240_000);
  // The administrator changes a clinic's phone number: the log must say what it was and what it became.
  const admin = await apiAs(browser, server.url, 'admin', PASSWORD);
  const clinics = (await api(admin, 'clinics.list', { includeInactive: false })) as {
    id: number;
    code: string;
    name: string;
    village: string | null;
    address: string | null;
    phone: string | null;
  }[];
  const clinic = clinics[0];
  await api(admin, 'clinics.update', { ...clinic, phone: '0731-84009999', active: true });
  const change = `电话：${clinic.phone ?? '（空）'} → 0731-84009999`;

  const page = await newDevicePage(browser, 1366);
  await signIn(page, server.url, 'admin', PASSWORD);
  await openMenu(page, '审计日志', '审计日志');
  await choose(page, '卫生室', `${clinic.code} ${clinic.name}`);
  await expect(page).toHaveURL(new RegExp(`clinicId=${clinic.id}`));
  const first = page.locator('.ant-table-row').first();
  await expect(first).toContainText('clinics.update');
  await first.locator('.ant-table-row-expand-icon').click();
  const lines = page.locator('.audit-lines').first();
  await expect(lines).toContainText(change);
  await expect(lines).not.toContainText('{');
  await shot(page, 'audit-1366');
  const total = Number((await page.locator('.ant-pagination-total-text').textContent())!.match(/共 (\d+) 条/)![1]);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出 Excel' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^审计日志-\d{4}-\d{2}-\d{2}\.xlsx$/);
  const ws = await readSheet(await file.path());
  expect(String(ws.getCell(3, 1).value)).toContain(`卫生室：${clinic.name}`);
  expect(ws.getCell(4 + total + 1, 1).value).toBe(`共 ${total} 条`);
  expect(String(ws.getCell(5, 10).value)).toContain(change);

  await page.getByRole('button', { name: '打印' }).click();
  await expect(page).toHaveURL(new RegExp(`/print/audit-log\\?clinicId=${clinic.id}`));
  const doc = page.locator('.print-doc');
  await expect(doc.getByRole('heading', { name: '审计日志' })).toBeVisible();
  await expect(doc.locator('.print-meta')).toContainText(`卫生室：${clinic.name}`);
  await expect(doc.locator('.print-table tbody tr').first()).toContainText(change);
  await expect(doc.locator('.print-totals')).toContainText(`共 ${Math.min(total, 2000)} 条`);
  await expect(doc.locator('.print-signature')).toHaveText(['核查人：日期：', '负责人：日期：']);
  await shot(page, 'audit-print-1366');

  // Leave for the workbench and come back from the menu: the clinic filter is still chosen.
  await page.goto(new URL('/', server.url).href);
  await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
  await openMenu(page, '审计日志', '审计日志');
  await expect(page).toHaveURL(new RegExp(`clinicId=${clinic.id}`));
  await expect(page.locator('.ant-select').filter({ has: page.getByRole('combobox', { name: '卫生室' }) })).toContainText(clinic.name);
  await page.close();

  for (const width of [1440, 390]) {
    const p = await newDevicePage(browser, width);
    await signIn(p, server.url, 'admin', PASSWORD);
    await p.goto(new URL('/system/audit', server.url).href);
    await expect(p.getByRole('heading', { name: '审计日志' })).toBeVisible();
    await expect(p.locator('.ant-table-row').first()).toBeVisible();
    await shot(p, `audit-${width}`);
    await p.close();
  }
});

test('三保看板: a drill-down drawer has its title and total, exports its rows to Excel and prints them', async ({ browser }) => {
  test.setTimeout(240_000);
  for (const width of [1366, 1440, 390]) {
    const page = await newDevicePage(browser, width);
    await signIn(page, server.url, 'caiwu', PASSWORD);
    await open(page, '/supervision/dashboard', '三保看板');
    await page.getByText('医保目录占比（金额）').click();
    const drawer = page.getByRole('dialog');
    await expect(drawer.getByText('中心库采购入库明细（医保目录内）')).toBeVisible();
    await expect(drawer.locator('tbody tr.ant-table-row').first()).toContainText('RK');
    const totalLine = drawer.locator('.drill-total');
    await expect(totalLine).toContainText(/共 \d+ 行，合计 ¥[\d,]+\.\d\d/);
    await shot(page, `drill-${width}`);
    if (width !== 1366) {
      await page.close();
      continue;
    }
    const rows = Number((await totalLine.textContent())!.match(/共 (\d+) 行/)![1]);
    const amount = (await totalLine.textContent())!.match(/合计 ¥([\d,]+\.\d\d)/)![1];

    const download = page.waitForEvent('download');
    await drawer.getByRole('button', { name: '导出 Excel' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/中心库采购入库明细（医保目录内）.*\.xlsx$/);
    const ws = await readSheet(await file.path());
    expect(String(ws.getCell(2, 1).value)).toContain('中心库采购入库明细（医保目录内）');
    expect(ws.getCell(4 + rows + 1, 1).value).toBe(`合计（${rows} 行）`);

    await drawer.getByRole('button', { name: '打印' }).click();
    await expect(page).toHaveURL(/\/print\/drilldown\?from=\d{4}-\d{2}&to=\d{4}-\d{2}&figure=insurance/);
    const doc = page.locator('.print-doc');
    await expect(doc.getByRole('heading', { name: /中心库采购入库明细（医保目录内）/ })).toBeVisible();
    await expect(doc.locator('.print-meta')).toContainText('全乡');
    await expect(doc.locator('.print-table tbody tr:not(.print-totals)')).toHaveCount(rows);
    await expect(doc.locator('.print-totals')).toContainText(amount);
    await expect(doc.locator('.print-signature')).toHaveText(['制表人：日期：', '审核人：日期：', '负责人：日期：']);
    await shot(page, 'drill-print-1366');
    await page.close();
  }
});

test('配送出库 and 上报地市 fit a 390 px phone without sideways scroll', async ({ browser }) => {
  test.setTimeout(240_000);
  for (const [user, width] of [
    ['yaoku', 390],
    ['admin', 390],
    ['yaoku', 1366],
    ['yaoku', 1440],
  ] as const) {
    const page = await newDevicePage(browser, width);
    await signIn(page, server.url, user, PASSWORD);
    if (user === 'yaoku') {
      await open(page, '/stock/deliveries', '配送出库');
      await expect(page.getByRole('tab', { name: '待配送' })).toBeVisible();
      await expect(page.getByRole('combobox', { name: '村卫生室' }).or(page.getByText('没有待配送的请领'))).toBeVisible();
      if (width === 390) await expectNoSidewaysScroll(page);
      await shot(page, `deliveries-pending-${width}`);
      await page.getByRole('tab', { name: '配送单' }).click();
      await expect(page.getByText(/CK-\d{6}-\d{4}/).first()).toBeVisible();
      if (width === 390) await expectNoSidewaysScroll(page);
      await shot(page, `deliveries-list-${width}`);
    }
    await open(page, '/supervision/prefecture', '上报地市');
    await expect(page.getByText(/^\d{4}-\d{2}$/).first()).toBeVisible();
    if (width === 390) await expectNoSidewaysScroll(page);
    await shot(page, `prefecture-${user}-${width}`);
    await page.close();
  }
});

test('盘点 list shows every column at 1366 × 768 and at 1440, the last one inside the window', async ({ browser }) => {
  test.setTimeout(120_000);
  for (const width of [1366, 1440]) {
    const page = await newDevicePage(browser, width);
    await signIn(page, server.url, 'yaoku', PASSWORD);
    await open(page, '/stocktake', '盘点与抽查');
    const last = page.getByRole('columnheader', { name: '审核 / 作废' });
    await expect(last).toBeVisible();
    await expect(page.locator('.ant-table-row').first()).toBeVisible();
    const box = (await last.boundingBox())!;
    expect(box.x + box.width, 'the last column ends inside the window').toBeLessThanOrEqual(width);
    expect(box.width, 'the last column is not squeezed away').toBeGreaterThan(60);
    // The table itself does not scroll sideways: every column is in view.
    const overflow = await page
      .locator('.ant-table-content, .ant-table-body')
      .first()
      .evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await expectNoSidewaysScroll(page, width);
    await shot(page, `stocktakes-${width}`);
    await page.close();
  }
});

test('filters come back after leaving and returning: 库存预警, 异常信号, 配送单', async ({ browser }) => {
  test.setTimeout(180_000);
  const page = await newDevicePage(browser, 1366);
  await signIn(page, server.url, 'yaoku', PASSWORD);
  const away = async () => {
    await page.goto(new URL('/', server.url).href);
    await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
  };

  await openMenu(page, '库存预警', '库存预警');
  await page.locator('.ant-segmented-item').filter({ hasText: '近效期' }).click();
  await expect(page).toHaveURL(/kind=near_expiry/);
  const search = page.getByRole('searchbox', { name: '搜索药品' }).or(page.getByLabel('搜索药品'));
  await search.first().fill('阿莫西林');
  await search.first().press('Enter');
  await expect(page).toHaveURL(/kind=near_expiry/);
  await expect(page).toHaveURL(/q=/);
  await expect(page.locator('.ant-segmented-item-selected')).toContainText('近效期');
  await away();
  await openMenu(page, '库存预警', '库存预警');
  await expect(page).toHaveURL(/kind=near_expiry/);
  await expect(page.locator('.ant-segmented-item-selected')).toContainText('近效期');
  await expect(search.first()).toHaveValue('阿莫西林');

  await openMenu(page, '异常信号', '异常信号');
  const clinics = page.getByRole('combobox', { name: '村卫生室' });
  await clinics.click();
  const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option').first();
  const clinicName = (await option.getAttribute('title'))!;
  await option.click();
  await expect(page).toHaveURL(/clinic=\d+/);
  // As a person does: the filtered list shows before leaving.
  await expect(page.locator('.ant-select').filter({ has: clinics })).toContainText(clinicName);
  await expect(page.locator('.ant-table-row').first()).toContainText(clinicName.split(' ').pop()!);
  await away();
  await openMenu(page, '异常信号', '异常信号');
  await expect(page).toHaveURL(/clinic=\d+/);
  await expect(page.locator('.ant-select').filter({ has: clinics })).toContainText(clinicName);

  await openMenu(page, '配送出库', '配送出库');
  await page.getByRole('tab', { name: '配送单' }).click();
  await choose(page, '状态', '已签收');
  await expect(
    page
      .getByRole('tabpanel', { name: '配送单' })
      .getByRole('row', { name: /^CK-\d{6}-\d{4} .* 已签收/ })
      .first(),
  ).toBeVisible();
  await away();
  await openMenu(page, '配送出库', '配送出库');
  await page.getByRole('tab', { name: '配送单' }).click();
  await expect(page.locator('.ant-select').filter({ has: page.getByRole('combobox', { name: '状态' }) })).toContainText('已签收');
  await shot(page, 'deliveries-remembered-1366');
  await page.close();
});
