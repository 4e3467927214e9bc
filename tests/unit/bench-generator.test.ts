import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { DB_FILE_NAME } from '../../electron/app';
import { Runtime } from '../../electron/runtime';
import { checkLedgerInvariants } from '../../electron/domain/stock/ledger';
import { generateHub, noonClock, type HubParams } from '../../electron/tools/bench/generate';
import { verifyHub } from '../../electron/tools/bench/hubs';
import { tempDir } from '../helpers/runtime';

// The benchmark's bulk generator writes SQLite directly; this proves, at tiny scale, that what it writes
// is what the real handlers would have written: the ledger invariants hold, closed months' snapshots
// agree with the monthly totals, stock cards end at the stock on hand, and the handlers post on top.
const params: HubParams = { clinics: 2, start: '2026-07-20', end: '2026-10-10', linesPerClinicDay: 8, drugs: 40, formulary: 15, seed: 7 };
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('benchmark hub generator', () => {
  it('builds a hub whose books are consistent with the ledger, and the real handlers work on it', async () => {
    const dir = tempDir('santong-bench-');
    dirs.push(dir);
    const stats = await generateHub(dir, params);
    expect(stats.ledgerRows).toBeGreaterThan(1000);
    expect(stats.closedMonths).toBe(3); // July, August, September; October is open

    const raw = new Database(path.join(dir, DB_FILE_NAME), { readonly: true });
    expect(checkLedgerInvariants(raw)).toEqual([]);
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect((raw.prepare('SELECT count(*) AS n FROM ledger').get() as { n: number }).n).toBe(stats.ledgerRows);
    raw.close();
    expect(verifyHub(path.join(dir, DB_FILE_NAME), 3).problems).toEqual([]);

    const runtime = new Runtime({ dataDir: dir, clock: noonClock(params.end), validateOutputs: true }, 'main', { recoveryMode: false });
    try {
      const pharmacist = InternalClient.asUser(runtime, 'yaoku');
      const clinic = (await pharmacist.call('clinics.list', {}))[0];
      const store = (await pharmacist.call('stock.stores', {})).find((s) => s.clinicId === clinic.id && s.kind === 'clinic')!;

      // A closed month reads its closing snapshot, and the snapshot equals opening + the month's movements.
      const closed = await pharmacist.call('statements.clinic', { clinicId: clinic.id, period: '2026-09' });
      expect(closed).toMatchObject({ closed: true, closingSource: 'snapshot', openingSource: 'snapshot', balanced: true });
      expect(closed.totals.closing).toBeGreaterThan(0);
      const open = await pharmacist.call('statements.clinic', { clinicId: clinic.id, period: '2026-10' });
      expect(open).toMatchObject({ closed: false, balanced: true });
      expect(open.totals.opening).toBe(closed.totals.closing);
      const supplier = (await pharmacist.call('suppliers.list', {}))[0];
      const owed = await pharmacist.call('statements.supplier', { supplierId: supplier.id, period: '2026-09' });
      expect(owed.openingSource).toBe('snapshot');
      expect(owed.totals.received).toBeGreaterThan(0);
      expect(owed.totals.closing).toBe(owed.opening + owed.totals.received - owed.totals.returned - owed.totals.paid);
      // October's opening (September's close snapshot) is September's closing by the documents.
      expect((await pharmacist.call('statements.supplier', { supplierId: supplier.id, period: '2026-10' })).opening).toBe(owed.totals.closing);

      // Every drug's stock card from the first day ends at its stock on hand.
      const onHand = await pharmacist.call('stock.onHand', { storeId: store.id, filter: 'in_stock', page: 1, pageSize: 500 });
      expect(onHand.rows.length).toBeGreaterThan(5);
      for (const row of onHand.rows.slice(0, 5)) {
        const card = await pharmacist.call('stock.card', { storeId: store.id, drugId: row.drugId, from: params.start, to: params.end, limit: 5000 });
        expect(card.closing).toEqual({ qty: row.qty, value: row.value });
      }

      // The real handler posts on the generated stock (first expiry first, as generated), and the books still hold.
      const doctor = InternalClient.asUser(runtime, 'cy01');
      const drug = onHand.rows[0];
      const entry = await doctor.call('dispensing.create', { clinicId: clinic.id, businessDate: params.end, lines: [{ drugId: drug.drugId, qty: 1 }] });
      expect(entry.lines[0].lots[0].qty).toBe(1);
      expect(checkLedgerInvariants(runtime.app.db)).toEqual([]);
    } finally {
      runtime.close();
    }
  }, 120_000);
});
