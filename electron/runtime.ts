import path from 'node:path';
import { openApp, type AppOptions, type SantongApp } from './app';

export type Profile = 'main' | 'demo';

/**
 * The hub database the transports currently serve. A fresh install can step into the demo hub (a
 * separate file under demo/) and back out again without touching the real one.
 */
export class Runtime {
  app: SantongApp;
  profile: Profile;
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
