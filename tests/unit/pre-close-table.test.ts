import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type WriteDb } from '../../electron/db/database';
import { loadMigrations, migrate } from '../../electron/db/migrate';
import { runPreCloseChecks } from '../../electron/domain/settlement/checks';
import { migrationsDir } from '../../electron/paths';

/**
 * The checks are one table: running them needs nothing but the checks module. (The stocktake check used to be
 * registered by a side-effect import of the stocktake handlers, so a caller that had not loaded those lost it.)
 * This file imports no handler module on purpose.
 */
describe('pre-close checks', () => {
  let db: WriteDb | undefined;
  afterEach(() => db?.close());

  it('are all there, in the order the closer reads them, without any other module loaded', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'santong-checks-'));
    db = openDatabase(path.join(dir, 'hub.sqlite'));
    migrate(db, loadMigrations(migrationsDir()), { backupDir: path.join(dir, 'backups'), now: new Date('2026-03-02T01:00:00.000Z') });
    const keys = runPreCloseChecks(db, '2026-02', '2026-03-02').map((c) => c.key);
    expect(keys).toEqual([
      'period_ended',
      'earlier_open',
      'books',
      'stocktakes_open',
      'orders_open',
      'deliveries_in_transit',
      'delivery_discrepancies',
      'writeoffs_pending',
      'returns_pending',
    ]);
  });
});
