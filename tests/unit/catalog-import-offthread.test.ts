/**
 * The catalog import on its worker thread (domain/catalog/off-thread.ts), against a real SQLite file: all or
 * nothing from the worker (a constraint failing mid-way, the worker stopped mid-write), the server's own writes
 * waiting at the write gate and then succeeding, reads answered meanwhile, one import at a time. The cue is the
 * worker's progress ("writing, 1000 rows written"): order of events and database rows, never timings.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sql, type ReadDb } from '../../electron/db/database';
import { importsOffThread, runningImport, type ImportProgress } from '../../electron/domain/catalog/off-thread';
import { catalogRowsWorkbook, generateCatalogRows } from '../../electron/demo/catalog';
import { AppError } from '../../electron/errors';
import { validCreditCode } from '../helpers/catalog';
import { testHubs, type TestHub } from '../helpers/runtime';

const hub = testHubs();

async function catalogFile(rows: number, seed: number) {
  const generated = generateCatalogRows(rows, seed);
  const data = await catalogRowsWorkbook(generated);
  return { file: { filename: `目录-${rows}.xlsx`, base64: data.toString('base64') }, codes: generated.map((r) => r.nhsaCode) };
}

const count = (db: ReadDb, table: 'drugs' | 'audit_log') => (sql(db, `SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const supplier = (n: number) => ({ name: `测试配送企业${n}`, creditCode: validCreditCode(`91430100MA4L7K2X${n}`) });

/** Resolves at the first progress note of the commit under way on `h` that satisfies `when`. */
function progressOf(h: TestHub, when: (p: ImportProgress) => boolean): Promise<ImportProgress> {
  return new Promise((resolve) => {
    const poll = () => {
      if (!h.runtime.openApp) return; // the hub closed first: nobody waits any more
      const running = runningImport(h.runtime.app);
      if (!running) return void setImmediate(poll);
      const listener = (p: ImportProgress) => {
        if (!when(p)) return;
        running.onProgress.delete(listener);
        resolve(p);
      };
      running.onProgress.add(listener);
    };
    poll();
  });
}

/** Nice values of this process's threads (Linux /proc), or of the one thread `tid` (the main thread's tid is the pid). */
function niceOfThreads(tid?: number): number[] {
  const tids = tid === undefined ? fs.readdirSync('/proc/self/task') : [String(tid)];
  // Field 19 of stat is the nice value; the command name before it is in parentheses and may hold spaces.
  return tids.map((t) => Number(fs.readFileSync(`/proc/self/task/${t}/stat`, 'utf8').split(') ')[1].split(' ')[16]));
}

/** The commit has begun writing its drugs (in one statement, from the rows it staged): its transaction is open. */
const writing = (p: ImportProgress) => p.phase === 'writing' && p.done < p.total;

/**
 * Keeps the import's transaction open for a while after it begins writing: the last drug's insert first counts to
 * three million inside SQLite (a fraction of a second). Reads, writes and a stop then reach the import mid-write in
 * the order the test makes them, without a race against a statement of a few milliseconds.
 */
function slowLastInsert(h: TestHub, lastCode: string): void {
  h.runtime.app.db.exec(
    `CREATE TRIGGER slow_last_insert BEFORE INSERT ON drugs WHEN NEW.nhsa_code = '${lastCode}' BEGIN
       SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT x FROM c);
     END`,
  );
}

describe('catalog import on its worker thread', () => {
  it('lets reads answer and makes writes wait at the gate, then succeed, while its transaction is open', async () => {
    const h = await hub();
    const { file, codes } = await catalogFile(4000, 7);
    const preview = await h.admin.call('catalog.importPreview', { file });
    slowLastInsert(h, codes[3999]);
    const startedBefore = importsOffThread.started;
    const events: string[] = [];

    const requestThreadNice = process.platform === 'linux' ? niceOfThreads(process.pid)[0] : 0;
    const importing = h.admin.call('catalog.importCommit', { file, mapping: preview.mapping, mode: 'all' }).then((r) => {
      events.push('import answered');
      return r;
    });
    const nicer = () => niceOfThreads().filter((n) => n === requestThreadNice + 10).length;
    const checksNice = process.platform === 'linux' && requestThreadNice + 10 <= 19;
    await progressOf(h, (p) => p.phase === 'indexing');
    const nicerWhileIndexing = checksNice ? nicer() : 0;
    const midWrite = await progressOf(h, writing);
    events.push(`writing ${midWrite.done}/${midWrite.total}`);
    expect(h.runtime.app.writeGate.isHeld).toBe(true);
    if (checksNice) {
      // The import's thread yields the CPU (ten steps nicer) while it reads and indexes; the thread that answers
      // requests keeps its priority throughout.
      expect(nicerWhileIndexing).toBeGreaterThanOrEqual(1);
      expect(niceOfThreads(process.pid)).toEqual([requestThreadNice]);
      // Holding the write gate, it runs at the request thread's priority again, where Linux allows it (root here).
      if (process.getuid?.() === 0) expect(nicer()).toBe(nicerWhileIndexing - 1);
    }

    // A read is answered while the import's transaction is still open: it sees none of the drugs.
    const read = await h.admin.call('catalog.list', { page: 1, pageSize: 20 });
    events.push(`read answered: ${read.total} drugs`);
    // A write waits (asynchronously) for the gate, then commits after the import: never SQLITE_BUSY.
    const write = h.admin.call('suppliers.create', supplier(1)).then((s) => {
      events.push('write answered');
      return s;
    });
    const [result, created] = await Promise.all([importing, write]);

    expect(result.created).toBe(4000);
    expect(events.slice(0, 2)).toEqual([`writing ${midWrite.done}/4000`, 'read answered: 0 drugs']);
    expect(events).toContain('write answered');
    expect(importsOffThread.started).toBe(startedBefore + 1);
    // Committed in that order: the import's audit row, then the supplier's.
    const rows = sql(
      h.runtime.app.readDb,
      "SELECT method, target FROM audit_log WHERE method IN ('catalog.importCommit', 'suppliers.create') ORDER BY id",
    ).all();
    expect(rows).toEqual([
      { method: 'catalog.importCommit', target: `catalog-import:${file.filename}` },
      { method: 'suppliers.create', target: `supplier:${created.id}` },
    ]);
    expect(count(h.runtime.app.readDb, 'drugs')).toBe(4000);
    // The import gave the write gate back: it opens (at once, or once the checkpointer has cut a log the import grew,
    // which holds the gate a moment of its own: db/wal-checkpoints.ts). A gate the import kept would never open.
    await h.runtime.app.writeGate.open();
  }, 180_000);

  it('rolls everything back when a row fails a constraint mid-way, with the Chinese message', async () => {
    const h = await hub();
    const { file, codes } = await catalogFile(3000, 8);
    const preview = await h.admin.call('catalog.importPreview', { file });
    // A rule of the file the evaluation cannot know: the 2,500th drug breaks it inside the import's transaction.
    h.runtime.app.db.exec(`CREATE TRIGGER refuse_one BEFORE INSERT ON drugs WHEN NEW.nhsa_code = '${codes[2499]}' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    const auditBefore = count(h.runtime.app.readDb, 'audit_log');
    const seen: ImportProgress[] = [];
    void progressOf(h, (p) => {
      seen.push(p);
      return false;
    });

    const failure = await h.admin.call('catalog.importCommit', { file, mapping: preview.mapping, mode: 'all' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: 'BUSINESS_RULE', message: '数据不符合规则，未保存' });
    // It had written 2,499 rows in its transaction (in one statement, from the rows it staged): none of them
    // stayed, nor an audit row of success.
    expect(seen.some((p) => p.phase === 'writing')).toBe(true);
    expect(count(h.runtime.app.readDb, 'drugs')).toBe(0);
    expect(sql(h.runtime.app.readDb, "SELECT count(*) AS n FROM audit_log WHERE method = 'catalog.importCommit' AND outcome = 'ok'").get()).toEqual({ n: 0 });
    expect(count(h.runtime.app.readDb, 'audit_log')).toBe(auditBefore);
    // The gate is open again: the next write goes through.
    await expect(h.admin.call('suppliers.create', supplier(2))).resolves.toMatchObject({ name: '测试配送企业2' });
  }, 180_000);

  it('leaves the catalog as it was when its worker is stopped mid-write, and the hub writable', async () => {
    const h = await hub();
    const { file, codes } = await catalogFile(6000, 9);
    const preview = await h.admin.call('catalog.importPreview', { file });
    slowLastInsert(h, codes[5999]);
    const importing = h.admin.call('catalog.importCommit', { file, mapping: preview.mapping, mode: 'all' }).catch((e: unknown) => e);
    const midWrite = await progressOf(h, writing);
    runningImport(h.runtime.app)!.stop();

    expect(midWrite.done).toBeLessThan(6000);
    expect(await importing).toMatchObject({ code: 'CONFLICT', message: '药品目录导入已停止，药品目录没有任何改动' });
    expect(count(h.runtime.app.readDb, 'drugs')).toBe(0);
    // The stopped thread's connection is gone with its transaction: a write on the server's connection commits.
    await expect(h.admin.call('suppliers.create', supplier(3))).resolves.toMatchObject({ name: '测试配送企业3' });
    // And the same file imports whole afterwards.
    await expect(h.admin.call('catalog.importCommit', { file, mapping: preview.mapping, mode: 'all' })).resolves.toMatchObject({ created: 6000 });
  }, 180_000);

  it('runs one import at a time per hub: a second is refused in Chinese while the first is under way', async () => {
    const h = await hub();
    const { file } = await catalogFile(2000, 10);
    const preview = await h.admin.call('catalog.importPreview', { file });
    const first = h.admin.call('catalog.importCommit', { file, mapping: preview.mapping, mode: 'all' });
    await progressOf(h, () => true);
    await expect(h.admin.call('catalog.importCommit', { file, mapping: preview.mapping, mode: 'all' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: '另一个药品目录导入正在进行，请等它完成后再导入',
    });
    await expect(first).resolves.toMatchObject({ created: 2000 });
  }, 180_000);
});
