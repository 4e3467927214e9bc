import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';

export interface ServerHandle {
  url: string;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOT_DIR = path.join(root, 'test-results', 'screenshots');

/** Starts the built headless server (`dist/electron/serve.cjs`) on a free port with a fresh data folder. */
export async function startServer(opts: { demo?: boolean; dataDir?: string; /** the server clock's start, an ISO instant */ clock?: string } = {}): Promise<ServerHandle> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'santong-e2e-'));
  const args = [
    path.join(root, 'dist/electron/serve.cjs'),
    '--data',
    dataDir,
    '--port',
    '0',
    ...(opts.demo ? ['--demo'] : []),
    ...(opts.clock ? ['--clock', opts.clock] : []),
  ];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Santong is running: (http:\/\/\S+)/.exec(output);
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

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Logs in through the login form. */
export async function login(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

/**
 * A fresh, empty hub server per test file. A worker runs several files one after another, so the server
 * is kept per worker but replaced whenever a test of another file asks for it (a worker-scoped server
 * alone would hand the second file a hub the first one already set up).
 */
export const test = base.extend<{ server: ServerHandle }, { serverPerFile: { file?: string; server?: ServerHandle } }>({
  serverPerFile: [
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
      serverPerFile.server = await startServer();
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
