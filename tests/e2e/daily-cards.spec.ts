import type { Page } from '@playwright/test';
import { expect, newDevicePage, screenshot, serverForFile, test } from './fixtures';
import { expectNoSidewaysScroll, openMenu, openPage, signIn } from './pages/app';
import { api, seedTownship, stockClinic } from './seed';

test.describe.configure({ mode: 'serial' });

const PASSWORD = 'Qingshi2026';
const server = serverForFile();
let storeId: number;
let amoxId: number;
let stocktakeId: number;

test.beforeAll(async ({ browser }) => {
  const { clinicId, pharmacist, doctor, ids } = await seedTownship(browser, server.url, PASSWORD);
  amoxId = ids.amox;
  await stockClinic(pharmacist, doctor, clinicId, [
    { drugId: ids.amox, lots: [{ batchNo: 'A2611', expiryDate: '2028-10-31', qty: 48 }] },
    { drugId: ids.ibu, lots: [{ batchNo: 'B2607', expiryDate: '2026-07-31', qty: 60 }] },
  ]);
  const stores = (await api(pharmacist, 'stock.stores', {})) as { id: number; kind: string; clinicId: number | null }[];
  storeId = stores.find((s) => s.kind === 'clinic' && s.clinicId === clinicId)!.id;
  // The doctor counts the shelf (one capsule of 阿莫西林 short) and submits: the sheet waits for the hub's review.
  const st = await api(pharmacist, 'stocktakes.create', { kind: 'full', storeId, counterMode: 'self', blind: false });
  stocktakeId = st.id;
  const lines = st.lines as { id: number; drugId: number; bookQtyAtStart: number }[];
  await api(doctor, 'stocktakes.count', {
    id: st.id,
    entries: lines.map((l) => ({ lineId: l.id, countedQty: l.drugId === ids.amox ? l.bookQtyAtStart - 1 : l.bookQtyAtStart })),
  });
  await api(doctor, 'stocktakes.submit', { id: st.id });
});

const cards = (page: Page) => page.locator('.phone-card');

test('on a 390 px phone the clinic’s stock, stock card, delivery notes and stocktake lines are cards with every figure, never scrolled sideways', async ({
  browser,
}) => {
  const page = await newDevicePage(browser, 390);
  await signIn(page, server.url, 'cy01', PASSWORD);

  // 本室库存: a card per drug, its lots with expiry and quantity in the drug's units.
  await openMenu(page, '库存查询', '本室库存');
  const amox = cards(page).filter({ hasText: '阿莫西林胶囊' });
  await expect(amox).toContainText('批号 A2611');
  await expect(amox).toContainText('有效期至 2028-10-31');
  await expect(amox).toContainText('2盒');
  await expect(cards(page).filter({ hasText: '布洛芬缓释胶囊' })).toContainText('近效期');
  await expect(amox.getByRole('button', { name: '报损' })).toBeVisible();
  await expectNoSidewaysScroll(page, 390);
  await screenshot(page, 'cards-onhand-390');

  // 库存台账 of 阿莫西林: each movement a card with its lot, the quantity and the balance.
  await amox.getByRole('link', { name: '库存台账' }).tap();
  await expect(page.getByRole('heading', { name: '库存台账' })).toBeVisible();
  const received = cards(page)
    .filter({ hasText: '配送入库' })
    .or(cards(page).filter({ hasText: '收入' }))
    .first();
  await expect(received).toContainText('A2611');
  await expect(received).toContainText('2盒');
  await expect(page.getByLabel('月份')).toBeVisible();
  await expectNoSidewaysScroll(page, 390);
  await screenshot(page, 'cards-stockcard-390');

  // 配送签收 → the signed delivery note, then its lines with lot, expiry and quantities.
  await openMenu(page, '配送签收', '配送签收');
  const note = cards(page)
    .filter({ hasText: /CK-\d{6}-\d{4}/ })
    .first();
  await expect(note).toContainText('已签收');
  await expectNoSidewaysScroll(page, 390);
  await screenshot(page, 'cards-deliveries-390');
  await note.getByRole('button', { name: /CK-/ }).tap();
  const drawer = page.locator('.ant-drawer');
  const line = drawer.locator('.phone-card').filter({ hasText: '阿莫西林胶囊' });
  await expect(line).toContainText('A2611');
  await expect(line).toContainText('2028-10-31');
  await expect(line).toContainText('2盒');
  await expectNoSidewaysScroll(page, 390);
  await screenshot(page, 'cards-delivery-detail-390');
  await page.keyboard.press('Escape');

  // 盘点明细: each counted lot a card with book, count and the variance in units.
  await openPage(page, `${server.url}stocktake/${stocktakeId}`, /PD-/);
  const counted = cards(page).filter({ hasText: '阿莫西林胶囊' });
  await expect(counted).toContainText('A2611');
  await expect(counted).toContainText('2028-10-31');
  await expect(counted).toContainText('1盒23粒');
  await expectNoSidewaysScroll(page, 390);
  await screenshot(page, 'cards-stocktake-390');
  await page.context().close();
});

test('the same screens at 1366 and 1440 px keep their tables', async ({ browser }) => {
  for (const width of [1366, 1440]) {
    const page = await newDevicePage(browser, width);
    await signIn(page, server.url, 'cy01', PASSWORD);
    await openMenu(page, '库存查询', '本室库存');
    await expect(page.getByRole('columnheader', { name: '最早效期' })).toBeVisible();
    await expect(cards(page)).toHaveCount(0);
    await screenshot(page, `cards-onhand-${width}`);
    await page.goto(`${server.url}stock/card?store=${storeId}&drug=${amoxId}`);
    await expect(page.getByRole('columnheader', { name: '结存金额' })).toBeVisible();
    await screenshot(page, `cards-stockcard-${width}`);
    await openMenu(page, '配送签收', '配送签收');
    await page
      .getByRole('button', { name: /CK-\d{6}-\d{4}/ })
      .first()
      .click();
    await expect(page.locator('.ant-drawer').getByRole('columnheader', { name: '有效期至' })).toBeVisible();
    await screenshot(page, `cards-delivery-detail-${width}`);
    await page.keyboard.press('Escape');
    await openPage(page, `${server.url}stocktake/${stocktakeId}`, /PD-/);
    await expect(page.getByRole('columnheader', { name: '实盘' })).toBeVisible();
    await screenshot(page, `cards-stocktake-${width}`);
    await page.context().close();
  }
});
