import { expect, login, test, serverForFile, shotsIn } from './fixtures';
import { openMenu, scanInto } from './pages/app';
import { api, orderForClinic, seedTownship } from './seed';

/**
 * 追溯码 end to end, scanner input simulated as a keyboard-wedge scanner types it (the code, then Enter): the
 * pharmacist picks a delivery by scanning, the village doctor on a 390 px phone signs by scanning (one box
 * missing, signed as short with the button that fills 实收 from the scans, and one code not on the delivery)
 * and dispenses by scanning, a second sale of the same box is flagged, and the 追溯 page
 * and the signals screen show it.
 */
test.describe.configure({ mode: 'serial' });

const server = serverForFile();

const PASSWORD = 'Qingshi2026';
const shot = shotsIn('trace');
const code = (n: number) => `8123456000000000000${n}`;

test('boxes scanned at picking, sign-off and dispensing; a second sale is flagged and traced', async ({ browser }) => {
  const { pharmacist: yaoku, doctor: doctorApi, ids } = await seedTownship(browser, server.url, PASSWORD);
  const order = await orderForClinic(yaoku, doctorApi, ids.amox, 72, 'trace-e2e-0001');
  await api(yaoku, 'receipts.create', {
    poId: order.id,
    invoiceNo: 'FP-TRACE-1',
    lines: [{ poLineId: order.lines[0].id, batchNo: 'A2611', expiryDate: '2028-10-31', qty: 72, traceCodes: [code(1), code(2), code(3)] }],
  });

  // 1. Picking on the desktop: all three boxes scanned into the delivery.
  const desk = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  const ph = await desk.newPage();
  await login(ph, server.url, 'yaoku', PASSWORD);
  await openMenu(ph, '配送出库');
  await ph
    .getByRole('row', { name: /阿莫西林胶囊/ })
    .getByRole('checkbox')
    .check();
  await ph.getByRole('button', { name: /预览出库/ }).click();
  const dialog = ph.getByRole('dialog');
  await scanInto(ph.getByLabel('扫码拣货', { exact: true }), code(1));
  await expect(dialog.getByRole('status')).toHaveText('阿莫西林胶囊 批号 A2611：已扫 1/3 盒');
  await scanInto(ph.getByLabel('扫码拣货', { exact: true }), code(2));
  await expect(dialog.getByRole('status')).toHaveText('阿莫西林胶囊 批号 A2611：已扫 2/3 盒');
  await scanInto(ph.getByLabel('扫码拣货', { exact: true }), code(2));
  await expect(dialog.getByRole('status')).toHaveText(`${code(2)} 已经扫过`);
  await scanInto(ph.getByLabel('扫码拣货', { exact: true }), code(3));
  await expect(dialog.getByRole('status')).toHaveText('阿莫西林胶囊 批号 A2611：已扫 3/3 盒');
  await shot(ph, 'pick-1366');
  await dialog.getByRole('button', { name: '确认出库' }).click();
  await expect(ph.getByText(/配送单 CK-\d{6}-0001 已出库/)).toBeVisible();

  // 2. The village doctor signs on a phone by scanning: two of the three boxes arrived, and one code that was never
  // on the delivery. Claiming the whole line is refused before it is sent; the button fills 实收 from the scans.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const doc = await phone.newPage();
  await login(doc, server.url, 'cy01', PASSWORD);
  await doc.getByRole('button', { name: '打开导航菜单' }).click();
  await openMenu(doc, '配送签收');
  const card = doc.locator('.ant-card').filter({ hasText: /CK-\d{6}-0001/ });
  await scanInto(doc.getByLabel('扫码签收', { exact: true }), code(1));
  await expect(card.getByRole('status')).toHaveText('阿莫西林胶囊：已扫 1/3 盒');
  await scanInto(doc.getByLabel('扫码签收', { exact: true }), code(2));
  await expect(card.getByRole('status')).toHaveText('阿莫西林胶囊：已扫 2/3 盒');
  await scanInto(doc.getByLabel('扫码签收', { exact: true }), code(9));
  await expect(card.getByRole('status')).toHaveText(`${code(9)} 不在本配送单上：签收时会报告中心库`);
  await expect(card.getByText('已扫 2/3 盒')).toBeVisible();
  await expect(card.getByText('还有 1 盒没有扫到')).toBeVisible();
  await expect(card.getByText('请先填写：阿莫西林胶囊 未扫的 1 盒（扫码，或按扫码数填写实收）')).toBeVisible();
  await expect(card.getByRole('button', { name: '确认签收' })).toBeDisabled();
  await shot(doc, 'sign-missing-390');
  await card.getByRole('button', { name: '按扫码数填写实收' }).click();
  await expect(card.getByText('少 1盒')).toBeVisible();
  await card.getByLabel('阿莫西林胶囊 差异原因').fill('少了一盒');
  await shot(doc, 'sign-390');
  await card.getByRole('button', { name: '确认签收' }).click();
  await doc.getByRole('button', { name: '确认无误，签收' }).click();
  await expect(doc.getByText(/已签收，差异已通知中心库/)).toBeVisible();
  await expect(doc.getByText(`追溯码 ${code(9)} 不在本配送单上，卫生院也从未入库这个码`)).toBeVisible();

  // 3. Dispensing by scanning: the box joins its drug's line, one pack per box.
  await doc.getByRole('button', { name: '打开导航菜单' }).click();
  await openMenu(doc, '用药登记');
  await expect(doc.getByRole('heading', { name: '用药登记' })).toBeVisible();
  await scanInto(doc.getByLabel('扫码登记', { exact: true }), code(1));
  await expect(doc.getByRole('status')).toHaveText(`阿莫西林胶囊 0.25g*24粒：已扫 ${code(1)}`);
  await doc.getByPlaceholder('就诊号（可不填）').fill('MZ-0001');
  await shot(doc, 'dispense-390');
  await doc.getByRole('button', { name: /登记（1 种药品）/ }).click();
  await expect(doc.getByText(/已登记 1 种药品/)).toBeVisible();

  // The same box sold again: the scan warns, the entry posts, and the second sale is flagged.
  await scanInto(doc.getByLabel('扫码登记', { exact: true }), code(1));
  await expect(doc.getByRole('status')).toHaveText('阿莫西林胶囊：这盒药不在本室的账上，登记时将记为异常');
  await doc.getByRole('button', { name: /登记（1 种药品）/ }).click();
  await expect(doc.getByText(/又被扫码销售（重复追溯码）/)).toBeVisible();

  // 4. 追溯 on the phone: the box's whole path.
  await doc.getByRole('button', { name: '打开导航菜单' }).click();
  await openMenu(doc, '药品追溯');
  await expect(doc.getByRole('heading', { name: '药品追溯' })).toBeVisible();
  await scanInto(doc.getByLabel('追溯码', { exact: true }), code(1));
  const events = doc.getByTestId('trace-event');
  await expect(events).toHaveCount(5);
  await expect(events.nth(0)).toContainText('验收入库');
  await expect(events.nth(0)).toContainText('国药控股湖南有限公司');
  await expect(events.nth(3)).toContainText('用药登记（销售）');
  await expect(events.nth(3)).toContainText('MZ-0001');
  await expect(events.nth(4)).toContainText('重复追溯码');
  await shot(doc, 'trace-390');

  // 5. The signal on the hub's screen, with its numbers; and the 追溯 page on a wide screen.
  await openMenu(ph, '异常信号');
  const row = ph.getByRole('row', { name: /重复追溯码/ });
  await expect(row).toContainText('东湖村卫生室');
  await desk.close();
  const wide = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const dir = await wide.newPage();
  await login(dir, server.url, 'yaoku', PASSWORD);
  await openMenu(dir, '异常信号');
  await expect(dir.getByRole('row', { name: /重复追溯码/ })).toBeVisible();
  await shot(dir, 'signals-1440');
  await openMenu(dir, '药品追溯');
  await expect(dir.getByRole('heading', { name: '药品追溯' })).toBeVisible();
  await scanInto(dir.getByLabel('追溯码', { exact: true }), code(1));
  await expect(dir.getByTestId('trace-event')).toHaveCount(5);
  await shot(dir, 'trace-1440');
});
