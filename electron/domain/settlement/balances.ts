/**
 * Stock balances by month, read the fast way: the closing snapshot of the latest closed month plus the
 * monthly totals (`stock_period_totals`) after it. However many years of ledger rows exist, a statement
 * reads one snapshot and a few months of totals per drug.
 */
import { sql, type ReadDb } from '../../db/database';
import type { Movement } from '../../../shared/stock';

export interface QtyValue {
  qty: number;
  value: number;
}

/** drugId → balance, per store. */
export type StoreBalances = Map<number, Map<number, QtyValue>>;

const NO_PERIOD = '0000-00';

/** The latest close event of a month that is closed now (null when open or closed only implicitly). */
export function closeEventOf(db: ReadDb, period: string): { id: number; at: string; userName: string } | null {
  const row = sql(
    db,
    `SELECT e.id, e.at, u.display_name AS userName FROM periods p
       JOIN period_events e ON e.id = (SELECT max(id) FROM period_events WHERE period = p.period AND action = 'close')
       JOIN users u ON u.id = e.user_id
      WHERE p.period = ? AND p.status = 'closed'`,
  ).get(period) as { id: number; at: string; userName: string } | undefined;
  return row ?? null;
}

/** The latest month before `period` closed by its own close, with that close's event: its snapshot is the base. */
export function baseSnapshotBefore(db: ReadDb, period: string): { period: string; eventId: number } | null {
  const row = sql(
    db,
    `SELECT p.period, (SELECT max(id) FROM period_events e WHERE e.period = p.period AND e.action = 'close') AS eventId
       FROM periods p WHERE p.status = 'closed' AND p.period < ? ORDER BY p.period DESC LIMIT 1`,
  ).get(period) as { period: string; eventId: number | null } | undefined;
  return row && row.eventId !== null ? { period: row.period, eventId: row.eventId } : null;
}

function add(map: StoreBalances, storeId: number, drugId: number, qty: number, value: number): void {
  let drugs = map.get(storeId);
  if (!drugs) map.set(storeId, (drugs = new Map()));
  const cur = drugs.get(drugId);
  if (cur) {
    cur.qty += qty;
    cur.value += value;
  } else drugs.set(drugId, { qty, value });
}

type BalanceRow = { storeId: number; drugId: number; qty: number; value: number };

/** Snapshot rows of a close event, for one store or all. */
export function snapshotRows(db: ReadDb, eventId: number, storeId: number | null): BalanceRow[] {
  return storeId === null
    ? (sql(db, 'SELECT store_id AS storeId, drug_id AS drugId, qty, value FROM period_closings WHERE event_id = ?').all(eventId) as BalanceRow[])
    : (sql(db, 'SELECT store_id AS storeId, drug_id AS drugId, qty, value FROM period_closings WHERE event_id = ? AND store_id = ?').all(
        eventId,
        storeId,
      ) as BalanceRow[]);
}

/**
 * Net monthly totals per store × drug for the months in [from, to) ('YYYY-MM', bounds as strings).
 * For one store, INDEXED BY keeps SQLite on the (store_id, period) index (migration 0009): its primary key
 * leads with store_id and would scan the store's whole history, and the (period, store_id) index would read
 * every store's rows of the months in range. The work follows the months read, not the years kept.
 */
function totalsIn(db: ReadDb, from: string, to: string, storeId: number | null): BalanceRow[] {
  return storeId === null
    ? (sql(
        db,
        `SELECT store_id AS storeId, drug_id AS drugId, sum(qty) AS qty, sum(amount) AS value FROM stock_period_totals
          WHERE period >= ? AND period < ? GROUP BY store_id, drug_id`,
      ).all(from, to) as BalanceRow[])
    : (sql(
        db,
        `SELECT store_id AS storeId, drug_id AS drugId, sum(qty) AS qty, sum(amount) AS value
           FROM stock_period_totals INDEXED BY stock_period_totals_store_period
          WHERE store_id = ? AND period >= ? AND period < ? GROUP BY drug_id`,
      ).all(storeId, from, to) as BalanceRow[]);
}

/** Stock on hand now, per store × drug (live lots only: an emptied lot holds no value). */
function onHandNow(db: ReadDb, storeId: number | null): BalanceRow[] {
  return storeId === null
    ? (sql(
        db,
        'SELECT store_id AS storeId, drug_id AS drugId, sum(qty) AS qty, sum(value) AS value FROM stock_balances WHERE qty > 0 GROUP BY store_id, drug_id',
      ).all() as BalanceRow[])
    : (sql(
        db,
        'SELECT store_id AS storeId, drug_id AS drugId, sum(qty) AS qty, sum(value) AS value FROM stock_balances WHERE store_id = ? AND qty > 0 GROUP BY drug_id',
      ).all(storeId) as BalanceRow[]);
}

function monthsBetween(from: string, to: string): number {
  return (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
}

function nextMonth(period: string): string {
  const y = Number(period.slice(0, 4));
  const m = Number(period.slice(5, 7));
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export type OpeningStrategy = 'forward' | 'backward';

/**
 * Stock at the start of a month, per store × drug (one store, or every store when null), read whichever
 * way touches fewer months:
 * - forward: the closing snapshot of the latest earlier closed month, plus the totals of the months since;
 * - backward: the stock on hand now (kept with every posting), minus the totals of this month and after.
 * Either way the work is a few months of totals per drug, however many years of history exist.
 * `source` says whether a snapshot or the ledger (balances and totals) gave the figures.
 */
export function balancesAtStart(
  db: ReadDb,
  period: string,
  storeId: number | null,
  force?: OpeningStrategy,
): { balances: StoreBalances; source: 'snapshot' | 'ledger' } {
  const balances: StoreBalances = new Map();
  const base = baseSnapshotBefore(db, period);
  const latest = (sql(db, 'SELECT max(period) AS p FROM stock_period_totals').get() as { p: string | null }).p ?? period;
  const forwardMonths = base ? monthsBetween(base.period, period) : Number.POSITIVE_INFINITY;
  const backwardMonths = latest < period ? 0 : monthsBetween(period, latest) + 1;
  const strategy = force ?? (forwardMonths <= backwardMonths ? 'forward' : 'backward');
  if (strategy === 'forward') {
    if (base) for (const r of snapshotRows(db, base.eventId, storeId)) add(balances, r.storeId, r.drugId, r.qty, r.value);
    for (const r of totalsIn(db, base ? nextMonth(base.period) : NO_PERIOD, period, storeId)) add(balances, r.storeId, r.drugId, r.qty, r.value);
    return { balances, source: base ? 'snapshot' : 'ledger' };
  }
  for (const r of onHandNow(db, storeId)) add(balances, r.storeId, r.drugId, r.qty, r.value);
  for (const r of totalsIn(db, period, '9999-99', storeId)) add(balances, r.storeId, r.drugId, 0 - r.qty, 0 - r.value);
  return { balances, source: 'ledger' };
}

export interface MovementTotal {
  storeId: number;
  drugId: number;
  movement: Movement;
  qty: number;
  value: number;
}

/** The month's totals per store × drug × movement (net of reversals), on the (period, …) indexes. */
export function monthTotals(db: ReadDb, period: string, storeId: number | null): MovementTotal[] {
  return storeId === null
    ? (sql(db, 'SELECT store_id AS storeId, drug_id AS drugId, movement, qty, amount AS value FROM stock_period_totals WHERE period = ?').all(
        period,
      ) as MovementTotal[])
    : (sql(
        db,
        `SELECT store_id AS storeId, drug_id AS drugId, movement, qty, amount AS value
           FROM stock_period_totals INDEXED BY stock_period_totals_store_period WHERE store_id = ? AND period = ?`,
      ).all(storeId, period) as MovementTotal[]);
}

/** Stock at the end of a month, computed (opening + the month's totals). */
export function balancesAtEnd(db: ReadDb, period: string, storeId: number | null, force?: OpeningStrategy): StoreBalances {
  const { balances } = balancesAtStart(db, period, storeId, force);
  for (const t of monthTotals(db, period, storeId)) add(balances, t.storeId, t.drugId, t.qty, t.value);
  return balances;
}

/** The closing snapshot of a close event as balances. */
export function snapshotBalances(db: ReadDb, eventId: number, storeId: number | null): StoreBalances {
  const balances: StoreBalances = new Map();
  for (const r of snapshotRows(db, eventId, storeId)) add(balances, r.storeId, r.drugId, r.qty, r.value);
  return balances;
}

export function sumValues(drugs: Map<number, QtyValue> | undefined): number {
  let n = 0;
  if (drugs) for (const v of drugs.values()) n += v.value;
  return n;
}
