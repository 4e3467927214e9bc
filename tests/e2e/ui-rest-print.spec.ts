/**
 * The printed 药品库存表 (/print/on-hand) keeps each 医保编码 whole on one line (issue 17): printed by Chromium to
 * PDF at its paper size and read back with pdftotext, every code of the list is one word inside the page.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, SCREENSHOT_DIR, serverForFile, test } from './fixtures';
import { signIn } from './pages/app';
import { api, seedTownship, stockClinic } from './seed';

test.describe.configure({ mode: 'serial' });

const PASSWORD = 'Qingshi2026';
const server = serverForFile();
let storeId: number;

test.beforeAll(async ({ browser }) => {
  const { clinicId, pharmacist, doctor, ids } = await seedTownship(browser, server.url, PASSWORD);
  await stockClinic(pharmacist, doctor, clinicId, [
    { drugId: ids.amox, lots: [{ batchNo: 'A2611', expiryDate: '2028-10-31', qty: 48 }] },
    { drugId: ids.ibu, lots: [{ batchNo: 'IB2612-0001', expiryDate: '2028-12-31', qty: 20 }] },
    { drugId: ids.aml, lots: [{ batchNo: 'AM2701', expiryDate: '2027-01-31', qty: 56 }] },
  ]);
  const stores = (await api(pharmacist, 'stock.stores', {})) as { id: number; kind: string; clinicId: number | null }[];
  storeId = stores.find((s) => s.kind === 'clinic' && s.clinicId === clinicId)!.id;
});

test('药品库存表 prints every 医保编码 whole on one line, inside the page', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await signIn(page, server.url, 'yaoku', PASSWORD);
  await page.goto(new URL(`/print/on-hand?store=${storeId}&filter=in_stock`, server.url).href);
  const doc = page.locator('.print-doc');
  await expect(doc.getByRole('heading', { name: '药品库存表' })).toBeVisible();
  const codes = await doc.locator('.print-table tbody tr:not(.print-totals) td:first-child').allTextContents();
  expect(codes.length).toBe(3);
  for (const c of codes) expect(c).toMatch(/^X[A-Z0-9]{20,}$/);

  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, 'on-hand-print.pdf');
  await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
  execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', file, path.join(SCREENSHOT_DIR, 'on-hand-print')]);
  const [, width] = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))!;
  const words = [
    ...execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' }).matchAll(
      /<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g,
    ),
  ].map((m) => ({ xMax: Number(m[1]), text: m[2] }));
  for (const code of codes) {
    const word = words.find((w) => w.text === code);
    expect(word, `${code} printed as one word (not split across lines)`).toBeTruthy();
    expect(word!.xMax).toBeLessThanOrEqual(Number(width) - 14);
  }
});
