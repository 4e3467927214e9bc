import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, type Browser, expect, type Page } from '@playwright/test';

export interface ServerHandle {
  url: string;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOT_DIR = path.join(root, 'test-results', 'screenshots');

/**
 * The hub's clock in a test that does not care which day it is. Every server a test starts is given a
 * clock, so no test depends on the day, the year or the zone it runs in (`tests/unit/test-clocks.test.ts`
 * holds every test to it; CI runs the browser tests again under a fake system date in a later year).
 */
export const E2E_CLOCK = '2026-03-16T09:00:00+08:00';

/** Starts the built headless server (`dist/electron/serve.cjs`) on a free port with a fresh data folder and its own clock. */
export async function startServer(opts: {
  demo?: boolean;
  dataDir?: string;
  /** The instant the server's clock starts at (ISO, with its offset): required, the wall clock decides nothing in a test. */
  clock: string;
  /** Serve HTTPS with the hub's own certificate (a secure context for the camera); browsers then need ignoreHTTPSErrors. */
  https?: boolean;
}): Promise<ServerHandle> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'santong-e2e-'));
  const args = [
    path.join(root, 'dist/electron/serve.cjs'),
    '--data',
    dataDir,
    '--port',
    '0',
    ...(opts.demo ? ['--demo'] : []),
    ...(opts.https ? ['--https'] : []),
    '--clock',
    opts.clock,
  ];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Santong is running: (https?:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return {
    url,
    dataDir,
    process: child,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/**
 * A full-page PNG of what the page shows, named `<name>.png` in `dir` (test-results/screenshots unless given), and a
 * copy in `SHOTS_DIR` when that is set (a branch's folder of screenshots that people open and read).
 */
export async function screenshot(page: Page, name: string, dir = SCREENSHOT_DIR): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const shots = process.env.SHOTS_DIR;
  if (shots && path.resolve(shots) !== path.resolve(dir)) {
    fs.mkdirSync(shots, { recursive: true });
    fs.copyFileSync(file, path.join(shots, `${name}.png`));
  }
}

/**
 * Waits until the page's `@page` rule names this paper size (as the print page writes it, e.g. '241mm 279.4mm'):
 * the paper switch re-renders after the click, and a PDF taken before that would still have the previous size.
 */
export async function expectPaper(page: Page, size: string): Promise<void> {
  // Text matching skips <style>, so the rule is read from the DOM directly.
  await page.waitForFunction((rule) => [...document.querySelectorAll('style')].some((s) => s.textContent?.includes(rule)), `@page { size: ${size};`);
}

/**
 * A page in a new browser context of the given width: 390 is a phone (touch, mobile viewport, 844 high), any other
 * width a desk screen (768 high at 1366 unless a height is given, else 900).
 */
/**
 * Types into a searchable select and picks, with Enter as a person does, the option holding `text` — once it is
 * listed: the options come from a request that may still be on its way when the dialog opens, and Enter before they
 * are in picks nothing (the capstone's receipt once went on with no order chosen).
 */
export async function pickOption(page: Page, label: string, text: string): Promise<void> {
  const select = page.getByLabel(label);
  await select.fill(text);
  await expect(page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: text }).first()).toBeVisible();
  await select.press('Enter');
}

export async function newDevicePage(browser: Browser, width: number, height?: number): Promise<Page> {
  const context =
    width === 390
      ? await browser.newContext({ viewport: { width: 390, height: height ?? 844 }, isMobile: true, hasTouch: true })
      : await browser.newContext({ viewport: { width, height: height ?? (width === 1366 ? 768 : 900) } });
  return context.newPage();
}

/** A spec's `shot(page, name)`: its screenshots all go to one folder under test-results/screenshots (e.g. 'trace'). */
export function shotsIn(folder: string): (page: Page, name: string) => Promise<void> {
  return (page, name) => screenshot(page, name, path.join(SCREENSHOT_DIR, folder));
}

/**
 * One server for the whole spec file, started before its first test and stopped (its data folder removed) after
 * the last: for serial specs whose tests build on each other's hub. Returns the handle the hooks fill in, so the
 * spec reads `server.url` inside its tests.
 */
export function serverForFile(opts: Partial<Parameters<typeof startServer>[0]> = {}): ServerHandle {
  const server = {} as ServerHandle;
  test.beforeAll(async () => {
    // The demo hub is simulated month by month through the real handlers: minutes on a loaded 2-core machine.
    if (opts.demo) test.setTimeout(300_000);
    Object.assign(server, await startServer({ clock: E2E_CLOCK, ...opts }));
  });
  test.afterAll(async () => {
    if (server.process) await dispose(server);
  });
  return server;
}

export { login } from './pages/app';

/**
 * The device's own clock in every browser of the tests: wrong on purpose (years ahead, and the zone is not
 * China's), as a village doctor's phone may be. Pages count days by the hub's clock, so nothing a test sees
 * may depend on this one.
 */
export const DEVICE_CLOCK = '2031-01-01T20:30:00Z';
export const DEVICE_ZONE = 'America/Los_Angeles';

/**
 * A fresh, empty hub server per test file. A worker runs several files one after another, so the server
 * is kept per worker but replaced whenever a test of another file asks for it (a worker-scoped server
 * alone would hand the second file a hub the first one already set up).
 */
export const test = base.extend<{ server: ServerHandle }, { serverPerFile: { file?: string; server?: ServerHandle } }>({
  context: async ({ context }, use) => {
    await context.clock.install({ time: DEVICE_CLOCK });
    await use(context);
  },
  timezoneId: DEVICE_ZONE,
  serverPerFile: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern; this one has none
    async ({}, use) => {
      const slot: { file?: string; server?: ServerHandle } = {};
      await use(slot);
      if (slot.server) await dispose(slot.server);
    },
    { scope: 'worker' },
  ],
  server: async ({ serverPerFile }, use, testInfo) => {
    if (!serverPerFile.server || serverPerFile.file !== testInfo.file) {
      if (serverPerFile.server) await dispose(serverPerFile.server);
      serverPerFile.server = await startServer({ clock: E2E_CLOCK });
      serverPerFile.file = testInfo.file;
    }
    await use(serverPerFile.server);
  },
});

async function dispose(server: ServerHandle): Promise<void> {
  await server.stop();
  fs.rmSync(server.dataDir, { recursive: true, force: true });
}

export { expect };
