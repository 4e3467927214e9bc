import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, screenshot, E2E_CLOCK, startServer, test, type ServerHandle } from './fixtures';
import { openMenu, setUpHub } from './pages/app';

test.describe.configure({ mode: 'serial' });

const ADMIN_PASSWORD = 'Baisha2026';

/** Overwrites the middle half of the file with garbage, as a failing disk or a bad shutdown might. */
function damageMiddle(file: string): void {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r+');
  const junk = Buffer.alloc(Math.floor(size / 2), 0x5a);
  fs.writeSync(fd, junk, 0, junk.length, Math.floor(size / 4));
  fs.closeSync(fd);
}

/** A row of the backups table (not the status card's lines) showing the given kind of backup. */
const backupRow = (page: import('@playwright/test').Page, kind: string) => page.locator('tr.ant-table-row').filter({ hasText: kind });

async function addClinic(page: import('@playwright/test').Page, code: string, name: string) {
  await page.getByRole('button', { name: '新建卫生室' }).click();
  await page.getByLabel('编码').fill(code);
  await page.getByLabel('名称').fill(name);
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('cell', { name })).toBeVisible();
}

test('back up, damage the live file, restore from the recovery screen, and carry on working', async ({ page }) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'santong-e2e-backup-'));
  let server: ServerHandle = await startServer({ dataDir, clock: E2E_CLOCK });
  try {
    // A new hub: first-run setup, one clinic.
    await setUpHub(page, server.url, ADMIN_PASSWORD, '白沙镇卫生院');
    await openMenu(page, '村卫生室');
    await addClinic(page, 'C01', '东湖村卫生室');

    // 系统管理 → 数据备份: nothing yet; back up now.
    await openMenu(page, '数据备份');
    await expect(page.getByRole('heading', { name: '数据备份' })).toBeVisible();
    // The default folder sits beside the data: the page says so.
    await expect(page.getByText('备份与数据在同一块硬盘上')).toBeVisible();
    await screenshot(page, 'backup-01-empty');
    await page.getByRole('button', { name: '立即备份' }).click();
    await expect(page.getByText(/备份完成并已校验/)).toBeVisible();
    const row = backupRow(page, '手动');
    await expect(row).toContainText('已校验');
    await expect(row).toContainText('santong-白沙镇卫生院-');
    await screenshot(page, 'backup-02-done');

    // A folder that does not exist is refused, with the reason on the field.
    await page.getByLabel('备份目录').fill(path.join(dataDir, 'U盘不在'));
    await page.getByRole('button', { name: '保存设置' }).click();
    await expect(page.getByText(/备份目录不存在/).first()).toBeVisible();
    await page.getByLabel('备份目录').fill(path.join(dataDir, 'backups'));

    // Work done after the backup.
    await openMenu(page, '村卫生室');
    await addClinic(page, 'C02', '西岭村卫生室');

    // 数据检查: all good for now.
    await openMenu(page, '数据检查');
    await page.getByRole('button', { name: '开始检查' }).first().click();
    await expect(page.getByText('全部检查通过')).toBeVisible();
    await expect(page.getByText('库存结存 = 台账合计（每个库房 × 批次）')).toBeVisible();
    await screenshot(page, 'integrity-01-ok');

    // The PC is shut down; the disk damages the database file; the server starts again.
    await server.stop();
    damageMiddle(path.join(dataDir, 'santong.sqlite'));
    server = await startServer({ dataDir, clock: E2E_CLOCK });

    // Whoever opens the page on the hub PC gets the recovery screen, not a login that cannot work.
    await page.goto(server.url);
    await expect(page.getByRole('heading', { name: '数据库文件损坏，需要从备份恢复' })).toBeVisible();
    await expect(page.getByText('检测到的问题')).toBeVisible();
    const listed = backupRow(page, '手动');
    await expect(listed).toContainText('白沙镇卫生院');
    await screenshot(page, 'recovery-01-screen');

    // The confirmation names the file and its date, and wants the words typed.
    await listed.getByRole('button', { name: /恢复/ }).click();
    const dialog = page.getByRole('dialog', { name: '从备份恢复数据' });
    await expect(dialog).toContainText('santong-白沙镇卫生院-');
    await expect(dialog).toContainText('备份时间');
    await expect(dialog).toContainText('损坏的数据库文件会另存到 damaged 文件夹');
    const ok = dialog.getByRole('button', { name: '恢复' });
    await expect(ok).toBeDisabled();
    await dialog.getByLabel('输入确认恢复').fill('确认');
    await expect(ok).toBeDisabled();
    await dialog.getByLabel('输入确认恢复').fill('确认恢复');
    await screenshot(page, 'recovery-02-confirm');
    await ok.click();
    await expect(page.getByText('数据已恢复')).toBeVisible();
    await expect(page.getByText(/损坏的数据库文件已另存为：.*damaged/)).toBeVisible();
    await screenshot(page, 'recovery-03-done');
    expect(fs.readdirSync(path.join(dataDir, 'damaged')).some((f) => f.endsWith('.sqlite'))).toBe(true);

    // Log in again and carry on: the data is as it was at the backup.
    await page.getByRole('button', { name: '前往登录' }).click();
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
    await openMenu(page, '村卫生室');
    await expect(page.getByRole('cell', { name: '东湖村卫生室' })).toBeVisible();
    await expect(page.getByRole('cell', { name: '西岭村卫生室' })).toHaveCount(0);
    await addClinic(page, 'C02', '西岭村卫生室');
    await openMenu(page, '数据检查');
    await page.getByRole('button', { name: '开始检查' }).first().click();
    await expect(page.getByText('全部检查通过')).toBeVisible();

    // The server keeps going after a restart too (the session survives it).
    await server.stop();
    server = await startServer({ dataDir, clock: E2E_CLOCK });
    await page.goto(server.url);
    await expect(page.getByRole('heading', { name: '工作台' })).toBeVisible();
    await openMenu(page, '村卫生室');
    await expect(page.getByRole('cell', { name: '西岭村卫生室' })).toBeVisible();
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('restore from the backup list while the hub is running, with everyone signed out', async ({ page, server }) => {
  await page.goto(server.url);
  await page.getByLabel('卫生院名称').fill('青石镇卫生院');
  await page.getByLabel('管理员姓名').fill('李管理员');
  await page.getByLabel('管理员密码').fill(ADMIN_PASSWORD);
  await page.getByLabel('确认密码').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: '完成设置并登录' }).click();
  await openMenu(page, '村卫生室');
  await addClinic(page, 'C01', '南塘村卫生室');
  await openMenu(page, '数据备份');
  await page.getByRole('button', { name: '立即备份' }).click();
  await expect(page.getByText(/备份完成并已校验/)).toBeVisible();
  await openMenu(page, '村卫生室');
  await addClinic(page, 'C02', '北坡村卫生室');

  await openMenu(page, '数据备份');
  await backupRow(page, '手动').getByRole('button', { name: /恢复/ }).click();
  const dialog = page.getByRole('dialog', { name: '从备份恢复数据' });
  await expect(dialog).toContainText('恢复前会先自动备份当前数据');
  await dialog.getByLabel('输入确认恢复').fill('确认恢复');
  await dialog.getByRole('button', { name: '恢复' }).click();
  await expect(page.getByText('所有用户都已退出，请重新登录。')).toBeVisible();
  await expect(page.getByText(/恢复前的数据已备份为：.*before-restore\.sqlite/)).toBeVisible();
  await screenshot(page, 'backup-03-restored');
  await page.getByRole('button', { name: '重新登录' }).click();
  await expect(page.getByRole('button', { name: '重新登录' })).toHaveCount(0);
  await page.getByLabel('用户名').fill('admin');
  await page.getByLabel('密码').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await openMenu(page, '村卫生室');
  await expect(page.getByRole('cell', { name: '南塘村卫生室' })).toBeVisible();
  await expect(page.getByRole('cell', { name: '北坡村卫生室' })).toHaveCount(0);
  // The replaced data is one click away: the before-restore backup is listed.
  await openMenu(page, '数据备份');
  await expect(backupRow(page, '恢复前')).toContainText('已校验');
  // The records of this PC's backups survive the restore.
  await expect(backupRow(page, '手动')).toContainText('已校验');
  await screenshot(page, 'backup-04-after-restore');
});

test('after a power cut the browser waits on “正在检查数据库” and goes on to login by itself when the check is done', async ({ page, server }) => {
  // The server's check of a large file takes minutes; here the answers it gives meanwhile are replayed
  // until the test lets the real server answer.
  let checking = true;
  await page.route('**/api/**', async (route) => {
    if (!checking) return route.fallback();
    await route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'DB_CHECKING', message: '三统上次没有正常关闭（如停电或强行关机），正在检查数据库是否完好。' } }),
    });
  });
  await page.goto(server.url);
  await expect(page.getByText('正在检查数据库', { exact: true })).toBeVisible();
  await expect(page.getByText(/上次没有正常关闭/)).toBeVisible();
  await expect(page.getByText(/检查完成后本页会自动进入系统/)).toBeVisible();
  await screenshot(page, 'backup-04-checking');
  checking = false;
  // No reload: the page asks again by itself.
  await expect(page.getByRole('button', { name: /完成设置并登录|登录/ })).toBeVisible();
});
