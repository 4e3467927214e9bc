import { expect, login, test, serverForFile, shotsIn } from './fixtures';
import { openMenu } from './pages/app';
import { api, apiAs, seedCatalog } from './seed';

/**
 * The storage-condition override in a real browser (issue 21): the pharmacist issues insulin (冷藏) to a clinic
 * that has no fridge; the preview says the clinic cannot keep it and asks for the reason on the line; the
 * delivery is posted with it, and the delivery shows who decided and why. Screenshots at 390, 1366 and 1440 px.
 */
test.describe.configure({ mode: 'serial' });

const server = serverForFile();

const PASSWORD = 'Qingshi2026';
const shot = shotsIn('gsp-rest');

test('the pharmacist issues insulin to a clinic without a fridge, asked for the reason, and gives it', async ({ browser }) => {
  const setup = await browser.newContext({ baseURL: server.url });
  await api(setup.request, 'setup.initialize', { hubName: '青石镇卫生院', adminUsername: 'admin', adminDisplayName: '张院长', adminPassword: PASSWORD });
  const clinicId = (await api(setup.request, 'clinics.create', { code: 'C02', name: '西岭村卫生室', village: '西岭村' })).id;
  await api(setup.request, 'users.create', { username: 'yaoku', initialPassword: 'Chushi2026', displayName: '周药师', role: 'pharmacist', clinicId: null });
  await api(setup.request, 'users.create', { username: 'cy02', initialPassword: 'Chushi2026', displayName: '李秀英', role: 'village_doctor', clinicId });
  const yaoku = await apiAs(browser, server.url, 'yaoku', 'Chushi2026', PASSWORD);
  const doctor = await apiAs(browser, server.url, 'cy02', 'Chushi2026', PASSWORD);
  await seedCatalog(yaoku);
  const supplierId = (await api(yaoku, 'suppliers.list', {}))[0].id;
  const insulin = await api(yaoku, 'catalog.create', {
    nhsaCode: 'XA10ABA010B002010100005',
    genericName: '胰岛素注射液',
    dosageForm: '注射剂',
    spec: '10ml:400单位',
    packUnit: '支',
    baseUnit: '支',
    packSize: 1,
    manufacturer: '通化东宝药业股份有限公司',
    insuranceClass: 'A',
    vbp: false,
    vbpBatch: null,
    vbpPrice: null,
    defaultSupplierId: supplierId,
  });
  await api(yaoku, 'suppliers.setPrices', { supplierId, prices: [{ drugId: insulin.id, packPrice: 45_000_000 }] });
  await api(yaoku, 'gsp.saveSettings', { secondAcceptor: 'none', amTime: '09:00', pmTime: '15:00' });
  await api(yaoku, 'gsp.setDrugStorage', { drugId: insulin.id, storageCondition: 'cold', specialControl: false });
  const req = await api(doctor, 'requisitions.submit', { submitToken: 'gsp-override-0001', lines: [{ drugId: insulin.id, qty: 2, enteredIn: 'pack' }] });
  await api(yaoku, 'requisitions.decide', { id: req.id, lines: req.lines.map((l: { id: number }) => ({ lineId: l.id, decision: 'approved' })) });
  const preview = await api(yaoku, 'aggregation.preview', { requisitionIds: [req.id], hubReplenishment: false });
  const agg = await api(yaoku, 'aggregation.create', { requisitionIds: [req.id], hubReplenishment: false, fingerprint: preview.fingerprint });
  await api(yaoku, 'orders.send', { id: agg.orders[0].id });
  const order = await api(yaoku, 'orders.get', { id: agg.orders[0].id });
  await api(yaoku, 'receipts.create', {
    poId: order.id,
    invoiceNo: 'FP-INS-1',
    lines: [{ poLineId: order.lines[0].id, batchNo: 'INS2601', expiryDate: '2028-03-31', qty: 2, arrivalTemp: 50, transportRecord: '冷藏车，保温箱 5.0 ℃' }],
  });

  for (const [width, height] of [
    [1366, 860],
    [1440, 900],
    [390, 844],
  ]) {
    const ctx = await browser.newContext({ viewport: { width, height } });
    const ph = await ctx.newPage();
    await login(ph, server.url, 'yaoku', PASSWORD);
    if (width === 390) {
      // On a phone the menu is a drawer; its group is unfolded only if it is folded, looked at once the drawer shows
      // (before that the item is not visible either, and a click on the group would fold it).
      await ph.getByRole('button', { name: '打开导航菜单' }).click();
      const item = ph.getByRole('menuitem', { name: '配送出库', exact: true });
      const group = ph.getByRole('menuitem', { name: '统一出入库' });
      await expect(group).toBeVisible();
      if (!(await item.isVisible())) await group.click();
      await item.click();
    } else await openMenu(ph, '配送出库');
    await ph.getByRole('checkbox').first().check();
    await ph.getByRole('button', { name: /预览出库/ }).click();
    const dialog = ph.getByRole('dialog');
    await expect(dialog.getByText('有药品卫生室不能按贮藏条件保存')).toBeVisible();
    await expect(dialog.getByText('西岭村卫生室没有启用的冷藏柜，不能按冷藏（2–8 ℃）保存')).toBeVisible();
    await expect(dialog.getByRole('button', { name: '确认出库' })).toBeDisabled();
    await shot(ph, `override-asked-${width}`);
    if (width !== 390) {
      await dialog.getByRole('button', { name: '返回' }).click();
      await ctx.close();
      continue;
    }
    await dialog.getByLabel('胰岛素注射液 仍配送的原因').fill('本室冰箱送修，村医带冷藏箱来院领取，当天为患者注射');
    await dialog.getByRole('button', { name: '确认出库' }).click();
    await expect(ph.getByText(/已出库，等待 西岭村卫生室 签收/)).toBeVisible();
    await ph.getByRole('tab', { name: '配送单' }).click();
    await ph.getByRole('button', { name: /^CK/ }).first().click();
    await expect(ph.getByText('贮藏条件不符仍配送')).toBeVisible();
    await expect(ph.getByText('本室冰箱送修，村医带冷藏箱来院领取，当天为患者注射（周药师）')).toBeVisible();
    await shot(ph, `override-delivery-${width}`);
    await ctx.close();
  }
  const list = await api(yaoku, 'deliveries.list', {});
  const delivery = await api(yaoku, 'deliveries.get', { id: list[0].id });
  expect(delivery.lines[0].storageOverride).toEqual({ reason: '本室冰箱送修，村医带冷藏箱来院领取，当天为患者注射', byName: '周药师' });
});
