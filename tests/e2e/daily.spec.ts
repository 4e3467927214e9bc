/**
 * Daily work at speed (issue 17): what people do every day, done the way they do it — the keyboard on a desk,
 * the thumb on a 390 px phone. Nothing here fills a quantity box: quantities are typed key by key.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { expect, E2E_CLOCK, SCREENSHOT_DIR, startServer, test, type ServerHandle } from './fixtures';
import { expectNoSidewaysScroll, openMenu, signIn } from './pages/app';
import { api, apiAs, seedCatalog, stockClinic } from './seed';

test.describe.configure({ mode: 'serial' });

const PASSWORD = 'Qingshi2026';
/** A person's typing: about 12 keys a second, no pause before Enter (the search may not have answered yet). */
const KEY_DELAY = 80;

let server: ServerHandle;
let ids: Record<string, number>;
let clinicId: number;

test.beforeAll(async ({ browser }) => {
  server = await startServer({ clock: E2E_CLOCK });
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
  await setup.close();
});
test.afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

/** A screenshot in the test results and in the branch's folder of screenshots that people look at. */
async function shot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const shots = process.env.SHOTS_DIR;
  if (shots) {
    fs.mkdirSync(shots, { recursive: true });
    fs.copyFileSync(file, path.join(shots, `${name}.png`));
  }
}

async function phone(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  return context.newPage();
}

async function desk(browser: Browser, width = 1366): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 768 } });
  return context.newPage();
}

/** Types like a person, into whatever has the focus. */
const type = (page: Page, text: string) => page.keyboard.type(text, { delay: KEY_DELAY });

// The phone runs first and takes 12粒 阿莫西林 and 5粒 布洛芬 from the shelf; the desk sees what is left.
const shelf = {
  phone: { amox: '2盒', ibu: '2盒' },
  desk: { amox: '1盒12粒', ibu: '1盒15粒' },
};
for (const device of ['phone', 'desk'] as const) {
  test(`用药登记 from the keyboard (${device}): drug ⏎ 数量 ⏎ next drug, short stock explained, Ctrl+Enter posts`, async ({ browser }) => {
    const page = device === 'phone' ? await phone(browser) : await desk(browser);
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
    await shot(page, `daily-dispense-loop-${device}`);
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
