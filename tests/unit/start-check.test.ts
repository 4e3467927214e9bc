/**
 * The start-up check after an unclean shutdown (a crash, a power cut) reads every page of the file:
 * minutes at ten years. A large file is checked on a worker thread while the API and /api/health say
 * so (DB_CHECKING, 503), and the hub opens — or goes to recovery mode — when the check is done.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { healthAnswer, startHttpServer } from '../../electron/http/server';
import { Runtime } from '../../electron/runtime';
import { ADMIN_PASSWORD, createClinic, createTestHub, type TestHub } from '../helpers/runtime';

let hub: TestHub;
beforeEach(async () => {
  hub = await createTestHub();
  for (let i = 1; i <= 120; i++) await createClinic(hub, `C${String(i).padStart(3, '0')}`, `第${i}村卫生室——${'长名称'.repeat(8)}`);
});
afterEach(() => hub.close());

/** Closes the hub as a power cut would leave it (no clean-close record) and starts it again. */
function restartAfterPowerCut(opts: { checkInBackgroundFromBytes: number }, damage?: (dbFile: string) => void): Runtime {
  const dbFile = hub.runtime.dbFile;
  hub.runtime.close();
  fs.rmSync(`${dbFile}.clean-close.json`);
  damage?.(dbFile);
  hub.runtime = new Runtime({ dataDir: hub.dataDir, clock: hub.clock, validateOutputs: true }, undefined, opts);
  return hub.runtime;
}

/** Fills one leaf page of the clinics table with garbage: opening the file does not notice, quick_check does. */
function spoilAClinicsPage(dbFile: string): void {
  const db = new Database(dbFile, { readonly: true });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const leaves = db.prepare("SELECT pageno FROM dbstat WHERE name = 'clinics' AND pagetype = 'leaf' ORDER BY pageno").all() as { pageno: number }[];
  db.close();
  expect(leaves.length).toBeGreaterThan(2);
  const fd = fs.openSync(dbFile, 'r+');
  fs.writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (leaves[1].pageno - 1) * pageSize);
  fs.closeSync(fd);
}

describe('the start-up check after an unclean shutdown', () => {
  it('runs on a worker thread for a large file: meanwhile the API and the health check say so, then the hub opens intact', async () => {
    const runtime = restartAfterPowerCut({ checkInBackgroundFromBytes: 0 });
    expect(runtime.checking).toMatchObject({ sizeBytes: fs.statSync(runtime.dbFile).size });
    expect(runtime.recovery).toBeNull();

    // Asked before the event loop turns, so before the worker can have answered.
    const client = new InternalClient(runtime, '127.0.0.1');
    const refused = client.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    const health = healthAnswer(runtime);
    await expect(refused).rejects.toMatchObject({ code: 'DB_CHECKING', message: expect.stringContaining('正在检查数据库') });
    expect(health).toMatchObject({ status: 503, body: { ok: false, checking: true } });

    const server = await startHttpServer({ runtime, host: '127.0.0.1', port: 0 });
    try {
      await runtime.ready;
      expect(runtime.checking).toBeNull();
      expect(runtime.recovery).toBeNull();
      const after = await fetch(`${server.url}api/health`);
      expect(after.status).toBe(200);
      await client.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
      expect(await client.call('clinics.list', {})).toHaveLength(120);
    } finally {
      await server.close();
    }
  });

  it('puts the hub in recovery mode when the check finds damage the open did not', async () => {
    const runtime = restartAfterPowerCut({ checkInBackgroundFromBytes: 0 }, spoilAClinicsPage);
    expect(runtime.checking).not.toBeNull();
    await runtime.ready;
    expect(runtime.checking).toBeNull();
    expect(runtime.recovery?.problem).toMatch(/数据库文件已损坏/);
    await expect(new InternalClient(runtime, '127.0.0.1').call('system.status', {})).rejects.toMatchObject({ code: 'RECOVERY_MODE' });
  });

  it('checks a small file before the constructor returns, as it always did', () => {
    const runtime = restartAfterPowerCut({ checkInBackgroundFromBytes: 64 * 2 ** 20 }, spoilAClinicsPage);
    expect(runtime.checking).toBeNull();
    expect(runtime.recovery?.problem).toMatch(/数据库文件已损坏/);
  });

  it('stopped half way (the app closed), leaves no clean-close record: the next start checks again', async () => {
    const runtime = restartAfterPowerCut({ checkInBackgroundFromBytes: 0 });
    expect(runtime.checking).not.toBeNull();
    runtime.close();
    await runtime.ready;
    expect(runtime.openApp).toBeNull();
    expect(fs.existsSync(`${runtime.dbFile}.clean-close.json`)).toBe(false);

    hub.runtime = new Runtime({ dataDir: hub.dataDir, clock: hub.clock, validateOutputs: true }, undefined, { checkInBackgroundFromBytes: 0 });
    expect(hub.runtime.checking).not.toBeNull();
    await hub.runtime.ready;
    expect(hub.runtime.openApp).not.toBeNull();
  });
});
