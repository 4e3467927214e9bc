import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, login, screenshot, SCREENSHOT_DIR, E2E_CLOCK, startServer, test, type ServerHandle } from './fixtures';
import { openMenu } from './pages/app';
import { api, apiAs, seedCatalog } from './seed';

test.describe.configure({ mode: 'serial' });

// A hub of our own: the worker's shared server may already have been set up by another file.
let server: ServerHandle;
test.beforeAll(async () => {
  server = await startServer({ clock: E2E_CLOCK });
});
test.afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

const PASSWORD = 'Qingshi2026';

/** The village doctor on a phone: adds drugs with the picker, types quantities in the unit chosen, submits. */
async function reportNeeds(page: Page, lines: { search: string; pick: RegExp; label: string; qty: string; unit: '盒' | '粒' | '片' }[]) {
  await page.getByRole('button', { name: '打开导航菜单' }).click();
  await openMenu(page, '需求上报');
  await page.getByRole('button', { name: '新建请领单' }).click();
  await expect(page.getByRole('heading', { name: '新建请领单' })).toBeVisible();
  for (const l of lines) {
    await page.getByLabel('药品检索').fill(l.search);
    await page.locator('.drug-picker-popup .drug-hit').filter({ hasText: l.pick }).first().click();
    const card = page.locator('.line-card').filter({ hasText: l.label }).filter({ hasText: l.pick });
    await expect(card).toBeVisible();
    if (l.unit !== '盒') {
      await card.getByRole('combobox', { name: '单位' }).click();
      await page.locator('.ant-select-dropdown:visible').getByTitle(l.unit, { exact: true }).click();
    }
    await card.getByLabel(`${l.label} 请领数量（${l.unit}）`).fill(l.qty);
  }
}

test('two clinics report needs, the pharmacist reviews, aggregates and gets one order per supplier', async ({ browser }) => {
  // The hub: first-run setup, two clinics, their doctors and the pharmacist.
  const setup = await browser.newContext({ baseURL: server.url });
  await api(setup.request, 'setup.initialize', { hubName: '青石镇卫生院', adminUsername: 'admin', adminDisplayName: '张院长', adminPassword: PASSWORD });
  const c1 = await api(setup.request, 'clinics.create', { code: 'C01', name: '东湖村卫生室', village: '东湖村' });
  const c2 = await api(setup.request, 'clinics.create', { code: 'C02', name: '西岭村卫生室', village: '西岭村' });
  for (const [username, role, clinicId, displayName] of [
    ['yaoku', 'pharmacist', null, '周药师'],
    ['cy01', 'village_doctor', c1.id, '王建国'],
    ['cy02', 'village_doctor', c2.id, '李秀英'],
  ] as const) {
    await api(setup.request, 'users.create', { username, initialPassword: 'Chushi2026', displayName, role, clinicId });
  }
  const yaoku = await apiAs(browser, server.url, 'yaoku', 'Chushi2026', PASSWORD);
  const ids = await seedCatalog(yaoku);

  // 东湖's doctor, on a phone: 10盒 阿莫西林 and 56片 of the brand 氨氯地平 (typed in 片).
  const phone1 = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const d1 = await phone1.newPage();
  await login(d1, server.url, 'cy01', 'Chushi2026');
  await d1.getByLabel('原密码').fill('Chushi2026');
  await d1.getByLabel('新密码', { exact: true }).fill(PASSWORD);
  await d1.getByLabel('确认新密码').fill(PASSWORD);
  await d1.getByRole('button', { name: '修改密码' }).click();
  await expect(d1.getByRole('heading', { name: '工作台' })).toBeVisible();
  await reportNeeds(d1, [
    { search: 'amxl', pick: /0\.25g\*24粒/, label: '阿莫西林胶囊', qty: '10', unit: '盒' },
    { search: '氨氯地平', pick: /5mg\*7片/, label: '氨氯地平片', qty: '56', unit: '片' },
  ]);
  const amoxCard = d1.locator('.line-card').filter({ hasText: '阿莫西林胶囊' });
  await expect(amoxCard.getByText('= 10盒（240粒）')).toBeVisible();
  await expect(d1.locator('.line-card').filter({ hasText: '5mg*7片' }).getByText('= 8盒（56片）')).toBeVisible();
  // The clinic's figures beside each line: stock, AMC (with its formula), in transit, suggestion.
  await expect(amoxCard.getByText('月均')).toBeVisible();
  await expect(amoxCard.getByText('建议')).toBeVisible();
  await screenshot(d1, 'purchasing-01-doctor-editor');
  // A double tap on 提交 and on the confirmation makes one requisition (one submit token per editing session).
  await d1.getByRole('button', { name: '提交' }).dblclick();
  await d1.getByRole('dialog').getByRole('button', { name: '提交' }).dblclick();
  await expect(d1.getByText('已提交，等待药库审核。')).toBeVisible();
  await expect(d1.getByText('待审核').first()).toBeVisible();
  await screenshot(d1, 'purchasing-01b-doctor-submitted');

  // 西岭's doctor: 30粒 阿莫西林 (typed in 粒) and 3盒 布洛芬.
  const phone2 = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const d2 = await phone2.newPage();
  await login(d2, server.url, 'cy02', 'Chushi2026');
  await d2.getByLabel('原密码').fill('Chushi2026');
  await d2.getByLabel('新密码', { exact: true }).fill(PASSWORD);
  await d2.getByLabel('确认新密码').fill(PASSWORD);
  await d2.getByRole('button', { name: '修改密码' }).click();
  await expect(d2.getByRole('heading', { name: '工作台' })).toBeVisible();
  await reportNeeds(d2, [
    { search: '阿莫西林', pick: /0\.25g\*24粒/, label: '阿莫西林胶囊', qty: '30', unit: '粒' },
    { search: 'blf', pick: /0\.3g\*20粒/, label: '布洛芬缓释胶囊', qty: '3', unit: '盒' },
  ]);
  await expect(d2.locator('.line-card').filter({ hasText: '阿莫西林胶囊' }).getByText('= 1盒6粒（共 30粒）')).toBeVisible();
  await d2.getByRole('button', { name: '提交' }).click();
  // A click that lands while the confirm dialog is still animating in is lost on a loaded machine: confirm until it closes.
  await expect(async () => {
    await d2.getByRole('dialog').getByRole('button', { name: '提交' }).click({ timeout: 3_000 });
    await expect(d2.getByRole('dialog')).toBeHidden({ timeout: 3_000 });
  }).toPass({ timeout: 20_000 });
  await expect(d2.getByText('已提交，等待药库审核。')).toBeVisible();
  expect((await api(yaoku, 'requisitions.list', { status: ['submitted'] })).total).toBe(2);

  // The pharmacist on the desktop.
  const desk = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  const ph = await desk.newPage();
  await login(ph, server.url, 'yaoku', PASSWORD);
  await openMenu(ph, '请领审核');
  await expect(ph.getByRole('heading', { name: '请领审核' })).toBeVisible();
  const inbox = ph.getByRole('list', { name: '请领单' });
  await expect(inbox.getByText('东湖村卫生室')).toBeVisible();
  await expect(inbox.getByText('西岭村卫生室')).toBeVisible();

  // 东湖: approve everything at once.
  await inbox.getByRole('listitem', { name: /东湖村卫生室/ }).click();
  const panel = ph.locator('.ant-card').filter({ hasText: '东湖村卫生室 · QL-' });
  await expect(panel.getByRole('row', { name: /阿莫西林胶囊/ })).toContainText('10盒');
  await screenshot(ph, 'purchasing-02-review');
  await panel.getByRole('button', { name: /全部同意/ }).click();
  await ph.getByRole('button', { name: '全部同意', exact: true }).click();
  await expect(panel.getByText('已审核')).toBeVisible();

  // 西岭: 布洛芬 adjusted from 3盒 to 2盒 — a reason is required first.
  await inbox.getByRole('listitem', { name: /西岭村卫生室/ }).click();
  const panel2 = ph.locator('.ant-card').filter({ hasText: '西岭村卫生室 · QL-' });
  await panel2.getByRole('button', { name: '调整 布洛芬缓释胶囊' }).click();
  const modal = ph.getByRole('dialog');
  await modal.getByLabel('核准数量（盒）').fill('2');
  await expect(modal.getByText('= 2盒（40粒）')).toBeVisible();
  await modal.getByLabel('调整原因').focus();
  await modal.getByRole('button', { name: '确认调整' }).click();
  await expect(modal.getByText('调整数量必须填写原因')).toBeVisible();
  await modal.getByLabel('调整原因').fill('近三月用量小');
  await screenshot(ph, 'purchasing-03-adjust');
  await modal.getByRole('button', { name: '确认调整' }).click();
  await expect(modal).toBeHidden();
  await panel2.getByRole('button', { name: '同意 阿莫西林胶囊' }).click();
  await expect(panel2.getByText('已审核')).toBeVisible();
  await expect(panel2.getByRole('row', { name: /布洛芬缓释胶囊/ })).toContainText('近三月用量小');

  // Aggregation: 阿莫西林 240 + 30 = 270粒 → 12盒; 布洛芬 40粒 = 2盒 (国药); 氨氯地平 8盒 (九州通).
  await openMenu(ph, '汇总采购');
  await expect(ph.getByText('已选 2 / 2 张')).toBeVisible();
  await ph.getByRole('button', { name: '预览汇总' }).click();
  await expect(ph.getByText('国药控股湖南有限公司')).toBeVisible();
  await screenshot(ph, 'purchasing-04-preview');

  // 应采尽采: the brand 氨氯地平 (5mg*7片) is switched to the 集采 one (5mg*28片): 56片 = 2盒.
  const amlRow = ph.getByRole('row', { name: /氨氯地平片/ });
  await amlRow.getByRole('button', { name: '有集采替代' }).click();
  await expect(ph.getByText('本行节省 ¥189.60')).toBeVisible();
  // Same strength per 片, so the same 56片, in the 集采 drug's packs: before → after on the screen.
  await expect(ph.getByLabel('氨氯地平片 5mg*28片 数量换算')).toHaveText('数量 8盒（56片） → 2盒（56片）');
  await ph.getByRole('button', { name: '改为此集采药品' }).click();
  await expect(ph.getByRole('row', { name: /5mg\*28片/ })).toContainText('2盒');
  await expect(ph.locator('.ant-statistic').filter({ hasText: '集采品种' })).toContainText('1 / 3');

  // The preview's order quantities, per supplier.
  const guoyao = ph.locator('.ant-card').filter({ hasText: '国药控股湖南有限公司' }).last();
  await expect(guoyao.getByTestId(`order-qty-${ids.amox}`)).toHaveText('12盒');
  await expect(guoyao.getByTestId(`order-qty-${ids.ibu}`)).toHaveText('2盒');
  const jiuzhou = ph.locator('.ant-card').filter({ hasText: '九州通医药集团湖南有限公司' }).last();
  await expect(jiuzhou.getByTestId(`order-qty-${ids.aml}`)).toHaveText('2盒');
  // Which clinics each order line serves.
  await guoyao
    .getByRole('row', { name: /阿莫西林胶囊/ })
    .getByRole('button', { name: /展开/ })
    .click();
  await expect(guoyao.getByRole('row', { name: /^东湖村卫生室 QL-/ })).toContainText('10盒');
  await expect(guoyao.getByRole('row', { name: /^西岭村卫生室 QL-/ })).toContainText('1盒6粒');
  await screenshot(ph, 'purchasing-04-preview');

  await ph.getByPlaceholder(/备注/).fill('第 47 周');
  await ph.getByRole('button', { name: '生成采购订单' }).click();
  await ph.getByRole('button', { name: '生成', exact: true }).click();
  await expect(ph.getByText(/已生成 2 张采购订单草稿/)).toBeVisible();
  await ph.getByRole('link', { name: '查看本次订单' }).click();
  const rows = ph.getByRole('row').filter({ hasText: 'CG-' });
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: '国药控股湖南有限公司' })).toContainText('¥169.60');
  await expect(rows.filter({ hasText: '九州通医药集团湖南有限公司' })).toContainText('¥6.40');
  await screenshot(ph, 'purchasing-05-orders');

  // The 国药 order: lines, send, print, export.
  await rows.filter({ hasText: '国药控股湖南有限公司' }).getByRole('link').click();
  await expect(ph.getByRole('heading', { name: /采购订单 CG-/ })).toBeVisible();
  await expect(ph.getByRole('row', { name: /阿莫西林胶囊/ })).toContainText('12盒');
  await expect(ph.getByRole('row', { name: /布洛芬缓释胶囊/ })).toContainText('2盒');
  await expect(ph.getByText('壹佰陆拾玖元陆角整')).toBeVisible();
  await ph.getByRole('button', { name: '发送' }).click();
  await ph.getByRole('button', { name: '确认发送' }).click();
  await expect(ph.getByText('已发送').first()).toBeVisible();
  await screenshot(ph, 'purchasing-06-order');
  const download = ph.waitForEvent('download');
  await ph.getByRole('button', { name: '导出 Excel' }).click();
  expect((await download).suggestedFilename()).toMatch(/^采购订单-CG-\d{6}-\d{4}-国药控股湖南有限公司\.xlsx$/);

  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await ph.getByRole('button', { name: '打印' }).click();
  await expect(ph.getByRole('heading', { name: '药品采购订单' })).toBeVisible();
  await expect(ph.locator('.print-table tbody tr').filter({ hasText: '阿莫西林胶囊' })).toContainText('12盒');
  await expect(ph.locator('.print-words')).toContainText('壹佰陆拾玖元陆角整');
  await expect(ph.getByText('经办人：')).toBeVisible();
  await expect(ph.locator('.app-sider')).toHaveCount(0);
  await screenshot(ph, 'purchasing-07-print');
  // On paper: A4 landscape, the toolbar gone, "第 1 页 共 1 页" in the bottom margin box.
  const pdfFile = path.join(SCREENSHOT_DIR, 'purchasing-order.pdf');
  await ph.pdf({ path: pdfFile, preferCSSPageSize: true, printBackground: true });
  const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
  expect(text).toContain('药品采购订单');
  expect(text).toMatch(/第\s*1\s*页\s*共\s*1\s*页/);
  expect(text).toContain('壹佰陆拾玖元陆角整');
  expect(text).not.toContain('返回');
  const size = execFileSync('pdfinfo', [pdfFile], { encoding: 'utf8' });
  expect(size).toMatch(/Page size:\s+841\.\d+ x 59[45]\.\d+ pts \(A4\)/);

  // The doctor of 西岭, on the phone, sees the hub's decision on every line, with its reason.
  await d2.getByRole('button', { name: '打开导航菜单' }).click();
  await openMenu(d2, '需求上报');
  await d2.locator('.req-card').first().click();
  const ibuCard = d2.locator('.ant-card').filter({ hasText: '布洛芬缓释胶囊' });
  await expect(ibuCard).toContainText('调整');
  await expect(ibuCard).toContainText('请领 3盒（60粒） → 核准 2盒（40粒）');
  await expect(ibuCard).toContainText('近三月用量小');
  await expect(d2.locator('.ant-card').filter({ hasText: '阿莫西林胶囊' })).toContainText('同意');
  await screenshot(d2, 'purchasing-08-doctor-decisions');
  await phone1.close();
  await phone2.close();
  await desk.close();
});

test('a partly received order is closed short with a reason; the hub and the clinic both see it', async ({ browser }) => {
  // Continues the hub above: the 国药 order (12盒 阿莫西林, 2盒 布洛芬) was sent; only 10盒 阿莫西林 and the 布洛芬 arrive.
  const yaoku = await apiAs(browser, server.url, 'yaoku', PASSWORD);
  const sent = await api(yaoku, 'orders.list', { status: ['sent'], page: 1, pageSize: 10 });
  const orderId = sent.rows.find((o: { supplierName: string }) => o.supplierName === '国药控股湖南有限公司').id as number;
  const order = await api(yaoku, 'orders.get', { id: orderId });
  const lineOf = (name: string) => order.lines.find((l: { drugName: string }) => l.drugName === name);
  await api(yaoku, 'receipts.create', {
    poId: orderId,
    invoiceNo: 'FP-E2E-01',
    lines: [
      { poLineId: lineOf('阿莫西林胶囊').id, batchNo: 'A2601', expiryDate: '2028-06-30', qty: 240 },
      { poLineId: lineOf('布洛芬缓释胶囊').id, batchNo: 'B2601', expiryDate: '2028-06-30', qty: 40 },
    ],
  });

  const desk = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  const ph = await desk.newPage();
  await login(ph, server.url, 'yaoku', PASSWORD);
  await expect(ph.getByRole('heading', { name: '工作台' })).toBeVisible();
  await ph.goto(`${server.url}purchasing/orders/${orderId}`);
  await expect(ph.getByRole('heading', { name: `采购订单 ${order.docNo}` })).toBeVisible();
  await expect(ph.getByText('部分到货').first()).toBeVisible();
  await ph.getByRole('button', { name: '终止收货' }).click();
  const dialog = ph.getByRole('dialog', { name: `终止收货：采购订单 ${order.docNo}` });
  await expect(dialog).toContainText('阿莫西林胶囊 0.25g*24粒：订购 12盒（288粒），已到 10盒（240粒），不再到货 2盒（48粒）');
  await expect(dialog).not.toContainText('布洛芬');
  await dialog.getByRole('button', { name: '确认终止收货' }).click();
  await expect(dialog.getByText('请填写终止收货的原因')).toBeVisible();
  await dialog.getByLabel('终止原因').fill('配送企业通知该批次缺货，其余不再供应');
  await screenshot(ph, 'purchasing-09-short-close');
  await dialog.getByRole('button', { name: '确认终止收货' }).click();
  await expect(dialog).toBeHidden();
  await expect(ph.getByText(/已终止收货；2 张请领单（QL-.*）回到待汇总/)).toBeVisible();
  await expect(ph.getByText('已终止收货').first()).toBeVisible();
  await expect(ph.getByText(/终止收货：配送企业通知该批次缺货，其余不再供应/)).toBeVisible();
  await expect(ph.getByRole('row', { name: /阿莫西林胶囊/ })).toContainText('终止，未到 2盒');
  await expect(ph.getByRole('button', { name: '终止收货' })).toHaveCount(0);
  // In the list, under its own filter.
  await ph.goto(`${server.url}purchasing/orders?status=short_closed`);
  await expect(ph.getByRole('row').filter({ hasText: order.docNo })).toContainText('已终止收货');

  // 西岭's doctor, on the phone: the 阿莫西林 line says which order stopped, why, and that it waits for purchasing again.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const d2 = await phone.newPage();
  await login(d2, server.url, 'cy02', PASSWORD);
  await d2.getByRole('button', { name: '打开导航菜单' }).click();
  await openMenu(d2, '需求上报');
  await d2.locator('.req-card').first().click();
  const amox = d2.locator('.ant-card').filter({ hasText: '阿莫西林胶囊' });
  await expect(amox).toContainText(`采购订单 ${order.docNo}（国药控股湖南有限公司）`);
  await expect(amox).toContainText('终止收货：配送企业通知该批次缺货，其余不再供应');
  await expect(amox).toContainText('尚未配送的 1盒6粒（共 30粒） 重新等待汇总采购');
  await screenshot(d2, 'purchasing-10-doctor-short-closed');
  await phone.close();
  await desk.close();
});
