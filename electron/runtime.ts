import path from 'node:path';
import { openApp, type AppOptions, type SantongApp } from './app';

export type Profile = 'main' | 'demo';

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
 * separate file under demo/) and back out again without touching the real one.
 */
export class Runtime {
  app: SantongApp;
  profile: Profile;
  /** The LAN server's host, when this process serves the LAN (null in tests and a desktop app without one). */
  lan: LanHost | null = null;
  private readonly base: AppOptions;

  constructor(base: AppOptions, profile: Profile = base.demo ? 'demo' : 'main') {
    this.base = base;
    this.profile = profile;
    this.app = openApp(this.optionsFor(profile));
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

  switchTo(profile: Profile): SantongApp {
    if (profile === this.profile) return this.app;
    const next = openApp(this.optionsFor(profile));
    const previous = this.app;
    this.app = next;
    this.profile = profile;
    previous.close();
    return next;
  }

  close(): void {
    this.app.close();
  }
}
