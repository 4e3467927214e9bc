import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, tempDir } from '../helpers/runtime';
import { createHttpHub, sessionCookie, type HttpHub } from '../helpers/http';

/**
 * A full disk under the database (issue 19, item 6): writes and logins are answered with what happened and that
 * nothing was saved, the health check and the administrator's workbench show it, and all clears once there is
 * room again. The same for a database file SQLite refuses to write (SQLITE_READONLY). The data folder sits on an 80 MB tmpfs mounted for the test (this needs root, as the CI has).
 */
let mountPoint: string;
let hub: HttpHub;
beforeEach(async () => {
  mountPoint = tempDir('santong-small-disk-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=80m', 'tmpfs', mountPoint]);
  hub = await createHttpHub({ dataDir: path.join(mountPoint, 'data') });
});
afterEach(async () => {
  await hub.close();
  execFileSync('umount', [mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

/** Fills the file system with one file, to the last byte it takes. */
function fillDisk(): string {
  const filler = path.join(mountPoint, 'filler.bin');
  const fd = fs.openSync(filler, 'w');
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 0x5a);
      for (;;) {
        try {
          fs.writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

const health = async () => {
  const res = await fetch(`${hub.server.url}api/health`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const storageTodo = async (cookie: string) => (await hub.post('workbench.todos', {}, { cookie })).json.items.find((t: { key: string }) => t.key === 'storage');

describe('a full disk', () => {
  it('answers writes and logins with a clear message, shows on health and the workbench, and clears when there is room', async () => {
    const cookie = sessionCookie((await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD })).headers);
    expect(await storageTodo(cookie)).toMatchObject({ count: 0, hint: null });
    const filler = fillDisk();

    // The WAL may still hold a few pages: the first writes that need more space fail, and keep failing.
    let refused: { status: number; json: any } | null = null;
    for (let i = 0; i < 300 && !refused; i++) {
      const res = await hub.post('clinics.create', { code: `D${String(i).padStart(3, '0')}`, name: `满盘${i}村卫生室`.padEnd(60, '满') }, { cookie });
      if (res.status !== 200) refused = res;
    }
    expect(refused).toMatchObject({ status: 507, json: { error: { code: 'DISK_FULL', message: expect.stringContaining('磁盘已满，本次操作未保存') } } });
    const login = await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(507);
    expect(login.json.error.code).toBe('DISK_FULL');

    expect(await health()).toMatchObject({ status: 503, body: { ok: false, storage: { code: 'DISK_FULL', message: expect.stringContaining('磁盘已满') } } });
    expect(await storageTodo(cookie)).toMatchObject({ count: 1, tone: 'act', hint: expect.stringContaining('磁盘已满') });

    // Room again: the next write goes through, and the warnings go away with it.
    fs.rmSync(filler);
    expect((await hub.post('clinics.create', { code: 'E01', name: '空出村卫生室' }, { cookie })).status).toBe(200);
    expect(await health()).toMatchObject({ status: 200, body: { ok: true } });
    expect(await storageTodo(cookie)).toMatchObject({ count: 0, hint: null });
    expect((await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
  });
});

describe('a database file that stops taking writes', () => {
  it('answers writes with what happened and that nothing was saved while SQLite refuses them as read-only, and recovers', async () => {
    const cookie = sessionCookie((await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD })).headers);
    const before = (await hub.post('clinics.list', {}, { cookie })).json.length;
    // SQLite's own SQLITE_READONLY, as a write-protected file gives it (query_only makes the writer refuse the same way).
    const writer = hub.runtime.app.db;
    writer.pragma('query_only = ON');
    try {
      const refused = await hub.post('clinics.create', { code: 'R01', name: '只读村卫生室' }, { cookie });
      expect(refused).toMatchObject({
        status: 503,
        json: { error: { code: 'DB_READONLY', message: expect.stringContaining('数据库文件为只读，本次操作未保存') } },
      });
      expect(await health()).toMatchObject({ status: 503, body: { ok: false, storage: { code: 'DB_READONLY' } } });
      expect(await storageTodo(cookie)).toMatchObject({ count: 1, hint: expect.stringContaining('数据库文件为只读') });
    } finally {
      writer.pragma('query_only = OFF');
    }
    // Writable again: the next write goes through and the warnings clear; the refused write left nothing.
    expect((await hub.post('clinics.create', { code: 'W01', name: '恢复村卫生室' }, { cookie })).status).toBe(200);
    expect(await health()).toMatchObject({ status: 200, body: { ok: true } });
    expect(await storageTodo(cookie)).toMatchObject({ count: 0, hint: null });
    const codes = (await hub.post('clinics.list', {}, { cookie })).json.map((c: { code: string }) => c.code);
    expect(codes).not.toContain('R01');
    expect(codes).toHaveLength(before + 1);
  });
});
