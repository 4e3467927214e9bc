/**
 * Data check from the command line, for the administrator or a support engineer at the hub PC:
 *
 *   npm run integrity -- --data DIR     the hub's database (DIR/santong.sqlite), read-only
 *   npm run integrity -- --file FILE    any Santong database file, e.g. a backup
 *   add --json for the machine-readable report
 *
 * Prints a Chinese/English report; exit code 0 when every check passes, 1 otherwise, 2 on bad usage.
 * Safe while the app is running: the file is opened read-only and nothing is migrated or repaired.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { DB_FILE_NAME } from '../app';
import { loadMigrations } from '../db/migrate';
import { defaultDataDir, migrationsDir } from '../paths';
import { runIntegrityCheck } from '../domain/system/integrity';

const ENGLISH: Record<string, string> = {
  'sqlite.integrity': 'SQLite integrity_check',
  'sqlite.identity': 'application id and schema version',
  'sqlite.foreignKeys': 'foreign keys (foreign_key_check)',
  'schema.objects': 'schema exactly as its version defines (tables, columns, indexes, triggers, views)',
  'schema.appendOnly': 'append-only guards (triggers) on the ledger, audit log, payments, closes and counts',
  'ledger.balances': 'stock balances equal ledger sums (store x lot)',
  'ledger.periodTotals': 'monthly totals equal ledger sums',
  'ledger.negative': 'no negative stock',
  'ledger.runningNegative': 'no lot negative at any date (running balance per store x lot, in ledger order)',
};

const USAGE = '用法 / usage: npm run integrity -- [--data 目录 | --file 文件] [--json]';

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

function main(): number {
  let values: { data?: string; file?: string; json?: boolean };
  try {
    ({ values } = parseArgs({ options: { data: { type: 'string' }, file: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true }));
  } catch (err) {
    console.error(`参数错误 / bad arguments: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.data && values.file) {
    console.error(`--data 与 --file 只能选一个 / give --data or --file, not both\n${USAGE}`);
    return 2;
  }
  const file = path.resolve(values.file ?? path.join(values.data ?? defaultDataDir(), DB_FILE_NAME));
  if (!fs.existsSync(file)) {
    console.error(`找不到数据库文件 / no database file: ${file}\n${USAGE}`);
    return 2;
  }
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 10000');
  } catch (err) {
    console.error(`无法打开数据库 / cannot open the database: ${(err as Error).message}`);
    return 1;
  }
  try {
    const report = runIntegrityCheck(db, { dbFile: file, now: new Date(), latestVersion: loadMigrations(migrationsDir()).length });
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
      return report.ok ? 0 : 1;
    }
    console.log('三统数据检查 / Santong data check');
    console.log(`文件 / file: ${report.dbFile}`);
    console.log(`大小 / size: ${formatSize(report.sizeBytes)}    数据库版本 / schema version: ${report.schemaVersion}`);
    console.log('');
    for (const c of report.checks) {
      console.log(`${c.ok ? '[通过 OK]  ' : `[问题 FAIL]`} ${c.label} / ${ENGLISH[c.key] ?? c.key}${c.ok ? '' : `: ${c.problemCount}`}`);
      for (const p of c.problems) console.log(`      - ${p}`);
      if (c.problemCount > c.problems.length) console.log(`      …另有 ${c.problemCount - c.problems.length} 处 / ${c.problemCount - c.problems.length} more`);
    }
    console.log('');
    console.log(
      report.ok
        ? '结论：全部检查通过。/ Result: all checks passed.'
        : '结论：发现问题。请勿继续录入，联系技术支持，必要时从备份恢复。/ Result: problems found. Stop data entry, call support, restore a backup if needed.',
    );
    return report.ok ? 0 : 1;
  } catch (err) {
    console.error(`检查失败 / the check failed: ${(err as Error).message}`);
    return 1;
  } finally {
    db.close();
  }
}

process.exitCode = main();
