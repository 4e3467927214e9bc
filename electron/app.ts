import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type Db } from './db/database';
import { loadMigrations, migrate, schemaVersion, type MigrateResult } from './db/migrate';
import { appVersion, migrationsDir } from './paths';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface AppOptions {
  dataDir: string;
  /** Demo mode: the demo hub and its published passwords exist only here. */
  demo?: boolean;
  clock?: Clock;
  /** Validate every handler's output against the contract (tests turn this on). */
  validateOutputs?: boolean;
}

/** One open hub: the database file and everything the handlers need, shared by IPC and HTTP. */
export interface SantongApp {
  readonly dataDir: string;
  readonly dbFile: string;
  readonly backupDir: string;
  /** The writer connection; all writes and their audit rows go through it. */
  readonly db: Db;
  /** A read-only connection for read methods. */
  readonly readDb: Db;
  readonly demo: boolean;
  readonly version: string;
  readonly schemaVersion: number;
  readonly validateOutputs: boolean;
  readonly migration: MigrateResult;
  clock: Clock;
  close(): void;
}

export const DB_FILE_NAME = 'santong.sqlite';

export function openApp(opts: AppOptions): SantongApp {
  const clock = opts.clock ?? systemClock;
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const dbFile = path.join(opts.dataDir, DB_FILE_NAME);
  const backupDir = path.join(opts.dataDir, 'backups');
  const db = openDatabase(dbFile);
  let readDb: Db | undefined;
  try {
    const migration = migrate(db, loadMigrations(migrationsDir()), { backupDir, now: clock.now() });
    readDb = openDatabase(dbFile, { readonly: true });
    const app: SantongApp = {
      dataDir: opts.dataDir,
      dbFile,
      backupDir,
      db,
      readDb,
      demo: opts.demo ?? false,
      version: appVersion(),
      schemaVersion: schemaVersion(db),
      validateOutputs: opts.validateOutputs ?? false,
      migration,
      clock,
      close() {
        readDb?.close();
        db.close();
      },
    };
    return app;
  } catch (err) {
    readDb?.close();
    db.close();
    throw err;
  }
}
