/**
 * The stock book's invariants, stated once: the ledger tests, the crash test, the admin's data check
 * (系统管理 → 数据检查) and `npm run integrity` all use these.
 *
 * - stock on hand per store × lot equals the sum of its ledger rows, in quantity and in value;
 * - the monthly totals per store × drug × period × movement equal the ledger's sums;
 * - no store holds a negative quantity or value of any lot;
 * - no lot's running balance at a store is negative at any moment of its history, in the ledger's order
 *   (business date, then id: see ledger.ts), so a back-dated posting that came before its stock is found;
 * - every ledger and balance row names its lot's own drug.
 */
import type { ReadDb } from '../../db/database';
import { MOVEMENT_LABELS, type Movement } from '../../../shared/stock';
import type { IntegrityCheckResult } from '../../../shared/contract/backup';

/** At most this many problems are described per check (all are counted). */
const SHOWN = 50;

export function checkResult(key: string, label: string, problems: string[]): IntegrityCheckResult {
  return { key, label, ok: problems.length === 0, problemCount: problems.length, problems: problems.slice(0, SHOWN) };
}

/** Lets the checks run on a database from before the stock ledger existed (an old backup, say). */
const hasTable = (db: ReadDb, name: string): boolean => Boolean(db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name));

const movementName = (m: string) => MOVEMENT_LABELS[m as Movement] ?? m;

const STORE_LOT = `(SELECT name FROM stores WHERE id = x.store_id) AS storeName,
  (SELECT d.generic_name || ' ' || d.spec FROM lots l JOIN drugs d ON d.id = l.drug_id WHERE l.id = x.lot_id) AS drugName,
  (SELECT batch_no FROM lots WHERE id = x.lot_id) AS batchNo`;

/**
 * Ledger invariants: stock on hand per store × lot equals the sum of its ledger rows (quantity and
 * value), and each row names the lot's own drug.
 */
export function checkBalancesMatchLedger(db: ReadDb): IntegrityCheckResult {
  const label = '库存结存 = 台账合计（每个库房 × 批次）';
  if (!hasTable(db, 'ledger') || !hasTable(db, 'stock_balances')) return checkResult('ledger.balances', label, []);
  const rows = db
    .prepare(
      `WITH sums AS (SELECT store_id, lot_id, SUM(qty) AS qty, SUM(amount) AS amount FROM ledger GROUP BY store_id, lot_id),
       keys AS (SELECT store_id, lot_id FROM sums UNION SELECT store_id, lot_id FROM stock_balances),
       x AS (
         SELECT k.store_id, k.lot_id, COALESCE(b.qty, 0) AS bq, COALESCE(b.value, 0) AS bv, COALESCE(s.qty, 0) AS sq, COALESCE(s.amount, 0) AS sa
         FROM keys k
         LEFT JOIN stock_balances b ON b.store_id = k.store_id AND b.lot_id = k.lot_id
         LEFT JOIN sums s ON s.store_id = k.store_id AND s.lot_id = k.lot_id)
       SELECT x.*, ${STORE_LOT} FROM x WHERE bq <> sq OR bv <> sa ORDER BY store_id, lot_id`,
    )
    .all() as {
    store_id: number;
    lot_id: number;
    bq: number;
    bv: number;
    sq: number;
    sa: number;
    storeName: string | null;
    drugName: string | null;
    batchNo: string | null;
  }[];
  const problems = rows.map(
    (r) =>
      `${r.storeName ?? `库房#${r.store_id}`} ${r.drugName ?? ''} 批号 ${r.batchNo ?? `#${r.lot_id}`}：结存数量 ${r.bq}、金额 ${r.bv} 分，台账合计数量 ${r.sq}、金额 ${r.sa} 分`,
  );
  const mismatched = db
    .prepare(
      `SELECT '台账记录 #' || x.id AS what FROM ledger x JOIN lots l ON l.id = x.lot_id WHERE x.drug_id <> l.drug_id
       UNION ALL
       SELECT '结存（库房#' || x.store_id || '，批次#' || x.lot_id || '）' FROM stock_balances x JOIN lots l ON l.id = x.lot_id WHERE x.drug_id <> l.drug_id`,
    )
    .all() as { what: string }[];
  problems.push(...mismatched.map((m) => `${m.what} 的药品与其批次的药品不一致`));
  return checkResult('ledger.balances', label, problems);
}

/** Monthly totals per store × drug × period × movement equal the ledger's sums. */
export function checkPeriodTotals(db: ReadDb): IntegrityCheckResult {
  const label = '月度合计 = 台账合计（库房 × 药品 × 月份 × 业务类型）';
  if (!hasTable(db, 'ledger') || !hasTable(db, 'stock_period_totals')) return checkResult('ledger.periodTotals', label, []);
  const rows = db
    .prepare(
      `WITH sums AS (SELECT store_id, drug_id, period, movement, SUM(qty) AS qty, SUM(amount) AS amount FROM ledger
                     GROUP BY store_id, drug_id, period, movement),
       keys AS (SELECT store_id, drug_id, period, movement FROM sums UNION SELECT store_id, drug_id, period, movement FROM stock_period_totals),
       x AS (
         SELECT k.*, COALESCE(t.qty, 0) AS tq, COALESCE(t.amount, 0) AS ta, COALESCE(s.qty, 0) AS sq, COALESCE(s.amount, 0) AS sa
         FROM keys k
         LEFT JOIN stock_period_totals t USING (store_id, drug_id, period, movement)
         LEFT JOIN sums s USING (store_id, drug_id, period, movement))
       SELECT x.*, (SELECT name FROM stores WHERE id = x.store_id) AS storeName,
              (SELECT generic_name || ' ' || spec FROM drugs WHERE id = x.drug_id) AS drugName
       FROM x WHERE tq <> sq OR ta <> sa ORDER BY period, store_id, drug_id, movement`,
    )
    .all() as {
    store_id: number;
    drug_id: number;
    period: string;
    movement: string;
    tq: number;
    ta: number;
    sq: number;
    sa: number;
    storeName: string | null;
    drugName: string | null;
  }[];
  return checkResult(
    'ledger.periodTotals',
    label,
    rows.map(
      (r) =>
        `${r.period} ${r.storeName ?? `库房#${r.store_id}`} ${r.drugName ?? `药品#${r.drug_id}`}（${movementName(r.movement)}）：月度合计数量 ${r.tq}、金额 ${r.ta} 分，台账合计数量 ${r.sq}、金额 ${r.sa} 分`,
    ),
  );
}

/** No store holds a negative quantity or value of any lot, in the balances or by the ledger. */
export function checkNoNegativeStock(db: ReadDb): IntegrityCheckResult {
  const label = '无负库存';
  if (!hasTable(db, 'ledger') || !hasTable(db, 'stock_balances')) return checkResult('ledger.negative', label, []);
  const rows = db
    .prepare(
      `WITH x AS (
         SELECT store_id, lot_id, qty, value AS amount, '结存' AS src FROM stock_balances WHERE qty < 0 OR value < 0
         UNION ALL
         SELECT store_id, lot_id, SUM(qty), SUM(amount), '台账' FROM ledger GROUP BY store_id, lot_id HAVING SUM(qty) < 0 OR SUM(amount) < 0)
       SELECT x.*, ${STORE_LOT} FROM x ORDER BY store_id, lot_id`,
    )
    .all() as {
    store_id: number;
    lot_id: number;
    qty: number;
    amount: number;
    src: string;
    storeName: string | null;
    drugName: string | null;
    batchNo: string | null;
  }[];
  return checkResult(
    'ledger.negative',
    label,
    rows.map(
      (r) => `${r.storeName ?? `库房#${r.store_id}`} ${r.drugName ?? ''} 批号 ${r.batchNo ?? `#${r.lot_id}`}：${r.src}数量 ${r.qty}、金额 ${r.amount} 分`,
    ),
  );
}

export const RUNNING_BALANCE_LABEL = '任何日期都无负库存（每个库房 × 批次的逐笔结存，按业务日期和记账顺序）';

/**
 * The running balance of every store × lot, row by row in the ledger's order, is never negative. One
 * window over the ledger in the order of the ledger_lot_time index (migration 0012), which covers it: the
 * ledger is read once, in order, without a sort. Found: the first date a lot went negative and how low.
 *
 * With `sincePeriod` (the pre-close check) only the rows of that month and later are read (by ledger_period:
 * the planner would otherwise walk ledger_lot_time for its order, every year of it), then sorted, starting
 * from the balance before them (stock on hand less those rows): earlier months are closed, and were checked
 * when they closed.
 */
export function negativeRunningBalances(db: ReadDb, sincePeriod?: string): string[] {
  if (!hasTable(db, 'ledger') || !hasTable(db, 'stock_balances')) return [];
  const running =
    sincePeriod === undefined
      ? `SELECT g.store_id, g.lot_id, g.business_date,
                sum(g.qty) OVER (PARTITION BY g.store_id, g.lot_id ORDER BY g.business_date, g.id ROWS UNBOUNDED PRECEDING) AS qty
           FROM ledger g`
      : `SELECT g.store_id, g.lot_id, g.business_date,
                coalesce(b.qty, 0) - sum(g.qty) OVER lot
                  + sum(g.qty) OVER (lot ORDER BY g.business_date, g.id ROWS UNBOUNDED PRECEDING) AS qty
           FROM ledger g INDEXED BY ledger_period LEFT JOIN stock_balances b ON b.store_id = g.store_id AND b.lot_id = g.lot_id
          WHERE g.period >= ?
         WINDOW lot AS (PARTITION BY g.store_id, g.lot_id)`;
  const rows = db
    .prepare(
      `WITH r AS (${running}),
       x AS (SELECT store_id, lot_id, min(business_date) AS since, min(qty) AS low FROM r WHERE qty < 0 GROUP BY store_id, lot_id)
       SELECT x.*, ${STORE_LOT} FROM x ORDER BY since, store_id, lot_id`,
    )
    .all(...(sincePeriod === undefined ? [] : [sincePeriod])) as {
    store_id: number;
    lot_id: number;
    since: string;
    low: number;
    storeName: string | null;
    drugName: string | null;
    batchNo: string | null;
  }[];
  return rows.map(
    (r) => `${r.storeName ?? `库房#${r.store_id}`} ${r.drugName ?? ''} 批号 ${r.batchNo ?? `#${r.lot_id}`}：${r.since} 起结存为负（最低 ${r.low}）`,
  );
}

export function checkRunningBalances(db: ReadDb): IntegrityCheckResult {
  return checkResult('ledger.runningNegative', RUNNING_BALANCE_LABEL, negativeRunningBalances(db));
}

/** All of them, as check results. */
export function ledgerInvariantResults(db: ReadDb): IntegrityCheckResult[] {
  return [checkBalancesMatchLedger(db), checkPeriodTotals(db), checkNoNegativeStock(db), checkRunningBalances(db)];
}
