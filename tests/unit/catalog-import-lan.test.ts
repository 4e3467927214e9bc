/**
 * A large catalog import does not hold the server: on its worker thread (catalog/off-thread.ts) its names are
 * indexed ahead in short transactions (indexNamesAhead), its drugs staged on the worker's connection (stageAhead), and
 * they then appear in the import's one transaction, written there in two statements.
 * The result is exactly what the one-transaction import wrote, and requests made meanwhile are answered
 * while the import is still under way (order of events, never timings).
 */
import { describe, expect, it } from 'vitest';
import { openDatabase, sql, type ReadDb } from '../../electron/db/database';
import { commitImport, indexNamesAhead, NAMES_PER_TRANSACTION, parseCatalogWorkbook, stageAhead } from '../../electron/domain/catalog/import';
import { catalogRowsWorkbook, generateCatalogRows } from '../../electron/demo/catalog';
import { testHubs } from '../helpers/runtime';
import { schemaProblems } from '../../electron/db/schema';

const hub = testHubs();

async function catalogFile(rows: number, seed: number) {
  const data = await catalogRowsWorkbook(generateCatalogRows(rows, seed));
  const file = { filename: `目录-${rows}.xlsx`, base64: data.toString('base64') };
  const wb = await parseCatalogWorkbook({ filename: file.filename, bytes: data });
  return { file, wb, mapping: wb.suggested };
}

/** Everything an import writes: the drugs and the search index, without row ids. */
function catalogState(db: ReadDb) {
  return {
    drugs: sql(db, 'SELECT * FROM drugs ORDER BY nhsa_code')
      .all()
      .map((d) => ({ ...(d as Record<string, unknown>), id: undefined })),
    names: sql(db, 'SELECT name, sort_key AS sortKey FROM search_names ORDER BY name').all(),
    terms: sql(db, 'SELECT t.term, n.name, t.at_start AS atStart FROM search_terms t JOIN search_names n ON n.id = t.name_id ORDER BY t.term, n.name').all(),
  };
}

/** The schema is what the migrations made (the import rebuilds drugs' plain indexes), and searches still use them. */
function expectMigratedSchema(db: ReadDb) {
  expect(schemaProblems(db, db.pragma('user_version', { simple: true }) as number)).toEqual([]);
  const plan = sql(db, "EXPLAIN QUERY PLAN SELECT id FROM drugs WHERE generic_name = '阿莫西林胶囊'").all() as { detail: string }[];
  expect(plan.map((p) => p.detail).join(' ')).toContain('drugs_generic');
}

const count = (db: ReadDb, table: 'drugs' | 'search_names') => (sql(db, `SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('catalog import during LAN use', () => {
  it('writes exactly what the one-transaction import wrote, twice over (new drugs, then updates)', async () => {
    const [a, b] = [await hub(), await hub()];
    const first = await catalogFile(600, 3);
    // The second file: the same codes with other names and packs, and new rows besides.
    const second = await catalogFile(900, 4);
    for (const { file, wb, mapping } of [first, second]) {
      const viaHandler = await a.admin.call('catalog.importCommit', { file, mapping, mode: 'all' });
      const db = b.runtime.app.db;
      const oneTransaction = db.transaction(() => commitImport(db, wb, mapping, 'all', b.clock.now().toISOString()))();
      expect(viaHandler).toEqual(oneTransaction);
    }
    expect(count(a.runtime.app.db, 'drugs')).toBeGreaterThan(600);
    expect(catalogState(a.runtime.app.db)).toEqual(catalogState(b.runtime.app.db));
  }, 120_000);

  it('keeps the evaluation made ahead of the transaction only while the catalog it read is unchanged', async () => {
    const [h, fresh] = [await hub(), await hub()];
    let db = h.runtime.app.db;
    const at = h.clock.now().toISOString();
    const file = await catalogFile(300, 6);

    // Unchanged: the transaction writes what was found ahead and does not evaluate again. Probed with another
    // file's evaluation (never done by the app): its drugs are the ones written.
    const other = await catalogFile(200, 7);
    const { evaluation: otherAhead } = await indexNamesAhead(db, other.wb, other.mapping, 'all');
    const probe = db.transaction(() => commitImport(db, file.wb, file.mapping, 'all', at, undefined, otherAhead))();
    expect(probe.created).toBe(200);
    expect(count(db, 'drugs')).toBe(200);

    // Changed in between (on a hub of its own): the same file's drugs written meanwhile (by another import, by hand).
    // Evaluated again, its rows are no longer new; kept, they would have been inserted a second time.
    db = fresh.runtime.app.db;
    const { evaluation } = await indexNamesAhead(db, file.wb, file.mapping, 'all');
    expect(evaluation.outcomes.filter((o) => o.action === 'new')).toHaveLength(300);
    db.transaction(() => commitImport(db, file.wb, file.mapping, 'all', at))();
    const again = db.transaction(() => commitImport(db, file.wb, file.mapping, 'all', at, undefined, evaluation))();
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 300 });
    expect(count(db, 'drugs')).toBe(300);
  }, 120_000);

  it('keeps the evaluation of a pack change while the ledger answers as it did: in use or not', async () => {
    const [kept, changedMeanwhile] = [await hub(), await hub()];
    const rows = generateCatalogRows(40, 11);
    const original = await parseCatalogWorkbook({ filename: 'a.xlsx', bytes: await catalogRowsWorkbook(rows) });
    const repacked = await parseCatalogWorkbook({
      filename: 'b.xlsx',
      bytes: await catalogRowsWorkbook(rows.map((r, i) => (i === 5 ? { ...r, packSize: r.packSize + 6 } : r))),
    });
    for (const h of [kept, changedMeanwhile]) {
      const db = h.runtime.app.db;
      db.transaction(() => commitImport(db, original, original.suggested, 'all', h.clock.now().toISOString()))();
    }
    const idOf = (db: ReadDb) => sql(db, 'SELECT id FROM drugs WHERE nhsa_code = ?').pluck().get(rows[5].nhsaCode) as number;
    const packOf = (db: ReadDb) => sql(db, 'SELECT pack_size FROM drugs WHERE nhsa_code = ?').pluck().get(rows[5].nhsaCode);

    // Not in use, then and now: kept. Probed as above, with the repacked file's evaluation for the original file.
    let db = kept.runtime.app.db;
    const { evaluation } = await indexNamesAhead(db, repacked, repacked.suggested, 'all');
    expect(evaluation.ledgerAnswers).toEqual(new Map([[idOf(db), false]]));
    const probe = db.transaction(() => commitImport(db, original, original.suggested, 'all', kept.clock.now().toISOString(), undefined, evaluation))();
    expect(probe).toMatchObject({ updated: 1, unchanged: 39 });
    expect(packOf(db)).toBe(rows[5].packSize + 6);

    // Received meanwhile (a lot of it now exists): evaluated again, and the pack change is refused.
    db = changedMeanwhile.runtime.app.db;
    const ahead = (await indexNamesAhead(db, repacked, repacked.suggested, 'all')).evaluation;
    db.prepare("INSERT INTO lots (drug_id, batch_no, expiry_date, unit_cost, created_at) VALUES (?, 'B1', '2028-01-01', 135000, ?)").run(
      idOf(db),
      changedMeanwhile.clock.now().toISOString(),
    );
    expect(() =>
      db.transaction(() => commitImport(db, repacked, repacked.suggested, 'all', changedMeanwhile.clock.now().toISOString(), undefined, ahead))(),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(packOf(db)).toBe(rows[5].packSize);
  }, 120_000);

  it('stages its drugs while another connection holds the hub for writing, and writes them as row by row would', async () => {
    const [h, rowByRow] = [await hub(), await hub()];
    const at = h.clock.now().toISOString();
    const first = await catalogFile(400, 8);
    const second = await catalogFile(700, 9); // the same codes changed, and new ones
    for (const { wb, mapping } of [first, second]) {
      const importer = openDatabase(h.runtime.app.dbFile);
      importer.pragma('busy_timeout = 0');
      try {
        const { evaluation } = await indexNamesAhead(importer, wb, mapping, 'all');
        // The server's connection writes meanwhile: staging does not wait for it (busy_timeout 0 would throw).
        const server = h.runtime.app.db;
        server.exec('BEGIN IMMEDIATE');
        const ahead = (() => {
          try {
            return stageAhead(importer, evaluation, 'all');
          } finally {
            server.exec('ROLLBACK');
          }
        })();
        expect(ahead.staged).toBe(true);
        const staged = importer.transaction(() => commitImport(importer, wb, mapping, 'all', at, undefined, ahead)).immediate();
        const db = rowByRow.runtime.app.db;
        expect(staged).toEqual(db.transaction(() => commitImport(db, wb, mapping, 'all', at))());
        // The first file more than doubles the catalog (its plain indexes rebuilt at the end), the second does not.
        expectMigratedSchema(importer);
      } finally {
        importer.close();
      }
    }
    expect(count(h.runtime.app.db, 'drugs')).toBeGreaterThan(700);
    // Same drugs with the same ids (new ones in file order), same search index.
    const withIds = (db: ReadDb) => sql(db, 'SELECT * FROM drugs ORDER BY id').all();
    expect(withIds(h.runtime.app.db)).toEqual(withIds(rowByRow.runtime.app.db));
    expect(catalogState(h.runtime.app.db)).toEqual(catalogState(rowByRow.runtime.app.db));
  }, 120_000);

  it('refuses a staged file with one GTIN on two drugs, as row by row does, and writes nothing', async () => {
    const [h, rowByRow] = [await hub(), await hub()];
    const at = h.clock.now().toISOString();
    // The evaluation checks each GTIN, not that two rows share one: the drugs' unique index does, as they are written.
    const rows = generateCatalogRows(50, 10);
    rows[7] = { ...rows[7], gtin: '06901234567892' };
    rows[30] = { ...rows[30], gtin: '06901234567892' };
    const data = await catalogRowsWorkbook(rows);
    const wb = await parseCatalogWorkbook({ filename: 'gtin.xlsx', bytes: data });
    const importer = openDatabase(h.runtime.app.dbFile);
    try {
      const ahead = stageAhead(importer, (await indexNamesAhead(importer, wb, wb.suggested, 'all')).evaluation, 'all');
      expect(ahead.staged).toBe(true);
      const staged = () => importer.transaction(() => commitImport(importer, wb, wb.suggested, 'all', at, undefined, ahead)).immediate();
      const db = rowByRow.runtime.app.db;
      const oneByOne = () => db.transaction(() => commitImport(db, wb, wb.suggested, 'all', at))();
      expect(oneByOne).toThrow(expect.objectContaining({ code: 'DUPLICATE', message: expect.stringContaining('商品条码 06901234567892 已属于') }));
      expect(staged).toThrow(expect.objectContaining({ code: 'DUPLICATE', message: expect.stringContaining('商品条码 06901234567892 已属于') }));
      expect([count(importer, 'drugs'), count(db, 'drugs')]).toEqual([0, 0]);
      // The indexes dropped for the bulk write came back with the rows undone.
      expectMigratedSchema(importer);
    } finally {
      importer.close();
    }
  }, 120_000);

  it('answers other requests while the import is under way: its names indexed, its drugs not yet there', async () => {
    const h = await hub();
    const db = h.runtime.app.readDb;
    const { file, mapping } = await catalogFile(1500, 5);
    expect([count(db, 'drugs'), count(db, 'search_names')]).toEqual([0, 0]);

    let settled = false;
    const importing = h.admin.call('catalog.importCommit', { file, mapping, mode: 'all' }).finally(() => (settled = true));
    const seen: { names: number; drugs: number }[] = [];
    while (!settled) {
      // A LAN request arrives as I/O, between turns of the event loop (a bare loop of calls would starve them).
      await new Promise((resolve) => setImmediate(resolve));
      await h.admin.call('auth.me', {});
      if (!settled) seen.push({ names: count(db, 'search_names'), drugs: count(db, 'drugs') });
    }
    const result = await importing;
    expect(result.created).toBe(1500);
    const names = count(db, 'search_names');
    // Answered in the middle of the import: some of its names indexed, none of its drugs visible yet, more than
    // one chunk apart (the one-transaction import shows names and drugs together, so never this).
    const middle = seen.filter((s) => s.names > 0 && s.names < names && s.drugs === 0);
    expect(names).toBeGreaterThan(2 * NAMES_PER_TRANSACTION);
    expect(middle.length).toBeGreaterThan(1);
    // All or nothing for the drugs: no request ever saw part of them (the worker's commit may land before its answer).
    expect(seen.every((s) => s.drugs === 0 || s.drugs === 1500)).toBe(true);
    expect(count(db, 'drugs')).toBe(1500);
  }, 120_000);
});
