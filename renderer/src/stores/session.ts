import { create } from 'zustand';
import type { z } from 'zod';
import type { sessionUser, systemStatus } from '../../../shared/contract/auth';
import { ApiError, call } from '../api/client';
import { syncHubClock } from '../components/hubClock';

type SessionUser = z.infer<typeof sessionUser>;
type SystemStatus = z.infer<typeof systemStatus>;

/**
 * 'recovery': the server's database file is damaged; only restoring a backup is possible.
 * 'checking': the server started after an unclean shutdown and is still checking its database.
 */
export type Phase = 'loading' | 'unreachable' | 'setup' | 'login' | 'ready' | 'recovery' | 'checking';

interface SessionState {
  phase: Phase;
  status: SystemStatus | null;
  user: SessionUser | null;
  loadError: string | null;
  /** Asks the server where we stand: first-run setup, login, or signed in. */
  load(): Promise<void>;
  signedIn(user: SessionUser): void;
  signedOut(): void;
  logout(): Promise<void>;
  recoveryMode(): void;
}

export const useSession = create<SessionState>((set, get) => ({
  phase: 'loading',
  status: null,
  user: null,
  loadError: null,

  async load() {
    try {
      const status = await call('system.status');
      syncHubClock(status.now);
      if (status.setupRequired) return set({ status, phase: 'setup', user: null, loadError: null });
      try {
        const { user } = await call('auth.me');
        set({ status, user, phase: 'ready', loadError: null });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        set({ status, user: null, phase: 'login', loadError: null });
      }
    } catch (err) {
      if (err instanceof ApiError && err.code === 'RECOVERY_MODE') return set({ phase: 'recovery', user: null, status: null, loadError: null });
      if (err instanceof ApiError && err.code === 'DB_CHECKING') return set({ phase: 'checking', user: null, status: null, loadError: err.message });
      set({ phase: 'unreachable', loadError: (err as Error).message });
    }
  },

  recoveryMode() {
    set({ phase: 'recovery', user: null, status: null });
  },

  signedIn(user) {
    set({ user, phase: 'ready' });
    if (!get().status || get().status?.setupRequired) void get().load();
  },

  signedOut() {
    set({ user: null, phase: get().status?.setupRequired ? 'setup' : 'login' });
  },

  async logout() {
    await call('auth.logout').catch(() => undefined);
    get().signedOut();
  },
}));
