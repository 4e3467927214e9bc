import fs from 'node:fs';
import type { ReadDb } from '../../db/database';
import { APPLICATION_ID } from '../../db/database';
import type { IntegrityCheckResult, IntegrityReport } from '../../../shared/contract/backup';
import { appendOnlyTriggers, normalizeSql, schemaProblems } from '../../db/schema';
import { loadMigrations } from '../../db/migrate';
import { migrationsDir } from '../../paths';
import {
  checkBalancesMatchLedger,
  checkNoNegativeStock,
  checkPeriodTotals,
  checkResult as result,
  checkRunningBalances,
  RUNNING_BALANCE_LABEL,
} from '../stock/invariants';

/** SQLite's own check of every page, index and constraint of the file. */
export function checkSqliteIntegrity(db: ReadDb): IntegrityCheckResult {
  const rows = db.pragma('integrity_check(1000)') as { integrity_check: string }[];
  const messages = rows.map((r) => r.integrity_check);
  return result('sqlite.integrity', 'SQLite 文件完整性（integrity_check）', messages.length === 1 && messages[0] === 'ok' ? [] : messages);
}

export function checkIdentity(db: ReadDb, latestVersion: number | null): IntegrityCheckResult {
  const problems: string[] = [];
  const appId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  if (appId !== APPLICATION_ID) problems.push(`application_id 为 ${appId}，不是三统数据库的标识`);
  if (latestVersion !== null && version > latestVersion) problems.push(`数据库版本 ${version} 高于本程序支持的 ${latestVersion}`);
  return result('sqlite.identity', '数据库标识与版本', problems);
}

const SCHEMA_LABEL = '数据库结构与其版本的定义一致（表、列、索引、触发器、视图，不多不少）';
const APPEND_ONLY_LABEL = '只增不改的记录有保护（台账、审计日志、付款、结账与盘点记录的触发器）';

/** The file's version known to this program, or why its structure cannot be checked against it. */
function knownVersion(db: ReadDb): { version: number; migrations: ReturnType<typeof loadMigrations> } | { problem: string } {
  const version = db.pragma('user_version', { simple: true }) as number;
  const migrations = loadMigrations(migrationsDir());
  if (version < 1) return { problem: '数据库版本为 0：尚未初始化' };
  if (version > migrations.length) return { problem: `数据库版本 ${version} 高于本程序支持的 ${migrations.length}，无法核对结构` };
  return { version, migrations };
}

/** Tables, columns, indexes, triggers and views are exactly those migrations 1..N make (db/schema.ts). */
export function checkSchema(db: ReadDb): IntegrityCheckResult {
  const known = knownVersion(db);
  if ('problem' in known) return result('schema.objects', SCHEMA_LABEL, [known.problem]);
  return result('schema.objects', SCHEMA_LABEL, schemaProblems(db, known.version, known.migrations));
}

/**
 * The ledger, the audit log, payments, closes and counts are append-only because triggers refuse UPDATE and
 * DELETE on them. Named separately from the schema check: without these guards history can be rewritten.
 */
export function checkAppendOnlyGuards(db: ReadDb): IntegrityCheckResult {
  const known = knownVersion(db);
  if ('problem' in known) return result('schema.appendOnly', APPEND_ONLY_LABEL, [known.problem]);
  const stmt = db.prepare("SELECT sql FROM main.sqlite_schema WHERE type = 'trigger' AND name = ?");
  const problems: string[] = [];
  for (const guard of appendOnlyTriggers(known.version, known.migrations)) {
    const row = stmt.get(guard.name) as { sql: string | null } | undefined;
    if (!row) problems.push(`表 ${guard.table} 缺少保护触发器 ${guard.name}：记录可被${guard.name.endsWith('update') ? '修改' : '删除'}`);
    else if (normalizeSql(row.sql ?? '') !== guard.sql) problems.push(`表 ${guard.table} 的保护触发器 ${guard.name} 被改动`);
  }
  return result('schema.appendOnly', APPEND_ONLY_LABEL, problems);
}

export function checkForeignKeys(db: ReadDb): IntegrityCheckResult {
  const rows = db.pragma('foreign_key_check') as { table: string; rowid: number | null; parent: string; fkid: number }[];
  return result(
    'sqlite.foreignKeys',
    '外键引用（foreign_key_check）',
    rows.map((r) => `表 ${r.table} 第 ${r.rowid ?? '?'} 行引用的 ${r.parent} 记录不存在`),
  );
}

/**
 * The whole data check, for the admin page and the command line: SQLite's integrity_check and
 * foreign_key_check, the file's identity, its structure against its version's, the append-only guards, and
 * the ledger invariants. Read-only; works on any
 * connection, including one opened read-only on a backup file.
 */
export function runIntegrityCheck(db: ReadDb, opts: { dbFile: string; now: Date; latestVersion?: number | null }): IntegrityReport {
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
    safe('schema.objects', SCHEMA_LABEL, () => checkSchema(db)),
    safe('schema.appendOnly', APPEND_ONLY_LABEL, () => checkAppendOnlyGuards(db)),
    safe('ledger.balances', '库存结存 = 台账合计（每个库房 × 批次）', () => checkBalancesMatchLedger(db)),
    safe('ledger.periodTotals', '月度合计 = 台账合计（库房 × 药品 × 月份 × 业务类型）', () => checkPeriodTotals(db)),
    safe('ledger.negative', '无负库存', () => checkNoNegativeStock(db)),
    safe('ledger.runningNegative', RUNNING_BALANCE_LABEL, () => checkRunningBalances(db)),
  ];
  // The file and its write-ahead log: together they are the database.
  let sizeBytes = 0;
  for (const file of [opts.dbFile, `${opts.dbFile}-wal`]) {
    try {
      sizeBytes += fs.statSync(file).size;
    } catch {
      /* no such file */
    }
  }
  let schemaVersion = 0;
  try {
    schemaVersion = db.pragma('user_version', { simple: true }) as number;
  } catch {
    /* unreadable header: the checks above say so */
  }
  return { ok: checks.every((c) => c.ok), checkedAt: opts.now.toISOString(), dbFile: opts.dbFile, sizeBytes, schemaVersion, checks };
}
