import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from '@playwright/test';
import { browserEnv, CHROMIUM_ARGS } from '../../playwright.config';
import { writeDataMatrixFeed } from './camera-feed';
import { expect, login, test, serverForFile, shotsIn, pickOption } from './fixtures';
import { openMenu, scanInto } from './pages/app';
import { api, seedCatalog } from './seed';

/**
 * Scanning paths the first trace spec leaves out, over the hub's HTTPS (the camera needs a secure context):
 * the pharmacist receives by scanning GS1 codes that fill batch and expiry by themselves (with parentheses, and
 * as the bare element string with GS separators); picking and sign-off show each scan's outcome (accepted,
 * duplicate, wrong drug, not on this delivery) as a colour and a label; the village doctor on a 390 px phone
 * dispenses by camera — Chromium's fake capture shows a GS1 DataMatrix drawn by bwip-js at test time; and the
 * header's code lookup opens any box's path from any page, on the desktop (F2) and on the phone.
 */
test.describe.configure({ mode: 'serial' });

const AMOX_GTIN = '06901234567892';
const IBU_GTIN = '06901234567908';
const GS = '\u001d';
/** The box the camera sees: its GS1 DataMatrix is the fake camera's picture. */
const CAMERA_BOX = `(01)${AMOX_GTIN}(17)281031(10)A2611(21)CAM0001`;
const boxCode = (gtin: string, serial: string) => `01${gtin}21${serial}`;

const feed = path.join(os.tmpdir(), `santong-camera-${process.pid}.y4m`);
writeDataMatrixFeed(feed, CAMERA_BOX);
test.use({
  ignoreHTTPSErrors: true,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${feed}`],
    env: browserEnv,
  },
});

const server = serverForFile({ https: true });
test.afterAll(() => {
  fs.rmSync(feed, { force: true });
});

const PASSWORD = 'Qingshi2026';
const shot = shotsIn('trace-ui');

/** A signed-in API client over HTTPS (the hub's own certificate, not trusted by this browser). */
async function apiAs(browser: Browser, username: string, password: string, newPassword?: string) {
  const ctx = await browser.newContext({ baseURL: server.url, ignoreHTTPSErrors: true });
  await api(ctx.request, 'auth.login', { username, password });
  if (newPassword) await api(ctx.request, 'auth.changePassword', { oldPassword: password, newPassword });
  return ctx.request;
}

/** The scan box's last outcome: its kind (accepted, duplicate, wrong_drug, not_on_delivery) and its words. */
async function expectFeedback(scope: Locator | Page, kind: string, label: string, text: string | RegExp) {
  const feedback = scope.getByTestId('scan-feedback');
  await expect(feedback).toHaveAttribute('data-kind', kind);
  await expect(feedback).toContainText(label);
  await expect(feedback.getByRole('status')).toHaveText(text);
}

test('receive by GS1 scan, pick and sign with scan outcomes, dispense by camera on a phone, look any code up from the header', async ({ browser }) => {
  test.setTimeout(300_000);
  const setup = await browser.newContext({ baseURL: server.url, ignoreHTTPSErrors: true });
  await api(setup.request, 'setup.initialize', { hubName: '青石镇卫生院', adminUsername: 'admin', adminDisplayName: '张院长', adminPassword: PASSWORD });
  const clinic = await api(setup.request, 'clinics.create', { code: 'C01', name: '东湖村卫生室', village: '东湖村' });
  await api(setup.request, 'users.create', { username: 'yaoku', initialPassword: 'Chushi2026', displayName: '周药师', role: 'pharmacist', clinicId: null });
  await api(setup.request, 'users.create', {
    username: 'cy01',
    initialPassword: 'Chushi2026',
    displayName: '王建国',
    role: 'village_doctor',
    clinicId: clinic.id,
  });
  const yaoku = await apiAs(browser, 'yaoku', 'Chushi2026', PASSWORD);
  const doctorApi = await apiAs(browser, 'cy01', 'Chushi2026', PASSWORD);
  const ids = await seedCatalog(yaoku);
  for (const [id, gtin] of [
    [ids.amox, AMOX_GTIN],
    [ids.ibu, IBU_GTIN],
  ] as const) {
    const d = await api(yaoku, 'catalog.get', { id });
    await api(yaoku, 'catalog.update', { ...d, gtin });
  }
  const req = await api(doctorApi, 'requisitions.submit', {
    submitToken: 'trace-scan-e2e-01',
    lines: [
      { drugId: ids.amox, qty: 72, enteredIn: 'base' },
      { drugId: ids.ibu, qty: 20, enteredIn: 'base' },
    ],
  });
  await api(yaoku, 'requisitions.decide', { id: req.id, lines: req.lines.map((l: { id: number }) => ({ lineId: l.id, decision: 'approved' })) });
  const preview = await api(yaoku, 'aggregation.preview', { requisitionIds: [req.id], hubReplenishment: false });
  const agg = await api(yaoku, 'aggregation.create', { requisitionIds: [req.id], hubReplenishment: false, fingerprint: preview.fingerprint });
  const order = await api(yaoku, 'orders.send', { id: agg.orders[0].id });

  // 1. The pharmacist receives by scanning: the first GS1 code of a line fills its batch and expiry.
  const desk = await browser.newContext({ viewport: { width: 1366, height: 860 }, ignoreHTTPSErrors: true });
  const ph = await desk.newPage();
  await login(ph, server.url, 'yaoku', PASSWORD);
  await openMenu(ph, '验收入库');
  await ph.getByRole('button', { name: '验收入库' }).click();
  await pickOption(ph, '采购订单', order.docNo);
  await ph.getByLabel('发票号').fill('FP20260316');
  const amoxLine = ph.getByRole('row', { name: /阿莫西林胶囊/ });
  const ibuLine = ph.getByRole('row', { name: /布洛芬缓释胶囊/ });
  // One scan box for the whole receipt: each box goes to its line by its GTIN, whatever the order of the scans; the
  // focus stays in the box, so after the first click the scanner alone types. With parentheses (a scanner set to HRI).
  const receiveBox = ph.getByLabel('扫码验收', { exact: true });
  const drawer = ph.locator('.ant-drawer');
  await scanInto(receiveBox, CAMERA_BOX);
  await expectFeedback(drawer, 'accepted', '已接受', '阿莫西林胶囊 批号 A2611：已扫 1/3 盒');
  await expect(amoxLine.getByLabel('批号')).toHaveValue('A2611');
  await expect(amoxLine.getByLabel('有效期至')).toHaveValue('2028-10-31');
  await expect(receiveBox).toBeFocused();
  for (const serial of ['CAM0002', 'CAM0003']) {
    await ph.keyboard.type(`(01)${AMOX_GTIN}(17)281031(10)A2611(21)${serial}`, { delay: 5 });
    await ph.keyboard.press('Enter');
  }
  await expectFeedback(drawer, 'accepted', '已接受', '阿莫西林胶囊 批号 A2611：已扫 3/3 盒');
  await expect(amoxLine.getByTestId('receipt-scanned')).toHaveText('已扫 3/3 盒');
  // The same box again, and a box of a drug not on the order: said at once, with their own colour and sound.
  await scanInto(receiveBox, `(01)${AMOX_GTIN}(17)281031(10)A2611(21)CAM0002`, 'focused');
  await expectFeedback(drawer, 'duplicate', '重复扫码', `${boxCode(AMOX_GTIN, 'CAM0002')} 已经扫过（阿莫西林胶囊）`);
  await scanInto(receiveBox, `(01)06909999999996(21)X0001`, 'focused');
  await expectFeedback(drawer, 'wrong_drug', '药品不符', '追溯码 010690999999999621X0001（GTIN 06909999999996）不是本订单任何药品的码');
  // The bare element string, a GS after each variable-length field (what a DataMatrix holds).
  await scanInto(receiveBox, `01${IBU_GTIN}17270630${GS}11250701${GS}10IB2507${GS}21IBU0001`, 'focused');
  await expectFeedback(drawer, 'accepted', '已接受', '布洛芬缓释胶囊 批号 IB2507：已扫 1/1 盒');
  await expect(ibuLine.getByLabel('批号')).toHaveValue('IB2507');
  await expect(ibuLine.getByLabel('有效期至')).toHaveValue('2027-06-30');
  await expect(ibuLine.getByLabel('生产日期')).toHaveValue('2025-07-01');
  // The batch and expiry columns sit left of the codes the scan scrolled to.
  await ph.locator('.ant-drawer .ant-table-content').evaluate((el) => {
    el.scrollLeft = 0;
  });
  await shot(ph, 'receive-gs1-1366');
  await ph.getByRole('button', { name: '过账入库' }).click();
  await expect(ph.getByText(/入库单 RK-\d{6}-0001 已过账/)).toBeVisible();

  // 2. Picking by scanning: each outcome has its own colour and label.
  await openMenu(ph, '配送出库');
  await ph
    .getByRole('row', { name: /阿莫西林胶囊/ })
    .getByRole('checkbox')
    .check();
  await ph.getByRole('button', { name: /预览出库/ }).click();
  const dialog = ph.getByRole('dialog');
  const pickBox = ph.getByLabel('扫码拣货', { exact: true });
  await scanInto(pickBox, boxCode(AMOX_GTIN, 'CAM0001'));
  await expectFeedback(dialog, 'accepted', '已接受', '阿莫西林胶囊 批号 A2611：已扫 1/3 盒');
  await scanInto(pickBox, boxCode(AMOX_GTIN, 'CAM0001'));
  await expectFeedback(dialog, 'duplicate', '重复扫码', `${boxCode(AMOX_GTIN, 'CAM0001')} 已经扫过`);
  await scanInto(pickBox, boxCode(IBU_GTIN, 'IBU0001'));
  await expectFeedback(dialog, 'wrong_drug', '药品不符', '布洛芬缓释胶囊 不在本次出库的药品中');
  await shot(ph, 'pick-wrong-drug-1366');
  await scanInto(pickBox, boxCode(AMOX_GTIN, 'CAM0002'));
  await expectFeedback(dialog, 'accepted', '已接受', '阿莫西林胶囊 批号 A2611：已扫 2/3 盒');
  await dialog.getByRole('button', { name: '确认出库' }).click();
  await expect(ph.getByText(/配送单 CK-\d{6}-0001 已出库/)).toBeVisible();

  // 3. Sign-off on a phone: accepted, and a box that is real but not on this delivery.
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    ignoreHTTPSErrors: true,
    permissions: ['camera'],
  });
  const doc = await phone.newPage();
  await login(doc, server.url, 'cy01', PASSWORD);
  await expect(doc.getByRole('heading', { name: '工作台' })).toBeVisible();
  await doc.getByRole('button', { name: '打开导航菜单' }).click();
  await openMenu(doc, '配送签收');
  const card = doc.locator('.ant-card').filter({ hasText: /CK-\d{6}-0001/ });
  const signBox = doc.getByLabel('扫码签收', { exact: true });
  await scanInto(signBox, boxCode(AMOX_GTIN, 'CAM0001'));
  await expectFeedback(card, 'accepted', '已接受', '阿莫西林胶囊：已扫 1/2 盒');
  await scanInto(signBox, boxCode(AMOX_GTIN, 'CAM0003'));
  await expectFeedback(card, 'not_on_delivery', '不在本单', `${boxCode(AMOX_GTIN, 'CAM0003')} 不在本配送单上：签收时会报告中心库`);
  await shot(doc, 'sign-not-on-delivery-390');
  await scanInto(signBox, boxCode(AMOX_GTIN, 'CAM0002'));
  await expectFeedback(card, 'accepted', '已接受', '阿莫西林胶囊：已扫 2/2 盒');
  await card.getByRole('button', { name: '确认签收' }).click();
  await doc.getByRole('button', { name: '确认无误，签收' }).click();
  await expect(doc.getByText(/已签收入库/)).toBeVisible();

  // 4. Dispensing by camera over the hub's HTTPS: the DataMatrix on the fake camera fills the code and its line.
  expect(doc.url()).toMatch(/^https:/);
  expect(await doc.evaluate(() => window.isSecureContext)).toBe(true);
  await doc.getByRole('button', { name: '打开导航菜单' }).click();
  await openMenu(doc, '用药登记', '用药登记');
  await doc.getByRole('button', { name: '用摄像头扫码' }).first().click();
  await expect(doc.getByText(`阿莫西林胶囊 0.25g*24粒：已扫 ${boxCode(AMOX_GTIN, 'CAM0001')}`)).toBeVisible();
  await expect(doc.getByTestId('scan-feedback')).toHaveAttribute('data-kind', 'accepted');
  await expect(doc.getByText(boxCode(AMOX_GTIN, 'CAM0001')).last()).toBeVisible();
  await shot(doc, 'dispense-camera-390');
  await doc.getByPlaceholder('就诊号（可不填）').fill('MZ-0101');
  await doc.getByRole('button', { name: /登记（1 种药品）/ }).click();
  await expect(doc.getByText(/已登记 1 种药品/)).toBeVisible();

  // A scanned code typed into the drug picker finds its drug: this box of 布洛芬 never came here, its GTIN names it.
  await doc.getByLabel('药品检索').fill(boxCode(IBU_GTIN, 'IBU0009'));
  await expect(doc.locator('.drug-picker-popup .drug-hit-name')).toHaveText(['布洛芬缓释胶囊']);
  await shot(doc, 'picker-scanned-code-390');
  await doc.getByLabel('药品检索').press('Escape');
  await doc.getByLabel('药品检索').fill('');

  // 5. The header's lookup on the phone: an icon opens the scan box full width; the code opens the box's path.
  await doc.getByRole('button', { name: '查追溯码' }).click();
  await shot(doc, 'header-lookup-open-390');
  await scanInto(doc.getByLabel('追溯码查询', { exact: true }), CAMERA_BOX);
  await expect(doc.getByRole('heading', { name: '药品追溯' })).toBeVisible();
  const events = doc.getByTestId('trace-event');
  await expect(events).toHaveCount(4);
  await expect(events.nth(0)).toContainText('验收入库');
  await expect(events.nth(3)).toContainText('用药登记（销售）');
  await expect(events.nth(3)).toContainText('MZ-0101');
  await expect(doc.getByRole('dialog', { name: '查追溯码' })).toBeHidden();
  await shot(doc, 'header-lookup-trace-390');
  await phone.close();

  // 6. On the desktop: F2 from any page focuses the box; Enter opens the path; an unknown code says so.
  await openMenu(ph, '验收入库');
  await ph.keyboard.press('F2');
  const lookup = ph.getByLabel('追溯码查询', { exact: true });
  await expect(lookup).toBeFocused();
  await expect(lookup).toHaveAttribute('placeholder', /F2/);
  await scanInto(lookup, boxCode(IBU_GTIN, 'IBU0001'), 'focused');
  await expect(ph.getByRole('heading', { name: '药品追溯' })).toBeVisible();
  await expect(ph.getByTestId('trace-event')).toHaveCount(1);
  await expect(ph.getByTestId('trace-event').first()).toContainText('验收入库');
  await shot(ph, 'header-lookup-trace-1366');
  await ph.keyboard.press('F2');
  await scanInto(lookup, '81234560000000000999', 'focused');
  await expect(ph.getByText('卫生院没有这个追溯码的任何记录')).toBeVisible();
  await ph.keyboard.press('F2');
  await scanInto(lookup, '12345', 'focused');
  await expect(ph.getByRole('alert').filter({ hasText: '太短，不是追溯码' })).toBeVisible();
  await shot(ph, 'header-lookup-problem-1366');
  await desk.close();

  const wide = await browser.newContext({ viewport: { width: 1440, height: 900 }, ignoreHTTPSErrors: true });
  const dir = await wide.newPage();
  await login(dir, server.url, 'yaoku', PASSWORD);
  await expect(dir.getByRole('heading', { name: '工作台' })).toBeVisible();
  await dir.keyboard.press('/');
  await dir.keyboard.type(boxCode(AMOX_GTIN, 'CAM0001'), { delay: 5 });
  await dir.keyboard.press('Enter');
  await expect(dir.getByTestId('trace-event')).toHaveCount(4);
  await shot(dir, 'header-lookup-trace-1440');
  await wide.close();
  await setup.close();
});
