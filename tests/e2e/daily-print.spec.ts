/**
 * Printouts finance and the suppliers sign (issue 17): the longest realistic values — amounts over a million
 * yuan, long supplier and drug names — printed to PDF at their paper size, rendered with pdftoppm for people to
 * look at, and read back with pdftotext: every amount whole on one line, nothing cut at the page's edge.
 */
import fs from 'node:fs';
import { expect, expectPaper, E2E_CLOCK, startServer, test, type ServerHandle } from './fixtures';
import { signIn } from './pages/app';
import { expectWhole, printed } from './print-checks';
import { api, apiAs, stockClinic } from './seed';
import { validCreditCode } from '../helpers/catalog';

test.describe.configure({ mode: 'serial' });

const PASSWORD = 'Qingshi2026';
const SUPPLIER = '国药控股湖南省医药物流配送中心（长沙市开福区）有限责任公司第一分公司';
const DRUG = '注射用头孢哌酮钠舒巴坦钠（1:1）';
let server: ServerHandle;
let supplierId: number;
let clinicId: number;
let deliveryId: number;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  server = await startServer({ clock: E2E_CLOCK });
  const setup = await browser.newContext({ baseURL: server.url });
  await api(setup.request, 'setup.initialize', { hubName: '青石镇中心卫生院', adminUsername: 'admin', adminDisplayName: '张院长', adminPassword: PASSWORD });
  const clinic = await api(setup.request, 'clinics.create', { code: 'C01', name: '东湖村卫生室', village: '东湖村' });
  clinicId = clinic.id;
  await api(setup.request, 'users.create', { username: 'yaoku', initialPassword: 'Chushi2026', displayName: '周药师', role: 'pharmacist', clinicId: null });
  await api(setup.request, 'users.create', { username: 'caiwu', initialPassword: 'Chushi2026', displayName: '孙会计', role: 'finance', clinicId: null });
  await api(setup.request, 'users.create', { username: 'cy01', initialPassword: 'Chushi2026', displayName: '王建国', role: 'village_doctor', clinicId });
  const yaoku = await apiAs(browser, server.url, 'yaoku', 'Chushi2026', PASSWORD);
  const caiwu = await apiAs(browser, server.url, 'caiwu', 'Chushi2026', PASSWORD);
  const doctor = await apiAs(browser, server.url, 'cy01', 'Chushi2026', PASSWORD);
  const supplier = await api(yaoku, 'suppliers.create', {
    name: SUPPLIER,
    creditCode: validCreditCode('91430000183763178'),
    contact: '欧阳经理',
    phone: '0731-84001234',
    address: null,
    licenceNo: null,
  });
  supplierId = supplier.id;
  // ¥9,876.54 a box: 65 boxes in each of two lots, ¥641,975.10 a lot, ¥1,283,950.20 in all.
  const drug = await api(yaoku, 'catalog.create', {
    nhsaCode: 'XJ01DDC123B001010100001',
    genericName: DRUG,
    dosageForm: '注射剂',
    spec: '1.0g(头孢哌酮0.5g+舒巴坦0.5g)*10瓶',
    packUnit: '盒',
    baseUnit: '瓶',
    packSize: 10,
    manufacturer: '辉瑞制药（无锡）有限公司',
    insuranceClass: 'B',
    vbp: false,
    vbpBatch: null,
    vbpPrice: null,
    defaultSupplierId: supplierId,
  });
  await api(yaoku, 'suppliers.setPrices', { supplierId, prices: [{ drugId: drug.id, packPrice: 9_876_540_000 }] });
  await stockClinic(yaoku, doctor, clinicId, [
    {
      drugId: drug.id,
      lots: [
        { batchNo: 'CPZ-2026031601A', expiryDate: '2028-02-29', qty: 650 },
        { batchNo: 'CPZ-2026031602B', expiryDate: '2028-03-31', qty: 650 },
      ],
    },
  ]);
  await api(caiwu, 'payments.create', { supplierId, payDate: '2026-03-16', voucherNo: '记-202603-000123', amount: 100_000_000, note: null });
  deliveryId = (await api(yaoku, 'deliveries.list', { clinicId }))[0].id;
  await setup.close();
});
test.afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

test('the supplier statement prints on A4: seven-figure amounts whole, the table inside the page, signature lines', async ({ page }) => {
  await signIn(page, server.url, 'caiwu', PASSWORD);
  await page.goto(`${server.url}print/supplier-statement/${supplierId}/2026-03`);
  await expect(page.getByRole('heading', { name: '配送企业往来对账单' })).toBeVisible();
  const doc = await printed(page, 'daily-print-supplier-a4');
  expect(doc.info).toMatch(/\(A4\)/);
  expectWhole(doc, ['1,283,950.20', '1,000,000.00', '283,950.20']);
  for (const s of ['经办人', '审核人', '负责人', '配送企业确认']) expect(doc.text).toContain(s);
  // The long name wraps inside its field (the grid beside it interleaves in the text read back), never cut.
  for (const part of ['国药控股湖南省医药物流配送中心（长沙市开福区）有限责任公司', '第一分公司']) expect(doc.text).toContain(part);
});

test('the delivery note prints whole on A4 and on 241 mm paper with long names and amounts', async ({ page }) => {
  await signIn(page, server.url, 'yaoku', PASSWORD);
  await page.goto(`${server.url}print/delivery/${deliveryId}`);
  await expect(page.getByRole('heading', { name: '药品配送出库单' })).toBeVisible();
  expectWhole(await printed(page, 'daily-print-delivery-a4'), ['641,975.10', '1,283,950.20']);
  await page.getByText('241 三等分').click();
  await expect(page).toHaveURL(/paper=241-third/);
  await expectPaper(page, '241mm 93.1mm');
  expectWhole(await printed(page, 'daily-print-delivery-241-third'), ['641,975.10', '1,283,950.20']);
  await page.getByText('241×279 连续纸').click();
  await expect(page).toHaveURL(/paper=241(&|$)/);
  await expectPaper(page, '241mm 279.4mm');
  expectWhole(await printed(page, 'daily-print-delivery-241'), ['641,975.10', '1,283,950.20']);
});

test('the clinic statement prints whole on A4 landscape', async ({ page }) => {
  await signIn(page, server.url, 'caiwu', PASSWORD);
  await page.goto(`${server.url}print/clinic-statement/${clinicId}/2026-03`);
  await expect(page.getByRole('heading', { name: '村卫生室药品结算单' })).toBeVisible();
  expectWhole(await printed(page, 'daily-print-clinic-a4'), ['1,283,950.20']);
});
