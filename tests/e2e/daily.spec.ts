import type { Locator, Page } from '@playwright/test';
import { expect, newDevicePage, screenshot, serverForFile, test } from './fixtures';
import { choose, confirmUntil, expectNoSidewaysScroll, openMenu, signIn } from './pages/app';
import { api, apiAs, seedCatalog, stockClinic } from './seed';

test.describe.configure({ mode: 'serial' });

const PASSWORD = 'Qingshi2026';
/** A person's typing: about 12 keys a second, no pause before Enter (the search may not have answered yet). */
const KEY_DELAY = 80;

const server = serverForFile();
let ids: Record<string, number>;
let clinicId: number;

test.beforeAll(async ({ browser }) => {
  const setup = await browser.newContext({ baseURL: server.url });
  await api(setup.request, 'setup.initialize', { hubName: '青石镇卫生院', adminUsername: 'admin', adminDisplayName: '张院长', adminPassword: PASSWORD });
  const clinic = await api(setup.request, 'clinics.create', { code: 'C01', name: '东湖村卫生室', village: '东湖村' });
  clinicId = clinic.id;
  await api(setup.request, 'users.create', { username: 'yaoku', initialPassword: 'Chushi2026', displayName: '周药师', role: 'pharmacist', clinicId: null });
  await api(setup.request, 'users.create', { username: 'cy01', initialPassword: 'Chushi2026', displayName: '王建国', role: 'village_doctor', clinicId });
  const yaoku = await apiAs(browser, server.url, 'yaoku', 'Chushi2026', PASSWORD);
  const doctor = await apiAs(browser, server.url, 'cy01', 'Chushi2026', PASSWORD);
  ids = await seedCatalog(yaoku);
  // 阿莫西林 2盒 (48粒) and 布洛芬 2盒 (40粒) on the shelf; 氨氯地平 is in the catalog but never came.
  await stockClinic(yaoku, doctor, clinicId, [
    { drugId: ids.amox, lots: [{ batchNo: 'A2611', expiryDate: '2028-10-31', qty: 48 }] },
    { drugId: ids.ibu, lots: [{ batchNo: 'B2611', expiryDate: '2028-06-30', qty: 40 }] },
  ]);
  // 氨氯地平 (7片 boxes) is on its way to the clinic, to be signed for on the phone.
  await stockClinic(yaoku, doctor, clinicId, [{ drugId: ids.amlBrand, lots: [{ batchNo: 'C2611', expiryDate: '2028-08-31', qty: 14 }] }], { sign: false });
  // 维生素C carries the catalog-wide clinic minimum that used to put it on every clinic's 缺货 list.
  await api(yaoku, 'catalog.create', {
    nhsaCode: 'XA11GAA010A001010100009',
    genericName: '维生素C片',
    dosageForm: '片剂',
    spec: '0.1g*100片',
    packUnit: '瓶',
    baseUnit: '片',
    packSize: 100,
    manufacturer: '华北制药股份有限公司',
    insuranceClass: 'A',
    vbp: false,
    vbpBatch: null,
    vbpPrice: null,
    defaultSupplierId: null,
    clinicMin: 200,
    clinicMax: 500,
  });
  await setup.close();
});

/** Types like a person, into whatever has the focus. */
const type = (page: Page, text: string) => page.keyboard.type(text, { delay: KEY_DELAY });

// The phone runs first and takes 12粒 阿莫西林 and 5粒 布洛芬 from the shelf; the desk sees what is left.
const shelf = {
  phone: { amox: '2盒', ibu: '2盒' },
  desk: { amox: '1盒12粒', ibu: '1盒15粒' },
};
for (const device of ['phone', 'desk'] as const) {
  test(`用药登记 from the keyboard (${device}): drug ⏎ 数量 ⏎ next drug, short stock explained, Ctrl+Enter posts`, async ({ browser }) => {
    const page = device === 'phone' ? await newDevicePage(browser, 390) : await newDevicePage(browser, 1366);
    await signIn(page, server.url, 'cy01', PASSWORD);
    await openMenu(page, '用药登记', '用药登记');
    const picker = page.getByLabel('药品检索');
    await expect(picker).toBeFocused();

    // 阿莫西林 by its initials, Enter at once, then the quantity: "12" is the quantity, not a new search.
    await type(page, 'amxl');
    await page.keyboard.press('Enter');
    await type(page, '12');
    const amoxQty = page.getByLabel('数量（粒）');
    await expect(amoxQty).toHaveValue('12');
    await expect(amoxQty).toHaveAttribute('inputmode', 'numeric');
    await expect(page.getByText(`可用 ${shelf[device].amox}`)).toBeVisible();
    await page.keyboard.press('Enter');
    await expect(picker).toBeFocused();

    // 氨氯地平 never came to this clinic: said so, and the quantity is refused with the reason, not set to 0.
    await type(page, 'aldp');
    await expect(page.locator('.drug-picker-popup .drug-hit').first()).toContainText('氨氯地平');
    await page.keyboard.press('Enter');
    await expect(page.getByText('本室无库存', { exact: true })).toBeVisible();
    await type(page, '3');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').filter({ hasText: '氨氯地平片：本室无库存' })).toBeVisible();
    await expect(page.getByLabel('数量（片）')).toHaveValue('3');

    // 布洛芬: 50粒 asked, 40粒 on the shelf — explained with what is there; 5粒 then goes in.
    await picker.focus();
    await type(page, 'blf');
    await page.keyboard.press('Enter');
    await type(page, '50');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').filter({ hasText: `布洛芬缓释胶囊：可用 ${shelf[device].ibu}，不能登记 2盒10粒` })).toBeVisible();
    const ibuQty = page.getByLabel('数量（粒）');
    await expect(ibuQty).toHaveValue('50');
    await ibuQty.press('Control+A');
    await type(page, '5');
    if (device === 'phone') {
      await expectNoSidewaysScroll(page, 390);
      // No keyboard on a phone: no "Ctrl+Enter" or "（回车）" hints, and boxes a thumb can hit.
      await expect(page.locator('.kbd-hint', { hasText: 'Ctrl+Enter' })).toBeHidden();
      expect((await ibuQty.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    } else await expect(page.locator('.kbd-hint', { hasText: 'Ctrl+Enter' })).toBeVisible();
    await screenshot(page, `daily-dispense-loop-${device}`);
    // Ctrl+Enter posts, with the line still being typed.
    await page.keyboard.press('Control+Enter');
    await expect(page.getByText('已登记 2 种药品')).toBeVisible();
    const entry = page.locator('.ant-list-item').first();
    await expect(entry).toContainText('阿莫西林胶囊');
    await expect(entry).toContainText('12粒');
    await expect(entry).toContainText('布洛芬缓释胶囊');
    await expect(entry).toContainText('5粒');
    await expect(picker).toBeFocused();
    await page.context().close();
  });
}

/** A tap on a phone: the element scrolled into view, then touched. */
const tap = async (target: Locator) => {
  await target.scrollIntoViewIfNeeded();
  await target.tap();
};

test('a village doctor on a phone: 新建退货 and 新建报损 with the drug picker, short stock said, and a sign-off confirmed', async ({ browser }) => {
  const page = await newDevicePage(browser, 390);
  await signIn(page, server.url, 'cy01', PASSWORD);

  // 退货: 阿莫西林 back to the hub. 1盒 is left after the dispensing above: 2盒 are refused with the reason. (The
  // return posts when the hub confirms it: the shelf still holds the box for the alerts below.)
  await openMenu(page, '退货', '退货');
  await tap(page.getByRole('button', { name: '新建退货' }));
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('药品检索').tap();
  await type(page, 'amxl');
  // The hits of what was typed, not those of an earlier pause in the typing (kept on screen while the search runs).
  const hit = page.locator('.drug-picker-popup .drug-hit').first();
  await expect(hit).toContainText('阿莫西林胶囊');
  await tap(hit);
  await tap(dialog.getByRole('button', { name: '批号 A2611' }));
  const form = page.getByRole('dialog').filter({ hasText: '退回中心库' });
  await form.getByLabel('数量（盒）').tap();
  await type(page, '2');
  await choose(page, '原因', '近效期');
  await tap(form.getByRole('button', { name: '提交' }));
  await expect(form.getByText('批号 A2611 只有 1盒')).toBeVisible();
  await form.getByLabel('数量（盒）').press('Control+A');
  await type(page, '1');
  await expectNoSidewaysScroll(page, 390);
  await screenshot(page, 'daily-return-phone');
  await tap(form.getByRole('button', { name: '提交' }));
  await expect(page.getByText('退货申请已提交，等待中心库确认收货')).toBeVisible();
  await expect(page.getByText(/TH-\d{6}-\d{4}|退回/).first()).toBeVisible();

  // 报损: one 布洛芬 capsule damaged.
  await openMenu(page, '报损', '报损');
  await tap(page.getByRole('button', { name: '新建报损' }));
  await page.getByRole('dialog').getByLabel('药品检索').tap();
  await type(page, 'blf');
  await expect(hit).toContainText('布洛芬缓释胶囊');
  await tap(hit);
  await tap(page.getByRole('dialog').getByRole('button', { name: '批号 B2611' }));
  const writeoff = page.getByRole('dialog').filter({ hasText: '报损申请' });
  await writeoff.getByLabel('数量（盒）').tap();
  await type(page, '1');
  await choose(page, '原因', '破损');
  await tap(writeoff.getByRole('button', { name: '提交' }));
  await expect(page.getByText('报损申请已提交，等待药库管理员审批')).toBeVisible();
  await expectNoSidewaysScroll(page, 390);
  await screenshot(page, 'daily-writeoff-phone');

  // 配送签收: the button says why it cannot be pressed, and asks before posting.
  await openMenu(page, '配送签收', '配送签收');
  const card = page
    .locator('.ant-card')
    .filter({ hasText: /CK-\d{6}-\d{4}/ })
    .first();
  const received = card.getByLabel('数量（盒）');
  await received.tap();
  await received.press('Control+A');
  await type(page, '1');
  await expect(card.getByRole('button', { name: '确认签收' })).toBeDisabled();
  await expect(card.getByRole('alert')).toHaveText('请先填写：氨氯地平片 差异原因');
  await card.getByLabel('氨氯地平片 差异原因').tap();
  await page.keyboard.insertText('一盒外包装破损');
  await tap(card.getByRole('button', { name: '确认签收' }));
  await expect(page.getByText('其中 1 种药品实收少于配送，差异将通知中心库。签收后计入本室库存。')).toBeVisible();
  await expectNoSidewaysScroll(page, 390);
  await screenshot(page, 'daily-sign-confirm-phone');
  await tap(page.getByRole('button', { name: '确认无误，签收' }));
  await expect(page.getByText(/已签收，差异已通知中心库/)).toBeVisible();
  await page.context().close();
});

test('库存预警 for one clinic shows only its watched drugs; the workbench card opens the view it counts', async ({ browser }) => {
  // The pharmacist sets 东湖's own 下限 of 阿莫西林 above what it holds.
  const yaoku = await apiAs(browser, server.url, 'yaoku', PASSWORD);
  const stores = (await api(yaoku, 'stock.stores', {})) as { id: number; kind: string; clinicId: number | null }[];
  const storeId = stores.find((s) => s.kind === 'clinic' && s.clinicId === clinicId)!.id;
  await api(yaoku, 'stock.setWatch', { storeId, drugId: ids.amox, watched: true, minQty: 48, maxQty: 96 });

  const page = await newDevicePage(browser, 390);
  await signIn(page, server.url, 'cy01', PASSWORD);
  const todo = page
    .getByRole('link', { name: /本室常用药缺货或低于下限/ })
    .or(page.locator('a, button, [role=link]').filter({ hasText: '本室常用药缺货或低于下限' }));
  await expect(todo.first()).toContainText('1');
  await todo.first().tap();
  await expect(page).toHaveURL(new RegExp(`/stock/alerts\\?store=${storeId}&kind=out_of_stock,below_min`));
  const cards = page.locator('.alert-card');
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText('阿莫西林胶囊');
  await expect(cards.first()).toContainText('低于下限');
  // The card's combined view adds a seventh choice to the kinds: they scroll in their row, the page does not.
  await expectNoSidewaysScroll(page, 390);
  // 维生素C has the catalog-wide clinic minimum but 东湖 never used it: not on its list, all kinds shown (a query
  // of its own, or the card's remembered filter would come back).
  await page.goto(`${server.url}stock/alerts?tab=alerts`);
  await expect(page.locator('.ant-segmented-item-selected')).toContainText('全部');
  await expect(page.locator('.alert-card').first()).toBeVisible();
  await expect(page.getByText('维生素C片')).toHaveCount(0);
  await expectNoSidewaysScroll(page, 390);
  await screenshot(page, 'daily-alerts-phone');
  await tap(page.getByRole('tab', { name: '常用药与上下限' }));
  await expect(page.getByText('药库设定').or(page.getByText('近 90 天用过')).first()).toBeVisible();
  await expectNoSidewaysScroll(page, 390);
  await screenshot(page, 'daily-watch-phone');
  await page.context().close();

  for (const width of [1366, 1440]) {
    const desk1 = await newDevicePage(browser, width, 768);
    await signIn(desk1, server.url, 'yaoku', PASSWORD);
    await desk1.goto(`${server.url}stock/alerts?store=${storeId}`);
    await expect(desk1.getByRole('row', { name: /阿莫西林胶囊/ })).toContainText('低于下限');
    await expect(desk1.getByRole('row', { name: /维生素C片/ })).toHaveCount(0);
    await screenshot(desk1, `daily-alerts-${width}`);
    if (width === 1366) {
      // The list as filtered prints as the 库存预警表: the same rows, all of them, with the people who sign.
      await desk1.getByRole('button', { name: '打印' }).click();
      await expect(desk1.getByRole('heading', { name: '库存预警表' })).toBeVisible();
      await expect(desk1.locator('.print-table tbody tr').filter({ hasText: '阿莫西林胶囊' })).toContainText('低于下限');
      await expect(desk1.locator('.print-table')).not.toContainText('维生素C片');
      await expect(desk1.locator('.print-signatures')).toContainText('保管员');
      await screenshot(desk1, 'daily-alerts-print-1366');
      await desk1.goBack();
    }
    await desk1.getByRole('tab', { name: '常用药与上下限' }).click();
    const row = desk1.getByRole('row', { name: /布洛芬缓释胶囊/ });
    await row.getByRole('button', { name: '设置' }).click();
    const dialog = desk1.getByRole('dialog');
    await dialog.getByLabel('下限（盒）').click();
    await desk1.keyboard.press('Control+A');
    await desk1.keyboard.type('3', { delay: KEY_DELAY });
    await dialog.getByLabel('上限（盒）').click();
    await desk1.keyboard.press('Control+A');
    await desk1.keyboard.type('1', { delay: KEY_DELAY });
    await expect(dialog.getByText('下限不能高于上限')).toBeVisible();
    await dialog.getByLabel('上限（盒）').press('Control+A');
    await desk1.keyboard.type('6', { delay: KEY_DELAY });
    await screenshot(desk1, `daily-watch-edit-${width}`);
    await dialog.getByRole('button', { name: '保存' }).click();
    await expect(row).toContainText('3盒 ~ 6盒');
    await desk1.context().close();
  }
});

test('at the desk the pharmacist rejects the write-off only with a note, and receives the return after a question', async ({ browser }) => {
  const page = await newDevicePage(browser, 1366);
  await signIn(page, server.url, 'yaoku', PASSWORD);

  // 报损: 驳回 stays disabled until a note says why; the rejected request keeps the note beside the decider.
  await openMenu(page, '报损', '报损');
  const waiting = page.locator('tr.ant-table-row').filter({ has: page.getByRole('button', { name: '驳回' }) });
  await expect(waiting).toHaveCount(1);
  await expect(waiting.getByRole('button', { name: '驳回' })).toBeDisabled();
  await waiting.getByPlaceholder('审批意见（驳回必填）').fill('未见破损实物，请拍照后重报');
  await waiting.getByRole('button', { name: '驳回' }).click();
  await expect(waiting).toHaveCount(0);
  await page.getByText('已驳回', { exact: true }).click();
  await expect(page.getByText('周药师：未见破损实物，请拍照后重报')).toBeVisible();

  // 退货: receiving the box back asks first (it posts stock into the hub), then the request is done.
  await openMenu(page, '退货', '退货');
  const toReceive = page.locator('tr.ant-table-row').filter({ has: page.getByRole('button', { name: '确认收货' }) });
  await expect(toReceive).toHaveCount(1);
  await toReceive.getByRole('button', { name: '确认收货' }).click();
  await expect(page.getByText('确认已收到退回的药品并入中心库？')).toBeVisible();
  await confirmUntil(page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定/ }), page.getByText('周药师', { exact: true }).first());
  await expect(toReceive).toHaveCount(0);
  await screenshot(page, 'daily-return-received-1366');
  await page.context().close();
});
