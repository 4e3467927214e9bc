import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { Runtime } from '../../electron/runtime';
import { monthFactsSettled } from '../../electron/domain/month-facts/background';
import type { Clock } from '../../electron/app';
import type { Role } from '../../shared/contract';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current = new Date('2026-03-02T01:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export function tempDir(prefix = 'santong-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** For a test file (call at its top level): makes temporary folders, each removed after the test that made it. */
export function scratchDirs(): (prefix?: string) => string {
  const made: string[] = [];
  afterEach(() => made.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  return (prefix) => {
    const dir = tempDir(prefix);
    made.push(dir);
    return dir;
  };
}

export interface TestHub {
  runtime: Runtime;
  dataDir: string;
  clock: ManualClock;
  admin: InternalClient;
  /** Closes the hub, waits for its long-read worker to stop and for any month-facts job its closes started, then removes its folder. */
  close(): Promise<void>;
}

export const ADMIN_PASSWORD = 'Admin12345';

/** A real hub in a temporary folder, set up through the real first-run handler. */
export async function createTestHub(opts: { clock?: ManualClock; dataDir?: string } = {}): Promise<TestHub> {
  const dataDir = opts.dataDir ?? tempDir();
  const clock = opts.clock ?? new ManualClock();
  const runtime = new Runtime({ dataDir, clock, validateOutputs: true });
  const admin = new InternalClient(runtime, '127.0.0.1');
  await admin.call('setup.initialize', { hubName: '测试镇卫生院', adminUsername: 'admin', adminDisplayName: '管理员', adminPassword: ADMIN_PASSWORD });
  return {
    runtime,
    dataDir,
    clock,
    admin,
    close: async () => {
      // The long-read worker holds a handle on the file until its thread exits.
      await runtime.close();
      // A close's month facts are written by a worker of their own with its own handle on the file: removing the
      // folder under it fails (ENOTEMPTY) or races, so wait for it rather than retry for a guessed time.
      await monthFactsSettled();
      fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/** For a test file (call at its top level): makes hubs, each closed (and its folder removed) after the test that made it. */
export function testHubs(): () => Promise<TestHub> {
  const made: TestHub[] = [];
  afterEach(async () => {
    for (const h of made.splice(0)) await h.close();
  });
  return async () => {
    const h = await createTestHub();
    made.push(h);
    return h;
  };
}

/** Creates a user through the admin API, changes the initial password, and returns a signed-in client. */
export async function createUser(
  hub: TestHub,
  fields: { username: string; role: Role; clinicId?: number | null; displayName?: string },
): Promise<InternalClient> {
  await hub.admin.call('users.create', {
    username: fields.username,
    initialPassword: 'Initial123',
    displayName: fields.displayName ?? fields.username,
    role: fields.role,
    clinicId: fields.clinicId ?? null,
  });
  const client = new InternalClient(hub.runtime, `10.0.0.${Math.floor(Math.random() * 200) + 2}`);
  await client.call('auth.login', { username: fields.username, password: 'Initial123' });
  await client.call('auth.changePassword', { oldPassword: 'Initial123', newPassword: 'Changed123' });
  return client;
}

export async function createClinic(hub: TestHub, code: string, name = `${code}村卫生室`) {
  return hub.admin.call('clinics.create', { code, name, village: null, address: null, phone: null });
}
