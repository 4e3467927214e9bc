import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InternalClient } from '../../electron/api/internal';
import { Runtime } from '../../electron/runtime';
import { runningImport } from '../../electron/domain/catalog/off-thread';
import { ROWS_PER_BATCH } from '../../electron/domain/catalog/import-batches';
import { catalogRowsWorkbook, generateCatalogRows } from '../../electron/demo/catalog';
import { holdGateAt } from '../helpers/catalog';
import { E2E_CLOCK, expect, screenshot, startServer, test } from './fixtures';
import { login, openMenu } from './pages/app';

const ROWS = 12_000;
const PASSWORD = 'Qingshi2026';

/**
 * A hub whose big catalog import was cut off after its third batch, made by the real handlers in this process: the
 * test holds the hub's write gate once the third batch has committed and stops the import's worker there, which
 * leaves the file as a crash between two batches does (the batches written, the next one never begun).
 */
async function hubWithCutOffImport(dataDir: string, workbook: Buffer): Promise<void> {
  const runtime = new Runtime({ dataDir, clock: { now: () => new Date(E2E_CLOCK) } });
  try {
    const admin = new InternalClient(runtime, '127.0.0.1');
    await admin.call('setup.initialize', { hubName: '青石镇卫生院', adminUsername: 'admin', adminDisplayName: '张院长', adminPassword: PASSWORD });
    const file = { filename: '省药品目录.xlsx', base64: workbook.toString('base64') };
    const preview = await admin.call('catalog.importPreview', { file });
    const importing = admin.call('catalog.importCommit', { file, mapping: preview.mapping, mode: 'all' }).catch(() => 'stopped');
    const { release } = await holdGateAt(runtime.app, (p) => p.phase === 'writing' && p.done === 3 * ROWS_PER_BATCH);
    runningImport(runtime.app)!.stop();
    expect(await importing).toBe('stopped');
    release();
  } finally {
    await runtime.close();
  }
}

test('after an import cut off between two batches, the catalog page says how far it got, and the same file imported again completes it', async ({
  browser,
}) => {
  test.setTimeout(600_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'santong-e2e-'));
  const filePath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'santong-xlsx-')), '省药品目录.xlsx');
  const workbook = await catalogRowsWorkbook(generateCatalogRows(ROWS, 31));
  fs.writeFileSync(filePath, workbook);
  await hubWithCutOffImport(dataDir, workbook);

  const server = await startServer({ dataDir, clock: E2E_CLOCK });
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    await login(page, server.url, 'admin', PASSWORD);
    await openMenu(page, '药品目录', '药品目录');
    const notice = page.getByRole('alert').filter({ hasText: '药品目录导入未完成' });
    await expect(notice).toContainText('药品目录导入未完成：省药品目录.xlsx');
    await expect(notice).toContainText('2026-03-16 09:00 张院长开始分 6 批写入 12,000 种药品，写入 3 批（6,000 种）后中断');
    await expect(notice).toContainText('重新导入同一文件即可补齐');
    await screenshot(page, 'catalog-import-cut-off-1366');

    // 重新导入: the same file, whose written rows the preview counts as unchanged.
    await notice.getByRole('button', { name: '重新导入' }).click();
    const dialog = page.getByRole('dialog', { name: '导入药品目录（Excel）' });
    await dialog.locator('input[type=file]').setInputFiles(filePath);
    await expect(dialog.getByRole('button', { name: `导入全部 ${ROWS} 行` })).toBeEnabled({ timeout: 300_000 });
    await dialog.getByRole('button', { name: `导入全部 ${ROWS} 行` }).click();
    await expect(dialog.getByText('导入完成')).toBeVisible({ timeout: 300_000 });
    await expect(dialog.getByText('新增 6000 种，更新 0 种，未变化 6000 种。')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(page.getByText('药品目录导入未完成')).toHaveCount(0);
    await context.close();
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
