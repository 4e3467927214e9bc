import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runIntegrityCheck } from '../../electron/domain/system/integrity';
import { createClinic, createTestHub, tempDir } from '../helpers/runtime';

const root = path.resolve(import.meta.dirname, '../..');
const V4 = path.join(root, 'tests/fixtures/db/v4.sqlite');

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A writable copy of the v4 fixture: a hub with a ledger whose balances and totals agree. */
function ledgerCopy(): { file: string; db: Database.Database } {
  const dir = tempDir();
  dirs.push(dir);
  const file = path.join(dir, 'santong.sqlite');
  fs.copyFileSync(V4, file);
  return { file, db: new Database(file) };
}

const failing = (db: Database.Database, file: string) =>
  Object.fromEntries(
    runIntegrityCheck(db, { dbFile: file, now: new Date('2026-03-02T01:00:00Z'), latestVersion: 99 })
      .checks.filter((c) => !c.ok)
      .map((c) => [c.key, c.problems]),
  );

describe('integrity check', () => {
  it('passes a consistent database and lists every check', async () => {
    const hub = await createTestHub();
    try {
      await createClinic(hub, 'C01');
      const report = await hub.admin.call('system.integrityCheck', {});
      expect(report).toMatchObject({ ok: true, dbFile: hub.runtime.app.dbFile, schemaVersion: hub.runtime.latestSchemaVersion });
      expect(report.sizeBytes).toBeGreaterThan(0);
      expect(report.checks.map((c) => [c.key, c.ok])).toEqual([
        ['sqlite.integrity', true],
        ['sqlite.identity', true],
        ['sqlite.foreignKeys', true],
        ['schema.objects', true],
        ['schema.appendOnly', true],
        ['ledger.balances', true],
        ['ledger.periodTotals', true],
        ['ledger.negative', true],
        ['ledger.runningNegative', true],
      ]);
    } finally {
      await hub.close();
    }
  });

  it('finds balances that disagree with the ledger, in words a pharmacist can follow', () => {
    const { file, db } = ledgerCopy();
    expect(failing(db, file)).toEqual({});
    db.prepare('UPDATE stock_balances SET qty = 140 WHERE store_id = 1').run();
    expect(failing(db, file)).toEqual({
      'ledger.balances': ['白沙镇卫生院中心药库 阿莫西林胶囊 0.25g 批号 B2512031：结存数量 140、金额 1728 分，台账合计数量 144、金额 1728 分'],
    });
    db.close();
  });

  it('finds monthly totals that disagree with the ledger, and missing balance rows', () => {
    const { file, db } = ledgerCopy();
    db.prepare("DELETE FROM stock_period_totals WHERE store_id = 12 AND movement = 'dispense'").run();
    db.prepare('DELETE FROM stock_balances WHERE store_id = 12').run();
    const problems = failing(db, file);
    expect(problems['ledger.periodTotals']).toEqual([
      '2026-02 东湖村卫生室 阿莫西林胶囊 0.25g（用药登记）：月度合计数量 0、金额 0 分，台账合计数量 -30、金额 -360 分',
    ]);
    expect(problems['ledger.balances']).toHaveLength(1);
    expect(problems['ledger.balances'][0]).toContain('东湖村卫生室');
    db.close();
  });

  it('finds negative stock by the ledger', () => {
    const { file, db } = ledgerCopy();
    db.prepare(
      `INSERT INTO ledger (store_id, drug_id, lot_id, movement, qty, unit_cost, amount, doc_type, doc_id, business_date, period, user_id, created_at)
       VALUES (12, 1, 1, 'dispense', -100, 120000, -1200, 'dispensing', 9, '2026-02-05', '2026-02', 4, '2026-02-05T02:00:00.000Z')`,
    ).run();
    const problems = failing(db, file);
    expect(problems['ledger.negative']).toEqual(['东湖村卫生室 阿莫西林胶囊 0.25g 批号 B2512031：台账数量 -34、金额 -408 分']);
    // Negative from 02-05 on, in the ledger's order (the row sits at the end of its day).
    expect(problems['ledger.runningNegative']).toEqual(['东湖村卫生室 阿莫西林胶囊 0.25g 批号 B2512031：2026-02-05 起结存为负（最低 -34）']);
    expect(Object.keys(problems).sort()).toEqual(['ledger.balances', 'ledger.negative', 'ledger.periodTotals', 'ledger.runningNegative']);
    db.close();
  });

  it('finds broken references, a foreign file identity and a corrupt file', () => {
    const { file, db } = ledgerCopy();
    db.pragma('foreign_keys = OFF');
    db.prepare("INSERT INTO lots (drug_id, batch_no, expiry_date, unit_cost, created_at) VALUES (999, 'X', '2027-01-01', 1, '2026-01-01T00:00:00Z')").run();
    db.pragma('application_id = 7');
    const problems = failing(db, file);
    expect(problems['sqlite.foreignKeys']).toEqual(['表 lots 第 2 行引用的 drugs 记录不存在']);
    expect(problems['sqlite.identity']).toEqual(['application_id 为 7，不是三统数据库的标识']);
    db.close();

    const bytes = fs.readFileSync(file);
    bytes.fill(0x5a, 8192, bytes.length - 8192);
    fs.writeFileSync(file, bytes);
    const broken = new Database(file, { readonly: true });
    const report = runIntegrityCheck(broken, { dbFile: file, now: new Date('2026-03-02T01:00:00.000Z'), latestVersion: 99 });
    broken.close();
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ key: 'sqlite.integrity', ok: false });
    expect(report.checks[0].problemCount).toBeGreaterThan(0);
  });

  it('runs from the command line with a bilingual report and an exit code', () => {
    const cli = path.join(root, 'dist/electron/integrity.cjs');
    expect(fs.existsSync(cli), 'build first: npm run build').toBe(true);
    const { file, db } = ledgerCopy();
    db.close();
    const good = spawnSync(process.execPath, [cli, '--data', path.dirname(file)], { encoding: 'utf8' });
    expect(good.status).toBe(0);
    expect(good.stdout).toContain('[通过 OK]   库存结存 = 台账合计');
    expect(good.stdout).toContain('结论：全部检查通过。/ Result: all checks passed.');
    // Read-only: the check leaves the file as it was.
    expect(fs.readFileSync(file).equals(fs.readFileSync(V4))).toBe(true);

    const tamper = new Database(file);
    tamper.prepare('UPDATE stock_balances SET qty = 1, value = 12 WHERE store_id = 12').run();
    tamper.close();
    const bad = spawnSync(process.execPath, [cli, '--file', file], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('[问题 FAIL] 库存结存 = 台账合计（每个库房 × 批次） / stock balances equal ledger sums (store x lot): 1');
    expect(bad.stdout).toContain('Result: problems found');
    const json = spawnSync(process.execPath, [cli, '--file', file, '--json'], { encoding: 'utf8' });
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      checks: expect.arrayContaining([expect.objectContaining({ key: 'ledger.balances', ok: false })]),
    });

    const missing = spawnSync(process.execPath, [cli, '--data', path.join(path.dirname(file), 'nowhere')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('找不到数据库文件');
  });
});
