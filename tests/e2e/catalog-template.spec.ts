import { expect, shotsIn, test } from './fixtures';
import { expectNoSidewaysScroll, openCatalogImport, setUpHub } from './pages/app';

const shot = shotsIn('sheets-out');

/** 下载导入模板: the button in the import dialog saves the template; read back in, its two examples are refused by name. */
test('the catalog import dialog offers its template, and the template reads back in', async ({ page, server }) => {
  await setUpHub(page, server.url);

  const dialog = await openCatalogImport(page);
  const saved = page.waitForEvent('download');
  await dialog.getByRole('button', { name: '下载导入模板' }).click();
  const download = await saved;
  expect(download.suggestedFilename()).toBe('药品目录导入模板.xlsx');
  for (const width of [1440, 1366, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await expectNoSidewaysScroll(page, width);
    await shot(page, `catalog-template-dialog-${width}`);
  }

  await dialog.locator('input[type=file]').setInputFiles(await download.path());
  await expect(dialog.getByText('文件中有 2 行共 2 处错误')).toBeVisible();
  await expect(dialog.getByRole('row', { name: /示例行/ })).toHaveCount(2);
  await shot(page, 'catalog-template-examples-refused-390');
});
