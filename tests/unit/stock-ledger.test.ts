import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import type { WriteDb } from '../../electron/db/database';
import { allocateFefo, checkLedgerInvariants, createLot, postMovement, reverseRow, transfer, type PostingContext } from '../../electron/domain/stock/ledger';
import { createClinic, createTestHub, tempDir, type TestHub } from '../helpers/runtime';
import { seedDrug, seedSupplier } from '../helpers/stock';

let hub: TestHub;
let db: WriteDb;
let stores: { hub: number; clinics: number[] };

beforeEach(async () => {
  hub = await createTestHub();
  db = hub.runtime.app.db;
  const clinics = [];
  for (const code of ['C01', 'C02', 'C03']) clinics.push((await createClinic(hub, code)).id);
  const rows = db.prepare("SELECT id, kind, clinic_id AS clinicId FROM stores WHERE kind IN ('hub', 'clinic') ORDER BY id").all() as {
    id: number;
    kind: string;
  }[];
  stores = { hub: rows.find((r) => r.kind === 'hub')!.id, clinics: rows.filter((r) => r.kind === 'clinic').map((r) => r.id) };
});
afterEach(() => hub.close());

const ctx = (date = '2026-03-02'): PostingContext => ({ db, userId: 1, businessDate: date, today: '2026-03-02', now: new Date('2026-03-02T02:00:00Z') });

function receiveLot(drugId: number, qty: number, unitCost: number, expiry = '2028-01-01'): number {
  const lotId = createLot(db, {
    drugId,
    batchNo: `L${Math.random().toString(36).slice(2, 7)}`,
    mfgDate: null,
    expiryDate: expiry,
    unitCost,
    supplierId: null,
    now: new Date('2026-03-02T01:00:00.000Z'),
  });
  postMovement(ctx(), { storeId: stores.hub, lotId, qty, movement: 'receipt', docType: 'receipt', docId: lotId });
  return lotId;
}

describe('the ledger', () => {
  it('never lets a balance go negative and leaves no trace of a refused posting', () => {
    const drug = seedDrug(hub);
    const lot = receiveLot(drug.id, 10, 520_833);
    const before = db.prepare('SELECT count(*) AS n FROM ledger').get();
    expect(() =>
      db.transaction(() => postMovement(ctx(), { storeId: stores.hub, lotId: lot, qty: -11, movement: 'dispense', docType: 'dispensing', docId: 1 }))(),
    ).toThrow(/库存不足/);
    expect(db.prepare('SELECT count(*) AS n FROM ledger').get()).toEqual(before);
    expect(db.prepare('SELECT qty FROM stock_balances WHERE lot_id = ?').get(lot)).toEqual({ qty: 10 });
  });

  it('is append-only: rows can be neither edited nor deleted', () => {
    const drug = seedDrug(hub);
    receiveLot(drug.id, 10, 100);
    expect(() => db.prepare('UPDATE ledger SET qty = 99').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM ledger').run()).toThrow(/append-only/);
  });

  it('values the last unit of a lot at what is left, so no stray fen remains', () => {
    const drug = seedDrug(hub);
    const lot = receiveLot(drug.id, 3, 333_333); // 3 × 0.333333 = 1.00 yuan at receipt (rounded once)
    for (let i = 0; i < 3; i++) postMovement(ctx(), { storeId: stores.hub, lotId: lot, qty: -1, movement: 'dispense', docType: 'dispensing', docId: i });
    expect(db.prepare('SELECT qty, value FROM stock_balances WHERE lot_id = ?').get(lot)).toEqual({ qty: 0, value: 0 });
    const amounts = (db.prepare('SELECT amount FROM ledger WHERE lot_id = ? ORDER BY id').all(lot) as { amount: number }[]).map((r) => r.amount);
    expect(amounts).toEqual([100, -33, -33, -34]);
  });

  it('allocates first-expiry-first and skips expired lots', () => {
    const drug = seedDrug(hub);
    const late = receiveLot(drug.id, 5, 100, '2028-01-01');
    const early = receiveLot(drug.id, 5, 100, '2027-01-01');
    const expired = receiveLot(drug.id, 50, 100, '2026-03-01');
    expect(allocateFefo(db, stores.hub, drug.id, 7, '2026-03-02').map((a) => [a.lotId, a.qty])).toEqual([
      [early, 5],
      [late, 2],
    ]);
    expect(() => allocateFefo(db, stores.hub, drug.id, 11, '2026-03-02')).toThrow(/已过期 50/);
    expect(expired).toBeGreaterThan(0);
  });

  it('reverses a row exactly, once', () => {
    const drug = seedDrug(hub);
    const lot = receiveLot(drug.id, 24, 520_833);
    const out = postMovement(ctx(), { storeId: stores.hub, lotId: lot, qty: -5, movement: 'dispense', docType: 'dispensing', docId: 9 });
    const back = reverseRow(
      ctx(),
      { id: out.id, storeId: stores.hub, lotId: lot, movement: 'dispense', qty: -5, amount: out.amount },
      { docType: 'dispensing', docId: 9 },
    );
    expect(back).toMatchObject({ qty: 5, amount: -out.amount });
    expect(db.prepare('SELECT qty, value FROM stock_balances WHERE lot_id = ?').get(lot)).toEqual({ qty: 24, value: 1250 });
    expect(() =>
      reverseRow(
        ctx(),
        { id: out.id, storeId: stores.hub, lotId: lot, movement: 'dispense', qty: -5, amount: out.amount },
        { docType: 'dispensing', docId: 9 },
      ),
    ).toThrow();
  });

  it('holds its invariants after 10,000 random operations, matching an independent model', () => {
    const supplier = seedSupplier(hub);
    const drugs = Array.from({ length: 6 }, () => seedDrug(hub, { supplierId: supplier }));
    let seed = 20261122;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const model = new Map<string, number>(); // store:lot → qty
    const key = (s: number, l: number) => `${s}:${l}`;
    const lots: number[] = [];
    const reversible: { id: number; storeId: number; lotId: number; movement: 'dispense' | 'receipt'; qty: number; amount: number }[] = [];
    const allStores = [stores.hub, ...stores.clinics];
    let refused = 0;

    for (let i = 0; i < 10_000; i++) {
      const op = rand();
      const run = (fn: () => void) => {
        try {
          db.transaction(fn)();
        } catch (err) {
          if (!/库存不足|不能冲销/.test((err as Error).message)) throw err;
          refused += 1;
        }
      };
      if (op < 0.15 || lots.length === 0) {
        run(() => {
          const lot = receiveLot(pick(drugs).id, 1 + Math.floor(rand() * 500), 1 + Math.floor(rand() * 5_000_000));
          lots.push(lot);
          const qty = (db.prepare('SELECT qty FROM stock_balances WHERE lot_id = ?').get(lot) as { qty: number }).qty;
          model.set(key(stores.hub, lot), qty);
        });
      } else if (op < 0.55) {
        const from = pick(allStores);
        const to = pick(allStores.filter((s) => s !== from));
        const lot = pick(lots);
        const qty = 1 + Math.floor(rand() * 120);
        run(() => {
          transfer(ctx(), {
            fromStoreId: from,
            toStoreId: to,
            lotId: lot,
            qty,
            outMovement: 'issue_out',
            inMovement: 'issue_in',
            docType: 'delivery',
            docId: i,
          });
          model.set(key(from, lot), (model.get(key(from, lot)) ?? 0) - qty);
          model.set(key(to, lot), (model.get(key(to, lot)) ?? 0) + qty);
        });
      } else if (op < 0.9) {
        const store = pick(allStores);
        const lot = pick(lots);
        const qty = 1 + Math.floor(rand() * 60);
        run(() => {
          const row = postMovement(ctx(), { storeId: store, lotId: lot, qty: -qty, movement: 'dispense', docType: 'dispensing', docId: i });
          reversible.push({ id: row.id, storeId: store, lotId: lot, movement: 'dispense', qty: -qty, amount: row.amount });
          model.set(key(store, lot), (model.get(key(store, lot)) ?? 0) - qty);
        });
      } else if (reversible.length) {
        const idx = Math.floor(rand() * reversible.length);
        const row = reversible[idx];
        run(() => {
          reverseRow(ctx(), row, { docType: 'dispensing', docId: i });
          reversible.splice(idx, 1);
          model.set(key(row.storeId, row.lotId), (model.get(key(row.storeId, row.lotId)) ?? 0) - row.qty);
        });
      }
    }

    expect(checkLedgerInvariants(db)).toEqual([]);
    const balances = db.prepare('SELECT store_id AS s, lot_id AS l, qty FROM stock_balances').all() as { s: number; l: number; qty: number }[];
    const actual = new Map(balances.filter((b) => b.qty !== 0).map((b) => [key(b.s, b.l), b.qty]));
    const expected = new Map([...model].filter(([, q]) => q !== 0));
    expect(actual).toEqual(expected);
    expect(refused).toBeGreaterThan(100); // the generator really tried to overdraw
  });
});

describe('concurrent postings', () => {
  it('stay consistent when two processes post against the same file at once', async () => {
    const drug = seedDrug(hub);
    const lot = receiveLot(drug.id, 200, 520_833);
    const out = tempDir('santong-poster-');
    const script = path.join(out, 'poster.cjs');
    await build({
      entryPoints: [path.resolve(import.meta.dirname, '../helpers/concurrent-poster.ts')],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['better-sqlite3'],
      define: { 'import.meta.dirname': '__dirname' },
      nodePaths: [path.resolve(import.meta.dirname, '../../node_modules')],
      logLevel: 'silent',
    });
    const dbFile = hub.runtime.app.dbFile;
    const env = { ...process.env, NODE_PATH: path.resolve(import.meta.dirname, '../../node_modules') };
    const runOne = (seed: number) =>
      new Promise<{ posted: number; refused: number }>((resolve, reject) => {
        const child = spawn(process.execPath, [script, dbFile, String(stores.hub), String(stores.clinics[0]), String(lot), '400', String(seed)], { env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(stderr))));
      });
    const rowsBefore = (db.prepare('SELECT count(*) AS n FROM ledger').get() as { n: number }).n;
    const [a, b] = await Promise.all([runOne(1), runOne(2)]);
    expect(a.posted + a.refused).toBe(400);
    expect(b.posted + b.refused).toBe(400);
    expect(checkLedgerInvariants(db)).toEqual([]);
    // Every acknowledged posting is there: a transfer writes two rows, a dispensing one.
    const written = (db.prepare('SELECT count(*) AS n FROM ledger').get() as { n: number }).n - rowsBefore;
    const dispensed = (db.prepare("SELECT count(*) AS n FROM ledger WHERE movement = 'dispense'").get() as { n: number }).n;
    expect(written).toBe(2 * (a.posted + b.posted - dispensed) + dispensed);
    const total = db.prepare('SELECT sum(qty) AS q FROM stock_balances WHERE lot_id = ?').get(lot) as { q: number };
    expect(total.q).toBe(200 + (db.prepare("SELECT coalesce(sum(qty), 0) AS q FROM ledger WHERE movement = 'dispense'").get() as { q: number }).q);
  });
});
