import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupOffThread } from '../../electron/db/off-thread';
import { integrityProblems } from '../../electron/db/files';
import { createTestHub, scratchDirs, type TestHub } from '../helpers/runtime';

let hub: TestHub;
const scratchDir = scratchDirs();
beforeEach(async () => {
  hub = await createTestHub();
});
afterEach(() => hub.close());

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A connection of the test's own to the live file, as a second writer beside the hub's. */
function writerOf(file: string): Database.Database {
  const db = new Database(file, { fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  db.pragma('synchronous = FULL');
  return db;
}

describe('the paced backup copy', () => {
  it('copies in many small steps while another connection keeps committing: one snapshot, never restarted', async () => {
    const writer = writerOf(hub.runtime.dbFile);
    try {
      // A few thousand pages: 3000 rows of about 4 KB each.
      const filler = 'x'.repeat(4000);
      const insert = writer.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
      writer.transaction(() => {
        for (let i = 0; i < 3000; i++) insert.run(`test.filler.${i}`, filler);
      })();
      const countRows = (db: Database.Database) => (db.prepare('SELECT count(*) AS n FROM settings').get() as { n: number }).n;
      const rowsBefore = countRows(writer);
      const pageCount = writer.pragma('page_count', { simple: true }) as number;
      expect(pageCount).toBeGreaterThan(3000);

      // Eight pages a step: hundreds of steps. The rate makes the copy last at least about a second, so the
      // writer below surely commits between its steps; a copy restarted by each commit would never finish.
      const copyProgress = new Int32Array(new SharedArrayBuffer(8));
      const pageSize = writer.pragma('page_size', { simple: true }) as number;
      const pacing = { stepBytes: 8 * pageSize, bytesPerSecond: pageCount * pageSize };
      const copy = path.join(scratchDir('santong-paced-'), 'copy.sqlite');
      const version = hub.runtime.openApp!.schemaVersion;
      let copying = true;
      const backup = backupOffThread(hub.runtime.dbFile, copy, version, 'full', { pacing, copyProgress }).finally(() => (copying = false));

      // The writer starts only once the worker's snapshot is open: everything it commits is after that instant.
      while (Atomics.load(copyProgress, 0) === 0 && copying) await nextTurn();
      const stepsAtCommits: number[] = [];
      while (copying) {
        insert.run(`test.during.${stepsAtCommits.length}`, 'written while the copy was made');
        stepsAtCommits.push(Atomics.load(copyProgress, 1));
        await nextTurn();
      }
      const result = await backup;

      const steps = Atomics.load(copyProgress, 1);
      expect(steps).toBeGreaterThan(pageCount / 8 - 1);
      // Commits before the copy's last step: the source changed between its steps, and the copy still finished.
      expect(stepsAtCommits.filter((s) => s < steps).length).toBeGreaterThan(0);
      expect(countRows(writer)).toBe(rowsBefore + stepsAtCommits.length);
      expect(result).toMatchObject({ verified: true, problem: null });
      const inCopy = new Database(copy, { readonly: true, fileMustExist: true });
      try {
        expect(integrityProblems(inCopy)).toEqual([]);
        // Exactly the database as its snapshot opened: every row from before, none of the writer's.
        expect(countRows(inCopy)).toBe(rowsBefore);
        expect(inCopy.prepare("SELECT count(*) AS n FROM settings WHERE key LIKE 'test.during.%'").get()).toEqual({ n: 0 });
      } finally {
        inCopy.close();
      }
    } finally {
      writer.close();
    }
  });
});
