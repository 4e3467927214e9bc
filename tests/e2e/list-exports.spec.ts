/**
 * Lists that print and export (issue 17): on 库存台账 the pharmacist clicks 导出 Excel (a workbook is
 * downloaded) and 打印 (the print page lists the card's movements under its heading, filter line and
 * signature rows); 库存查询 prints and exports its filtered list; the chosen 库房 and filter come back when the
 * pharmacist leaves the page and returns. Screenshots at 390, 1366 and 1440 px for people to look at.
 */
import fs from 'node:fs';
import { expect, newDevicePage, screenshot, serverForFile, test } from './fixtures';
import { choose, openMenu, signIn } from './pages/app';
import { api, seedTownship, stockClinic } from './seed';

test.describe.configure({ mode: 'serial' });

const PASSWORD = 'Qingshi2026';
const server = serverForFile();
let storeId: number;
let amoxId: number;

test.beforeAll(async ({ browser }) => {
  const { clinicId, pharmacist, doctor, ids } = await seedTownship(browser, server.url, PASSWORD);
  amoxId = ids.amox;
  await stockClinic(pharmacist, doctor, clinicId, [{ drugId: ids.amox, lots: [{ batchNo: 'A2611', expiryDate: '2028-10-31', qty: 48 }] }]);
  const stores = (await api(pharmacist, 'stock.stores', {})) as { id: number; kind: string; clinicId: number | null }[];
  storeId = stores.find((s) => s.kind === 'clinic' && s.clinicId === clinicId)!.id;
});

test('库存台账: 导出 Excel downloads the card, 打印 shows its movements with the filter line and signature rows', async ({ browser }) => {
  for (const width of [1366, 1440, 390]) {
    const page = await newDevicePage(browser, width);
    await signIn(page, server.url, 'yaoku', PASSWORD);
    await page.goto(new URL(`/stock/card?store=${storeId}&drug=${amoxId}`, server.url).href);
    await expect(page.getByRole('heading', { name: '库存台账' })).toBeVisible();
    await expect(page.getByText('A2611').first()).toBeVisible();
    await screenshot(page, `stock-card-${width}`);
    if (width !== 1366) {
      await page.close();
      continue;
    }

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出 Excel' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^库存台账-.+-阿莫西林胶囊-\d{4}-\d{2}-\d{2}至\d{4}-\d{2}-\d{2}\.xlsx$/);
    expect(fs.statSync(await file.path()).size).toBeGreaterThan(4000);

    await page.getByRole('button', { name: '打印' }).click();
    await expect(page).toHaveURL(/\/print\/stock-card\?store=\d+&drug=\d+&from=/);
    const doc = page.locator('.print-doc');
    await expect(doc.getByRole('heading', { name: '药品账页（库存台账）' })).toBeVisible();
    await expect(doc.locator('.print-meta')).toContainText('库房');
    await expect(doc.locator('.print-meta')).toContainText('日期');
    const rows = doc.locator('.print-table tbody tr:not(.print-totals)');
    await expect(rows.filter({ hasText: 'A2611' }).first()).toContainText(/CK-\d{6}-\d{4}/);
    await expect(doc.locator('.print-totals')).toContainText('本期合计');
    await expect(doc.locator('.print-signature')).toHaveText(['记账人：日期：', '复核人：日期：', '负责人：日期：']);
    await screenshot(page, 'stock-card-print-1366');
    await page.close();
  }
});

test('库存查询 remembers the chosen 库房 and filter after leaving and returning, and prints and exports what it shows', async ({ browser }) => {
  test.setTimeout(300_000);
  for (const width of [1366, 1440, 390]) {
    const page = await newDevicePage(browser, width);
    await signIn(page, server.url, 'yaoku', PASSWORD);
    await openMenu(page, '库存查询', '库存查询');
    if (width === 1366) {
      await choose(page, '库房', /东湖村卫生室/);
      await page.getByText('近效期', { exact: true }).click();
      await expect(page.locator('.ant-segmented-item-selected')).toHaveText('近效期');
      await page.getByText('有库存', { exact: true }).click();
      await expect(page.locator('.ant-table-row').filter({ hasText: '阿莫西林胶囊' })).toBeVisible();
      // Leave for the workbench, come back: the clinic's store and the filter are still chosen.
      await page
        .getByRole('menuitem', { name: /工作台/ })
        .first()
        .click();
      await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
      await openMenu(page, '库存查询', '库存查询');
      await expect(page.locator('.ant-select').filter({ has: page.getByRole('combobox', { name: '库房' }) })).toContainText('东湖村卫生室');
      await expect(page.locator('.ant-segmented-item-selected')).toHaveText('有库存');
      await page.getByText('近效期', { exact: true }).click();
      await page.reload();
      await expect(page.getByRole('heading', { name: '库存查询' })).toBeVisible();
      await expect(page.locator('.ant-segmented-item-selected')).toHaveText('近效期');
      await page.getByText('有库存', { exact: true }).click();
      await expect(page.locator('.ant-table-row').filter({ hasText: '阿莫西林胶囊' })).toBeVisible();

      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: '导出 Excel' }).click();
      expect((await download).suggestedFilename()).toMatch(/^库存-东湖村卫生室-\d{4}-\d{2}-\d{2}\.xlsx$/);
      await page.getByRole('button', { name: '打印' }).click();
      await expect(page).toHaveURL(/\/print\/on-hand\?store=\d+&filter=in_stock/);
      const doc = page.locator('.print-doc');
      await expect(doc.getByRole('heading', { name: '药品库存表' })).toBeVisible();
      await expect(doc.locator('.print-meta')).toContainText('东湖村卫生室');
      await expect(doc.locator('.print-table tbody tr').filter({ hasText: 'A2611' })).toContainText('阿莫西林胶囊');
      await expect(doc.locator('.print-signature')).toHaveText(['保管员：日期：', '复核人：日期：', '负责人：日期：']);
      await screenshot(page, 'on-hand-print-1366');
      await page.goBack();
      await expect(page.getByRole('heading', { name: '库存查询' })).toBeVisible();
    } else {
      await choose(page, '库房', /东湖村卫生室/);
    }
    await expect(page.locator('.ant-table-row, .phone-card').filter({ hasText: '阿莫西林胶囊' }).first()).toBeVisible();
    await screenshot(page, `on-hand-${width}`);
    await page.close();
  }
});
