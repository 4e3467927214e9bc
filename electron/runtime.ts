import fs from 'node:fs';
import path from 'node:path';
import { DB_FILE_NAME, openApp, systemClock, type AppOptions, type SantongApp } from './app';
import { AppError } from './errors';
import { loadMigrations } from './db/migrate';
import { migrationsDir } from './paths';
import { emptiedDatabaseProblem } from './domain/backup/recovery';
import { recordCleanClose, takeCleanClose } from './db/clean-close';
import type { DemoPreparer, Host, LanHost, RecoveryState, UploadedFile } from './domain/ports';
import type { FileInput } from '../shared/contract/common';
import { ownerOf, UPLOADS_DIR_NAME, UploadStore } from './domain/uploads/store';
import { diagnoseOpenFailure, quickCheckProblem } from './db/files';
import { quickCheckOffThread, type RunningCheck } from './db/off-thread';
import { startWalCheckpoints, type WalCheckpoints } from './db/wal-checkpoints';

export type Profile = 'main' | 'demo';

export interface RuntimeOptions {
  /**
   * When the live file is damaged, start in recovery mode (the API offers only a restore from backup)
   * instead of failing. On by default; a newer-version database still fails (install the new program).
   */
  recoveryMode?: boolean;
  /**
   * A file this large that needs its start-up check (not closed cleanly: a crash, a power cut) is
   * checked on a worker thread while the API answers DB_CHECKING, instead of before the server listens:
   * reading every page of a ten-year hub takes minutes. Default 64 MiB; smaller files take milliseconds.
   */
  checkInBackgroundFromBytes?: number;
  /** Builds the demo hub the first time it is entered (the start-up code gives `demo/ensure.ts`; none in most tests). */
  prepareDemo?: DemoPreparer;
}

/** The start-up check under way on a worker thread. */
export interface StartCheck {
  since: string;
  sizeBytes: number;
}

const DEFAULT_BACKGROUND_CHECK_BYTES = 64 * 2 ** 20;
const UPLOAD_SWEEP_MS = 60 * 60 * 1000;

export const dbCheckingError = () =>
  new AppError('DB_CHECKING', '三统上次没有正常关闭（如停电或强行关机），正在检查数据库是否完好。数据较多时需要几分钟，检查完成后即可继续使用，请稍候。');

export type { LanHost };

/**
 * The hub database the transports currently serve. A fresh install can step into the demo hub (a
 * separate file under demo/) and back out again without touching the real one. A restore replaces the
 * file and reopens it here; when the file is damaged the runtime holds no app, only `recovery`.
 */
export class Runtime implements Host {
  profile: Profile;
  /** The LAN server's host, when this process serves the LAN (null in tests and a desktop app without one). */
  lan: LanHost | null = null;
  /** Set while the live database is damaged; then `app` throws RECOVERY_MODE. */
  recovery: RecoveryState | null = null;
  /** Set while the start-up check runs on a worker thread; then `app` throws DB_CHECKING. */
  checking: StartCheck | null = null;
  /** Settles when the start-up check is over (at once when it ran before the constructor returned). */
  ready: Promise<void> = Promise.resolve();
  readonly latestSchemaVersion: number;
  private current: SantongApp | null = null;
  /** The app opened but held back until its check passes. */
  private held: { app: SantongApp; check: RunningCheck<{ problem: string | null }> } | null = null;
  /** Checkpoints of the open app's write-ahead log, off the thread that serves requests. */
  private walCheckpoints: WalCheckpoints | null = null;
  private readonly base: AppOptions;
  private readonly recoveryMode: boolean;
  private readonly backgroundCheckBytes: number;
  private readonly prepareDemo: DemoPreparer | null;
  /** Set once something serves requests: every app opened from then on starts its long-read worker at once. */
  private longReadsAhead = false;
  /** The closes of apps whose worker threads may still be stopping. */
  private readonly closing = new Set<Promise<void>>();
  /** Files the upload channel streamed to disk (under the real hub's data folder), waiting to be claimed. */
  readonly uploads: UploadStore;
  private readonly uploadSweep: NodeJS.Timeout;

  constructor(base: AppOptions, profile: Profile = base.demo ? 'demo' : 'main', opts: RuntimeOptions = {}) {
    this.base = base;
    this.profile = profile;
    this.recoveryMode = opts.recoveryMode ?? true;
    this.backgroundCheckBytes = opts.checkInBackgroundFromBytes ?? DEFAULT_BACKGROUND_CHECK_BYTES;
    this.prepareDemo = opts.prepareDemo ?? null;
    this.latestSchemaVersion = loadMigrations(migrationsDir()).length;
    const clock = base.clock ?? systemClock;
    this.uploads = new UploadStore(path.join(base.dataDir, UPLOADS_DIR_NAME), () => clock.now().getTime());
    // Nothing from an earlier run can be claimed any more.
    this.uploads.sweep();
    this.uploadSweep = setInterval(() => this.uploads.sweep(), UPLOAD_SWEEP_MS);
    this.uploadSweep.unref();
    this.open({ background: this.recoveryMode });
  }

  uploadedFile(file: FileInput, sessionToken: string | null | undefined): UploadedFile {
    if ('base64' in file) return { filename: file.filename, bytes: Buffer.from(file.base64, 'base64') };
    const claimed = this.uploads.claim(file.uploadId, ownerOf(sessionToken));
    return { filename: file.filename, path: claimed.file, sizeBytes: claimed.sizeBytes };
  }

  get app(): SantongApp {
    if (this.checking) throw dbCheckingError();
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
    return profile === 'demo' ? { ...this.base, dataDir: path.join(this.base.dataDir, 'demo'), demo: true } : { ...this.base, demo: false };
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
   * recovery mode (or throws, with recovery mode off); any other failure throws. With `background`, a
   * large file is checked on a worker thread and the app is held back until the check passes.
   */
  private open(opts: { background: boolean }): SantongApp | null {
    const appOptions = this.optionsFor(this.profile);
    const emptied = emptiedDatabaseProblem(appOptions.dataDir, this.dbFile);
    if (emptied) return this.enterRecovery(emptied, null);
    // Untouched since a clean shutdown: known good, no need to read every page again (recovery.ts).
    const unchanged = takeCleanClose(this.dbFile);
    let app: SantongApp;
    try {
      app = openApp(appOptions);
    } catch (err) {
      const damage = diagnoseOpenFailure(err);
      if (!damage) throw err;
      return this.enterRecovery(damage, err);
    }
    if (unchanged) return this.use(app);
    const sizeBytes = fs.statSync(this.dbFile).size;
    if (opts.background && sizeBytes >= this.backgroundCheckBytes) {
      this.checkInBackground(app, sizeBytes);
      return null;
    }
    return this.useIfSound(app, quickCheckProblem(app.db));
  }

  private use(app: SantongApp): SantongApp {
    this.current = app;
    this.recovery = null;
    this.checking = null;
    if (this.walCheckpoints) this.keepUntilDone(this.walCheckpoints.stop());
    this.walCheckpoints = startWalCheckpoints(app.db, app.dbFile, { writeGate: app.writeGate });
    if (this.longReadsAhead) void app.longReads.start();
    return app;
  }

  /**
   * Starts the long-read worker now (and that of every app opened later: a restore, the demo hub), so the
   * first person to open a long read does not wait for a thread to load. Called once the server listens; it
   * returns at once, the worker loads on its own thread.
   */
  startLongReadsAhead(): void {
    this.longReadsAhead = true;
    void this.current?.longReads.start();
  }

  /** Closes an app, keeping its close until its worker threads have exited (`stopped`). */
  private closeApp(app: SantongApp): void {
    this.keepUntilDone(app.close());
  }

  private keepUntilDone(done: Promise<void>): void {
    const kept = done.catch(() => undefined);
    this.closing.add(kept);
    void kept.finally(() => this.closing.delete(kept));
  }

  /** Settles once every app closed so far has stopped its worker threads. */
  async stopped(): Promise<void> {
    while (this.closing.size) await Promise.all([...this.closing]);
  }

  /** Stops the open app's background work, then closes it. */
  private closeCurrent(): SantongApp | null {
    const app = this.current;
    this.current = null;
    // A checkpoint under way has a connection of its own on the file: the close waits for it too.
    if (this.walCheckpoints) this.keepUntilDone(this.walCheckpoints.stop());
    this.walCheckpoints = null;
    if (app) this.closeApp(app);
    return app;
  }

  /** Checkpoints of the open app's log (tests call tick() to run one now). */
  get checkpoints(): WalCheckpoints | null {
    return this.walCheckpoints;
  }

  private useIfSound(app: SantongApp, problem: string | null): SantongApp | null {
    if (!problem) return this.use(app);
    this.closeApp(app);
    this.checking = null;
    return this.enterRecovery(problem, null);
  }

  private checkInBackground(app: SantongApp, sizeBytes: number): void {
    this.current = null;
    this.recovery = null;
    this.checking = { since: (this.base.clock ?? systemClock).now().toISOString(), sizeBytes };
    console.log(`[santong] 上次未正常关闭，正在后台检查数据库（${(sizeBytes / 2 ** 20).toFixed(0)} MB）/ checking the database after an unclean shutdown`);
    const check = quickCheckOffThread(this.dbFile);
    const held = { app, check };
    this.held = held;
    this.ready = check.done.then(
      ({ problem }) => {
        if (this.held !== held) return; // closed meanwhile
        this.held = null;
        this.useIfSound(app, problem);
      },
      (err: unknown) => {
        if (this.held !== held) return;
        this.held = null;
        // The worker itself failed (not the file): check on this thread as before rather than guess.
        console.error(`[santong] background check failed (${(err as Error).message}); checking on the main thread`);
        this.useIfSound(app, quickCheckProblem(app.db));
      },
    );
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
  async reopen(swap?: () => void): Promise<SantongApp> {
    this.closeCurrent();
    // The closed app's worker threads must be gone before the file is swapped: the last connection to close
    // deletes the WAL by its path, which by then would be the swapped-in file's (its committed rows lost).
    await this.stopped();
    swap?.();
    const app = this.open({ background: false });
    if (!app) throw new AppError('RECOVERY_MODE', this.recovery?.problem ?? '数据库无法打开');
    return app;
  }

  async enterDemo(): Promise<void> {
    if (!this.prepareDemo) throw new AppError('INVALID_STATE', '本程序没有提供演示卫生院');
    this.switchTo('demo');
    await this.prepareDemo(this);
  }

  leaveDemo(): void {
    this.switchTo('main');
  }

  switchTo(profile: Profile): SantongApp {
    if (profile === this.profile && this.current) return this.current;
    const next = openApp(this.optionsFor(profile));
    this.closeCurrent();
    this.profile = profile;
    return this.use(next);
  }

  /** Closes the open app; the promise settles once its worker threads have exited (tests await it). */
  close(): Promise<void> {
    clearInterval(this.uploadSweep);
    if (this.held) {
      // Closed before its check finished: no clean-close record, so the next start checks again.
      this.held.check.stop();
      this.closeApp(this.held.app);
      this.held = null;
      this.checking = null;
    }
    const app = this.closeCurrent();
    if (app) recordCleanClose(app.dbFile);
    return this.stopped();
  }
}
