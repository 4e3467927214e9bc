import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, login, screenshot, SCREENSHOT_DIR, test, serverForFile, pickOption } from './fixtures';
import { expectNoSidewaysScroll, openMenu } from './pages/app';
import { api, apiAs, seedCatalog } from './seed';

/**
 * GSP records in a real browser: the pharmacist accepts a delivery with two boxes refused and prints the
 * 药品验收记录 (A4, rendered to PNG to be looked at); a village doctor records the morning reading of the
 * clinic's fridge on a 390 px phone, from the workbench, in two taps after signing in.
 */
test.describe.configure({ mode: 'serial' });

const server = serverForFile();

const PASSWORD = 'Qingshi2026';
let clinicId = 0;

/** Prints the current page to PDF as Chromium lays it out (A4 from the page's CSS), with its pages as PNGs and its text. */
async function printPdf(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.pdf`);
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  execFileSync('pdftoppm', ['-png', '-r', '70', file, file.replace(/\.pdf$/, '')]);
  return { text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }), info: execFileSync('pdfinfo', [file], { encoding: 'utf8' }) };
}

test('the pharmacist accepts a delivery with two boxes refused as damaged, and prints the 药品验收记录', async ({ browser }) => {
  const setup = await browser.newContext({ baseURL: server.url });
  await api(setup.request, 'setup.initialize', { hubName: '青石镇卫生院', adminUsername: 'admin', adminDisplayName: '张院长', adminPassword: PASSWORD });
  clinicId = (await api(setup.request, 'clinics.create', { code: 'C01', name: '东湖村卫生室', village: '东湖村' })).id;
  await api(setup.request, 'users.create', { username: 'yaoku', initialPassword: 'Chushi2026', displayName: '周药师', role: 'pharmacist', clinicId: null });
  await api(setup.request, 'users.create', { username: 'cy01', initialPassword: 'Chushi2026', displayName: '王建国', role: 'village_doctor', clinicId });
  const yaoku = await apiAs(browser, server.url, 'yaoku', 'Chushi2026', PASSWORD);
  const doctorApi = await apiAs(browser, server.url, 'cy01', 'Chushi2026', PASSWORD);
  const ids = await seedCatalog(yaoku);
  const req = await api(doctorApi, 'requisitions.submit', { submitToken: 'gsp-e2e-0001', lines: [{ drugId: ids.amox, qty: 240, enteredIn: 'pack' }] });
  await api(yaoku, 'requisitions.decide', { id: req.id, lines: req.lines.map((l: { id: number }) => ({ lineId: l.id, decision: 'approved' })) });
  const preview = await api(yaoku, 'aggregation.preview', { requisitionIds: [req.id], hubReplenishment: false });
  const agg = await api(yaoku, 'aggregation.create', { requisitionIds: [req.id], hubReplenishment: false, fingerprint: preview.fingerprint });
  const order = await api(yaoku, 'orders.send', { id: agg.orders[0].id });

  const desk = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  const ph = await desk.newPage();
  await login(ph, server.url, 'yaoku', PASSWORD);
  await openMenu(ph, '验收入库');
  await ph.getByRole('button', { name: '验收入库' }).click();
  await pickOption(ph, '采购订单', order.docNo);
  await ph.getByLabel('发票号').fill('FP20260316');
  await ph.getByLabel('随货同行单号').fill('SH-0316-007');
  const line = ph.getByRole('row', { name: /阿莫西林胶囊/ });
  await line.getByLabel('批号').fill('A2603');
  await line.getByLabel('有效期至').fill('2028-10-31');
  await line.getByLabel('有效期至').press('Enter');
  await line.getByLabel('拒收（盒）').fill('2');
  await line.getByLabel('拒收原因').click();
  await ph.getByTitle('破损').click();
  await line.getByLabel('拒收说明').fill('外箱压损，两盒内包装破裂');
  await screenshot(ph, 'gsp-01-accept-with-refusal');
  await ph.getByRole('button', { name: '过账入库' }).click();
  await expect(ph.getByText(/入库单 RK-\d{6}-0001 已过账/)).toBeVisible();

  // The receipt shows what was accepted and what was refused, and prints its acceptance record.
  await ph.getByRole('button', { name: /RK-\d{6}-0001/ }).click();
  await expect(ph.getByText('不合格，拒收 2盒（破损）')).toBeVisible();
  await expect(ph.getByText('SH-0316-007')).toBeVisible();
  await ph.getByRole('button', { name: '打印药品验收记录' }).click();
  await expect(ph.getByRole('heading', { name: '药品验收记录' })).toBeVisible();
  await screenshot(ph, 'gsp-02-acceptance-record');
  const pdf = await printPdf(ph, 'gsp-acceptance-record');
  expect(pdf.info).toMatch(/Page size:\s+841\.\d+ x 59[45]\.\d+ pts \(A4\)/);
  for (const words of ['药品验收记录', 'SH-0316-007', 'A2603', '破损', '不合格', '验收人', '质量负责人']) expect(pdf.text).toContain(words);

  // The two boxes wait in quarantine, where nothing issues them.
  await ph.goBack();
  await openMenu(ph, '不合格品');
  // One row, for the refused boxes of this receipt: its reason, its source and exactly two boxes held.
  const held = ph.getByRole('row', { name: /阿莫西林胶囊/ });
  await expect(held).toHaveCount(1);
  await expect(held).toContainText('破损：外箱压损，两盒内包装破裂');
  await expect(held).toContainText(/验收拒收 RK-\d{6}-0001/);
  await expect(held.getByRole('cell').nth(6)).toHaveText(/^2盒/);
  await screenshot(ph, 'gsp-03-quarantine');
  await desk.close();
  await setup.close();
});

test('a village doctor records the fridge’s morning reading on a 390 px phone in two taps after signing in', async ({ browser }) => {
  const yaoku = await apiAs(browser, server.url, 'yaoku', PASSWORD);
  const store = (await api(yaoku, 'stock.stores', {})).find((s: { kind: string; clinicId: number | null }) => s.kind === 'clinic' && s.clinicId === clinicId);
  await api(yaoku, 'storage.saveArea', { storeId: store.id, name: '冷藏柜', kind: 'cold', tempMin: 20, tempMax: 80, rhMin: 35, rhMax: 75 });

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const doc = await phone.newPage();
  await login(doc, server.url, 'cy01', PASSWORD);
  // Tap 1: the workbench says the morning reading is due.
  await doc.getByRole('link', { name: /上午待记录温湿度的储存区/ }).click();
  await expect(doc.getByRole('heading', { name: '温湿度记录' })).toBeVisible();
  await doc.getByLabel('冷藏柜温度').fill('5.2');
  await doc.getByLabel('冷藏柜湿度').fill('58');
  await screenshot(doc, 'gsp-04-reading-phone');
  // Tap 2: save.
  await doc.getByRole('button', { name: '保存上午记录' }).click();
  await expect(doc.getByText('冷藏柜 上午已记录')).toBeVisible();
  await expect(doc.locator('.ant-tag', { hasText: '上午 5.2 ℃ 58%' })).toBeVisible();
  await expectNoSidewaysScroll(doc, 390);
  await phone.close();
});
