/**
 * Lists that print and export (issue 17): on 库存台账 the pharmacist clicks 导出 Excel (a workbook is
 * downloaded) and 打印 (the print page lists the card's movements under its heading, filter line and
 * signature rows). Screenshots at 390, 1366 and 1440 px for people to look at.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { expect, E2E_CLOCK, SCREENSHOT_DIR, startServer, test, type ServerHandle } from './fixtures';
import { signIn } from './pages/app';
import { api, seedTownship, stockClinic } from './seed';

test.describe.configure({ mode: 'serial' });

const PASSWORD = 'Qingshi2026';
let server: ServerHandle;
let storeId: number;
let amoxId: number;

test.beforeAll(async ({ browser }) => {
  server = await startServer({ clock: E2E_CLOCK });
  const { clinicId, pharmacist, doctor, ids } = await seedTownship(browser, server.url, PASSWORD);
  amoxId = ids.amox;
  await stockClinic(pharmacist, doctor, clinicId, [{ drugId: ids.amox, lots: [{ batchNo: 'A2611', expiryDate: '2028-10-31', qty: 48 }] }]);
  const stores = (await api(pharmacist, 'stock.stores', {})) as { id: number; kind: string; clinicId: number | null }[];
  storeId = stores.find((s) => s.kind === 'clinic' && s.clinicId === clinicId)!.id;
});
test.afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

async function shot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const shots = process.env.SHOTS_DIR;
  if (shots) {
    fs.mkdirSync(shots, { recursive: true });
    fs.copyFileSync(file, path.join(shots, `${name}.png`));
  }
}

async function device(browser: Browser, width: number): Promise<Page> {
  const context =
    width === 390
      ? await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
      : await browser.newContext({ viewport: { width, height: width === 1366 ? 768 : 900 } });
  return context.newPage();
}

test('库存台账: 导出 Excel downloads the card, 打印 shows its movements with the filter line and signature rows', async ({ browser }) => {
  for (const width of [1366, 1440, 390]) {
    const page = await device(browser, width);
    await signIn(page, server.url, 'yaoku', PASSWORD);
    await page.goto(new URL(`/stock/card?store=${storeId}&drug=${amoxId}`, server.url).href);
    await expect(page.getByRole('heading', { name: '库存台账' })).toBeVisible();
    await expect(page.getByText('A2611').first()).toBeVisible();
    await shot(page, `stock-card-${width}`);
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
    await shot(page, 'stock-card-print-1366');
    await page.close();
  }
});
