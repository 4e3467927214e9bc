import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { SCREENSHOT_DIR, expect, expectPaper, screenshot, startServer, test, type ServerHandle } from './fixtures';
import { expectNoSidewaysScroll, openMenu, signIn as signInAs } from './pages/app';
import { seedSettlementHub } from './settlement-seed';

test.describe.configure({ mode: 'serial' });

let server: ServerHandle;
let longDeliveryId: number;
test.beforeAll(async () => {
  test.setTimeout(240_000);
  const seeded = await seedSettlementHub();
  longDeliveryId = seeded.longDeliveryId;
  server = await startServer({ dataDir: seeded.dataDir, clock: seeded.clock });
});
const signIn = (page: Page, username: string) => signInAs(page, server.url, username);

test.afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

test('finance closes October after reading its checks, then settles a supplier', async ({ page }) => {
  await signIn(page, 'caiwu');
  await openMenu(page, '月结');
  await expect(page.getByText('2026年10月 结账前检查')).toBeVisible();
  await expect(page.getByText('月份已结束')).toBeVisible();
  await expect(page.getByText('账务一致')).toBeVisible();
  await screenshot(page, 'settlement-01-periods');
  await page.getByRole('button', { name: '结账' }).last().click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText('结账：2026年10月')).toBeVisible();
  const ack = dialog.getByText('我已查看以上事项，确认结账');
  if (await ack.isVisible()) await ack.click();
  await dialog.getByRole('button', { name: '确认结账' }).click();
  await expect(page.getByText('2026年10月已结账，该月的业务与付款不能再变动。')).toBeVisible();
  await expect(page.getByRole('row', { name: /2026年10月.*已结账.*孙会计/ })).toBeVisible();
  await screenshot(page, 'settlement-02-closed');

  await openMenu(page, '配送企业结算');
  await expect(page.getByRole('heading', { name: '配送企业结算' })).toBeVisible();
  await page.getByRole('link', { name: '国药控股青石医药有限公司' }).click();
  await expect(page.getByRole('heading', { name: '国药控股青石医药有限公司 对账单' })).toBeVisible();
  await screenshot(page, 'settlement-03-supplier');
});

test('finance records a payment and exports the statement', async ({ page }) => {
  await signIn(page, 'caiwu');
  await page.goto(`${server.url}settlement/suppliers?period=2026-11`);
  await page.getByRole('link', { name: '九州通医药集团某市有限公司' }).click();
  await expect(page.getByRole('heading', { name: '九州通医药集团某市有限公司 对账单' })).toBeVisible();
  const owed = page.locator('.due-card .ant-statistic-content-value');
  const before = await owed.innerText();
  await page.getByRole('button', { name: '登记付款' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('凭证号').fill('记-202611-088');
  await dialog.getByLabel('金额（元）').fill('12.3');
  await dialog.getByRole('button', { name: '登记' }).click();
  await expect(page.getByText('已登记付款 ¥12.30')).toBeVisible();
  await expect(page.getByRole('cell', { name: '记-202611-088' }).first()).toBeVisible();
  await expect(owed).not.toHaveText(before);
  await screenshot(page, 'settlement-04-payment');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出 Excel' }).click();
  expect((await download).suggestedFilename()).toBe('配送企业对账单-九州通医药集团某市有限公司-2026-11.xlsx');
});

test('hub and clinic statements; a village doctor sees only their own, on a phone', async ({ page, browser }) => {
  await signIn(page, 'caiwu');
  await openMenu(page, '中心库进销存');
  await expect(page.getByRole('heading', { name: '中心库进销存' })).toBeVisible();
  await expect(page.getByText('在途（已出库未签收）期末')).toBeVisible();
  // Goods in transit by drug, under the hub's own table, with their losses in a column of their own.
  const transit = page.locator('.ant-card').filter({ hasText: '在途药品（已出库、卫生室未签收，属中心药库）' });
  await expect(transit.getByRole('columnheader', { name: '在途报损' })).toBeVisible();
  await expect(transit.getByRole('columnheader', { name: '配送出库' })).toBeVisible();
  await screenshot(page, 'settlement-05-hub');
  await openMenu(page, '卫生室结算');
  await expect(page.getByRole('columnheader', { name: '应结算（用药金额）' })).toBeVisible();
  await screenshot(page, 'settlement-06-clinics');
  await page.getByRole('link', { name: '东湖村卫生室' }).click();
  await expect(page.getByRole('heading', { name: '东湖村卫生室 结算单' })).toBeVisible();
  await screenshot(page, 'settlement-07-clinic');

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const doctor = await phone.newPage();
  await signIn(doctor, 'cy02');
  await doctor.goto(`${server.url}settlement/clinics?period=2026-10`);
  await expect(doctor.getByRole('heading', { name: '西岭村卫生室 结算单' })).toBeVisible();
  await expect(doctor.getByText('本月用药金额（应结算）')).toBeVisible();
  await expectNoSidewaysScroll(doctor, 390);
  await screenshot(doctor, 'settlement-08-doctor-phone');
  // Another clinic's statement is refused by the server, whatever the address says.
  await doctor.goto(`${server.url}settlement/clinics?period=2026-10&clinic=1`);
  await expect(doctor.getByRole('heading', { name: '西岭村卫生室 结算单' })).toBeVisible();
  await phone.close();
});

/** Prints the page to PDF as Chromium lays it out on paper, and returns its text and size. */
async function pdfOf(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.pdf`);
  await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
  return {
    text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }),
    info: execFileSync('pdfinfo', [file], { encoding: 'utf8' }),
  };
}

test('statements print on A4 with totals, the amount in words, page numbers and signature lines', async ({ page }) => {
  await signIn(page, 'caiwu');
  await page.goto(`${server.url}settlement/clinics?period=2026-10&clinic=1`);
  await expect(page.getByRole('heading', { name: '东湖村卫生室 结算单' })).toBeVisible();
  const due = (await page.locator('.due-card .ant-statistic-content-value').innerText()).replace(/[¥\s]/g, '');
  await page.getByRole('button', { name: '打印 / PDF' }).click();
  await expect(page.getByRole('heading', { name: '村卫生室药品结算单' })).toBeVisible();
  await expect(page.locator('.print-words')).toContainText('本月用药金额（应结算）（大写）');
  await expect(page.locator('.print-words')).toContainText(`¥${due}`);
  await screenshot(page, 'settlement-09-clinic-print');
  const clinic = await pdfOf(page, 'settlement-clinic-statement');
  expect(clinic.info).toMatch(/Page size:\s+841\.\d+ x 59[45]\.\d+ pts \(A4\)/);
  expect(clinic.text).toContain('村卫生室药品结算单');
  expect(clinic.text).toContain(due);
  expect(clinic.text).toMatch(/第\s*1\s*页\s*共\s*\d+\s*页/);
  for (const s of ['经办人', '审核人', '负责人']) expect(clinic.text).toContain(s);
  expect(clinic.text).not.toContain('返回');

  await page.goto(`${server.url}settlement/suppliers?period=2026-10&supplier=1`);
  const closing = (await page.locator('.due-card .ant-statistic-content-value').innerText()).replace(/[¥\s]/g, '');
  await page.getByRole('button', { name: '打印 / PDF' }).click();
  await expect(page.getByRole('heading', { name: '配送企业往来对账单' })).toBeVisible();
  await screenshot(page, 'settlement-10-supplier-print');
  const supplier = await pdfOf(page, 'settlement-supplier-statement');
  expect(supplier.info).toMatch(/Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
  expect(supplier.text).toContain('期末应付余额（大写）');
  expect(supplier.text).toContain(closing);
  expect(supplier.text).toContain('配送企业确认');

  await page.goto(`${server.url}settlement/hub?period=2026-10`);
  await page.getByRole('button', { name: '打印 / PDF' }).click();
  await expect(page.getByRole('heading', { name: '中心药库进销存月报表' })).toBeVisible();
  await screenshot(page, 'settlement-11-hub-print');
  const hub = await pdfOf(page, 'settlement-hub-statement');
  expect(hub.text).toContain('期末结存金额（大写）');
  // The goods in transit on a page of their own, with the 在途报损 column.
  expect(hub.text).toContain('在途药品月报表');
  expect(hub.text).toContain('在途报损');
  expect(hub.text).toMatch(/第\s*1\s*页\s*共\s*\d+\s*页/);
});

test('finance prints the month in one run: the summary, then every clinic’s statement on pages of its own', async ({ page }) => {
  await signIn(page, 'caiwu');
  await page.goto(`${server.url}settlement/clinics?period=2026-10`);
  // The header shows before the rows arrive: count the clinics once the totals row names them.
  const totalsLabel = page.locator('.statement-total td').first();
  await expect(totalsLabel).toHaveText(/合计（\d+ 个卫生室）/);
  const clinics = Number(/(\d+) 个卫生室/.exec(await totalsLabel.innerText())?.[1]);
  expect(clinics).toBeGreaterThan(1);
  await expect(page.locator('.ant-table-tbody tr.ant-table-row')).toHaveCount(clinics);
  const totalDue = (await page.locator('.statement-total td').nth(1).innerText()).replace(/[¥\s]/g, '');
  await page.getByRole('button', { name: '批量打印全部结算单' }).click();
  await expect(page.getByRole('heading', { name: '村卫生室药品结算汇总表' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '村卫生室药品结算单' })).toHaveCount(clinics);
  await screenshot(page, 'settlement-12-batch-print');
  const batch = await pdfOf(page, 'settlement-batch');
  expect(batch.text).toContain('应结算合计（大写）');
  expect(batch.text).toContain(totalDue);
  expect(batch.text.match(/村卫生室药品结算单/g)?.length).toBe(clinics);
  expect(batch.text).toContain('东湖村卫生室');
  expect(batch.text).toContain('西岭村卫生室');
  // Each statement starts a page: at least one page for the summary and one per clinic.
  expect(Number(/Pages:\s+(\d+)/.exec(batch.info)?.[1])).toBeGreaterThanOrEqual(clinics + 1);

  await page.getByRole('button', { name: '返回' }).click();
  await page.getByRole('button', { name: '打印汇总表' }).click();
  await expect(page.getByRole('heading', { name: '村卫生室药品结算汇总表' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '村卫生室药品结算单' })).toHaveCount(0);
  await screenshot(page, 'settlement-13-summary-print');
});

test('a delivery note prints on A4 or on 241 mm continuous paper, the table header on every page', async ({ page }) => {
  await signIn(page, 'yaoku');
  await page.goto(`${server.url}print/delivery/${longDeliveryId}`);
  await expect(page.getByRole('heading', { name: '药品配送出库单' })).toBeVisible();
  await expect(page.locator('.print-table tbody tr')).toHaveCount(18 + 2); // 6 drugs × 3 batches, totals, words
  await screenshot(page, 'settlement-12-delivery-a4');
  const a4 = await pdfOf(page, 'settlement-delivery-a4');
  expect(a4.info).toMatch(/Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
  expect(a4.text).toContain('收货人');
  await page.getByText('241 三等分').click();
  await expect(page).toHaveURL(/paper=241-third/);
  await expectPaper(page, '241mm 93.1mm');
  await screenshot(page, 'settlement-13-delivery-241-third');
  const third = await pdfOf(page, 'settlement-delivery-241-third');
  // 241 mm × 93.1 mm = 683.1 × 263.9 pt
  expect(third.info).toMatch(/Page size:\s+683\.\d+ x 26[34](\.\d+)? pts/);
  const pages = Number(/Pages:\s+(\d+)/.exec(third.info)![1]);
  expect(pages).toBeGreaterThan(1);
  expect(third.text).toMatch(new RegExp(`第\\s*${pages}\\s*页\\s*共\\s*${pages}\\s*页`));
  // The table header repeats on every page that has lines of the table.
  const withLines = third.text.split('\f').filter((p) => /\bL\d+[012]\b/.test(p));
  expect(withLines.length).toBeGreaterThan(1);
  for (const p of withLines) expect(p).toContain('有效期至');
  await page.getByText('241×279 连续纸').click();
  await expect(page).toHaveURL(/paper=241(&|$)/);
  await expectPaper(page, '241mm 279.4mm');
  const full = await pdfOf(page, 'settlement-delivery-241');
  expect(full.info).toMatch(/Page size:\s+683\.\d+ x 792(\.\d+)? pts/);
});
