/**
 * The hub's writer never checkpoints its write-ahead log inside a commit (seconds on a busy disk, on the
 * thread that answers the villages); a worker thread does, in the background.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createClinic, createTestHub, scratchDirs, type TestHub } from '../helpers/runtime';

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
