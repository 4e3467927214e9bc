import fs from 'node:fs';
import { expect, login, screenshot, E2E_CLOCK, startServer, test, type ServerHandle, pickOption } from './fixtures';
import { openMenu } from './pages/app';
import { api, apiAs, seedCatalog, stockClinic } from './seed';

test.describe.configure({ mode: 'serial' });

let server: ServerHandle;
test.beforeAll(async () => {
  server = await startServer({ clock: E2E_CLOCK });
});
test.afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

const PASSWORD = 'Qingshi2026';

test('receive an order, issue to a clinic, sign as the village doctor, dispense, and see every step on the stock card', async ({ browser }) => {
  // Seeded through the API: the hub, one clinic with its doctor, the pharmacist, the catalog, and an order
  // for 2 boxes of 阿莫西林 sent to the supplier from the clinic's approved requisition.
  const setup = await browser.newContext({ baseURL: server.url });
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
  const yaoku = await apiAs(browser, server.url, 'yaoku', 'Chushi2026', PASSWORD);
  const doctorApi = await apiAs(browser, server.url, 'cy01', 'Chushi2026', PASSWORD);
  const ids = await seedCatalog(yaoku);
  const req = await api(doctorApi, 'requisitions.submit', { submitToken: 'stock-e2e-0001', lines: [{ drugId: ids.amox, qty: 48, enteredIn: 'pack' }] });
  await api(yaoku, 'requisitions.decide', { id: req.id, lines: req.lines.map((l: { id: number }) => ({ lineId: l.id, decision: 'approved' })) });
  const preview = await api(yaoku, 'aggregation.preview', { requisitionIds: [req.id], hubReplenishment: false });
  const agg = await api(yaoku, 'aggregation.create', { requisitionIds: [req.id], hubReplenishment: false, fingerprint: preview.fingerprint });
  const order = await api(yaoku, 'orders.send', { id: agg.orders[0].id });

  // 1. The pharmacist receives the order: batch, expiry, quantity; the contract price is filled in.
  const desk = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  const ph = await desk.newPage();
  await login(ph, server.url, 'yaoku', PASSWORD);
  await openMenu(ph, '验收入库');
  await ph.getByRole('button', { name: '验收入库' }).click();
  await pickOption(ph, '采购订单', order.docNo);
  await ph.getByLabel('发票号').fill('FP20261122');
  const line = ph.getByRole('row', { name: /阿莫西林胶囊/ });
  await line.getByLabel('批号').fill('A2611');
  await line.getByLabel('有效期至').fill('2028-10-31');
  await line.getByLabel('有效期至').press('Enter');
  await expect(line.getByLabel('单价')).toHaveValue('12.50');
  await screenshot(ph, 'stock-01-receive');
  await ph.getByRole('button', { name: '过账入库' }).click();
  await expect(ph.getByText(/入库单 RK-\d{6}-0001 已过账，金额 ¥25\.00/)).toBeVisible();
  await expect(ph.getByRole('row', { name: /RK-\d{6}-0001/ })).toContainText('25.00');

  // 2. Issue to the clinic: first-expiry-first preview, then out of the hub and into transit.
  await openMenu(ph, '配送出库');
  await ph
    .getByRole('row', { name: /阿莫西林胶囊/ })
    .getByRole('checkbox')
    .check();
  await ph.getByRole('button', { name: /预览出库/ }).click();
  const dialog = ph.getByRole('dialog');
  await expect(dialog.getByText('A2611（效期 2028-10-31）')).toBeVisible();
  await screenshot(ph, 'stock-02-issue-preview');
  await dialog.getByRole('button', { name: '确认出库' }).click();
  await expect(ph.getByText(/配送单 CK-\d{6}-0001 已出库，等待 东湖村卫生室 签收/)).toBeVisible();

  // 3. The village doctor signs on a phone: one box arrived damaged, so 1盒 of the 2 with a reason.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const doc = await phone.newPage();
  await login(doc, server.url, 'cy01', PASSWORD);
  await doc.getByRole('button', { name: '打开导航菜单' }).click();
  await openMenu(doc, '配送签收');
  const card = doc.locator('.ant-card').filter({ hasText: /CK-\d{6}-0001/ });
  await card.getByLabel('数量（盒）').fill('1');
  await expect(card.getByRole('button', { name: '确认签收' })).toBeDisabled();
  await card.getByLabel('阿莫西林胶囊 差异原因').fill('一盒外包装破损，退回司机');
  await screenshot(doc, 'stock-03-sign-phone');
  await card.getByRole('button', { name: '确认签收' }).click();
  await doc.getByRole('button', { name: '确认无误，签收' }).click();
  await expect(doc.getByText(/已签收，差异已通知中心库/)).toBeVisible();

  // The hub sees the discrepancy and takes the box back.
  await ph.getByRole('tab', { name: '配送单' }).click();
  await ph.getByRole('button', { name: /CK-\d{6}-0001/ }).click();
  await expect(ph.getByText('少 1盒：一盒外包装破损，退回司机')).toBeVisible();
  await ph.getByPlaceholder('处理说明').fill('司机带回中心库');
  await ph.getByRole('button', { name: '退回中心库' }).click();
  await expect(ph.getByText('已退回中心库：司机带回中心库')).toBeVisible();
  await ph.keyboard.press('Escape');

  // 4. Dispensing from the keyboard: 阿莫西林 by its initials, 6粒.
  await doc.getByRole('button', { name: '打开导航菜单' }).click();
  await openMenu(doc, '用药登记');
  await expect(doc.getByRole('heading', { name: '用药登记' })).toBeVisible();
  const picker = doc.getByLabel('药品检索');
  await picker.fill('amxl');
  await expect(doc.locator('.drug-picker-popup .drug-hit').first()).toContainText('库存 1盒');
  await picker.press('Enter');
  const qty = doc.getByLabel('数量（粒）');
  await qty.fill('6');
  await qty.press('Enter');
  await doc.getByPlaceholder('处方号（可不填）').fill('CF-001');
  await screenshot(doc, 'stock-04-dispense-phone');
  await doc.getByRole('button', { name: /登记（1 种药品）/ }).click();
  await expect(doc.getByText(/已登记 1 种药品/)).toBeVisible();
  await expect(doc.getByText('处方 CF-001')).toBeVisible();

  // 5. Every step on the stock cards: the clinic's and the hub's.
  await doc.getByRole('button', { name: '打开导航菜单' }).click();
  await openMenu(doc, '库存台账');
  // The route's chunk loads lazily: until the card's own heading shows, the label still finds the dispensing picker.
  await expect(doc.getByRole('heading', { name: '库存台账' })).toBeVisible();
  await doc.getByLabel('药品检索').fill('amxl');
  await expect(doc.locator('.drug-picker-popup .drug-hit').first()).toContainText('阿莫西林胶囊');
  await doc.getByLabel('药品检索').press('Enter');
  // On a phone each movement is a card (PhoneCards), with the same figures as the desktop table's row.
  const clinicRows = doc.locator('.phone-card');
  await expect(clinicRows).toHaveCount(2);
  await expect(clinicRows.nth(0)).toContainText('签收入库');
  await expect(clinicRows.nth(0)).toContainText('1盒');
  await expect(clinicRows.nth(1)).toContainText('用药登记');
  await expect(clinicRows.nth(1)).toContainText('CF-001');
  await expect(clinicRows.nth(1)).toContainText('18粒');
  await screenshot(doc, 'stock-05-card-clinic');

  await ph.goto(`${server.url}stock/card`);
  await ph.getByLabel('药品检索').fill('amxl');
  await expect(ph.locator('.drug-picker-popup .drug-hit').first()).toContainText('阿莫西林胶囊');
  await ph.getByLabel('药品检索').press('Enter');
  const hubRows = ph.locator('.ant-table-tbody tr.ant-table-row');
  await expect(hubRows).toHaveCount(3);
  await expect(hubRows.nth(0)).toContainText('验收入库');
  await expect(hubRows.nth(0)).toContainText('2盒');
  await expect(hubRows.nth(1)).toContainText('配送出库');
  await expect(hubRows.nth(2)).toContainText('差异退回');
  await expect(hubRows.nth(2)).toContainText('1盒');
  await screenshot(ph, 'stock-06-card-hub');

  // The books balance: nothing is left in transit, and the ledger invariant holds.
  const check = await api(setup.request, 'system.integrityCheck', {});
  expect(check.ok).toBe(true);
});

test('a late entry (补录): refused, with the reason, before the goods came; accepted after, and marked on the stock card', async ({ browser }) => {
  // The clinic's stock arrives on 03-16; two days later the doctor enters what was used earlier.
  const first = await startServer({ clock: '2026-03-16T09:00:00+08:00' });
  let later: ServerHandle | undefined;
  try {
    const setup = await browser.newContext({ baseURL: first.url });
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
    const yaoku = await apiAs(browser, first.url, 'yaoku', 'Chushi2026', PASSWORD);
    const doctorApi = await apiAs(browser, first.url, 'cy01', 'Chushi2026', PASSWORD);
    const ids = await seedCatalog(yaoku);
    await stockClinic(yaoku, doctorApi, clinic.id, [{ drugId: ids.amox, lots: [{ batchNo: 'B0316', expiryDate: '2028-06-30', qty: 48 }] }]);
    await first.stop();
    later = await startServer({ dataDir: first.dataDir, clock: '2026-03-18T09:00:00+08:00' });

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const doc = await phone.newPage();
    await login(doc, later.url, 'cy01', PASSWORD);
    await doc.getByRole('button', { name: '打开导航菜单' }).click();
    await doc.getByRole('menuitem', { name: '用药登记' }).click();
    await expect(doc.getByRole('heading', { name: '用药登记' })).toBeVisible();
    const date = doc.getByLabel('业务日期');
    await date.click();
    await date.fill('2026-03-15');
    await date.press('Enter');
    await doc.getByLabel('药品检索').fill('amxl');
    await expect(doc.locator('.drug-picker-popup .drug-hit').first()).toContainText('阿莫西林胶囊');
    await doc.getByLabel('药品检索').press('Enter');
    await doc.getByLabel('数量（粒）').fill('2');
    await doc.getByLabel('数量（粒）').press('Enter');
    await doc.getByRole('button', { name: /登记（1 种药品）/ }).click();
    // The server's refusal, as it is: why, and since when the goods are there.
    await expect(doc.getByText('库存不足：阿莫西林胶囊（0.25g*24粒）3 月 15 日需要 2，可用 0（批号 B0316 3 月 16 日才配送到本室）')).toBeVisible();
    await screenshot(doc, 'stock-07-late-entry-refused');

    await date.click();
    await date.fill('2026-03-17');
    await date.press('Enter');
    await doc.getByRole('button', { name: /登记（1 种药品）/ }).click();
    await expect(doc.getByText(/已登记 1 种药品/)).toBeVisible();

    await doc.getByRole('button', { name: '打开导航菜单' }).click();
    await doc.getByRole('menuitem', { name: '库存台账' }).click();
    await expect(doc.getByRole('heading', { name: '库存台账' })).toBeVisible();
    await doc.getByLabel('药品检索').fill('amxl');
    await expect(doc.locator('.drug-picker-popup .drug-hit').first()).toContainText('阿莫西林胶囊');
    await doc.getByLabel('药品检索').press('Enter');
    const rows = doc.locator('.phone-card');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText('2026-03-16');
    await expect(rows.nth(0)).not.toContainText('补录');
    await expect(rows.nth(1)).toContainText('2026-03-17');
    await expect(rows.nth(1).getByText('补录 03-18')).toBeVisible();
    await screenshot(doc, 'stock-08-card-backdated');
  } finally {
    await later?.stop();
    await first.stop();
    fs.rmSync(first.dataDir, { recursive: true, force: true });
  }
});
