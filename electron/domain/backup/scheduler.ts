import type { Host } from '../ports';
import { sql } from '../../db/database';
import { backupNow, dailyBackupDoneToday } from './backup';

export interface SchedulerState {
  running: boolean;
  lastCheckAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

const states = new WeakMap<Host, SchedulerState>();

export function schedulerState(host: Host): SchedulerState {
  return states.get(host) ?? { running: false, lastCheckAt: null, lastError: null, lastErrorAt: null };
}

export interface BackupScheduler {
  /** One check: makes today's daily backup if there is none yet. Never throws. */
  tick(): Promise<void>;
  stop(): void;
}

export const HOUR_MS = 60 * 60 * 1000;

/**
 * The automatic daily backup, started by the headless server and by the desktop app alike: shortly
 * after start and then every hour, if today (China time) has no daily backup yet, one is made. Timers
 * are unref'd so they never keep the process alive; stop() on shutdown. Demo hubs and recovery mode
 * are skipped, and so is a hub not set up yet. A failure (USB disk unplugged, share offline) is kept for the backup page to show.
 */
export function startBackupScheduler(host: Host, opts: { intervalMs?: number; firstDelayMs?: number } = {}): BackupScheduler {
  const state: SchedulerState = { running: true, lastCheckAt: null, lastError: null, lastErrorAt: null };
  states.set(host, state);
  let inFlight: Promise<void> | null = null;

  const check = async (): Promise<void> => {
    const app = host.openApp;
    if (!state.running || !app || app.demo) return;
    const now = app.clock.now();
    state.lastCheckAt = now.toISOString();
    try {
      // A hub not set up yet has nothing worth keeping.
      if ((sql(app.db, 'SELECT count(*) AS n FROM users').get() as { n: number }).n === 0) return;
      if (dailyBackupDoneToday(app)) return;
      const entry = await backupNow(app, 'daily');
      if (entry.verified) {
        state.lastError = null;
        state.lastErrorAt = null;
      } else {
        state.lastError = `每日备份已写入但校验未通过：${entry.problem ?? ''}`;
        state.lastErrorAt = now.toISOString();
      }
    } catch (err) {
      state.lastError = `每日自动备份失败：${(err as Error).message}`;
      state.lastErrorAt = now.toISOString();
      console.error(`[santong] ${state.lastError}`);
    }
  };

  const tick = (): Promise<void> => {
    inFlight ??= check().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  const first = setTimeout(() => void tick(), opts.firstDelayMs ?? 5_000);
  const every = setInterval(() => void tick(), opts.intervalMs ?? HOUR_MS);
  first.unref();
  every.unref();

  return {
    tick,
    stop() {
      state.running = false;
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
