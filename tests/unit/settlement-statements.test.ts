import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { ReadDb } from '../../electron/db/database';
import { checkLedgerInvariants } from '../../electron/domain/stock/ledger';
import { balancesAtStart, type StoreBalances } from '../../electron/domain/settlement/balances';
import { CLINIC_COLUMNS, HUB_COLUMNS, supplierStatementLines } from '../../shared/settlement';
import type { StoreStatement } from '../../shared/contract/settlement';
import { createSimHub, simulate, type SimHub } from '../helpers/settlement';

/**
 * Months of random business through the real handlers, then every statement of every month is compared
 * with sums taken straight from the ledger rows (not from the monthly totals or snapshots statements read).
 */
let sim: SimHub;
let db: ReadDb;
const MONTHS = ['2026-01', '2026-02', '2026-03', '2026-04'];

beforeAll(async () => {
  sim = await createSimHub('2026-01-05');
  db = sim.hub.runtime.app.db;
  await simulate(sim, '2026-04-20', { seed: 20260105, opsPerDay: 5, close: true });
}, 300_000);
afterAll(() => sim.hub.close());

type Sum = { qty: number; value: number };
const ledgerBy = (where: string, ...args: unknown[]) =>
  db
    .prepare(`SELECT drug_id AS drugId, movement, sum(qty) AS qty, sum(amount) AS value FROM ledger WHERE ${where} GROUP BY drug_id, movement`)
    .all(...args) as ({
    drugId: number;
    movement: string;
  } & Sum)[];

function expectStatementMatchesLedger(st: StoreStatement, storeId: number, period: string, columns: typeof HUB_COLUMNS) {
  const opening = new Map<number, Sum>();
  for (const r of ledgerBy('store_id = ? AND period < ?', storeId, period)) {
    const o = opening.get(r.drugId) ?? { qty: 0, value: 0 };
    opening.set(r.drugId, { qty: o.qty + r.qty, value: o.value + r.value });
  }
  const month = ledgerBy('store_id = ? AND period = ?', storeId, period);
  const drugIds = new Set([...opening.keys(), ...month.map((r) => r.drugId)]);
  let expectedDue = 0;
  let expectedClosingTotal = 0;
  for (const drugId of drugIds) {
    const o = opening.get(drugId) ?? { qty: 0, value: 0 };
    const rows = month.filter((r) => r.drugId === drugId);
    const closing = rows.reduce((acc, r) => ({ qty: acc.qty + r.qty, value: acc.value + r.value }), o);
    expectedClosingTotal += closing.value;
    const row = st.rows.find((x) => x.drugId === drugId);
    const nothing = o.qty === 0 && o.value === 0 && rows.every((r) => r.qty === 0 && r.value === 0);
    if (nothing) {
      expect(row).toBeUndefined();
      continue;
    }
    expect(row, `drug ${drugId} in ${period}`).toBeDefined();
    expect(row!.opening).toEqual(o);
    expect(row!.closing).toEqual(closing);
    columns.forEach((c, i) => {
      const own = rows.filter((r) => (c.movements as readonly string[]).includes(r.movement));
      const expected = { qty: c.sign * own.reduce((n, r) => n + r.qty, 0) || 0, value: c.sign * own.reduce((n, r) => n + r.value, 0) || 0 };
      expect(row!.cells[i], `${c.key} of drug ${drugId} in ${period}`).toEqual(expected);
      if (c.key === 'dispensed') expectedDue += expected.value;
    });
    // closing = opening + Σ sign × cell, per drug, in quantity and money.
    expect(row!.cells.reduce((n, cell, i) => n + st.columns[i].sign * cell.value, row!.opening!.value)).toBe(row!.closing!.value);
    expect(row!.cells.reduce((n, cell, i) => n + st.columns[i].sign * cell.qty, row!.opening!.qty)).toBe(row!.closing!.qty);
  }
  expect(st.columns.map((c) => c.key)).toEqual(columns.map((c) => c.key)); // no "other" movements at this store
  expect(st.rows.length).toBe([...drugIds].filter((id) => st.rows.some((r) => r.drugId === id)).length);
  expect(st.totals.closing).toBe(expectedClosingTotal);
  expect(st.totals.closing).toBe(st.totals.cells.reduce((n, v, i) => n + st.columns[i].sign * v, st.totals.opening!));
  expect(st.balanced).toBe(true);
  if (st.amountDue !== null) expect(st.amountDue).toBe(expectedDue);
}

describe('statements on generated data', () => {
  it('generated a realistic mix of business, with months closed along the way', () => {
    for (const k of [
      'receipt',
      'delivery',
      'sign',
      'dispense',
      'dispenseReversal',
      'clinicReturn',
      'supplierReturn',
      'writeoff',
      'receiptReversal',
      'payment',
      'close',
    ]) {
      expect(sim.ops[k], k).toBeGreaterThan(0);
    }
    const postings = (db.prepare('SELECT count(*) AS n FROM ledger').get() as { n: number }).n;
    expect(postings).toBeGreaterThan(500);
    expect(checkLedgerInvariants(db)).toEqual([]);
    const closed = db.prepare("SELECT period FROM periods WHERE status = 'closed' ORDER BY period").all();
    expect(closed).toEqual([{ period: '2026-01' }, { period: '2026-02' }, { period: '2026-03' }]);
  });

  it('clinic and hub statements equal the ledger, per drug and movement, every month', async () => {
    const finance = sim.as('caiwu');
    for (const period of MONTHS) {
      const hub = await finance.call('statements.hub', { period });
      expectStatementMatchesLedger(hub, sim.hubStoreId, period, HUB_COLUMNS);
      for (const c of sim.clinics) {
        const st = await finance.call('statements.clinic', { period, clinicId: c.id });
        expectStatementMatchesLedger(st, c.storeId, period, CLINIC_COLUMNS);
      }
    }
  });

  it('reads closed months from their snapshots, and the snapshots equal the ledger', async () => {
    const finance = sim.as('caiwu');
    const march = await finance.call('statements.clinic', { period: '2026-03', clinicId: sim.clinics[0].id });
    expect(march).toMatchObject({ closed: true, openingSource: 'snapshot', closingSource: 'snapshot' });
    const jan = await finance.call('statements.hub', { period: '2026-01' });
    expect(jan).toMatchObject({ closed: true, openingSource: 'ledger', closingSource: 'snapshot' });
    const april = await finance.call('statements.hub', { period: '2026-04' });
    expect(april).toMatchObject({ closed: false, closedAt: null, openingSource: 'snapshot', closingSource: 'ledger' });

    // Every snapshot row equals the ledger summed up to the end of its month.
    const snapshots = db
      .prepare(`SELECT e.period, c.store_id AS storeId, c.drug_id AS drugId, c.qty, c.value FROM period_closings c JOIN period_events e ON e.id = c.event_id`)
      .all() as { period: string; storeId: number; drugId: number; qty: number; value: number }[];
    expect(snapshots.length).toBeGreaterThan(20);
    for (const s of snapshots) {
      const l = db
        .prepare('SELECT sum(qty) AS qty, sum(amount) AS value FROM ledger WHERE store_id = ? AND drug_id = ? AND period <= ?')
        .get(s.storeId, s.drugId, s.period);
      expect(l).toEqual({ qty: s.qty, value: s.value });
    }
  });

  it('reads opening stock forward from a snapshot or backward from stock on hand, with the same result', () => {
    const flat = (b: StoreBalances) =>
      [...b]
        .flatMap(([store, drugs]) => [...drugs].filter(([, v]) => v.qty !== 0 || v.value !== 0).map(([drug, v]) => `${store}:${drug}:${v.qty}:${v.value}`))
        .sort();
    const stores = [sim.hubStoreId, ...sim.clinics.map((c) => c.storeId), null];
    for (const period of [...MONTHS, '2026-05']) {
      const expected = (
        db.prepare('SELECT store_id AS s, drug_id AS d, sum(qty) AS q, sum(amount) AS v FROM ledger WHERE period < ? GROUP BY 1, 2').all(period) as {
          s: number;
          d: number;
          q: number;
          v: number;
        }[]
      )
        .filter((r) => r.q !== 0 || r.v !== 0)
        .map((r) => `${r.s}:${r.d}:${r.q}:${r.v}`)
        .sort();
      for (const storeId of stores) {
        const own = storeId === null ? expected : expected.filter((k) => k.startsWith(`${storeId}:`));
        expect(flat(balancesAtStart(db, period, storeId, 'forward').balances), `forward ${period} ${storeId}`).toEqual(own);
        expect(flat(balancesAtStart(db, period, storeId, 'backward').balances), `backward ${period} ${storeId}`).toEqual(own);
      }
    }
  });

  it('the clinic summary agrees with each clinic statement, and the hub sees goods in transit', async () => {
    const finance = sim.as('caiwu');
    for (const period of MONTHS) {
      const summary = await finance.call('statements.clinics', { period });
      for (const c of sim.clinics) {
        const st = await finance.call('statements.clinic', { period, clinicId: c.id });
        const row = summary.rows.find((r) => r.clinicId === c.id)!;
        expect(row).toMatchObject({ opening: st.totals.opening, closing: st.totals.closing, amountDue: st.amountDue });
        expect(row.cells).toEqual(st.totals.cells);
        const transit = db
          .prepare(
            "SELECT coalesce(sum(amount), 0) AS v FROM ledger WHERE store_id = (SELECT id FROM stores WHERE clinic_id = ? AND kind = 'transit') AND period <= ?",
          )
          .get(c.id, period) as { v: number };
        expect(row.inTransit).toBe(transit.v);
      }
      expect(summary.totals.amountDue).toBe(summary.rows.reduce((n, r) => n + r.amountDue, 0));
      const hub = await finance.call('statements.hub', { period });
      expect(hub.inTransit!.closing).toBe(summary.totals.inTransit);
    }
  });

  it('supplier statements: document amounts equal the ledger, payments are counted, balances carry forward', async () => {
    const finance = sim.as('caiwu');
    for (const supplierId of sim.suppliers) {
      let carried = 0;
      for (const period of MONTHS) {
        const st = await finance.call('statements.supplier', { supplierId, period });
        const ledger = (movement: string, op: string) =>
          (
            db
              .prepare(
                `SELECT coalesce(sum(g.amount), 0) AS v FROM ledger g JOIN lots l ON l.id = g.lot_id WHERE l.supplier_id = ? AND g.movement = ? AND g.period ${op} ?`,
              )
              .get(supplierId, movement, period) as { v: number }
          ).v;
        const paid = (op: string) =>
          (
            db.prepare(`SELECT coalesce(sum(amount), 0) AS v FROM supplier_payments WHERE supplier_id = ? AND period ${op} ?`).get(supplierId, period) as {
              v: number;
            }
          ).v;
        expect(st.opening).toBe(carried);
        expect(st.totals.received).toBe(ledger('receipt', '='));
        expect(st.totals.returned).toBe(0 - ledger('supplier_return', '=') || 0);
        expect(st.totals.paid).toBe(paid('='));
        expect(st.totals.closing).toBe(ledger('receipt', '<=') + ledger('supplier_return', '<=') - paid('<='));
        expect(st.invoices.reduce((n, i) => n + i.amount, 0)).toBe(st.totals.received);
        // The printed running balance ends at the closing balance.
        const lines = supplierStatementLines(st);
        expect(lines.at(-1)!.balance).toBe(st.totals.closing);
        carried = st.totals.closing;
      }
    }
    const summary = await finance.call('statements.suppliers', { period: '2026-03' });
    for (const row of summary.rows) {
      const st = await finance.call('statements.supplier', { supplierId: row.supplierId, period: '2026-03' });
      expect(row).toMatchObject({
        opening: st.opening,
        received: st.totals.received,
        returned: st.totals.returned,
        paid: st.totals.paid,
        closing: st.totals.closing,
      });
    }
  });

  it('a receipt reversed in a later month counts in the month of the reversal', async () => {
    const reversed = db
      .prepare(
        `SELECT r.id, r.supplier_id AS supplierId, r.business_date AS d, r.total_amount AS amount,
                (SELECT min(business_date) FROM ledger g WHERE g.doc_type = 'receipt' AND g.doc_id = r.id AND g.reverses_id IS NOT NULL) AS rd
           FROM receipts r WHERE r.status = 'reversed'`,
      )
      .all() as { id: number; supplierId: number; d: string; rd: string; amount: number }[];
    expect(reversed.length).toBeGreaterThan(0);
    const finance = sim.as('caiwu');
    for (const r of reversed) {
      const original = await finance.call('statements.supplier', { supplierId: r.supplierId, period: r.d.slice(0, 7) });
      expect(original.invoices.flatMap((i) => i.receipts).find((x) => x.receiptId === r.id && x.kind === 'receipt')?.amount).toBe(r.amount);
      const ofReversal = await finance.call('statements.supplier', { supplierId: r.supplierId, period: r.rd.slice(0, 7) });
      expect(ofReversal.invoices.flatMap((i) => i.receipts).find((x) => x.receiptId === r.id && x.kind === 'reversal')?.amount).toBe(-r.amount);
    }
  });

  it('exports every statement to .xlsx with the same totals', async () => {
    const finance = sim.as('caiwu');
    const read = async (file: { base64: string }) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
      return wb.worksheets[0];
    };
    const cellsOf = (ws: ExcelJS.Worksheet) => {
      const out: unknown[] = [];
      ws.eachRow((row) => row.eachCell((c) => out.push(c.value)));
      return out;
    };
    const clinic = await finance.call('statements.clinic', { period: '2026-03', clinicId: sim.clinics[1].id });
    const file = await finance.call('statements.export', { kind: 'clinic', period: '2026-03', clinicId: sim.clinics[1].id });
    expect(file.filename).toBe('卫生室结算单-C02西岭村卫生室-2026-03.xlsx');
    const ws = await read(file);
    const values = cellsOf(ws);
    expect(values).toContain(Number((clinic.totals.closing! / 100).toFixed(2)));
    expect(values.some((v) => typeof v === 'string' && v.includes('本月用药金额（应结算）（大写）'))).toBe(true);
    expect(ws.pageSetup.printTitlesRow).toBe('5:6');

    for (const input of [
      { kind: 'hub', period: '2026-02' },
      { kind: 'clinics', period: '2026-02' },
      { kind: 'suppliers', period: '2026-02' },
      { kind: 'supplier', period: '2026-02', supplierId: sim.suppliers[0] },
    ] as const) {
      const f = await finance.call('statements.export', input);
      expect(f.filename).toMatch(/\.xlsx$/);
      expect((await read(f)).rowCount).toBeGreaterThan(5);
    }
    const supplier = await finance.call('statements.supplier', { period: '2026-02', supplierId: sim.suppliers[0] });
    const sws = await read(await finance.call('statements.export', { kind: 'supplier', period: '2026-02', supplierId: sim.suppliers[0] }));
    expect(cellsOf(sws)).toContain(Number((supplier.totals.closing / 100).toFixed(2)));
  });
});
