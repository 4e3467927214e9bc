import path from 'node:path';
import ExcelJS from 'exceljs';
import { expect, shotsIn, test } from './fixtures';
import { openCatalogImport, setUpHub } from './pages/app';

const shot = shotsIn('catalog-sheets');
const DIRTY_XLS = path.resolve('tests/fixtures/sheets/catalog-dirty.xls');

/**
 * A dirty HIS export saved by LibreOffice as .xls (issue 18): two sheets with the catalog header (two more left out),
 * a hidden column beside the visible one it loses to, a hidden row, blank/注/合计/制表人 footers and one bad row.
 * The dialog says what it took and what it set aside, and the failing row downloads as it was, with 错误原因.
 */
test('a dirty two-sheet .xls: sheets taken and left out, hidden column and row, 已忽略, 下载错误数据', async ({ page, server }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await setUpHub(page, server.url);

  const dialog = await openCatalogImport(page);
  await expect(dialog.locator('input[type=file]')).toHaveAttribute('accept', /\.xls,\.et,\.ods,\.csv/);
  await dialog.locator('input[type=file]').setInputFiles(DIRTY_XLS);

  await expect(dialog.getByTestId('catalog-import-source')).toContainText('Excel 97-2003');
  await expect(dialog.getByTestId('catalog-import-source')).toContainText('“西药”（第 3 行为列名）、“中成药”（第 1 行为列名）');
  const sheets = dialog.getByTestId('catalog-import-sheets');
  await expect(sheets).toContainText('导入 2 张工作表：“西药”、“中成药”；未导入 2 张');
  await expect(sheets).toContainText('“说明”：前 30 行中没有找到表头');
  await expect(sheets).toContainText('“价格”：表头与“西药”不同');
  await expect(dialog.getByTestId('catalog-import-hidden-rows')).toContainText('文件中有 1 行被隐藏（手动隐藏或被筛选）：西药第 6 行');
  await expect(dialog.getByText('文件中有 1 行共 1 处错误')).toBeVisible();
  const errorRow = dialog.getByRole('row', { name: /最小包装数量/ });
  await expect(errorRow).toContainText('西药 · F 列（最小包装数量）');
  await expect(errorRow).toContainText('“二十四”不是数字');
  await shot(page, 'catalog-dirty-xls-preview-1366');

  await dialog.getByRole('tab', { name: '已忽略（4）' }).click();
  for (const label of ['空行', '合并单元格的说明或分组标题', '合计行', '制表、审核或打印信息行']) {
    await expect(dialog.getByRole('cell', { name: label, exact: true })).toBeVisible();
  }
  await expect(dialog.getByRole('row', { name: /注：本表由 HIS 导出/ })).toContainText('11');
  await shot(page, 'catalog-dirty-xls-ignored-1366');

  await dialog.getByRole('tab', { name: '列对应' }).click();
  const notes = dialog.getByTestId('catalog-import-column-notes');
  await expect(notes).toContainText('M 列“药品名称”（隐藏列）：也对应“通用名”，未选用：是隐藏列，已选用显示的 C 列“注册名称”');
  await expect(notes).toContainText('A 列“药品编码”：也对应“医保药品编码”，未选用：示例值大多不符合格式');
  await expect(dialog.getByRole('row', { name: /医保药品编码/ })).toContainText('B 列 · 医保编码');
  await shot(page, 'catalog-dirty-xls-mapping-1366');

  // 下载错误数据: the failing row as it was in the file, with 原行号 and 错误原因 at the right.
  await dialog.getByRole('tab', { name: /错误/ }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: '下载错误数据' }).click()]);
  expect(download.suggestedFilename()).toBe('catalog-dirty-错误数据.xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(await download.path());
  const ws = wb.getWorksheet('西药')!;
  expect((ws.getRow(2).values as unknown[]).slice(1, 7)).toEqual(['H0005', 'XC08CAA001A001010101445', '硝苯地平缓释片(Ⅱ)', '片剂', '10mg', '二十四']);
  expect(ws.getRow(2).getCell(15).value).toMatch(/^F 列（最小包装数量）：“二十四”不是数字/);

  // Skip the hidden row: the preview is asked again, and the row leaves the count.
  const skip = dialog.getByRole('checkbox', { name: '跳过隐藏的行（不导入）' });
  await skip.click();
  await expect(skip).toBeChecked();
  await expect(dialog.getByRole('button', { name: '只导入无错误的 5 行' })).toBeVisible();

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(dialog.getByTestId('catalog-import-sheets')).toBeVisible();
  await shot(page, 'catalog-dirty-xls-preview-390');

  await page.setViewportSize({ width: 1366, height: 900 });
  await dialog.getByRole('button', { name: '只导入无错误的 5 行' }).click();
  await page.getByRole('button', { name: '确定导入' }).click();
  await expect(dialog.getByText('新增 5 种，更新 0 种，未变化 0 种；跳过有错误的 1 行。')).toBeVisible();
});
