import fs from 'node:fs';
import type { Db } from '../../db/database';
import { APPLICATION_ID } from '../../db/database';
import type { IntegrityCheckResult, IntegrityReport } from '../../../shared/contract/backup';

const SHOWN = 50;

function result(key: string, label: string, problems: string[]): IntegrityCheckResult {
  return { key, label, ok: problems.length === 0, problemCount: problems.length, problems: problems.slice(0, SHOWN) };
}

const hasTable = (db: Db, name: string): boolean =>
  Boolean(db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name));

/** SQLite's own check of every page, index and constraint of the file. */
export function checkSqliteIntegrity(db: Db): IntegrityCheckResult {
  const rows = db.pragma('integrity_check(1000)') as { integrity_check: string }[];
  const messages = rows.map((r) => r.integrity_check);
  return result('sqlite.integrity', 'SQLite 文件完整性（integrity_check）', messages.length === 1 && messages[0] === 'ok' ? [] : messages);
}

export function checkIdentity(db: Db, latestVersion: number | null): IntegrityCheckResult {
  const problems: string[] = [];
  const appId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  if (appId !== APPLICATION_ID) problems.push(`application_id 为 ${appId}，不是三统数据库的标识`);
  if (latestVersion !== null && version > latestVersion) problems.push(`数据库版本 ${version} 高于本程序支持的 ${latestVersion}`);
  return result('sqlite.identity', '数据库标识与版本', problems);
}

export function checkForeignKeys(db: Db): IntegrityCheckResult {
  const rows = db.pragma('foreign_key_check') as { table: string; rowid: number | null; parent: string; fkid: number }[];
  return result(
    'sqlite.foreignKeys',
    '外键引用（foreign_key_check）',
    rows.map((r) => `表 ${r.table} 第 ${r.rowid ?? '?'} 行引用的 ${r.parent} 记录不存在`),
  );
}

const STORE_LOT = `(SELECT name FROM stores WHERE id = x.store_id) AS storeName,
  (SELECT d.generic_name || ' ' || d.spec FROM lots l JOIN drugs d ON d.id = l.drug_id WHERE l.id = x.lot_id) AS drugName,
  (SELECT batch_no FROM lots WHERE id = x.lot_id) AS batchNo`;

/**
 * Ledger invariants: stock on hand per store × lot equals the sum of its ledger rows (quantity and
 * value), and each row names the lot's own drug.
 */
export function checkBalancesMatchLedger(db: Db): IntegrityCheckResult {
  const label = '库存结存 = 台账合计（每个库房 × 批次）';
  if (!hasTable(db, 'ledger') || !hasTable(db, 'stock_balances')) return result('ledger.balances', label, []);
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
    .all() as { store_id: number; lot_id: number; bq: number; bv: number; sq: number; sa: number; storeName: string | null; drugName: string | null; batchNo: string | null }[];
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
  return result('ledger.balances', label, problems);
}

/** Monthly totals per store × drug × period × movement equal the ledger's sums. */
export function checkPeriodTotals(db: Db): IntegrityCheckResult {
  const label = '月度合计 = 台账合计（库房 × 药品 × 月份 × 业务类型）';
  if (!hasTable(db, 'ledger') || !hasTable(db, 'stock_period_totals')) return result('ledger.periodTotals', label, []);
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
    .all() as { store_id: number; drug_id: number; period: string; movement: string; tq: number; ta: number; sq: number; sa: number; storeName: string | null; drugName: string | null }[];
  return result(
    'ledger.periodTotals',
    label,
    rows.map(
      (r) =>
        `${r.period} ${r.storeName ?? `库房#${r.store_id}`} ${r.drugName ?? `药品#${r.drug_id}`}（${r.movement}）：月度合计数量 ${r.tq}、金额 ${r.ta} 分，台账合计数量 ${r.sq}、金额 ${r.sa} 分`,
    ),
  );
}

/** No store holds a negative quantity or value of any lot, in the balances or by the ledger. */
export function checkNoNegativeStock(db: Db): IntegrityCheckResult {
  const label = '无负库存';
  if (!hasTable(db, 'ledger') || !hasTable(db, 'stock_balances')) return result('ledger.negative', label, []);
  const rows = db
    .prepare(
      `WITH x AS (
         SELECT store_id, lot_id, qty, value AS amount, '结存' AS src FROM stock_balances WHERE qty < 0 OR value < 0
         UNION ALL
         SELECT store_id, lot_id, SUM(qty), SUM(amount), '台账' FROM ledger GROUP BY store_id, lot_id HAVING SUM(qty) < 0 OR SUM(amount) < 0)
       SELECT x.*, ${STORE_LOT} FROM x ORDER BY store_id, lot_id`,
    )
    .all() as { store_id: number; lot_id: number; qty: number; amount: number; src: string; storeName: string | null; drugName: string | null; batchNo: string | null }[];
  return result(
    'ledger.negative',
    label,
    rows.map((r) => `${r.storeName ?? `库房#${r.store_id}`} ${r.drugName ?? ''} 批号 ${r.batchNo ?? `#${r.lot_id}`}：${r.src}数量 ${r.qty}、金额 ${r.amount} 分`),
  );
}

/** The ledger invariants alone (what a test checks after every posting, and the crash test after every restart). */
export function checkLedgerInvariants(db: Db): IntegrityCheckResult[] {
  return [checkBalancesMatchLedger(db), checkPeriodTotals(db), checkNoNegativeStock(db)];
}

/**
 * The whole data check, for the admin page and the command line: SQLite's integrity_check and
 * foreign_key_check, the file's identity, and the ledger invariants. Read-only; works on any
 * connection, including one opened read-only on a backup file.
 */
export function runIntegrityCheck(db: Db, opts: { dbFile: string; now: Date; latestVersion?: number | null }): IntegrityReport {
  // A damaged file can make a check itself fail: that is a finding, not a crash.
  const safe = (key: string, label: string, run: () => IntegrityCheckResult): IntegrityCheckResult => {
    try {
      return run();
    } catch (err) {
      return result(key, label, [`检查无法完成：${(err as Error).message}`]);
    }
  };
  const checks = [
    safe('sqlite.integrity', 'SQLite 文件完整性（integrity_check）', () => checkSqliteIntegrity(db)),
    safe('sqlite.identity', '数据库标识与版本', () => checkIdentity(db, opts.latestVersion ?? null)),
    safe('sqlite.foreignKeys', '外键引用（foreign_key_check）', () => checkForeignKeys(db)),
    safe('ledger.balances', '库存结存 = 台账合计（每个库房 × 批次）', () => checkBalancesMatchLedger(db)),
    safe('ledger.periodTotals', '月度合计 = 台账合计（库房 × 药品 × 月份 × 业务类型）', () => checkPeriodTotals(db)),
    safe('ledger.negative', '无负库存', () => checkNoNegativeStock(db)),
  ];
  let sizeBytes = 0;
  try {
    sizeBytes = fs.statSync(opts.dbFile).size;
  } catch {
    /* in memory */
  }
  let schemaVersion = 0;
  try {
    schemaVersion = db.pragma('user_version', { simple: true }) as number;
  } catch {
    /* unreadable header: the checks above say so */
  }
  return { ok: checks.every((c) => c.ok), checkedAt: opts.now.toISOString(), dbFile: opts.dbFile, sizeBytes, schemaVersion, checks };
}
