import path from 'node:path';
import { expect, login, test, serverForFile, shotsIn } from './fixtures';
import { expectNoSidewaysScroll, openMenu, signIn } from './pages/app';
import { api, apiAs } from './seed';

/**
 * 导入记录仪数据 in a real browser: the pharmacist drops a logger CSV on the 温湿度记录 page, sees which slot
 * each row fills (an out-of-range one asks for the action), writes the action and imports; the sheet's slots
 * then come from the logger. On a 390 px phone the slots are cards (no sideways scrolling), the page lists past
 * imports, and the printed 温湿度记录表 says 来源：记录仪 for those slots. Screenshots at 390, 1366 and 1440 px.
 */
test.describe.configure({ mode: 'serial' });

const server = serverForFile();

const PASSWORD = 'Qingshi2026';
const shot = shotsIn(process.env.SHOTS_DIR ?? path.join('test-results', 'screenshots'));
const CSV = ['时间,温度(℃),湿度(%RH)', '2026-03-14 08:55,18.2,55', '2026-03-14 15:05,31.4,60', '2026-03-15 09:02,18.0,54', '2026-03-15 14:58,19.1,52'].join(
  '\n',
);

test('the pharmacist imports a logger file: slots filled from it, the out-of-range one with its action', async ({ browser }) => {
  const setup = await browser.newContext({ baseURL: server.url });
  await api(setup.request, 'setup.initialize', { hubName: '青石镇卫生院', adminUsername: 'admin', adminDisplayName: '张院长', adminPassword: PASSWORD });
  await api(setup.request, 'users.create', { username: 'yaoku', initialPassword: 'Chushi2026', displayName: '周药师', role: 'pharmacist', clinicId: null });
  const yaoku = await apiAs(browser, server.url, 'yaoku', 'Chushi2026', PASSWORD);
  const hub = (await api(yaoku, 'stock.stores', {})).find((s: { kind: string }) => s.kind === 'hub');
  await api(yaoku, 'storage.saveArea', { storeId: hub.id, name: '常温库', kind: 'room', tempMin: 100, tempMax: 300, rhMin: 35, rhMax: 75 });

  for (const width of [1366, 1440]) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 } });
    const ph = await ctx.newPage();
    await login(ph, server.url, 'yaoku', PASSWORD);
    await openMenu(ph, '温湿度记录');
    await ph.locator('input[type=file]').setInputFiles({ name: '常温库记录仪.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
    await expect(ph.getByText('超出范围：填写采取的措施').or(ph.getByPlaceholder('超出范围：填写采取的措施'))).toBeVisible();
    await shot(ph, `logger-preview-${width}`);
    if (width === 1440) {
      await ph.getByPlaceholder('超出范围：填写采取的措施').fill('空调故障，已开窗通风并报修，30 分钟后复测正常');
      await ph.getByRole('button', { name: /导入全部 4 行/ }).click();
      await expect(ph.getByText('导入完成')).toBeVisible();
      await expect(ph.getByText(/填入温湿度记录 4 个时段/)).toBeVisible();
      await shot(ph, `logger-done-${width}`);
    }
    await ctx.close();
  }
  await setup.close();
});

test('on a 390 px phone the import is cards and lists past imports; the printed sheet says 来源：记录仪', async ({ browser }) => {
  const yaoku = await apiAs(browser, server.url, 'yaoku', PASSWORD);
  const area = (await api(yaoku, 'storage.areas', {})).find((a: { name: string }) => a.name === '常温库');
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const ph = await phone.newPage();
  await signIn(ph, server.url, 'yaoku', PASSWORD);
  await openMenu(ph, '温湿度记录');
  const later = ['时间,温度(℃),湿度(%RH)', '2026-03-13 09:01,31.8,61', '2026-03-13 15:02,19.6,55'].join('\n');
  await ph.locator('input[type=file]').setInputFiles({ name: '常温库记录仪-0313.csv', mimeType: 'text/csv', buffer: Buffer.from(later, 'utf8') });
  const slot = ph.locator('.phone-card').filter({ hasText: '2026-03-13 上午' });
  await expect(slot).toContainText('31.8');
  await expectNoSidewaysScroll(ph, 390);
  await shot(ph, 'logger-preview-390');
  await slot.getByPlaceholder('超出范围：填写采取的措施').fill('开空调降温，1 小时后复测正常');
  await ph.getByRole('button', { name: /导入全部 2 行/ }).tap();
  await expect(ph.getByText('导入完成')).toBeVisible();
  // Both imports listed, newest first, with who imported them and what each added.
  const past = ph.locator('.phone-card').filter({ hasText: '.csv' });
  await expect(past).toHaveCount(2);
  await expect(past.first()).toContainText('常温库记录仪-0313.csv');
  await expect(past.first()).toContainText('周药师');
  await expect(past.nth(1)).toContainText('常温库记录仪.csv');
  await expectNoSidewaysScroll(ph, 390);
  await shot(ph, 'logger-history-390');
  await phone.close();

  for (const width of [1366, 1440]) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 } });
    const pg = await ctx.newPage();
    await signIn(pg, server.url, 'yaoku', PASSWORD);
    await openMenu(pg, '温湿度记录');
    await expect(pg.getByRole('columnheader', { name: '已导入过（跳过）' })).toBeVisible();
    await shot(pg, `logger-history-${width}`);
    await pg.goto(`${server.url}print/env-log/${area.id}/2026-03`);
    const sheet = pg.locator('.print-sheet, .print-document').first().or(pg.locator('body'));
    await expect(sheet.getByText('来源：记录仪').first()).toBeVisible();
    await expect(sheet.getByText(/取自温湿度记录仪导出的数据/)).toBeVisible();
    await shot(pg, `env-log-print-${width}`);
    await ctx.close();
  }
});
