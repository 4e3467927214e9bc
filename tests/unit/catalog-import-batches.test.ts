/**
 * A big catalog import written in batches (domain/catalog/import-batches.ts), against a real SQLite file: the hub's
 * own writes go between two batches, a stop keeps the batches written and says how many, the same file imported
 * again writes the rest, and a drug changed between two batches is evaluated again rather than overwritten with what
 * the file was checked against. The test holds the hub's write gate itself between batches, so what goes in between
 * is decided by the order of events, never by timings.
 */
import { describe, expect, it } from 'vitest';
import { sql, type ReadDb } from '../../electron/db/database';
import { runningImport, type ImportProgress } from '../../electron/domain/catalog/off-thread';
import { ONE_TRANSACTION_UP_TO, ROWS_PER_BATCH } from '../../electron/domain/catalog/import-batches';
import { catalogRowsWorkbook, generateCatalogRows } from '../../electron/demo/catalog';
import type { DrugInput } from '../../shared/contract/catalog';
import { holdGateAt, validCreditCode } from '../helpers/catalog';
import { ADMIN_PASSWORD, testHubs, type TestHub } from '../helpers/runtime';
import { InternalClient } from '../../electron/api/internal';
import { Runtime } from '../../electron/runtime';

const ROWS = 12_000;

const hub = testHubs();

const fileOf = async (rows: DrugInput[], name: string) => ({ filename: name, base64: (await catalogRowsWorkbook(rows)).toString('base64') });
const drugCount = (db: ReadDb) => (sql(db, 'SELECT count(*) AS n FROM drugs').get() as { n: number }).n;
const importAuditRows = (db: ReadDb) =>
  sql(db, "SELECT id, details FROM audit_log WHERE method = 'catalog.importCommit' AND outcome = 'ok' ORDER BY id").all() as { id: number; details: string }[];

const afterFirstBatch = (p: ImportProgress) => p.phase === 'writing' && p.done === ROWS_PER_BATCH;

/**
 * Imports `rows` and stops the import while it waits for the gate to write the batch after `batches` (`meanwhile`
 * runs then, the import under way): the file, its preview, and what the commit answered.
 */
async function stoppedAfter(h: TestHub, batches: number, rows: DrugInput[], name: string, meanwhile: () => Promise<void> = async () => undefined) {
  const file = await fileOf(rows, name);
  const preview = await h.admin.call('catalog.importPreview', { file });
  const importing = h.admin.call('catalog.importCommit', { file, mapping: preview.mapping, mode: 'all' }).catch((e: unknown) => e);
  const gate = await holdGateAt(h.runtime.app, (p) => p.phase === 'writing' && p.done === batches * ROWS_PER_BATCH);
  await meanwhile();
  runningImport(h.runtime.app)!.stop();
  const stopped = await importing;
  gate.release();
  return { file, preview, stopped };
}

describe('a big catalog import, written in batches', () => {
  it('lets the hub write between two batches, and shows each batch whole as it commits', async () => {
    expect(ROWS).toBeGreaterThan(ONE_TRANSACTION_UP_TO);
    const h = await hub();
    const file = await fileOf(generateCatalogRows(ROWS, 21), '国家目录.xlsx');
    const preview = await h.admin.call('catalog.importPreview', { file });
    const events: string[] = [];
    const importing = h.admin.call('catalog.importCommit', { file, mapping: preview.mapping, mode: 'all' }).then((r) => {
      events.push('import answered');
      return r;
    });

    const gate = await holdGateAt(h.runtime.app, afterFirstBatch);
    // The first batch is in the file with the import's audit row; nothing of the second yet.
    expect(drugCount(h.runtime.app.readDb)).toBe(ROWS_PER_BATCH);
    expect(importAuditRows(h.runtime.app.readDb)).toHaveLength(1);
    const write = h.admin.call('suppliers.create', { name: '批间配送企业', creditCode: validCreditCode('91430100MA4L7K2X7') }).then(() => {
      events.push(`write answered at ${drugCount(h.runtime.app.readDb)} drugs`);
    });
    gate.release();
    const [result] = await Promise.all([importing, write]);

    expect(result).toMatchObject({ created: ROWS, updated: 0, unchanged: 0, skippedRows: 0 });
    // The supplier was written between two batches: before the import ended, with a whole number of batches in.
    expect(events).toHaveLength(2);
    const [writeEvent, importEvent] = events;
    expect(importEvent).toBe('import answered');
    const inBetween = Number(/at (\d+) drugs/.exec(writeEvent)![1]);
    expect(inBetween).toBeGreaterThanOrEqual(ROWS_PER_BATCH);
    expect(inBetween).toBeLessThan(ROWS);
    expect(inBetween % ROWS_PER_BATCH).toBe(0);
    expect(drugCount(h.runtime.app.readDb)).toBe(ROWS);
    const [audit] = importAuditRows(h.runtime.app.readDb);
    expect(JSON.parse(audit.details)).toMatchObject({ mode: 'all', created: ROWS, batches: Math.ceil(ROWS / ROWS_PER_BATCH) });
    // The import gave the write gate back: it opens (at once, or once the checkpointer has cut a log the import grew,
    // which holds the gate a moment of its own: db/wal-checkpoints.ts). A gate the import kept would never open.
    await h.runtime.app.writeGate.open();
    // Its last batch took the note of an import under way away with it: nothing was cut off.
    expect(await h.admin.call('catalog.importInterrupted', {})).toBeNull();
  }, 240_000);

  it('keeps the batches written when stopped, says how many, and the same file imported again writes the rest', async () => {
    const h = await hub();
    // Stopped while it waits for the gate to write its third batch.
    const { file, preview, stopped } = await stoppedAfter(h, 2, generateCatalogRows(ROWS, 22), '国家目录.xlsx');

    const written = 2 * ROWS_PER_BATCH;
    expect(stopped).toMatchObject({
      code: 'CONFLICT',
      message: `药品目录导入已停止：已分批写入的 ${written} 种药品保留，其余未导入。重新导入同一文件即可补齐（已写入的行显示为“无变化”）`,
    });
    expect(drugCount(h.runtime.app.readDb)).toBe(written);
    expect(importAuditRows(h.runtime.app.readDb)).toHaveLength(1);

    h.clock.advance(60_000);
    const again = await h.admin.call('catalog.importCommit', { file, mapping: preview.mapping, mode: 'all' });
    expect(again).toMatchObject({ created: ROWS - written, updated: 0, unchanged: written });
    expect(drugCount(h.runtime.app.readDb)).toBe(ROWS);
  }, 240_000);

  it('says, after a restart too, which import was cut off between two batches and how far it got, until an import commits', async () => {
    const h = await hub();
    const { file, preview } = await stoppedAfter(h, 3, generateCatalogRows(ROWS, 24), '省药品目录.xlsx', async () => {
      // Under way, it is not cut off: the import dialog shows its progress.
      expect(await h.admin.call('catalog.importInterrupted', {})).toBeNull();
    });

    const cutOff = {
      filename: '省药品目录.xlsx',
      startedAt: h.clock.now().toISOString(),
      startedBy: '管理员',
      batches: Math.ceil(ROWS / ROWS_PER_BATCH),
      drugs: ROWS,
      writtenBatches: 3,
      writtenDrugs: 3 * ROWS_PER_BATCH,
    };
    expect(await h.admin.call('catalog.importInterrupted', {})).toEqual(cutOff);
    expect(drugCount(h.runtime.app.readDb)).toBe(cutOff.writtenDrugs);

    // The hub PC restarted (as after a power cut between two batches): the note is in the file, not in memory.
    await h.runtime.close();
    const restarted = new Runtime({ dataDir: h.dataDir, clock: h.clock, validateOutputs: true });
    try {
      const admin = new InternalClient(restarted, '127.0.0.1');
      await admin.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
      expect(await admin.call('catalog.importInterrupted', {})).toEqual(cutOff);

      h.clock.advance(60_000);
      const again = await admin.call('catalog.importCommit', { file, mapping: preview.mapping, mode: 'all' });
      expect(again).toMatchObject({ created: ROWS - cutOff.writtenDrugs, unchanged: cutOff.writtenDrugs });
      expect(await admin.call('catalog.importInterrupted', {})).toBeNull();
    } finally {
      await restarted.close();
    }
  }, 240_000);

  it('evaluates the rest again when a drug it updates is changed between two batches', async () => {
    const h = await hub();
    const rows = generateCatalogRows(ROWS, 23);
    // One drug of the last batch is in the catalog already, with another spec: the big file updates it.
    const target = rows[ROWS - 100];
    await h.admin.call('catalog.importCommit', {
      file: await fileOf([{ ...target, spec: '旧规格' }], '一种.xlsx'),
      mapping: (await h.admin.call('catalog.importPreview', { file: await fileOf([{ ...target, spec: '旧规格' }], '一种.xlsx') })).mapping,
      mode: 'all',
    });
    const id = (sql(h.runtime.app.readDb, 'SELECT id FROM drugs WHERE nhsa_code = ?').get(target.nhsaCode) as { id: number }).id;
    h.clock.advance(60_000);
    const file = await fileOf(rows, '国家目录.xlsx');
    const preview = await h.admin.call('catalog.importPreview', { file });
    expect(preview).toMatchObject({ newCount: ROWS - 1, updatedCount: 1 });
    const importing = h.admin.call('catalog.importCommit', { file, mapping: preview.mapping, mode: 'all' });

    // Between two batches the pharmacist gives the drug a new 医保编码. Written as evaluated, the import would give
    // that drug the file's code back; evaluated again, the file's row is a drug the catalog no longer has.
    const gate = await holdGateAt(h.runtime.app, afterFirstBatch);
    const newCode = generateCatalogRows(1, 99)[0].nhsaCode;
    expect(rows.some((r) => r.nhsaCode === newCode)).toBe(false);
    const edit = h.admin.call('catalog.update', { id, ...target, spec: '旧规格', nhsaCode: newCode, active: true });
    gate.release();
    const [result] = await Promise.all([importing, edit]);

    expect(result).toMatchObject({ created: ROWS, updated: 0, skippedRows: 0 });
    expect(sql(h.runtime.app.readDb, 'SELECT nhsa_code AS code, spec FROM drugs WHERE id = ?').get(id)).toEqual({ code: newCode, spec: '旧规格' });
    expect(sql(h.runtime.app.readDb, 'SELECT spec FROM drugs WHERE nhsa_code = ?').get(target.nhsaCode)).toEqual({ spec: target.spec });
    expect(drugCount(h.runtime.app.readDb)).toBe(ROWS + 1);
    // The one-drug import's audit row, the batches', and that of the one transaction that wrote the rest after the change.
    expect(importAuditRows(h.runtime.app.readDb)).toHaveLength(3);
  }, 240_000);
});
