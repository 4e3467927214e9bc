/**
 * Each difference class of the reconciliation on constructed data: a clinic's day where every kind of gap
 * between what the fund paid and what left the shelf is made once, through the real handlers (deliveries,
 * dispensing, settlement imports), and the reconciliation must classify each one, and only that one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../electron/db/database';
import { loadExcel } from '../../electron/domain/excel';
import { reconcile } from '../../electron/domain/reconciliation/reconcile';
import type { DispensedCodeSource } from '../../electron/domain/reconciliation/dispensed-codes';
import { createSettlementHub, fee, importFees, stockClinic, type SettlementHub } from '../helpers/reconciliation';

let h: SettlementHub;
const DAY = '2026-03-16';
const BOX_A = '81234560000000000011';
const BOX_B = '81234560000000000012';
const BOX_SOLD_TWICE = '81234560000000000013';
const amoxCost = 120_000;
const ibuCost = 490_000;
const metCost = 100_000;

beforeAll(async () => {
  h = await createSettlementHub();
  await stockClinic(h, 0, h.drugs.amox, 240, 'A2601', { traceCodes: [BOX_SOLD_TWICE] });
  await stockClinic(h, 0, h.drugs.ibu, 200, 'I2601');
  await stockClinic(h, 0, h.drugs.met, 96, 'M2601');
  // The hub received these boxes as 阿莫西林 (36 粒, drug B).
  await stockClinic(h, 0, h.drugs.amoxB, 72, 'B2601', { traceCodes: [BOX_A, BOX_B] });
  const doctor = h.as('cy01');
  const dispense = (visitNo: string | null, lines: { drugId: number; qty: number }[]) =>
    doctor.call('dispensing.create', { businessDate: DAY, visitNo, lines });
  await dispense('V1', [{ drugId: h.drugs.amox.id, qty: 24 }]); // settled the same: matched
  await dispense(null, [{ drugId: h.drugs.met.id, qty: 48 }]); // never settled: the patient paid (marked below)
  await dispense('V3', [{ drugId: h.drugs.amoxB.id, qty: 12 }]); // settled as drug A: swapped
  await dispense('V5', [{ drugId: h.drugs.ibu.id, qty: 10 }]); // never settled, not marked
  await importFees(h, 0, [
    fee('V1', `${DAY} 09:00:00`, h.drugs.amox, 24, amoxCost, { sn: 'S1' }),
    fee('V2', `${DAY} 09:30:00`, h.drugs.ibu, 20, ibuCost, { sn: 'S2' }), // settled, never dispensed
    fee('V3', `${DAY} 10:00:00`, h.drugs.amox, 12, amoxCost, { sn: 'S3', codes: BOX_A }), // and its box is drug B's
    { sn: 'S4', visit: 'V4', time: `${DAY} 10:30:00`, code: 'ZA01BAA0001010100001', name: '板蓝根颗粒', cnt: 1, pric: '15', amount: '15.00' }, // not in the catalog
    fee('V6', `${DAY} 11:00:00`, h.drugs.met, 10, 150_000, { sn: 'S6', codes: BOX_SOLD_TWICE }), // at 0.15 a 片 where the hub charged 0.10
    fee('V7', `${DAY} 11:30:00`, h.drugs.amox, 6, amoxCost, { sn: 'S7', codes: BOX_SOLD_TWICE }), // the same box again
  ]);
  await h.as('cy01').call('reconciliation.markSelfPay', { date: DAY, drugId: h.drugs.met.id, qty: 48, note: '患者未带医保卡' });
}, 120_000);
afterAll(() => h.hub.close());

const row = (r: Awaited<ReturnType<typeof day>>, drugId: number | null, code?: string) =>
  r.rows.find((x) => (drugId === null ? x.medListCodg === code : x.drugId === drugId))!;
const day = () => h.as('cy01').call('reconciliation.clinic', { from: DAY, to: DAY });

describe('reconciliation of one day', () => {
  it('classifies every difference of the day, each on its own drug', async () => {
    const r = await day();
    expect(r.imported).toBe(true);
    // 阿莫西林 A: 24 + 12 + 6 settled, 24 dispensed: 18 settled but not dispensed; V3's 12 were a swap.
    expect(row(r, h.drugs.amox.id)).toMatchObject({ settledQty: 42, dispensedQty: 24, diffQty: 18, kinds: ['settled_not_dispensed', 'visit_mismatch'] });
    // 布洛芬: 20 settled for V2 (never given), 10 given to V5 (never settled): one figure per day and drug.
    expect(row(r, h.drugs.ibu.id)).toMatchObject({ settledQty: 20, dispensedQty: 10, diffQty: 10, kinds: ['settled_not_dispensed'] });
    // 二甲双胍: 48 dispensed and marked self-paid, 10 settled at a price the hub never charged.
    expect(row(r, h.drugs.met.id)).toMatchObject({ settledQty: 10, dispensedQty: 48, selfPayQty: 48, kinds: ['self_pay', 'price_mismatch'] });
    expect(row(r, h.drugs.met.id).settledUnitPrice).toBe(150_000);
    expect(row(r, h.drugs.met.id).hubUnitCost).toBe(metCost);
    // 阿莫西林 B: given to V3, never settled.
    expect(row(r, h.drugs.amoxB.id)).toMatchObject({ settledQty: 0, dispensedQty: 12, kinds: ['dispensed_not_settled', 'visit_mismatch'] });
    // A code the catalog does not have.
    expect(row(r, null, 'ZA01BAA0001010100001')).toMatchObject({
      drugId: null,
      settledQty: null,
      settledAmount: 1500,
      kinds: ['settled_not_dispensed', 'unknown_drug'],
    });
    expect(r.visits).toEqual([
      {
        date: DAY,
        mdtrtId: 'V3',
        settled: [{ drugId: h.drugs.amox.id, drugName: '阿莫西林胶囊', qty: 12 }],
        dispensed: [{ drugId: h.drugs.amoxB.id, drugName: '阿莫西林胶囊', qty: 12 }],
      },
    ]);
  });

  it('marks dispensing beyond the settled as a difference until the clinic says the patient paid', async () => {
    await h.as('cy01').call('reconciliation.markSelfPay', { date: DAY, drugId: h.drugs.met.id, qty: 20, note: '部分自费' });
    expect(row(await day(), h.drugs.met.id).kinds).toEqual(['dispensed_not_settled', 'price_mismatch']);
    await h.as('cy01').call('reconciliation.markSelfPay', { date: DAY, drugId: h.drugs.met.id, qty: 48, note: '患者未带医保卡' });
    expect(row(await day(), h.drugs.met.id).kinds).toEqual(['self_pay', 'price_mismatch']);
    // Not more than was dispensed, and only the clinic's own.
    await expect(h.as('cy01').call('reconciliation.markSelfPay', { date: DAY, drugId: h.drugs.met.id, qty: 49, note: null })).rejects.toMatchObject({
      code: 'BUSINESS_RULE',
    });
    await expect(
      h.as('cy02').call('reconciliation.markSelfPay', { clinicId: h.clinics[0].id, date: DAY, drugId: h.drugs.met.id, qty: 1, note: null }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN_CLINIC' });
  });

  it("finds a box settled twice and a box that is another drug's", async () => {
    const r = await day();
    const codes = r.codes.map((c) => [c.kind, c.code, c.mdtrtId]);
    expect(codes).toEqual(
      expect.arrayContaining([
        ['code_other_drug', BOX_A, 'V3'],
        ['code_settled_twice', BOX_SOLD_TWICE, 'V6'],
        ['code_settled_twice', BOX_SOLD_TWICE, 'V7'],
        // The box the hub received as 阿莫西林 A settled as 二甲双胍.
        ['code_other_drug', BOX_SOLD_TWICE, 'V6'],
      ]),
    );
    expect(codes).toHaveLength(4);
    expect(r.codeComparison).toMatchObject({ scanning: false, settledCodes: 2 });
    expect(r.codeComparison.note).toContain('尚未扫追溯码');
  });

  it('compares settled boxes with boxes scanned at dispensing from the day scanning began (planted through the port)', () => {
    const db = h.hub.runtime.app.db;
    const dispensingId = (sql(db, "SELECT id FROM dispensings WHERE visit_no = 'V3'").get() as { id: number }).id;
    const scanned: DispensedCodeSource = {
      scanningSince: () => '2026-03-01',
      codesDispensed: (_db, clinicId, from, to) =>
        clinicId === h.clinics[0].id && from <= DAY && to >= DAY
          ? [
              { code: BOX_A, date: DAY, visitNo: 'V3', drugId: h.drugs.amoxB.id, dispensingId },
              { code: '81234560000000000099', date: DAY, visitNo: 'V5', drugId: h.drugs.ibu.id, dispensingId },
              // The same opened box taken from again: still one box not settled.
              { code: '81234560000000000099', date: DAY, visitNo: 'V6', drugId: h.drugs.ibu.id, dispensingId },
            ]
          : [],
    };
    const r = reconcile(db, h.clinics[0].id, DAY, DAY, { codes: scanned });
    expect(r.codeComparison.scanning).toBe(true);
    const byKind = (k: string) => r.codes.filter((c) => c.kind === k).map((c) => c.code);
    expect(byKind('code_not_scanned')).toEqual([BOX_SOLD_TWICE, BOX_SOLD_TWICE]);
    expect(byKind('code_not_settled')).toEqual(['81234560000000000099']);
  });

  it('nets a reversal on the day of the line it takes back', async () => {
    h.on('2026-03-17');
    await importFees(h, 0, [{ ...fee('V2', '2026-03-17 08:00:00', h.drugs.ibu, -20, ibuCost), sn: 'S2-R', init: 'S2', amount: '-9.80' }], 'reversal.csv');
    const r = await h.as('cy01').call('reconciliation.clinic', { from: DAY, to: '2026-03-17' });
    expect(row(r, h.drugs.ibu.id)).toMatchObject({ date: DAY, settledQty: 0, dispensedQty: 10, kinds: ['dispensed_not_settled'] });
    expect(r.rows.filter((x) => x.date === '2026-03-17')).toEqual([]);
  });

  it('is what the monthly sheet adds up, and what the hub overview counts', async () => {
    const sheet = await h.as('caiwu').call('reconciliation.sheet', { clinicId: h.clinics[0].id, period: '2026-03' });
    const r = await h.as('cy01').call('reconciliation.clinic', { from: '2026-03-01', to: '2026-03-17' });
    expect(sheet.totals.settledAmount).toBe(sheet.rows.reduce((n, x) => n + x.settledAmount, 0));
    expect(sheet.totals.settledAmount).toBe(r.totals.settledAmount);
    expect(sheet.totals.dispensedAmount).toBe(r.totals.dispensedAmount);
    expect(sheet.visits).toBe(1);
    const overview = await h.as('caiwu').call('reconciliation.overview', { period: '2026-03' });
    const mine = overview.find((c) => c.clinicId === h.clinics[0].id)!;
    expect(mine).toMatchObject({ settledAmount: r.totals.settledAmount, openRows: r.totals.openRows, lastDate: DAY });
    // A village doctor sees only their own clinic.
    expect((await h.as('cy02').call('reconciliation.overview', { period: '2026-03' })).map((c) => c.clinicId)).toEqual([h.clinics[1].id]);
  });

  it('exports the monthly sheet as a workbook whose figures are the sheet’s, with no patient in it', async () => {
    const sheet = await h.as('cy01').call('reconciliation.sheet', { period: '2026-03' });
    const file = await h.as('cy01').call('reconciliation.export', { period: '2026-03' });
    expect(file.filename).toBe(`医保对账单-${sheet.clinicName}-2026-03.xlsx`);
    const wb = new (await loadExcel()).Workbook();
    await wb.xlsx.load(Buffer.from(file.base64, 'base64') as never);
    const byDrug = wb.getWorksheet('按药品')!;
    const cells: (string | number | null)[][] = [];
    byDrug.eachRow((r) => cells.push((r.values as (string | number | null)[]).slice(1)));
    const total = cells.find((r) => String(r[0]).startsWith('合计'))!;
    expect(total[6]).toBe(sheet.totals.settledAmount / 100);
    expect(total[8]).toBe(sheet.totals.dispensedAmount / 100);
    const met = cells.find((r) => r[1] === h.drugs.met.code)!;
    expect(met[13]).toContain('结算价与配送价不符');
    expect(wb.getWorksheet('逐日差异')!.rowCount).toBeGreaterThan(5);
    expect(JSON.stringify(cells)).not.toMatch(/欧阳|4301/);
    await expect(h.as('cy02').call('reconciliation.export', { clinicId: h.clinics[0].id, period: '2026-03' })).rejects.toMatchObject({
      code: 'FORBIDDEN_CLINIC',
    });
  });
});
