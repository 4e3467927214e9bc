import { defineConfig } from '@playwright/test';

/** End-to-end tests drive Debian's Chromium (never a downloaded browser) against the real headless server. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Chromium always runs on the machine's real clock: under `npm run test:other-day` the tests and the servers
 * run under libfaketime, whose preload Chromium's zygote does not survive. (The pages' own clock is set by the
 * fixtures, wrong on purpose.)
 */
export const browserEnv = Object.fromEntries(
  Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && e[0] !== 'LD_PRELOAD' && !e[0].startsWith('FAKETIME')),
);

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  workers: 2,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    headless: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    // Dialogs and popovers appear at once (the app honours reduced motion): no click lands mid-animation.
    reducedMotion: 'reduce',
    viewport: { width: 1366, height: 820 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      env: browserEnv,
    },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
