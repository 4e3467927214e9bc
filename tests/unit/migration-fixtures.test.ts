import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { openApp } from '../../electron/app';
import { loadMigrations } from '../../electron/db/migrate';
import { migrationsDir } from '../../electron/paths';
import { Runtime } from '../../electron/runtime';
import { parseBackupName } from '../../electron/domain/backup/names';
import { runIntegrityCheck } from '../../electron/domain/system/integrity';
import { BALANCES, DRUGS, expectedCounts, FIXTURE_HUB, FIXTURE_PASSWORD, LOT_UNIT_COST, PO_LINE } from '../fixtures/fixture-data';
import { ManualClock, createTestHub, tempDir } from '../helpers/runtime';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/db');
const latest = loadMigrations(migrationsDir()).length;
const versions = Array.from({ length: latest }, (_, i) => i + 1);

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** The schema as SQLite stores it: every table, index and trigger with its SQL. */
function schemaOf(db: Database.Database): { type: string; name: string; sql: string | null }[] {
  return db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as never;
}

describe('migration fixtures', () => {
  it('exist for every schema version (a new migration adds its fixture: npm run fixtures:db)', () => {
    const present = fs
      .readdirSync(FIXTURES)
      .filter((f) => /^v\d+\.sqlite$/.test(f))
      .sort((a, b) => parseInt(a.slice(1), 10) - parseInt(b.slice(1), 10));
    expect(present).toEqual(versions.map((v) => `v${v}.sqlite`));
    for (const v of versions) {
      const db = new Database(path.join(FIXTURES, `v${v}.sqlite`), { readonly: true });
      expect(db.pragma('user_version', { simple: true }), `v${v}`).toBe(v);
      db.close();
    }
  });

  const freshSchema = (() => {
    let cached: ReturnType<typeof schemaOf> | undefined;
    return () => {
      if (!cached) {
        const dir = tempDir();
        dirs.push(dir);
        const app = openApp({ dataDir: dir });
        cached = schemaOf(app.db).filter((o) => o.name !== 'schema_migrations');
        app.close();
      }
      return cached;
    };
  })();

  it('checks a large pre-migration copy in the background while the upgraded hub already answers', async () => {
    const v = latest - 1;
    const dataDir = tempDir();
    dirs.push(dataDir);
    fs.copyFileSync(path.join(FIXTURES, `v${v}.sqlite`), path.join(dataDir, 'santong.sqlite'));
    const clock = new ManualClock(new Date('2026-03-02T01:00:00.000Z'));
    // Every copy counts as large here: its check and checksum go to the worker thread.
    const runtime = new Runtime({ dataDir, clock, validateOutputs: true, migrationCopyBackgroundFromBytes: 0 });
    try {
      const app = runtime.app;
      const recorded = () =>
        app.db
          .prepare("SELECT file_name AS fileName, dir, verified, sha256, schema_version AS schemaVersion FROM backups WHERE reason = 'before-migration'")
          .all() as {
          fileName: string;
          dir: string;
          verified: number;
          sha256: string;
          schemaVersion: number;
        }[];
      // The hub is upgraded and signs people in before the copy's check is done.
      expect(app.schemaVersion).toBe(latest);
      expect(recorded()).toEqual([]);
      const admin = new InternalClient(runtime, '127.0.0.1');
      await admin.call('auth.login', { username: 'admin', password: FIXTURE_PASSWORD });

      await app.migrationBackupRecorded;
      const [row] = recorded();
      expect(row).toMatchObject({ verified: 1, schemaVersion: v });
      expect(row.sha256).toBe(sha256(path.join(row.dir, row.fileName)));
      expect((await admin.call('backup.list', {})).map((e) => [e.fileName, e.verified])).toEqual([[row.fileName, true]]);
    } finally {
      runtime.close();
    }
  });

  for (const v of versions) {
    it(`v${v} upgrades to v${latest} with its data intact`, async () => {
      const fixture = path.join(FIXTURES, `v${v}.sqlite`);
      const fixtureHash = sha256(fixture);
      const dataDir = tempDir();
      dirs.push(dataDir);
      fs.copyFileSync(fixture, path.join(dataDir, 'santong.sqlite'));

      const clock = new ManualClock(new Date('2026-03-02T01:00:00.000Z'));
      const runtime = new Runtime({ dataDir, clock, validateOutputs: true });
      try {
        expect(runtime.recovery).toBeNull();
        const app = runtime.app;
        expect(app.schemaVersion).toBe(latest);
        expect(app.migration).toMatchObject({ from: v, to: latest });

        // The same schema as a database created fresh by this version.
        expect(schemaOf(app.db).filter((o) => o.name !== 'schema_migrations')).toEqual(freshSchema());

        // Integrity: SQLite's checks and the ledger invariants.
        const report = runIntegrityCheck(app.db, { dbFile: app.dbFile, now: clock.now(), latestVersion: latest });
        expect(report.checks.filter((c) => !c.ok)).toEqual([]);

        // Counts, table by table, as the fixture's version left them.
        // Counts as the fixture holds them; an upgrade adds one row to backups (its before-migration backup).
        const counts = expectedCounts(v);
        if (v < latest && counts.backups !== undefined) counts.backups += 1;
        for (const [table, n] of Object.entries(counts)) {
          expect((app.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n, `${table} in v${v}`).toBe(n);
        }

        // A few values.
        expect(app.db.prepare("SELECT value FROM settings WHERE key = 'hub.name'").get()).toEqual({ value: FIXTURE_HUB });
        expect(app.db.prepare("SELECT name, active FROM clinics WHERE code = 'C03'").get()).toEqual({ name: '南塘村卫生室', active: 0 });
        expect(app.db.prepare("SELECT role, clinic_id AS clinicId FROM users WHERE username = 'cy01'").get()).toEqual({ role: 'village_doctor', clinicId: 1 });
        const auditRows = app.db.prepare('SELECT method, outcome FROM audit_log ORDER BY id LIMIT 3').all();
        expect(auditRows).toEqual([
          { method: 'setup.initialize', outcome: 'ok' },
          { method: 'clinics.create', outcome: 'ok' },
          { method: 'clinics.get', outcome: 'denied' },
        ]);
        if (v >= 2) {
          expect(app.db.prepare('SELECT generic_name AS name, pack_size AS size, vbp_price AS vbp FROM drugs WHERE nhsa_code = ?').get(DRUGS[1].nhsa)).toEqual({
            name: DRUGS[1].name,
            size: DRUGS[1].size,
            vbp: DRUGS[1].vbpPrice,
          });
        }
        if (v >= 3) {
          expect(app.db.prepare("SELECT total_amount AS amount, status FROM purchase_orders WHERE doc_no = 'CG-202601-0001'").get()).toEqual({
            amount: (PO_LINE.qty * PO_LINE.packPrice) / PO_LINE.packSize / 10_000,
            status: v >= 4 ? 'received' : 'sent',
          });
          expect(app.db.prepare('SELECT decision, approved_qty AS qty FROM requisition_lines WHERE id = 2').get()).toEqual({ decision: 'adjusted', qty: 56 });
        }
        if (v >= 4) {
          const balances = app.db.prepare('SELECT store_id AS store, qty, value FROM stock_balances WHERE qty > 0 ORDER BY store_id').all();
          expect(balances).toEqual(Object.entries(BALANCES).map(([store, qty]) => ({ store: Number(store), qty, value: (qty * LOT_UNIT_COST) / 10_000 })));
          expect(app.db.prepare("SELECT status FROM periods WHERE period = '2026-01'").get()).toEqual({ status: 'closed' });
          expect(app.db.prepare("SELECT status, signed_by AS signedBy FROM deliveries WHERE doc_no = 'CK-202601-0001'").get()).toEqual({
            status: 'signed',
            signedBy: 4,
          });
        }

        // The people can still sign in, with the passwords they had.
        const admin = new InternalClient(runtime, '127.0.0.1');
        await admin.call('auth.login', { username: 'admin', password: FIXTURE_PASSWORD });
        expect((await admin.call('clinics.list', { includeInactive: true })).map((c) => c.code)).toEqual(['C01', 'C02', 'C03']);
        const doctor = new InternalClient(runtime, '192.168.1.21');
        await doctor.call('auth.login', { username: 'cy01', password: FIXTURE_PASSWORD });
        expect((await doctor.call('clinics.list', {})).map((c) => c.code)).toEqual(['C01']);
        if (v >= 4) {
          // The stock book reads as it did: the doctor's own store holds what was signed for minus what was dispensed.
          const onHand = await doctor.call('stock.onHand', { storeId: 12 });
          expect(onHand.rows.map((r) => [r.genericName, r.qty, r.value])).toEqual([['阿莫西林胶囊', BALANCES[12], (BALANCES[12] * LOT_UNIT_COST) / 10_000]]);
        }
        // The back-dating limit: the default before v12, what the hub set from then on.
        expect(await admin.call('system.postingRules', {})).toEqual({ maxBackdateDays: v >= 12 ? 10 : 7 });
        if (v >= 6) {
          // The spot check's draw still reproduces from its record, and it counts in the clinic's accuracy.
          expect(await admin.call('stocktakes.verifySelection', { id: 1 })).toMatchObject({ reproduced: true, recorded: [1] });
          const acc = await admin.call('stocktakes.accuracy', { from: '2026-02', to: '2026-02', clinicId: 1 });
          expect(acc.rows[0].total).toMatchObject({ countedLines: 1, matchedLines: 1, matchRateBp: 10000 });
        }

        // The upgrade made a backup first, named and recorded like every backup, and restorable.
        if (v < latest) {
          const rows = app.db
            .prepare("SELECT file_name AS fileName, dir, verified, schema_version AS schemaVersion FROM backups WHERE reason = 'before-migration'")
            .all() as {
            fileName: string;
            dir: string;
            verified: number;
            schemaVersion: number;
          }[];
          expect(rows).toHaveLength(1);
          expect(rows[0]).toMatchObject({ dir: path.join(dataDir, 'backups'), verified: 1, schemaVersion: v });
          expect(parseBackupName(rows[0].fileName)).toMatchObject({ hub: FIXTURE_HUB, reason: 'before-migration' });
          expect(rows[0].fileName).toBe('santong-白沙镇卫生院-20260302-090000-before-migration.sqlite');
          const copy = new Database(path.join(rows[0].dir, rows[0].fileName), { readonly: true });
          expect(copy.pragma('user_version', { simple: true })).toBe(v);
          copy.close();
          const listed = await admin.call('backup.list', {});
          expect(listed.map((e) => [e.fileName, e.verified])).toEqual([[rows[0].fileName, true]]);
        }
      } finally {
        runtime.close();
      }
      // The fixture itself is never touched.
      expect(sha256(fixture)).toBe(fixtureHash);
    });
  }

  it('a backup from an older version is restored and upgraded on the way in', async () => {
    const hub = await createTestHub();
    try {
      const base64 = fs.readFileSync(path.join(FIXTURES, 'v1.sqlite')).toString('base64');
      const result = await hub.admin.call('backup.restore', { upload: { filename: 'v1.sqlite', base64 } });
      expect(result).toMatchObject({ fileSchemaVersion: 1, schemaVersion: latest, hubName: FIXTURE_HUB });
      const admin = new InternalClient(hub.runtime, '127.0.0.1');
      await admin.call('auth.login', { username: 'admin', password: FIXTURE_PASSWORD });
      expect((await admin.call('system.status', {})).hubName).toBe(FIXTURE_HUB);
      expect((await admin.call('system.integrityCheck', {})).ok).toBe(true);
    } finally {
      await hub.close();
    }
  });
});
