/**
 * What the domain may know of the process it runs in, as two small ports. The concrete classes live a floor
 * up (`app.ts` opens a hub, `runtime.ts` hosts it) and implement these; handlers and workflows see only the
 * ports, so the domain never depends on start-up, transports or the process lifecycle.
 */
import type { ReadDb, WriteDb } from '../db/database';
import type { MigrateResult } from '../db/migrate';
import type { WriteGate } from '../db/write-gate';
import type { FileInput } from '../../shared/contract/common';

export interface Clock {
  now(): Date;
}

/** What a handler may know of the open hub: its files, connections, clock and identity. */
export interface OpenHub {
  readonly dataDir: string;
  readonly dbFile: string;
  /** The default backup folder; the administrator may choose another (backup-settings.json). */
  readonly backupDir: string;
  /** The writer connection; all writes and their audit rows go through it. */
  readonly db: WriteDb;
  /** A read-only connection for read methods. */
  readonly readDb: ReadDb;
  /** Held while a worker thread writes the file (a catalog import): writes on this thread await it (db/write-gate.ts). */
  readonly writeGate: WriteGate;
  readonly demo: boolean;
  readonly version: string;
  readonly schemaVersion: number;
  /** What the migration at this start did (and where its pre-migration copy is). */
  readonly migration: MigrateResult;
  readonly clock: Clock;
  /**
   * Where spot-check draws get their seed. Crypto random for every real hub; only the demo history simulator
   * swaps in a seeded source while it plays (as it swaps the clock), so the demo hub comes out the same each time.
   */
  drawSeed: () => number;
}

/** The open hub as a read method's handler sees it: its writer connection typed as a reader. */
export type ReadableHub = Omit<OpenHub, 'db'> & { readonly db: ReadDb };

/** Set while the live database is damaged: the host then serves only a restore from backup. */
export interface RecoveryState {
  problem: string;
  dataDir: string;
  dbFile: string;
  since: string;
}

/**
 * Whoever serves the village clinics over the LAN reports through this: the desktop app's controller,
 * which follows the settings, or the headless server, which follows its command-line flags.
 */
export interface LanHost {
  /** True when the LAN settings decide (desktop app); false when `npm run serve` flags do. */
  readonly managed: boolean;
  state(): { running: boolean; urls: string[]; error: string | null };
  /** Called by the write that changed the LAN settings; acts once that write has committed. */
  settingsChanged(): void;
}

/**
 * A file a method was given: its bytes when they came in the request as base64, or the file on disk the upload
 * channel wrote (whoever receives the path owns the file from then on: it reads and removes it, or renames it).
 */
export type UploadedFile = { filename: string; bytes: Buffer } | { filename: string; path: string; sizeBytes: number };

/** The few host operations a handler may ask for. */
export interface Host {
  /** Which hub is open: the real one, or the separate demo hub of a fresh install. */
  readonly profile: 'main' | 'demo';
  /** The current profile's data folder and database file (the demo hub's are under demo/). */
  readonly dataDir: string;
  readonly dbFile: string;
  /** The real hub's data folder: the LAN's certificates live there whichever hub is open. */
  readonly mainDataDir: string;
  /** The schema version this program brings (a restored file may be older, never newer). */
  readonly latestSchemaVersion: number;
  readonly recovery: RecoveryState | null;
  /** The open hub, or null in recovery mode. */
  readonly openApp: OpenHub | null;
  /** The LAN server's host, when this process serves the LAN (null in tests and a desktop app without one). */
  readonly lan: LanHost | null;
  /** Steps into the demo hub (made the first time by the demo preparer the start-up code gave the host). */
  enterDemo(): Promise<void>;
  /** Steps back out of the demo hub to the real one. */
  leaveDemo(): void;
  /**
   * Closes the database, lets `swap` replace the files (a restore), and opens it again: migrated when older,
   * checked, or in recovery mode when damaged. Throws when the reopened file cannot be used.
   */
  reopen(swap?: () => void): Promise<OpenHub>;
  /**
   * The file of a fileInput. An `{uploadId}` is claimed once, only by the session (token) that uploaded it; any
   * other answers NOT_FOUND, as an expired or used one does.
   */
  uploadedFile(file: FileInput, sessionToken: string | null | undefined): UploadedFile;
}

/** Builds the demo hub into a freshly opened demo database (start-up code provides it: `demo/ensure.ts`). */
export type DemoPreparer = (host: Host) => Promise<void>;
