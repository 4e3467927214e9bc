/**
 * Page models of what every spec does the same way: signing in, moving through the menu (the drawer on a phone),
 * picking from an antd select, confirming a popover. Specs say what a person does; these say how the UI does it.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** The password every seeded account has after its first login (tests/helpers, the e2e seeds). */
export const CHANGED_PASSWORD = 'Changed123';

/** Fills the login form and submits it. */
export async function login(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

/** Signs in and waits for the workbench. */
export async function signIn(page: Page, url: string, username: string, password = CHANGED_PASSWORD): Promise<void> {
  await login(page, url, username, password);
  await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
}

/** First login of an account an administrator made: the initial password is replaced, then the workbench. */
export async function firstSignIn(page: Page, url: string, username: string, initial: string, password: string): Promise<void> {
  await login(page, url, username, initial);
  await expect(page.getByText('请修改初始密码')).toBeVisible();
  await page.getByLabel('原密码').fill(initial);
  await page.getByLabel('新密码', { exact: true }).fill(password);
  await page.getByLabel('确认新密码').fill(password);
  await page.getByRole('button', { name: '修改密码' }).click();
  await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
}

/** The first run of a new hub: its welcome page, the setup form filled as the administrator does, ending on the workbench. */
export async function setUpHub(page: Page, url: string, password = 'Qingshi2026', hubName = '青石镇卫生院'): Promise<void> {
  await page.goto(url);
  await expect(page.getByText('欢迎使用三统药品管理')).toBeVisible();
  await page.getByLabel('卫生院名称').fill(hubName);
  await page.getByLabel('管理员姓名').fill('张院长');
  await page.getByLabel('管理员密码').fill(password);
  await page.getByLabel('确认密码').fill(password);
  await page.getByRole('button', { name: '完成设置并登录' }).click();
  await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
}

/** 药品目录 → 导入 Excel: the import dialog, opened from the menu. */
export async function openCatalogImport(page: Page): Promise<Locator> {
  await openMenu(page, '药品目录', '药品目录');
  await page.getByRole('button', { name: '导入 Excel' }).click();
  return page.getByRole('dialog', { name: '导入药品目录（Excel）' });
}

/**
 * Opens a screen from the menu, as a person would: on a phone the menu is in a drawer behind the ☰ button.
 * Waits for the screen's heading when given (lazy routes: until then a label can still match the previous page).
 */
export async function openMenu(page: Page, item: string, heading?: string | RegExp): Promise<void> {
  const entry = page.getByRole('menuitem', { name: item, exact: true });
  if (!(await entry.first().isVisible())) {
    const drawer = page.getByRole('button', { name: '打开导航菜单' });
    if (await drawer.isVisible()) await drawer.click();
  }
  await entry.first().click();
  if (heading) await expect(page.getByRole('heading', { name: heading }).first()).toBeVisible();
}

/** Opens a page by its address and waits for its heading. */
export async function openPage(page: Page, url: string, heading: string | RegExp): Promise<void> {
  await page.goto(url);
  await expect(page.getByRole('heading', { name: heading }).first()).toBeVisible();
}

/** Picks an option of an antd Select by its visible title. */
export async function choose(page: Page, label: string, option: string | RegExp): Promise<void> {
  const box = page.getByRole('combobox', { name: label });
  await box.click();
  await page.locator('.ant-select-dropdown:visible').getByTitle(option).click();
  await expect(page.locator('.ant-select').filter({ has: box })).toContainText(option);
  await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
}

/**
 * Clicks a popconfirm's OK button until `done` shows: on a loaded machine a click can land while the popover is
 * still zooming in, and is lost (seen on a 2-core machine).
 */
export async function confirmUntil(button: Locator, done: Locator): Promise<void> {
  await expect(async () => {
    if (await button.isVisible()) await button.click({ timeout: 3_000 });
    await expect(done).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
}

/**
 * The page never scrolls sideways (a phone at 390 px must show everything in its width). Polled, not read once: after
 * a viewport change the page re-lays itself out on the next breakpoint render (tables become cards), and a loaded
 * machine can measure the old layout first (seen in CI: 662 px read straight after a resize to 390).
 */
export async function expectNoSidewaysScroll(page: Page, width = page.viewportSize()?.width ?? 390): Promise<void> {
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { timeout: 10_000 }).toBeLessThanOrEqual(width);
}

/**
 * What a keyboard-wedge scanner does: types the code key by key (a GS as the character it is), then Enter. The box
 * is clicked first — tapped on a touch screen when the spec taps, left as it is when the spec has focused it
 * already (a shortcut such as F2).
 */
export async function scanInto(box: Locator, code: string, focus: 'click' | 'tap' | 'focused' = 'click'): Promise<void> {
  if (focus === 'click') await box.click();
  if (focus === 'tap') await box.tap();
  await box.pressSequentially(code, { delay: 5 });
  await box.press('Enter');
}
