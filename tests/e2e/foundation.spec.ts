import { expect, login, screenshot, test } from './fixtures';
import { openMenu } from './pages/app';

test.describe.configure({ mode: 'serial' });

test('first-run setup, login, navigation, and a village doctor kept to their own clinic', async ({ page, browser, server }) => {
  // A new user opens the URL the start command printed: the first-run screen, no default password.
  await page.goto(server.url);
  await expect(page.getByText('欢迎使用三统药品管理')).toBeVisible();
  await screenshot(page, 'foundation-01-setup');

  // The form explains its rules before anything is saved.
  await page.getByLabel('卫生院名称').fill('青石镇卫生院');
  await page.getByLabel('管理员姓名').fill('张院长');
  await page.getByLabel('管理员密码').fill('short');
  await page.getByLabel('确认密码').fill('short');
  await page.getByRole('button', { name: '完成设置并登录' }).click();
  await expect(page.getByText('密码至少 8 位')).toBeVisible();

  await page.getByLabel('管理员密码').fill('Qingshi2026');
  await page.getByLabel('确认密码').fill('Qingshi2026');
  await page.getByRole('button', { name: '完成设置并登录' }).click();
  await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
  await expect(page.locator('.brand-hub')).toHaveText('青石镇卫生院');
  await screenshot(page, 'foundation-02-home');

  // Navigation by role: the administrator manages clinics and users.
  await openMenu(page, '村卫生室');
  await page.getByRole('button', { name: '新建卫生室' }).click();
  await page.getByLabel('编码').fill('C01');
  await page.getByLabel('名称').fill('东湖村卫生室');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('cell', { name: '东湖村卫生室' })).toBeVisible();
  await page.getByRole('button', { name: '新建卫生室' }).click();
  await page.getByLabel('编码').fill('C02');
  await page.getByLabel('名称').fill('西岭村卫生室');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('cell', { name: '西岭村卫生室' })).toBeVisible();

  // Duplicate code: a clear Chinese message, nothing saved.
  await page.getByRole('button', { name: '新建卫生室' }).click();
  await page.getByLabel('编码').fill('c01');
  await page.getByLabel('名称').fill('重复村卫生室');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('卫生室编码“c01”已存在')).toBeVisible();
  await page.getByRole('button', { name: '取消' }).click();

  // Add the village doctor for 东湖: its 村医 column goes from 未绑定 to 1 (the row's code, C01, holds a 1 already).
  const donghu = page.getByRole('row', { name: /东湖村卫生室/ });
  await expect(donghu).toContainText('未绑定');
  await donghu.getByRole('button', { name: '添加村医' }).click();
  await page.getByLabel('用户名').fill('cy01');
  await page.getByLabel('初始密码').fill('Chushi2026');
  await page.getByLabel('姓名').fill('王建国');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(donghu).not.toContainText('未绑定');
  // 编码, 名称, 所在村, 地址, 电话, 村医
  await expect(donghu.getByRole('cell').nth(5)).toHaveText('1');
  await screenshot(page, 'foundation-03-clinics');

  // Log out; log in again with the new password.
  await page.getByRole('button', { name: '用户菜单' }).click();
  await page.getByText('退出登录').click();
  await expect(page.getByRole('button', { name: '登录' })).toBeVisible();
  await page.getByLabel('用户名').fill('admin');
  await page.getByLabel('密码').fill('wrong-password1');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByText('用户名或密码错误')).toBeVisible();
  await page.getByLabel('密码').fill('Qingshi2026');
  await page.getByRole('button', { name: '登录' }).click();
  // Signed in again where we were.
  await expect(page.getByRole('heading', { name: '村卫生室' })).toBeVisible();
  await expect(page.getByRole('button', { name: '用户菜单' })).toContainText('张院长');

  // The village doctor, on a phone, must first replace the initial password.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const doc = await phone.newPage();
  await login(doc, server.url, 'cy01', 'Chushi2026');
  await expect(doc.getByText('请修改初始密码')).toBeVisible();
  await doc.getByLabel('原密码').fill('Chushi2026');
  await doc.getByLabel('新密码', { exact: true }).fill('Donghu2026');
  await doc.getByLabel('确认新密码').fill('Donghu2026');
  await doc.getByRole('button', { name: '修改密码' }).click();
  await expect(doc.getByRole('heading', { name: '工作台' })).toBeVisible();
  await expect(doc.getByText('东湖村卫生室').first()).toBeVisible();
  await screenshot(doc, 'foundation-04-doctor-phone');

  // The doctor's menu has no hub administration.
  await doc.getByRole('button', { name: '打开导航菜单' }).click();
  await expect(doc.getByRole('menuitem', { name: '工作台' })).toBeVisible();
  await expect(doc.getByRole('menuitem', { name: '用户与权限' })).toHaveCount(0);

  // A tampered request for another clinic's record is refused by the server.
  const result = await doc.evaluate(async () => {
    const list = await fetch('/api/clinics.list', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.json());
    const res = await fetch('/api/clinics.get', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: list[0].id + 1 }),
    });
    return { own: list.map((c: { code: string }) => c.code), status: res.status, body: await res.json() };
  });
  expect(result.own).toEqual(['C01']);
  expect(result.status).toBe(403);
  expect(result.body.error.code).toBe('FORBIDDEN_CLINIC');
  await phone.close();
});
