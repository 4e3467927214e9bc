import type { Browser } from '@playwright/test';
import { expect, login, test, serverForFile, shotsIn } from './fixtures';
import { openMenu, signIn, scanInto } from './pages/app';
import { api, orderForClinic, seedTownship } from './seed';

/**
 * Cartons (大码) end to end: the pharmacist imports the supplier's code association file on the 追溯 page, the
 * carton is received (expanded into its boxes by the server), and while picking a delivery the pharmacist scans a
 * loose box and then the carton's code, as a keyboard-wedge scanner types it (the code, then Enter): the line's
 * count jumps by the carton's boxes, and the delivery carries them all. The village doctor on a phone signs by
 * scanning the same carton: it stands for its boxes on the delivery.
 */
test.describe.configure({ mode: 'serial' });

const server = serverForFile();

const PASSWORD = 'Qingshi2026';
const shot = shotsIn('trace-cartons');
const box = (n: number) => `8123456000000000000${n}`;
const CARTON = '81234569900000000001';
const MIDDLE = (n: number) => `8123456880000000000${n}`;

/** The distributor's file: a carton of two middle packs of two boxes each. */
const ASSOCIATION = [
  '国药控股 追溯码关联关系（随货同行单 SH20260316001）',
  '大码,小码,包装层级',
  `${CARTON},${MIDDLE(1)},大码`,
  `${CARTON},${MIDDLE(2)},大码`,
  `${MIDDLE(1)},${box(3)},中码`,
  `${MIDDLE(1)},${box(4)},中码`,
  `${MIDDLE(2)},${box(5)},中码`,
  `${MIDDLE(2)},${box(6)},中码`,
].join('\r\n');

async function desktop(browser: Browser, width: number) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  await signIn(page, server.url, 'yaoku', PASSWORD);
  return page;
}

test('the pharmacist imports the association file and picks a delivery by scanning a carton', async ({ browser }) => {
  const { pharmacist: yaoku, doctor: doctorApi, ids } = await seedTownship(browser, server.url, PASSWORD);
  const order = await orderForClinic(yaoku, doctorApi, ids.amox, 144, 'carton-e2e-0001');

  // 1. The association file, imported on the 追溯 page: preview, then import.
  const ph = await desktop(browser, 1366);
  await openMenu(ph, '药品追溯', '药品追溯');
  await ph.getByRole('button', { name: '导入大码/中码关联' }).click();
  const modal = ph.getByRole('dialog', { name: '导入大码/中码关联' });
  await modal.locator('input[type=file]').setInputFiles({ name: '关联关系.csv', mimeType: 'text/csv', buffer: Buffer.from(ASSOCIATION, 'utf8') });
  await expect(modal.getByText('工作表', { exact: false })).toContainText('表头在第 2 行');
  await expect(modal.locator('.ant-statistic').filter({ hasText: '新关联' })).toContainText('6');
  await expect(modal.locator('.ant-statistic').filter({ hasText: '小码（盒）' })).toContainText('4');
  await shot(ph, 'import-preview-1366');
  await modal.getByRole('button', { name: '导入' }).click();
  await expect(modal.getByText('导入完成')).toBeVisible();
  await modal.getByRole('button', { name: '完成' }).click();

  // The carton received by the real handler, with two loose boxes: six boxes at the hub.
  await api(yaoku, 'receipts.create', {
    poId: order.id,
    invoiceNo: 'FP-CARTON-1',
    lines: [{ poLineId: order.lines[0].id, batchNo: 'A2611', expiryDate: '2028-10-31', qty: 144, traceCodes: [CARTON, box(1), box(2)] }],
  });

  // 2. Picking: a loose box, then the carton, typed into the scan box with Enter; the count jumps by four.
  await openMenu(ph, '配送出库');
  await ph
    .getByRole('row', { name: /阿莫西林胶囊/ })
    .getByRole('checkbox')
    .check();
  await ph.getByRole('button', { name: /预览出库/ }).click();
  const dialog = ph.getByRole('dialog', { name: /出库预览/ });
  const pickBox = ph.getByLabel('扫码拣货', { exact: true });
  await scanInto(pickBox, box(1));
  await expect(dialog.getByRole('status')).toHaveText('阿莫西林胶囊 批号 A2611：已扫 1/6 盒');
  await expect(dialog.getByTestId('picked-count')).toHaveText('1/6 盒');
  // The scanner types into whatever has the focus: the scan box keeps it, through the server's answer, so the next
  // codes go straight in, typed one right after the other as a scanner does.
  await expect(pickBox).toBeFocused();
  await ph.keyboard.type(CARTON, { delay: 5 });
  await ph.keyboard.press('Enter');
  await ph.keyboard.type(box(4), { delay: 5 });
  await ph.keyboard.press('Enter');
  await expect(dialog.getByRole('status')).toHaveText(`${box(4)} 已经扫过`);
  await expect(dialog.getByTestId('picked-count')).toHaveText('5/6 盒');
  await expect(pickBox).toBeFocused();
  await expect(dialog.getByRole('status')).toHaveText(`${box(4)} 已经扫过`);
  await shot(ph, 'pick-carton-1366');
  await dialog.getByRole('button', { name: '确认出库' }).click();
  await expect(ph.getByText(/配送单 CK-\d{6}-0001 已出库/)).toBeVisible();

  const deliveries = await api(yaoku, 'deliveries.list', { limit: 10 });
  const delivery = await api(yaoku, 'deliveries.get', { id: deliveries[0].id });
  const codes = delivery.lines.flatMap((l: { boxes: { code: string }[] }) => l.boxes.map((b) => b.code)).sort();
  expect(codes).toEqual([box(1), box(3), box(4), box(5), box(6)]);

  // 3. The carton on the 追溯 page: its boxes and where they are now.
  await openMenu(ph, '药品追溯', '药品追溯');
  await scanInto(ph.getByLabel('追溯码', { exact: true }), CARTON);
  await expect(ph.getByRole('status')).toHaveText(`大码 ${CARTON}：装有 4 盒，其中 0 盒在中心药库`);
  await expect(ph.getByText('配送途中').first()).toBeVisible();
  await shot(ph, 'carton-lookup-1366');

  // The same screens at 1440 and on a 390 px phone.
  for (const width of [1440, 390]) {
    const page = await desktop(browser, width);
    await openMenu(page, '药品追溯', '药品追溯');
    await scanInto(page.getByLabel('追溯码', { exact: true }), MIDDLE(1));
    await expect(page.getByRole('status')).toHaveText(`中码 ${MIDDLE(1)}：装有 2 盒，其中 0 盒在中心药库`);
    await shot(page, `carton-lookup-${width}`);
    await page.getByRole('button', { name: '导入大码/中码关联' }).click();
    const again = page.getByRole('dialog', { name: '导入大码/中码关联' });
    await again.locator('input[type=file]').setInputFiles({ name: '关联关系.csv', mimeType: 'text/csv', buffer: Buffer.from(ASSOCIATION, 'utf8') });
    // The same file again: everything already imported, nothing to import.
    await expect(again.locator('.ant-statistic').filter({ hasText: '已导入过' })).toContainText('6');
    await expect(again.getByRole('button', { name: '导入' })).toBeDisabled();
    await shot(page, `import-again-${width}`);
    await page.context().close();
  }

  // 4. Sign-off on a 390 px phone: the loose box, then the carton, which stands for its four boxes on the delivery.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const doc = await phone.newPage();
  await login(doc, server.url, 'cy01', PASSWORD);
  await doc.getByRole('button', { name: '打开导航菜单' }).click();
  await openMenu(doc, '配送签收');
  const card = doc.locator('.ant-card').filter({ hasText: /CK-\d{6}-0001/ });
  await scanInto(doc.getByLabel('扫码签收', { exact: true }), box(1));
  await expect(card.getByRole('status')).toHaveText('阿莫西林胶囊：已扫 1/5 盒');
  await expect(card.getByText('还有 4 盒没有扫到')).toBeVisible();
  await scanInto(doc.getByLabel('扫码签收', { exact: true }), CARTON);
  await expect(card.getByRole('status')).toHaveText(`大码 ${CARTON}：4 盒，阿莫西林胶囊 已扫 5/5 盒`);
  await expect(card.getByText('已扫 5/5 盒', { exact: true })).toBeVisible();
  await shot(doc, 'sign-carton-390');
  await card.getByRole('button', { name: '确认签收' }).click();
  await doc.getByRole('button', { name: '确认无误，签收' }).click();
  await expect(doc.getByText(/已签收入库/)).toBeVisible();
  const signed = await api(yaoku, 'deliveries.get', { id: delivery.id });
  expect(signed.traceNotices).toEqual([]);
  expect(new Set(signed.lines.flatMap((l: { boxes: { state: string }[] }) => l.boxes.map((b) => b.state)))).toEqual(new Set(['in_stock']));
  await phone.close();
});
