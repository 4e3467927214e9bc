import path from 'node:path';
import { DB_FILE_NAME, openApp, systemClock, type AppOptions, type SantongApp } from './app';
import { AppError } from './errors';
import { loadMigrations } from './db/migrate';
import { migrationsDir } from './paths';
import { diagnoseOpenFailure, emptiedDatabaseProblem, quickCheckProblem, recordCleanClose, takeCleanClose, type RecoveryState } from './domain/backup/recovery';

export type Profile = 'main' | 'demo';

export interface RuntimeOptions {
  /**
   * When the live file is damaged, start in recovery mode (the API offers only a restore from backup)
   * instead of failing. On by default; a newer-version database still fails (install the new program).
   */
  recoveryMode?: boolean;
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
 * The hub database the transports currently serve. A fresh install can step into the demo hub (a
 * separate file under demo/) and back out again without touching the real one. A restore replaces the
 * file and reopens it here; when the file is damaged the runtime holds no app, only `recovery`.
 */
export class Runtime {
  profile: Profile;
  /** The LAN server's host, when this process serves the LAN (null in tests and a desktop app without one). */
  lan: LanHost | null = null;
  /** Set while the live database is damaged; then `app` throws RECOVERY_MODE. */
  recovery: RecoveryState | null = null;
  readonly latestSchemaVersion: number;
  private current: SantongApp | null = null;
  private readonly base: AppOptions;
  private readonly recoveryMode: boolean;

  constructor(base: AppOptions, profile: Profile = base.demo ? 'demo' : 'main', opts: RuntimeOptions = {}) {
    this.base = base;
    this.profile = profile;
    this.recoveryMode = opts.recoveryMode ?? true;
    this.latestSchemaVersion = loadMigrations(migrationsDir()).length;
    this.open();
  }

  get app(): SantongApp {
    if (!this.current) {
      throw new AppError('RECOVERY_MODE', '数据库文件已损坏，系统处于恢复模式。请在卫生院电脑上打开三统，从备份恢复数据。');
    }
    return this.current;
  }

  /** The open app, or null in recovery mode. */
  get openApp(): SantongApp | null {
    return this.current;
  }

  private optionsFor(profile: Profile): AppOptions {
    return profile === 'demo'
      ? { ...this.base, dataDir: path.join(this.base.dataDir, 'demo'), demo: true }
      : { ...this.base, demo: false };
  }

  /** Where the main (non-demo) hub keeps its data, whichever profile is open. */
  get mainDataDir(): string {
    return this.base.dataDir;
  }

  /** The current profile's data folder and database file (known even in recovery mode). */
  get dataDir(): string {
    return this.optionsFor(this.profile).dataDir;
  }

  get dbFile(): string {
    return path.join(this.dataDir, DB_FILE_NAME);
  }

  /**
   * Opens the current profile's database, checking it first. A damaged file puts the runtime in
   * recovery mode (or throws, with recovery mode off); any other failure throws.
   */
  private open(): SantongApp | null {
    const opts = this.optionsFor(this.profile);
    const emptied = emptiedDatabaseProblem(opts.dataDir, this.dbFile);
    if (emptied) return this.enterRecovery(emptied, null);
    // Untouched since a clean shutdown: known good, no need to read every page again (recovery.ts).
    const unchanged = takeCleanClose(this.dbFile);
    let app: SantongApp;
    try {
      app = openApp(opts);
    } catch (err) {
      const damage = diagnoseOpenFailure(err);
      if (!damage) throw err;
      return this.enterRecovery(damage, err);
    }
    const problem = unchanged ? null : quickCheckProblem(app.db);
    if (problem) {
      app.close();
      return this.enterRecovery(problem, null);
    }
    this.current = app;
    this.recovery = null;
    return app;
  }

  private enterRecovery(problem: string, cause: unknown): null {
    if (!this.recoveryMode) throw cause ?? new AppError('RECOVERY_MODE', problem);
    this.current = null;
    this.recovery = { problem, dataDir: this.dataDir, dbFile: this.dbFile, since: (this.base.clock ?? systemClock).now().toISOString() };
    console.error(`[santong] 数据库文件损坏，进入恢复模式 / database damaged, recovery mode: ${problem}`);
    return null;
  }

  /**
   * Closes the database, lets `swap` replace the files (restore), and opens it again: migrated when
   * older, checked, or in recovery mode when damaged. Throws when the reopened file cannot be used;
   * the runtime then holds no app until the next reopen.
   */
  reopen(swap?: () => void): SantongApp {
    const previous = this.current;
    this.current = null;
    previous?.close();
    swap?.();
    const app = this.open();
    if (!app) throw new AppError('RECOVERY_MODE', this.recovery?.problem ?? '数据库无法打开');
    return app;
  }

  switchTo(profile: Profile): SantongApp {
    if (profile === this.profile && this.current) return this.current;
    const next = openApp(this.optionsFor(profile));
    const previous = this.current;
    this.current = next;
    this.profile = profile;
    this.recovery = null;
    previous?.close();
    return next;
  }

  close(): void {
    const app = this.current;
    this.current = null;
    if (app) {
      app.close();
      recordCleanClose(app.dbFile);
    }
  }
}
