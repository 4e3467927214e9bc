/**
 * 医保对账 end to end: a village doctor, on a phone, imports the day's settlement file her insurance client exported
 * (Chinese headers, written by LibreOffice), reviews it, posts the dispensing from it (record once), and the one
 * line the shelf cannot give stays a difference; the same file again changes nothing; the hub sees that
 * settled-not-dispensed difference, and the same as a supervision signal (已结算未发药, 结算量超出库存: the shelf never
 * had that drug), and prints the month's reconciliation sheet.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, screenshot, startServer, test, type ServerHandle } from './fixtures';
import { expectNoSidewaysScroll, openMenu, signIn } from './pages/app';
import { api, apiAs, seedCatalog, stockClinic } from './seed';

test.describe.configure({ mode: 'serial' });

const FILE = path.resolve(import.meta.dirname, '../fixtures/sheets/settlement-day.xlsx');
const PASSWORD = 'Qingshi2026';
let server: ServerHandle;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  // The afternoon of the day the file covers (its visits are in the morning).
  server = await startServer({ clock: '2026-03-16T16:00:00+08:00' });
  const setup = await browser.newContext({ baseURL: server.url });
  await api(setup.request, 'setup.initialize', { hubName: '青石镇卫生院', adminUsername: 'admin', adminDisplayName: '张院长', adminPassword: PASSWORD });
  const clinic = await api(setup.request, 'clinics.create', { code: 'C01', name: '东湖村卫生室', village: '东湖村' });
  const user = (username: string, displayName: string, role: string, clinicId: number | null) =>
    api(setup.request, 'users.create', { username, initialPassword: 'Chushi2026', displayName, role, clinicId });
  await user('yaoku', '周药师', 'pharmacist', null);
  await user('caiwu', '孙会计', 'finance', null);
  await user('cy01', '王建国', 'village_doctor', clinic.id);
  const yaoku = await apiAs(browser, server.url, 'yaoku', 'Chushi2026', PASSWORD);
  const doctor = await apiAs(browser, server.url, 'cy01', 'Chushi2026', PASSWORD);
  await apiAs(browser, server.url, 'caiwu', 'Chushi2026', PASSWORD);
  const ids = await seedCatalog(yaoku);
  // 阿莫西林 and 布洛芬 are on the clinic's shelf; 氨氯地平 never reached it.
  await stockClinic(yaoku, doctor, clinic.id, [
    { drugId: ids.amox, lots: [{ batchNo: 'A260101', expiryDate: '2028-01-31', qty: 48 }] },
    { drugId: ids.ibu, lots: [{ batchNo: 'B260101', expiryDate: '2028-03-31', qty: 40 }] },
  ]);
  await setup.close();
});
test.afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

test('a village doctor imports the day’s settlement file on her phone, reviews it and posts the dispensing from it', async ({ browser }) => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  await signIn(page, server.url, 'cy01', PASSWORD);
  await openMenu(page, '医保对账', /东湖村卫生室 医保对账/);
  await expect(page.getByText('这段时间还没有导入医保结算明细')).toBeVisible();

  await page.getByRole('button', { name: '导入结算明细' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.locator('input[type=file]').setInputFiles(FILE);
  // Three drug lines and one treatment fee, the title line above the header passed over.
  await expect(dialog.locator('.ant-statistic').filter({ hasText: '新明细' })).toContainText('3');
  await expect(dialog.locator('.ant-statistic').filter({ hasText: '非药品' })).toContainText('1');
  await expect(dialog.getByText('文件中有患者个人信息')).toBeVisible();
  await screenshot(page, 'reconciliation-01-import-preview');
  await dialog.getByRole('button', { name: '导入 3 条新明细' }).click();
  await expect(dialog.getByText('新导入 3 条')).toBeVisible();
  await dialog.getByRole('button', { name: '完成' }).click();

  // Nothing was dispensed in the book yet: all three are settled but not dispensed.
  const cards = page.locator('.ant-list-item').filter({ hasText: '结算未发药' });
  await expect(cards).toHaveCount(3);
  await cards.filter({ hasText: '阿莫西林胶囊' }).getByRole('button', { name: '按结算登记' }).click();
  const drawer = page.locator('.ant-drawer');
  await expect(drawer.getByText('3 行结算明细尚未登记用药：2 行可以登记，1 行不能')).toBeVisible();
  await expect(drawer.getByText(/库存不足/)).toBeVisible();
  await screenshot(page, 'reconciliation-02-posting-review');
  await drawer.getByRole('button', { name: '登记所选 2 行（2 笔用药）' }).click();
  await expect(page.getByText('已登记 2 行，生成 2 笔用药登记')).toBeVisible();
  await expect(drawer.getByText('1 行结算明细尚未登记用药：0 行可以登记')).toBeVisible();
  await drawer.getByRole('button', { name: '关闭' }).first().click();

  // Only the drug the shelf never had is left as a difference.
  await expect(cards).toHaveCount(1);
  await expect(cards).toContainText('氨氯地平片');
  await expectNoSidewaysScroll(page);
  await screenshot(page, 'reconciliation-03-after-posting');

  // The same file again: nothing new, nothing to import.
  await page.getByRole('button', { name: '导入结算明细' }).click();
  await dialog.locator('input[type=file]').setInputFiles(FILE);
  await expect(dialog.getByText('文件中的明细都已导入过，再导入不会改动任何数据。')).toBeVisible();
  await expect(dialog.getByRole('button', { name: '导入 0 条新明细' })).toBeDisabled();
  await phone.close();
});

test('the hub sees the settled-not-dispensed difference and prints the month’s reconciliation sheet', async ({ page }) => {
  await signIn(page, server.url, 'caiwu', PASSWORD);
  await openMenu(page, '医保对账', '医保对账');
  const row = page.getByRole('row', { name: /东湖村卫生室/ });
  await expect(row).toContainText('2026-03-16');
  await expect(row).toContainText('结算未发药 1');
  await row.getByRole('link', { name: '东湖村卫生室' }).click();
  await expect(page.getByRole('heading', { name: '东湖村卫生室 医保对账' })).toBeVisible();
  const difference = page.getByRole('row', { name: /氨氯地平片/ });
  await expect(difference).toContainText('结算未发药');
  await expect(difference).toContainText('14片');
  await screenshot(page, 'reconciliation-04-hub');

  // The settlement lines show the patient masked, and opening them is audited.
  await difference.getByRole('button', { name: '明细' }).click();
  await expect(page.locator('.ant-drawer').getByText('陈**')).toBeVisible();
  await expect(page.locator('.ant-drawer').getByText('43012219490607262X')).toHaveCount(0);
  await page.locator('.ant-drawer').getByRole('button', { name: '关闭' }).first().click();

  await page.getByRole('button', { name: '打印 / PDF' }).click();
  await expect(page.getByText('医保结算与用药对账单')).toBeVisible();
  const sheet = page.locator('.print-doc').first();
  await expect(sheet.getByRole('row', { name: /氨氯地平片/ })).toContainText('结算未发药');
  // Settled 6.25 + 4.90 + 1.60; the totals row is the sum of the rows, and the amount in words says it.
  await expect(sheet).toContainText('12.75');
  await expect(sheet).toContainText('壹拾贰元柒角伍分');
  await expect(sheet).toContainText('卫生室确认');
  await screenshot(page, 'reconciliation-05-sheet');
});

test('the hub sees the settled-not-dispensed line as a supervision signal, opened to its figures', async ({ page }) => {
  await signIn(page, server.url, 'caiwu', PASSWORD);
  await openMenu(page, '异常信号', '异常信号');
  const notGiven = page.locator('tbody tr', { hasText: '已结算未发药' });
  await expect(notGiven).toHaveCount(1);
  await expect(notGiven).toContainText('东湖村卫生室');
  await expect(notGiven).toContainText('氨氯地平片');
  // The shelf never held it: settled above the stock too.
  await expect(page.locator('tbody tr', { hasText: '结算量超出库存' })).toContainText('氨氯地平片');
  // Nothing of what was posted from the settlement is a signal.
  await expect(page.locator('tbody tr', { hasText: '阿莫西林胶囊' })).toHaveCount(0);
  for (const width of [1440, 1366, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await expectNoSidewaysScroll(page);
    await screenshot(page, `reconciliation-06-signals-${width}`);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
  await notGiven.click();
  await expect(page.getByRole('heading', { name: '异常信号：已结算未发药' })).toBeVisible();
  await expect(page.getByText('已结算未发药数量', { exact: true })).toBeVisible();
  await expect(page.getByText(/就诊ID/).first()).toBeVisible();
  await screenshot(page, 'reconciliation-07-signal-detail');
});
