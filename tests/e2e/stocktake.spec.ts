import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, login, screenshot, SCREENSHOT_DIR, E2E_CLOCK, startServer, test, type ServerHandle } from './fixtures';
import { openMenu } from './pages/app';
import type { Browser } from '@playwright/test';
import { api, apiAs, seedCatalog, stockClinic } from './seed';

test.describe.configure({ mode: 'serial' });

const PASSWORD = 'Qingshi2026';

/**
 * A hub with one clinic holding two drugs (阿莫西林 from one supplier, 氨氯地平 from another), all through the
 * real workflows: catalog → request → orders → receipts → delivery → sign-off.
 */
async function seedHub(browser: Browser, url: string) {
  const setup = await browser.newContext({ baseURL: url });
  await api(setup.request, 'setup.initialize', { hubName: '青石镇卫生院', adminUsername: 'admin', adminDisplayName: '张院长', adminPassword: PASSWORD });
  const clinic = await api(setup.request, 'clinics.create', { code: 'C01', name: '东湖村卫生室', village: '东湖村' });
  await api(setup.request, 'clinics.create', { code: 'C02', name: '西岭村卫生室', village: '西岭村' });
  await api(setup.request, 'users.create', { username: 'yaoku', initialPassword: 'Chushi2026', displayName: '周药师', role: 'pharmacist', clinicId: null });
  await api(setup.request, 'users.create', {
    username: 'cy01',
    initialPassword: 'Chushi2026',
    displayName: '王建国',
    role: 'village_doctor',
    clinicId: clinic.id,
  });
  const yaoku = await apiAs(browser, url, 'yaoku', 'Chushi2026', PASSWORD);
  const cy01 = await apiAs(browser, url, 'cy01', 'Chushi2026', PASSWORD);
  const ids = await seedCatalog(yaoku);
  await stockClinic(yaoku, cy01, clinic.id, [
    { drugId: ids.amox, lots: [{ batchNo: 'A2506', expiryDate: '2028-06-30', qty: 48 }] },
    { drugId: ids.aml, lots: [{ batchNo: 'L2503', expiryDate: '2028-03-31', qty: 56 }] },
  ]);
  await setup.close();
}

// Its own server: the shared worker server may already have been set up by another spec file.
let server: ServerHandle;
test.beforeAll(async () => {
  server = await startServer({ clock: E2E_CLOCK });
});
test.afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

test('spot check: drawn by the pharmacist, counted blind by the doctor on a phone, approved, accuracy updated', async ({ page, browser }) => {
  await seedHub(browser, server.url);

  // The pharmacist sees that 东湖 has never been checked.
  await login(page, server.url, 'yaoku', PASSWORD);
  await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
  await openMenu(page, '账实相符率');
  const donghu = page.getByRole('row', { name: /东湖村卫生室/ });
  await expect(donghu).toContainText('从未盘点');

  // Draw a spot check of 2 drugs, self-counted, blind.
  await openMenu(page, '盘点与抽查');
  await page.getByRole('button', { name: '随机抽查' }).click();
  // On a loaded machine a click can land while the dropdown is still animating in: pick until it shows.
  const clinicSelect = page.locator('.ant-select').filter({ has: page.getByRole('combobox', { name: /村卫生室/ }) });
  await expect(async () => {
    await page.getByRole('combobox', { name: /村卫生室/ }).click();
    await page.locator('.ant-select-item-option[title="C01 东湖村卫生室"]').click({ timeout: 3_000 });
    await expect(clinicSelect).toContainText('C01 东湖村卫生室', { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await page.getByLabel('抽查药品种数').fill('2');
  await expect(page.getByLabel('村医自盘（村医在手机或电脑上录入）')).toBeChecked();
  await screenshot(page, 'stocktake-01-new-spot-check');
  await page.getByRole('button', { name: '抽取药品并开始' }).click();
  await expect(page.getByText(/^PD-\d{6}-0001$/)).toBeVisible();
  await expect(page.getByText('盘点中：已录入 0 / 2 行')).toBeVisible();
  await expect(page.getByText('随机抽样记录')).toBeVisible();
  await screenshot(page, 'stocktake-02-drawn');
  // The blind count sheet: every lot, a column to write the count in, no book figures.
  await page.getByRole('button', { name: '盘点表（盲盘）' }).click();
  await expect(page.getByRole('heading', { name: '药品盘点表（盲盘）' })).toBeVisible();
  await expect(page.locator('.print-table tbody tr')).toHaveCount(2);
  await expect(page.locator('.print-table thead')).toContainText('实盘数量');
  await expect(page.locator('.print-table thead')).not.toContainText('账面');
  await expect(page.getByText('盘点人：')).toBeVisible();
  await screenshot(page, 'stocktake-02b-count-sheet');
  await page.getByRole('button', { name: '返回' }).click();
  await expect(page.getByText('盘点中：已录入 0 / 2 行')).toBeVisible();

  // The doctor counts on a phone: no book figures anywhere.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const doc = await phone.newPage();
  await login(doc, server.url, 'cy01', PASSWORD);
  await expect(doc.getByRole('heading', { name: '工作台' })).toBeVisible();
  await doc.getByRole('button', { name: '打开导航菜单' }).click();
  await openMenu(doc, '本室盘点');
  await doc.getByRole('button', { name: '开始录入' }).click();
  await expect(doc.getByText('盲盘：请按货架上的实际数量录入，系统不显示账面数。')).toBeVisible();
  await expect(doc.getByText('开始时账面')).toHaveCount(0);
  // Not in the API answers either: the clinic's stock list withholds the counted drugs' figures meanwhile.
  const leak = await doc.evaluate(async () => {
    const post = (m: string, body: unknown) =>
      fetch(`/api/${m}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const list = await (await post('stocktakes.list', {})).json();
    const st = await (await post('stocktakes.get', { id: list[0].id })).json();
    const stores = await (await post('stock.stores', {})).json();
    const onHand = await (await post('stock.onHand', { storeId: stores[0].id, filter: 'all' })).json();
    const drawn = new Set(st.lines.map((l: { drugId: number }) => l.drugId));
    return {
      books: st.lines.map((l: { bookQty: unknown; bookQtyAtStart: unknown }) => [l.bookQty, l.bookQtyAtStart]),
      onHand: onHand.rows.filter((r: { drugId: number }) => drawn.has(r.drugId)).map((r: { bookHidden: boolean; qty: unknown }) => [r.bookHidden, r.qty]),
    };
  });
  expect(leak.books).toEqual([
    [null, null],
    [null, null],
  ]);
  expect(leak.onHand).toEqual([
    [true, null],
    [true, null],
  ]);
  await screenshot(doc, 'stocktake-03-doctor-blind-count');

  // 47 capsules on the shelf (1 box + 23), 56 tablets (2 boxes).
  await doc.getByLabel('阿莫西林胶囊 批号 A2506 实盘（盒）').fill('1');
  await doc.getByLabel('阿莫西林胶囊 批号 A2506 实盘（粒）').fill('23');
  await doc.getByRole('listitem').filter({ hasText: 'A2506' }).getByRole('button', { name: '录入' }).click();
  await expect(doc.getByText('已录入 1盒23粒')).toBeVisible();
  await doc.getByLabel('氨氯地平片 批号 L2503 实盘（盒）').fill('2');
  await doc.getByRole('listitem').filter({ hasText: 'L2503' }).getByRole('button', { name: '录入' }).click();
  await expect(doc.getByText('已录入 2盒')).toBeVisible();
  await expect(doc.getByRole('button', { name: '提交盘点结果' })).toBeEnabled();
  await doc.waitForTimeout(400); // let the progress bar finish its animation for the screenshot
  await screenshot(doc, 'stocktake-04-doctor-counted');
  await doc.getByRole('button', { name: '提交盘点结果' }).click();
  await doc.getByRole('button', { name: '提交', exact: true }).click();
  await expect(doc.getByText(/等待药库管理员审核/).first()).toBeVisible();
  // Still blind for the doctor after submitting: the stock page says why the counted drugs show no figures.
  await expect(doc.getByText('盘亏')).toHaveCount(0);
  const countPage = doc.url();
  await doc.goto(`${server.url}stock/on-hand`);
  await expect(doc.getByText('盲盘中，审核后可见', { exact: true })).toHaveCount(2);
  await expect(doc.getByText('有药品正在盲盘：库存金额审核后可见')).toBeVisible();
  await screenshot(doc, 'stocktake-04b-doctor-stock-while-blind');
  // The month's statement keeps the movements and what the clinic owes, not the counted drugs' balances.
  await doc.goto(`${server.url}settlement/clinics?period=${E2E_CLOCK.slice(0, 7)}`);
  await expect(doc.getByText('本月用药金额（应结算）')).toBeVisible();
  await expect(doc.getByText(/期末 盲盘中，审核后可见/)).toHaveCount(2);
  await screenshot(doc, 'stocktake-04c-doctor-statement-while-blind');
  await doc.goto(countPage);
  await expect(doc.getByText(/等待药库管理员审核/).first()).toBeVisible();

  // The pharmacist reviews: book at entry, count, variance and its value; gives a reason and approves.
  await page.reload();
  await expect(page.getByText('审核差异')).toBeVisible();
  const amoxRow = page.getByRole('row', { name: /阿莫西林胶囊/ }).filter({ hasText: '盘亏' });
  await expect(amoxRow).toContainText('2盒');
  await expect(amoxRow).toContainText('盘亏 1粒');
  await expect(amoxRow).toContainText('0.52');
  await expect(page.getByRole('button', { name: '批准并过账' })).toBeDisabled();
  await page.getByLabel(/第 \d 行差异原因/).click();
  await page.getByTitle('发药未登记').click();
  await page.getByLabel(/第 \d 行差异说明/).fill('夜间出诊发药未登记');
  await screenshot(page, 'stocktake-05-review');
  await page.getByRole('button', { name: '批准并过账' }).click();
  await page.getByRole('button', { name: '批准', exact: true }).click();
  await expect(page.getByText('已审核过账')).toBeVisible();
  await expect(page.getByText('1 / 2 行')).toBeVisible();
  await screenshot(page, 'stocktake-06-approved');
  // The result sheet: book, count, variance and value per lot; totals as posted, in words too.
  await page.getByRole('button', { name: '结果单' }).click();
  await expect(page.getByRole('heading', { name: '药品盘点盈亏报告' })).toBeVisible();
  await expect(page.locator('.print-table tbody tr').filter({ hasText: '阿莫西林胶囊' })).toContainText('盘亏 1粒');
  await expect(page.locator('.print-totals')).toContainText('-0.52');
  await expect(page.locator('.print-notes')).toContainText('盘亏金额：¥0.52（伍角贰分）');
  await expect(page.locator('.print-table tbody tr').filter({ hasText: '阿莫西林胶囊' })).toContainText('发药未登记：夜间出诊发药未登记');
  await screenshot(page, 'stocktake-06b-result-sheet');
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const pdfFile = path.join(SCREENSHOT_DIR, 'stocktake-result.pdf');
  await page.pdf({ path: pdfFile, preferCSSPageSize: true, printBackground: true });
  const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
  expect(text).toContain('药品盘点盈亏报告');
  expect(text).toMatch(/第\s*1\s*页\s*共\s*1\s*页/);
  expect(text).not.toContain('返回');
  await page.getByRole('button', { name: '返回' }).click();
  await expect(page.getByText('已审核过账')).toBeVisible();

  // The accuracy figure of 东湖 is now 50%.
  await openMenu(page, '账实相符率');
  await expect(page.getByRole('row', { name: /东湖村卫生室/ })).toContainText('50.0%');
  await expect(page.getByRole('row', { name: /东湖村卫生室/ })).not.toContainText('从未盘点');
  await screenshot(page, 'stocktake-07-accuracy');
  await openMenu(page, '盘点与抽查');
  await expect(page.getByRole('row', { name: /东湖村卫生室/ })).toContainText('已审核过账');
  await expect(page.getByRole('row', { name: /东湖村卫生室/ })).toContainText('1/2');
  await screenshot(page, 'stocktake-09-list');

  // The doctor now sees the result and the clinic's own figure.
  await doc.reload();
  await expect(doc.getByText('盘亏 1粒')).toBeVisible();
  await doc.goto(`${server.url}stocktake/accuracy`);
  await expect(doc.getByText('50.0%').first()).toBeVisible();
  await screenshot(doc, 'stocktake-08-doctor-accuracy');
  await doc.goto(`${server.url}stocktake`);
  await expect(doc.getByText('目前没有需要您盘点的药品')).toBeVisible();
  await expect(doc.getByText(/2 行中 1 行相符/)).toBeVisible();
  await screenshot(doc, 'stocktake-10-doctor-list');
  await phone.close();
});
