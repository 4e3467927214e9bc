import type { WriteDb } from './db/database';
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { APPLICATION_ID, openDatabase, type ReadDb } from './db/database';
import { loadMigrations, migrate, schemaVersion } from './db/migrate';
import { SchemaMismatchError, schemaProblems } from './db/schema';
import { appVersion, migrationsDir } from './paths';
import { migrationBackupDir, recordMigrationBackup } from './domain/backup/backup';
import { LongReadWorker } from './db/long-read-pool';
import { WriteGate } from './db/write-gate';
import type { Clock, OpenHub } from './domain/ports';
import { backupName } from './domain/backup/names';
import { defaultBackupDir } from './domain/backup/settings';

export type { Clock };

export const systemClock: Clock = { now: () => new Date() };

/** A clock that starts at `start` and runs at real speed from there (`serve --clock`, for training and tests). */
export function offsetClock(start: Date): Clock {
  const offset = start.getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

export interface AppOptions {
  dataDir: string;
  /** Demo mode: the demo hub and its published passwords exist only here. */
  demo?: boolean;
  clock?: Clock;
  /** Validate every handler's output against the contract (tests turn this on). */
  validateOutputs?: boolean;
  /** A pre-migration copy this large is checked in the background (default 64 MiB; tests lower it). */
  migrationCopyBackgroundFromBytes?: number;
}

/**
 * One open hub: the database file and everything the handlers need, shared by IPC and HTTP. Handlers see
 * it through the OpenHub port (domain/ports.ts); the rest is for the dispatcher and the host.
 */
export interface SantongApp extends OpenHub {
  /** The worker thread that runs the long reads (api/long-reads.ts) on a read-only connection of its own. */
  readonly longReads: LongReadWorker;
  readonly validateOutputs: boolean;
  /** Settles when the copy made before this start's migration is checked and recorded (a large one in the background). */
  migrationBackupRecorded: Promise<void>;
  /** Seeded by the demo history simulator while it plays (OpenHub's is read-only to handlers). */
  drawSeed: () => number;
  clock: Clock;
  /** Closes the connections now; settles once the long-read worker's thread has exited too. */
  close(): Promise<void>;
}

export const DB_FILE_NAME = 'santong.sqlite';

/**
 * Before anything runs on the file (a migration's UPDATEs would fire a planted trigger): a Santong database of a
 * version this program knows must hold exactly that version's objects. A newer or foreign file is left to
 * the migration runner, which refuses it with its own message.
 */
function assertSchemaOfItsVersion(db: WriteDb, migrations: ReturnType<typeof loadMigrations>): void {
  if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID) return;
  const version = schemaVersion(db);
  if (version < 1 || version > migrations.length) return;
  const problems = schemaProblems(db, version, migrations);
  if (problems.length) throw new SchemaMismatchError(version, problems);
}

export function openApp(opts: AppOptions): SantongApp {
  const clock = opts.clock ?? systemClock;
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const dbFile = path.join(opts.dataDir, DB_FILE_NAME);
  const backupDir = defaultBackupDir(opts.dataDir);
  const db = openDatabase(dbFile);
  let readDb: ReadDb | undefined;
  try {
    const now = clock.now();
    const migrations = loadMigrations(migrationsDir());
    assertSchemaOfItsVersion(db, migrations);
    const migrationDir = migrationBackupDir(opts.dataDir);
    const migration = migrate(db, migrations, {
      backupDir: migrationDir,
      now,
      // Named like every other backup, in the chosen folder, so it is listed and can be restored.
      backupName: (source) => {
        let hub: string | null = null;
        try {
          hub = (source.prepare("SELECT value FROM settings WHERE key = 'hub.name'").get() as { value: string } | undefined)?.value ?? null;
        } catch {
          /* a database too old or too broken to say */
        }
        for (let n = 0; ; n++) {
          const name = backupName(hub, now, 'before-migration', n);
          if (!fs.existsSync(path.join(migrationDir, name))) return name;
        }
      },
    });
    readDb = openDatabase(dbFile, { readonly: true });
    const app: SantongApp = {
      dataDir: opts.dataDir,
      dbFile,
      backupDir,
      db,
      readDb,
      writeGate: new WriteGate(),
      longReads: new LongReadWorker(dbFile),
      demo: opts.demo ?? false,
      version: appVersion(),
      schemaVersion: schemaVersion(db),
      validateOutputs: opts.validateOutputs ?? false,
      migration,
      migrationBackupRecorded: Promise.resolve(),
      clock,
      drawSeed: () => randomInt(0, 2 ** 32),
      close() {
        const workerStopped = app.longReads.close();
        readDb?.close();
        db.close();
        return workerStopped;
      },
    };
    const recordingFailed = (err: unknown) => console.error('[santong] could not record the pre-migration backup:', (err as Error).message);
    try {
      app.migrationBackupRecorded = recordMigrationBackup(app, opts.migrationCopyBackgroundFromBytes).catch(recordingFailed);
    } catch (err) {
      recordingFailed(err);
    }
    return app;
  } catch (err) {
    readDb?.close();
    db.close();
    throw err;
  }
}
