/**
 * post_ratio: dispensing lines posted per second through the real handler (`dispensing.create` through
 * the dispatcher: validation, roles, the IMMEDIATE write transaction, FEFO allocation, the ledger row
 * with its balance and monthly total, the document, the audit row) ÷ the same number of lines written as
 * bare statements (INSERT INTO ledger + stock_balances upsert + stock_period_totals upsert), committed in
 * the same number of transactions (one per three-line entry) on the same connection (WAL, synchronous
 * FULL), on the same copy of the ten-year hub, in the same run. The lots for the raw rows are chosen
 * before the clock starts, so the raw side does no reading at all.
 */
import { InternalClient } from '../../api/internal';
import { sql } from '../../db/database';
import { Runtime } from '../../runtime';
import { lineAmount } from '../../../shared/money';
import { noonClock, type HubParams } from './generate';
import { clockIt, round } from './measure';

const LINES_PER_ENTRY = 3;

export async function runPostBench(workDir: string, params: HubParams, opts: { quick: boolean; log: (s: string) => void }) {
  const runtime = new Runtime({ dataDir: workDir, clock: noonClock(params.end) }, 'main', { recoveryMode: false });
  try {
    const db = runtime.app.db;
    const date = params.end;
    const clinics = sql(
      db,
      "SELECT c.id AS clinicId, s.id AS storeId, u.username FROM clinics c JOIN stores s ON s.clinic_id = c.id AND s.kind = 'clinic' JOIN users u ON u.clinic_id = c.id ORDER BY c.id",
    ).all() as { clinicId: number; storeId: number; username: string }[];
    const stocked = (storeId: number) =>
      (
        sql(db, 'SELECT drug_id AS drugId FROM stock_balances WHERE store_id = ? AND qty > 0 GROUP BY drug_id HAVING sum(qty) >= 40 ORDER BY drug_id').all(
          storeId,
        ) as {
          drugId: number;
        }[]
      ).map((r) => r.drugId);
    const perClinic = clinics.map((c) => ({ ...c, drugs: stocked(c.storeId), client: InternalClient.asUser(runtime, c.username) }));
    const entries = opts.quick ? 150 : 600;
    const entry = (i: number) => {
      const c = perClinic[i % perClinic.length];
      const k = Math.floor(i / perClinic.length);
      const lines = Array.from({ length: LINES_PER_ENTRY }, (_, j) => ({ drugId: c.drugs[(k * LINES_PER_ENTRY + j) % c.drugs.length], qty: 1 }));
      return { c, lines: lines.filter((l, j) => lines.findIndex((x) => x.drugId === l.drugId) === j) };
    };

    // Warm-up through the handler (not counted).
    for (let i = 0; i < 10; i++) {
      const { c, lines } = entry(entries + i);
      await c.client.call('dispensing.create', { clinicId: c.clinicId, businessDate: date, lines });
    }
    let handlerLines = 0;
    const handler = await clockIt(async () => {
      for (let i = 0; i < entries; i++) {
        const { c, lines } = entry(i);
        await c.client.call('dispensing.create', { clinicId: c.clinicId, businessDate: date, lines });
        handlerLines += lines.length;
      }
    });

    // The raw side: the same number of lines and transactions; lots picked beforehand.
    const userId = (sql(db, "SELECT id FROM users WHERE username = 'yaoku'").get() as { id: number }).id;
    const period = date.slice(0, 7);
    const lots = new Map<string, { lotId: number; unitCost: number; qty: number; value: number }>();
    const lotFor = (storeId: number, drugId: number) => {
      const key = `${storeId}|${drugId}`;
      let lot = lots.get(key);
      if (!lot) {
        lot = sql(
          db,
          `SELECT b.lot_id AS lotId, l.unit_cost AS unitCost, b.qty, b.value FROM stock_balances b JOIN lots l ON l.id = b.lot_id
            WHERE b.store_id = ? AND b.drug_id = ? AND b.qty > 0 ORDER BY b.qty DESC LIMIT 1`,
        ).get(storeId, drugId) as { lotId: number; unitCost: number; qty: number; value: number };
        lots.set(key, lot);
      }
      return lot;
    };
    const planned: { storeId: number; drugId: number; lotId: number; unitCost: number; amount: number; qtyAfter: number; valueAfter: number }[][] = [];
    for (let i = 0; i < entries; i++) {
      const { c, lines } = entry(i + 7);
      planned.push(
        lines.map((l) => {
          const lot = lotFor(c.storeId, l.drugId);
          const amount = lot.qty === 1 ? -lot.value : -Math.min(lot.value, lineAmount(1, lot.unitCost));
          lot.qty -= 1;
          lot.value += amount;
          return { storeId: c.storeId, drugId: l.drugId, lotId: lot.lotId, unitCost: lot.unitCost, amount, qtyAfter: lot.qty, valueAfter: lot.value };
        }),
      );
    }
    const insertLedger = db.prepare(
      `INSERT INTO ledger (store_id, drug_id, lot_id, movement, qty, unit_cost, amount, doc_type, doc_id, doc_line_id, reverses_id, business_date, period, user_id, created_at)
       VALUES (?, ?, ?, 'dispense', -1, ?, ?, 'dispensing', ?, NULL, NULL, ?, ?, ?, ?)`,
    );
    const upsertBalance = db.prepare(
      `INSERT INTO stock_balances (store_id, lot_id, drug_id, qty, value) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (store_id, lot_id) DO UPDATE SET qty = excluded.qty, value = excluded.value`,
    );
    const upsertTotals = db.prepare(
      `INSERT INTO stock_period_totals (store_id, drug_id, period, movement, qty, amount) VALUES (?, ?, ?, 'dispense', -1, ?)
       ON CONFLICT (store_id, drug_id, period, movement) DO UPDATE SET qty = qty + excluded.qty, amount = amount + excluded.amount`,
    );
    const at = runtime.app.clock.now().toISOString();
    const write = db.transaction((lines: (typeof planned)[number], docId: number) => {
      for (const l of lines) {
        insertLedger.run(l.storeId, l.drugId, l.lotId, l.unitCost, l.amount, docId, date, period, userId, at);
        upsertBalance.run(l.storeId, l.lotId, l.drugId, l.qtyAfter, l.valueAfter);
        upsertTotals.run(l.storeId, l.drugId, period, l.amount);
      }
    });
    let rawLines = 0;
    const raw = await clockIt(async () => {
      for (let i = 0; i < entries; i++) {
        write.immediate(planned[i], 900_000_000 + i);
        rawLines += planned[i].length;
      }
    });

    const handlerRate = handlerLines / (handler.wallMs / 1000);
    const rawRate = rawLines / (raw.wallMs / 1000);
    opts.log(
      `  handler: ${handlerLines} lines in ${entries} entries, ${handler.wallMs.toFixed(0)} ms → ${handlerRate.toFixed(0)} lines/s (${(handler.wallMs / entries).toFixed(2)} ms per entry)`,
    );
    opts.log(`  raw:     ${rawLines} lines in ${entries} transactions, ${raw.wallMs.toFixed(0)} ms → ${rawRate.toFixed(0)} lines/s`);
    return {
      post_ratio: round(handlerRate / rawRate),
      post_handler_lines_per_s: round(handlerRate, 0),
      post_raw_lines_per_s: round(rawRate, 0),
      post_handler_ms_per_entry: round(handler.wallMs / entries),
    };
  } finally {
    runtime.close();
  }
}
