import fs from 'node:fs';
import { expect, login, screenshot, startServer, test, type ServerHandle } from './fixtures';
import { ApiSession, openDb, seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier } from './seed';

test.describe.configure({ mode: 'serial' });

const PASSWORD = 'Qingshi2026';

/**
 * A hub with one clinic holding two drugs, put there through the real handlers (receipt → delivery →
 * sign-off); only the drugs, the supplier, the order and the approved requisition are written directly.
 */
async function seedHub(url: string, dataDir: string) {
  const admin = new ApiSession(url);
  await admin.call('setup.initialize', { hubName: '青石镇卫生院', adminUsername: 'admin', adminDisplayName: '张院长', adminPassword: PASSWORD });
  const clinic = await admin.call<{ id: number }>('clinics.create', { code: 'C01', name: '东湖村卫生室', village: '东湖村', address: null, phone: null });
  await admin.call('clinics.create', { code: 'C02', name: '西岭村卫生室', village: '西岭村', address: null, phone: null });
  for (const [username, displayName, role, clinicId] of [
    ['yaoku', '周药师', 'pharmacist', null],
    ['cy01', '王建国', 'village_doctor', clinic.id],
  ] as const) {
    await admin.call('users.create', { username, initialPassword: 'Chushi2026', displayName, role, clinicId, phone: null });
    const s = new ApiSession(url);
    await s.login(username, 'Chushi2026');
    await s.call('auth.changePassword', { oldPassword: 'Chushi2026', newPassword: PASSWORD });
  }

  const db = openDb(dataDir);
  const at = new Date().toISOString();
  const supplierId = seedSupplier(db, at);
  const amox = seedDrug(db, at, supplierId, { name: '阿莫西林胶囊', spec: '0.25g*24粒', form: '胶囊剂', packUnit: '盒', baseUnit: '粒', packSize: 24, packPrice: 12_500_000 }, 'XJ01CAA040E001010100001');
  const ceft = seedDrug(db, at, supplierId, { name: '注射用头孢曲松钠', spec: '1.0g', form: '注射剂', packUnit: '盒', baseUnit: '支', packSize: 10, packPrice: 85_000_000 }, 'XJ01DDA063B001010100002');
  const { poId, lineIds } = seedSentOrder(db, at, supplierId, [
    { drug: amox, qty: 96 },
    { drug: ceft, qty: 30 },
  ]);
  const req = seedApprovedRequisition(db, at, clinic.id, [
    { drug: amox, qty: 48 },
    { drug: ceft, qty: 30 },
  ]);
  db.close();

  const pharmacist = new ApiSession(url);
  await pharmacist.login('yaoku', PASSWORD);
  await pharmacist.call('receipts.create', {
    poId,
    invoiceNo: 'FP20260301',
    lines: [
      { poLineId: lineIds[0], batchNo: 'A2506', expiryDate: '2028-06-30', qty: 96 },
      { poLineId: lineIds[1], batchNo: 'C2503', expiryDate: '2028-03-31', qty: 30 },
    ],
  });
  const delivery = await pharmacist.call<{ id: number; lines: { id: number; qty: number }[] }>('deliveries.create', {
    clinicId: clinic.id,
    lines: [
      { requisitionLineId: req[0], qty: 48 },
      { requisitionLineId: req[1], qty: 30 },
    ],
  });
  const doctor = new ApiSession(url);
  await doctor.login('cy01', PASSWORD);
  await doctor.call('deliveries.sign', { id: delivery.id, lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
}

// Its own server: the shared worker server may already have been set up by another spec file.
let server: ServerHandle;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

test('spot check: drawn by the pharmacist, counted blind by the doctor on a phone, approved, accuracy updated', async ({ page, browser }) => {
  await seedHub(server.url, server.dataDir);

  // The pharmacist sees that 东湖 has never been checked.
  await login(page, server.url, 'yaoku', PASSWORD);
  await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
  await page.getByRole('menuitem', { name: '账实相符率' }).click();
  const donghu = page.getByRole('row', { name: /东湖村卫生室/ });
  await expect(donghu).toContainText('从未盘点');

  // Draw a spot check of 2 drugs, self-counted, blind.
  await page.getByRole('menuitem', { name: '盘点与抽查' }).click();
  await page.getByRole('button', { name: '随机抽查' }).click();
  await page.getByLabel('村卫生室').click();
  await page.getByTitle('C01 东湖村卫生室').click();
  await page.getByLabel('抽查药品种数').fill('2');
  await expect(page.getByLabel('村医自盘（村医在手机或电脑上录入）')).toBeChecked();
  await screenshot(page, 'stocktake-01-new-spot-check');
  await page.getByRole('button', { name: '抽取药品并开始' }).click();
  await expect(page.getByText(/^PD-\d{6}-0001$/)).toBeVisible();
  await expect(page.getByText('盘点中：已录入 0 / 2 行')).toBeVisible();
  await expect(page.getByText('随机抽样记录')).toBeVisible();
  await screenshot(page, 'stocktake-02-drawn');

  // The doctor counts on a phone: no book figures anywhere.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const doc = await phone.newPage();
  await login(doc, server.url, 'cy01', PASSWORD);
  await expect(doc.getByRole('heading', { name: '工作台' })).toBeVisible();
  await doc.getByRole('button', { name: '打开导航菜单' }).click();
  await doc.getByRole('menuitem', { name: '本室盘点' }).click();
  await doc.getByRole('button', { name: '开始录入' }).click();
  await expect(doc.getByText('盲盘：请按货架上的实际数量录入，系统不显示账面数。')).toBeVisible();
  await expect(doc.getByText('开始时账面')).toHaveCount(0);
  // Not in the API answers either, and the clinic's stock view is closed meanwhile.
  const leak = await doc.evaluate(async () => {
    const post = (m: string, body: unknown) => fetch(`/api/${m}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const list = await (await post('stocktakes.list', {})).json();
    const st = await (await post('stocktakes.get', { id: list[0].id })).json();
    const stores = await (await post('stock.stores', {})).json();
    const onHand = await post('stock.onHand', { storeId: stores[0].id });
    return { books: st.lines.map((l: { bookQty: unknown; bookQtyAtStart: unknown }) => [l.bookQty, l.bookQtyAtStart]), onHand: onHand.status };
  });
  expect(leak.books).toEqual([
    [null, null],
    [null, null],
  ]);
  expect(leak.onHand).toBe(409);
  await screenshot(doc, 'stocktake-03-doctor-blind-count');

  // 47 capsules on the shelf (1 box + 23), 30 vials (3 boxes).
  await doc.getByLabel('阿莫西林胶囊 批号 A2506 实盘（盒）').fill('1');
  await doc.getByLabel('阿莫西林胶囊 批号 A2506 实盘（粒）').fill('23');
  await doc.getByRole('listitem').filter({ hasText: 'A2506' }).getByRole('button', { name: '录入' }).click();
  await expect(doc.getByText('已录入 1盒23粒')).toBeVisible();
  await doc.getByLabel('注射用头孢曲松钠 批号 C2503 实盘（盒）').fill('3');
  await doc.getByRole('listitem').filter({ hasText: 'C2503' }).getByRole('button', { name: '录入' }).click();
  await expect(doc.getByText('已录入 3盒')).toBeVisible();
  await screenshot(doc, 'stocktake-04-doctor-counted');
  await doc.getByRole('button', { name: '提交盘点结果' }).click();
  await doc.getByRole('button', { name: '提交', exact: true }).click();
  await expect(doc.getByText(/等待药库管理员审核/).first()).toBeVisible();
  // Still blind for the doctor after submitting.
  await expect(doc.getByText('盘亏')).toHaveCount(0);

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

  // The accuracy figure of 东湖 is now 50%.
  await page.getByRole('menuitem', { name: '账实相符率' }).click();
  await expect(page.getByRole('row', { name: /东湖村卫生室/ })).toContainText('50.0%');
  await expect(page.getByRole('row', { name: /东湖村卫生室/ })).not.toContainText('从未盘点');
  await screenshot(page, 'stocktake-07-accuracy');
  await page.getByRole('menuitem', { name: '盘点与抽查' }).click();
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
