import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { expect, login, screenshot, test } from './fixtures';
import { openCatalogImport, openMenu, setUpHub } from './pages/app';

test.describe.configure({ mode: 'serial' });

/** A catalog workbook as the national drug code database names its columns, with one bad row (row 4). */
async function catalogWorkbook(): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('药品目录');
  ws.addRow([
    '药品代码',
    '注册名称',
    '商品名称',
    '注册剂型',
    '注册规格',
    '最小包装数量',
    '最小制剂单位',
    '最小包装单位',
    '药品企业',
    '批准文号',
    '甲乙类',
    '基本药物',
    '集采',
    '集采批次',
    '中选价格(元/包装)',
  ]);
  ws.addRow([
    'XJ01CAA040E001010101445',
    '阿莫西林胶囊',
    null,
    '胶囊剂',
    '0.25g',
    24,
    '粒',
    '盒',
    '石药集团中诺药业（石家庄）有限公司',
    '国药准字H20003263',
    '甲类',
    '是',
    '是',
    '第四批',
    3.24,
  ]);
  ws.addRow([
    'XC08CAA118A001010100088',
    '苯磺酸氨氯地平片',
    null,
    '片剂',
    '5mg',
    28,
    '片',
    '盒',
    '浙江京新药业股份有限公司',
    '国药准字H20041234',
    '甲类',
    '是',
    '是',
    '第一批',
    3.36,
  ]);
  ws.addRow([
    'XA10BAE033A001010100100',
    '盐酸二甲双胍片',
    null,
    '片剂',
    '0.5g',
    '二十',
    '片',
    '盒',
    '石药集团欧意药业有限公司',
    '国药准字H13022345',
    '甲类',
    '是',
    '是',
    '第一批',
    0.9,
  ]);
  ws.addRow([
    'ZA12AAF0119010104040',
    '复方丹参滴丸',
    null,
    '滴丸剂',
    '27mg',
    180,
    '丸',
    '瓶',
    '天士力医药集团股份有限公司',
    '国药准字Z10950111',
    '甲类',
    '是',
    '否',
    null,
    null,
  ]);
  ws.addRow([
    'XM01AEI045E001010100341',
    '布洛芬缓释胶囊',
    '芬必得',
    '胶囊剂',
    '0.3g',
    20,
    '粒',
    '盒',
    '中美天津史克制药有限公司',
    '国药准字H10900089',
    '甲类',
    '是',
    '否',
    null,
    null,
  ]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'santong-xlsx-')), '卫生院药品目录.xlsx');
  await wb.xlsx.writeFile(file);
  return file;
}

test('master data as a new hub would enter it: import the catalog, find drugs by initials, suppliers with prices, a clinic and its doctor', async ({
  page,
  browser,
  server,
}) => {
  // First run: the administrator sets up the hub.
  await setUpHub(page, server.url);

  // 1. Import a catalog workbook: the bad row is listed with its row, column and reason.
  const dialog = await openCatalogImport(page);
  await dialog.locator('input[type=file]').setInputFiles(await catalogWorkbook());
  await expect(dialog.getByText('文件中有 1 行共 1 处错误')).toBeVisible();
  const errorRow = dialog.getByRole('row', { name: /最小包装数量/ });
  await expect(errorRow).toContainText('4');
  await expect(errorRow).toContainText('F 列（最小包装数量）');
  await expect(errorRow).toContainText('“二十”不是数字');
  await expect(dialog.getByRole('button', { name: '导入全部 5 行' })).toBeDisabled();
  await screenshot(page, 'master-01-import-preview');
  // The column mapping shows how the national column names were understood.
  await dialog.getByRole('tab', { name: '列对应' }).click();
  await expect(dialog.getByRole('row', { name: /医保药品编码/ })).toContainText('A 列 · 药品代码');
  await screenshot(page, 'master-02-import-mapping');
  // Knowingly import only the clean rows.
  await dialog.getByRole('button', { name: '只导入无错误的 4 行' }).click();
  await page.getByRole('button', { name: '确定导入' }).click();
  await expect(dialog.getByText('导入完成')).toBeVisible();
  await expect(dialog.getByText('新增 4 种，更新 0 种，未变化 0 种；跳过有错误的 1 行。')).toBeVisible();
  await dialog.getByRole('button', { name: '完成' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('共 4 种')).toBeVisible();
  await expect(page.getByRole('cell', { name: /盐酸二甲双胍片/ })).toHaveCount(0);
  await screenshot(page, 'master-03-catalog');

  // 2. Find a drug by its initials, keyboard only: ffdsdw → 复方丹参滴丸.
  await page.getByLabel('检索药品').focus();
  await page.keyboard.type('ffdsdw');
  await page.keyboard.press('Enter');
  await expect(page.getByText('共 1 种')).toBeVisible();
  await expect(page.getByRole('button', { name: '复方丹参滴丸' })).toBeVisible();

  // 3. Add a supplier (its credit code checked as typed), then its contract prices with the drug picker.
  await openMenu(page, '配送企业');
  await page.getByRole('button', { name: '新增配送企业' }).click();
  const form = page.getByRole('dialog', { name: '新增配送企业' });
  await form.getByLabel('企业名称').fill('湖南国康医药有限公司');
  await form.getByLabel('统一社会信用代码').fill('91430100MA4L7K2X30');
  await form.getByLabel('药品经营许可证号').fill('湘AA7310126');
  await form.getByRole('button', { name: '保存' }).click();
  await expect(form.getByText('统一社会信用代码校验位不正确，请核对营业执照')).toBeVisible();
  await screenshot(page, 'master-04-supplier-check');
  await form.getByLabel('统一社会信用代码').fill('91430100ma4l7k2x3h');
  await expect(form.getByText('校验位不正确')).toHaveCount(0);
  await form.getByRole('button', { name: '保存' }).click();

  // Saving opens the supplier's price list; the picker has the focus.
  const prices = page.getByRole('dialog', { name: '合同价：湖南国康医药有限公司' });
  await expect(prices).toBeVisible();
  const picker = prices.getByLabel('药品检索');
  await expect(picker).toBeFocused();
  await page.keyboard.type('amxl');
  await expect(page.locator('.drug-picker-popup').getByText('阿莫西林胶囊')).toBeVisible();
  await screenshot(page, 'master-05-picker');
  await page.keyboard.press('Enter');
  // The 集采 drug comes with its winning price, and the price box has the focus.
  const amxPrice = prices.getByLabel('阿莫西林胶囊 0.25g 合同价');
  await expect(amxPrice).toBeFocused();
  await expect(amxPrice).toHaveValue('3.24');
  // Next drug, keyboard only: back to the picker, initials, ↓ to the second hit… here the first.
  await picker.focus();
  await page.keyboard.type('blfhsjn');
  await expect(page.locator('.drug-picker-popup').getByText('布洛芬缓释胶囊')).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  const ibuPrice = prices.getByLabel('布洛芬缓释胶囊 0.3g 合同价');
  await expect(ibuPrice).toBeFocused();
  await page.keyboard.type('18.5');
  await screenshot(page, 'master-06-prices');
  await page.keyboard.press('Enter');
  await expect(page.getByText('合同价已保存')).toBeVisible();
  await expect(prices.getByText('已修改')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(prices).toBeHidden();
  await expect(page.getByRole('row', { name: /湖南国康医药有限公司/ })).toContainText('2 种');

  // The supplier becomes a drug's default; the drug shows its contract price.
  await openMenu(page, '药品目录');
  await page.getByRole('button', { name: '布洛芬缓释胶囊' }).click();
  const drawer = page.getByRole('dialog', { name: '编辑药品：布洛芬缓释胶囊' });
  await drawer.getByLabel('默认配送企业').click();
  await page.keyboard.type('国康');
  // The options are the suppliers the page read before this one was added: Enter picks only once the new list is in.
  await expect(page.locator('.ant-select-dropdown:visible').getByTitle('湖南国康医药有限公司')).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(drawer.getByRole('row', { name: /湖南国康医药有限公司/ })).toContainText('¥18.50');
  await screenshot(page, 'master-07-drug-drawer');
  await drawer.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('药品已保存')).toBeVisible();
  await expect(page.getByRole('row', { name: /布洛芬缓释胶囊/ })).toContainText('湖南国康医药有限公司');

  // 4. Add a clinic and its village doctor.
  await openMenu(page, '村卫生室');
  await page.getByRole('button', { name: '新建卫生室' }).click();
  await page.getByLabel('编码').fill('C01');
  await page.getByLabel('名称').fill('东湖村卫生室');
  await page.getByLabel('所在村').fill('东湖村');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('cell', { name: '东湖村卫生室' })).toBeVisible();
  await page
    .getByRole('row', { name: /东湖村卫生室/ })
    .getByRole('button', { name: '添加村医' })
    .click();
  await page.getByLabel('用户名').fill('cy01');
  await page.getByLabel('初始密码').fill('Chushi2026');
  await page.getByLabel('姓名').fill('王建国');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('dialog', { name: '新建用户' })).toBeHidden();
  const clinicRow = page.getByRole('row', { name: /东湖村卫生室/ });
  await expect(clinicRow).not.toContainText('未绑定');
  await expect(clinicRow.getByRole('cell').nth(5)).toHaveText('1');
  await screenshot(page, 'master-08-clinic');

  // The doctor, on a phone, finds drugs by initials with the stock of their own clinic.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const doc = await phone.newPage();
  await login(doc, server.url, 'cy01', 'Chushi2026');
  await doc.getByLabel('原密码').fill('Chushi2026');
  await doc.getByLabel('新密码', { exact: true }).fill('Donghu2026');
  await doc.getByLabel('确认新密码').fill('Donghu2026');
  await doc.getByRole('button', { name: '修改密码' }).click();
  await expect(doc.getByRole('heading', { name: '工作台' })).toBeVisible();
  await doc.getByRole('button', { name: '打开导航菜单' }).click();
  await openMenu(doc, '药品查询');
  await expect(doc.getByLabel('药品检索')).toBeFocused();
  await doc.keyboard.type('bhsaldp');
  const popup = doc.locator('.drug-picker-popup');
  await expect(popup.getByText('库存 0盒')).toBeVisible();
  await screenshot(doc, 'master-09-doctor-picker');
  // Esc closes the list; typing again reopens it.
  await doc.keyboard.press('Escape');
  await expect(popup).toBeHidden();
  await doc.keyboard.press('Backspace');
  await expect(popup.getByText('苯磺酸氨氯地平片')).toBeVisible();
  await doc.keyboard.type('p');
  await doc.keyboard.press('Enter');
  await expect(doc.getByText('本室库存', { exact: true })).toBeVisible();
  await expect(doc.locator('.ant-descriptions').getByText('浙江京新药业股份有限公司')).toBeVisible();
  await screenshot(doc, 'master-10-doctor-lookup');
  // The catalog administration is not theirs.
  await doc.goto(`${server.url}master/drugs`);
  await expect(doc.getByText('页面不存在或无权访问')).toBeVisible();
  await phone.close();
});
