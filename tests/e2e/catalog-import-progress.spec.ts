import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { catalogRowsWorkbook, generateCatalogRows } from '../../electron/demo/catalog';
import { expect, screenshot, test } from './fixtures';
import { openCatalogImport, setUpHub } from './pages/app';

/** A long catalog import says what it is doing while its worker writes: 正在写入药品目录… with the number of drugs. */
test('a 20,000-row catalog import shows that it is writing, then its result', async ({ page, server }) => {
  test.setTimeout(600_000);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'santong-xlsx-')), '省药品目录-20000.xlsx');
  fs.writeFileSync(file, await catalogRowsWorkbook(generateCatalogRows(20_000, 11)));

  await setUpHub(page, server.url);

  const dialog = await openCatalogImport(page);
  await dialog.locator('input[type=file]').setInputFiles(file);
  await expect(dialog.getByRole('button', { name: '导入全部 20000 行' })).toBeEnabled({ timeout: 300_000 });
  await dialog.getByRole('button', { name: '导入全部 20000 行' }).click();
  const writing = dialog.getByTestId('catalog-import-writing');
  // More than 10,000 drugs: written in batches, and the dialog says so.
  await expect(writing).toContainText('正在分批写入药品目录…（20000 种药品，每 2000 种一批，写好一批生效一批）');
  await screenshot(page, 'catalog-import-writing-1366');
  await expect(dialog.getByText('导入完成')).toBeVisible({ timeout: 300_000 });
  await expect(dialog.getByText('新增 20000 种，更新 0 种，未变化 0 种。')).toBeVisible();
  await screenshot(page, 'catalog-import-done-1366');
});
