import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../electron/db/database';
import { SIGNATURES, type SignedDocument } from '../../shared/signatures';
import { createSimHub, type SimHub, simulate } from '../helpers/settlement';

/**
 * A document signed on paper and the same document opened in Excel ask for the same people: every Excel
 * export's signature row, read back from the file, equals the labels its print component shows, and every
 * print component takes its labels from shared/signatures rather than listing its own.
 */
let sim: SimHub;
beforeAll(async () => {
  sim = await createSimHub('2026-01-05');
  await simulate(sim, '2026-01-28', { seed: 17, opsPerDay: 4 });
}, 300_000);
afterAll(async () => {
  await sim.hub.close();
});

async function sheets(file: { base64: string }) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
  return wb.worksheets;
}

/** The labels of the sheet's last row whose cells all end in '：' (a signature line to sign beside). */
function signatureRow(ws: ExcelJS.Worksheet): string[] {
  for (let r = ws.rowCount; r >= 1; r--) {
    const texts: string[] = [];
    ws.getRow(r).eachCell((c) => {
      if (typeof c.value === 'string' && c.value !== '') texts.push(c.value);
    });
    if (texts.length > 0 && texts.every((t) => t.endsWith('：'))) return texts.map((t) => t.slice(0, -1));
  }
  return [];
}

describe('signature rows', () => {
  it('each Excel export signs with the labels of its printed document', async () => {
    const finance = sim.as('caiwu');
    const pharmacist = sim.as('yaoku');
    const period = '2026-01';
    const clinicId = sim.clinics[0].id;
    const expectSigned = async (file: Promise<{ base64: string }>, docs: SignedDocument[]) => {
      const ws = await sheets(await file);
      expect(ws.map(signatureRow)).toEqual(docs.map((d) => [...SIGNATURES[d]]));
    };
    const hub = await finance.call('statements.hub', { period });
    await expectSigned(finance.call('statements.export', { kind: 'hub', period }), hub.transit ? ['hubStatement', 'transitStatement'] : ['hubStatement']);
    await expectSigned(finance.call('statements.export', { kind: 'clinic', period, clinicId }), ['clinicStatement']);
    await expectSigned(finance.call('statements.export', { kind: 'clinics', period }), ['clinicSummary']);
    await expectSigned(finance.call('statements.export', { kind: 'supplier', period, supplierId: sim.suppliers[0] }), ['supplierStatement']);
    await expectSigned(finance.call('statements.export', { kind: 'suppliers', period }), ['supplierSummary']);
    await expectSigned(finance.call('reconciliation.export', { clinicId, period }), ['reconciliation', 'reconciliationDays']);
    const order = sql(sim.hub.runtime.app.db, 'SELECT id FROM purchase_orders ORDER BY id LIMIT 1').get() as { id: number };
    await expectSigned(pharmacist.call('orders.export', { id: order.id }), ['purchaseOrder']);
    await expectSigned(pharmacist.call('stock.alertsExport', {}), ['alerts']);
    expect(hub.transit, 'the month leaves deliveries unsigned, so the transit sheet is checked too').toBeTruthy();
  });

  it('print components take their signature labels from shared/signatures', () => {
    const prints: Record<string, SignedDocument[]> = {
      'renderer/src/pages/purchasing/PurchaseOrderPrint.tsx': ['purchaseOrder'],
      'renderer/src/pages/settlement/print/StoreStatementPrint.tsx': ['hubStatement', 'transitStatement', 'clinicStatement', 'clinicSummary'],
      'renderer/src/pages/settlement/print/SupplierStatementPrint.tsx': ['supplierStatement'],
      'renderer/src/pages/settlement/print/DeliveryNotePrint.tsx': ['deliveryNote'],
      'renderer/src/pages/reconciliation/ReconciliationPrint.tsx': ['reconciliation', 'reconciliationDays'],
      'renderer/src/pages/stocktake/StocktakePrint.tsx': ['stocktakeCount', 'stocktakeResult'],
      'renderer/src/pages/gsp/GspPrints.tsx': ['acceptance', 'quarantine', 'envLog'],
      'renderer/src/pages/stock/AlertsPrint.tsx': ['alerts'],
    };
    for (const [file, docs] of Object.entries(prints)) {
      const source = fs.readFileSync(path.join(__dirname, '../..', file), 'utf8');
      expect(source, `${file} lists its own signature labels`).not.toMatch(/signatures=\{\[/);
      for (const d of docs) expect(source, `${file} prints ${d}`).toContain(`SIGNATURES.${d}`);
    }
  });
});
