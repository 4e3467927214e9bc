/**
 * The hub's writer never checkpoints its write-ahead log inside a commit (seconds on a busy disk, on the
 * thread that answers the villages), nor does a worker thread's writer (with the hub's write gate held for it);
 * the checkpoint worker does, in the background.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { catalogRowsWorkbook, generateCatalogRows } from '../../electron/demo/catalog';
import { createClinic, createTestHub, scratchDirs, type TestHub } from '../helpers/runtime';
import { LOG_KEPT_BYTES } from '../../electron/db/wal-checkpoints';

let hub: TestHub;
const scratchDir = scratchDirs();
beforeEach(async () => {
  hub = await createTestHub();
});
afterEach(() => hub.close());

/** The clinics as the main database file alone has them (what is still only in the log is missing). */
function clinicsInMainFile(): string[] {
  const dir = scratchDir('santong-main-file-');
  const copy = path.join(dir, 'main-only.sqlite');
  fs.copyFileSync(hub.runtime.dbFile, copy);
  const db = new Database(copy, { readonly: true });
  try {
    return (db.prepare('SELECT code FROM clinics ORDER BY code').all() as { code: string }[]).map((r) => r.code);
  } finally {
    db.close();
  }
}

it('moves committed pages into the database file on a worker thread; the writer itself never checkpoints', async () => {
  const app = hub.runtime.openApp!;
  expect(app.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);

  await hub.runtime.checkpoints!.tick();
  for (let i = 1; i <= 40; i++) await createClinic(hub, `C${String(i).padStart(2, '0')}`);
  // Committed (the API answered), but only in the log so far.
  expect(clinicsInMainFile()).toEqual([]);
  expect((await hub.admin.call('clinics.list', {})).length).toBe(40);

  await hub.runtime.checkpoints!.tick();
  expect(clinicsInMainFile()).toHaveLength(40);
  // Checked with a connection of its own: nothing left in the log to copy.
  const probe = new Database(hub.runtime.dbFile, { readonly: true });
  const [state] = probe.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
  probe.close();
  expect(state.log).toBe(state.checkpointed);
});

it("leaves the log to the checkpoint worker when a worker thread writes: a catalog import's commits never checkpoint", async () => {
  const app = hub.runtime.openApp!;
  await hub.runtime.checkpoints!.tick();
  // The timer stopped: whatever reaches the main file from now on, a commit of the import copied there itself.
  await hub.runtime.checkpoints!.stop();
  const data = await catalogRowsWorkbook(generateCatalogRows(3000, 21));
  const file = { filename: '目录.xlsx', base64: data.toString('base64') };
  const { mapping } = await hub.admin.call('catalog.importPreview', { file });
  await hub.admin.call('catalog.importCommit', { file, mapping, mode: 'all' });

  // Well past the 1000 pages at which SQLite's default has the committing connection checkpoint...
  const pageSize = app.db.pragma('page_size', { simple: true }) as number;
  expect(fs.statSync(`${hub.runtime.dbFile}-wal`).size).toBeGreaterThan(1500 * pageSize);
  // ...and still all in the log: the import's worker (its names' short commits, its drugs' one) copied none of it.
  const copy = path.join(scratchDir('santong-main-file-'), 'main-only.sqlite');
  fs.copyFileSync(hub.runtime.dbFile, copy);
  const mainOnly = new Database(copy, { readonly: true });
  try {
    expect(mainOnly.prepare('SELECT count(*) FROM drugs').pluck().get()).toBe(0);
    expect(mainOnly.prepare('SELECT count(*) FROM search_names').pluck().get()).toBe(0);
  } finally {
    mainOnly.close();
  }
  expect(app.db.prepare('SELECT count(*) FROM drugs').pluck().get()).toBe(3000);
}, 120_000);

it('cuts a log grown far past its kept size on the worker, with the hub’s writes held at the gate, not inside the next commit', async () => {
  const app = hub.runtime.openApp!;
  await hub.runtime.checkpoints!.tick();
  await createClinic(hub, 'C01');
  // A log of ~70 MiB, as a big import's batches leave one (theirs is a gigabyte).
  app.db.exec('CREATE TABLE wal_filler (x BLOB)');
  app.db.prepare('INSERT INTO wal_filler VALUES (zeroblob(?))').run(70 * 2 ** 20);
  const wal = `${hub.runtime.dbFile}-wal`;
  expect(fs.statSync(wal).size).toBeGreaterThan(LOG_KEPT_BYTES);

  // Holding the gate as an import's batch would: the worker copies the log, then waits for the gate to cut it.
  const release = await app.writeGate.hold();
  let ticked = false;
  const tick = hub.runtime.checkpoints!.tick().then(() => {
    ticked = true;
  });
  // Reads are answered meanwhile (from the database file and the log).
  expect((await hub.admin.call('clinics.list', {})).map((c) => c.code)).toEqual(['C01']);
  expect(ticked).toBe(false);
  release();
  await tick;

  expect(fs.statSync(wal).size).toBe(0);
  expect(clinicsInMainFile()).toEqual(['C01']);
  // And the hub writes on, into a fresh log.
  await createClinic(hub, 'C02');
  expect((await hub.admin.call('clinics.list', {})).map((c) => c.code)).toEqual(['C01', 'C02']);
}, 120_000);
