import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { handlers } from '../../electron/api/handlers';
import { dispatch } from '../../electron/api/dispatch';
import { MAX_REFUSAL_ROWS_PER_MINUTE } from '../../electron/domain/audit/record';
import { MAX_FAILURES_PER_ADDRESS } from '../../electron/domain/auth/throttle';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../electron/domain/auth/sessions';
import { startHttpServer } from '../../electron/http/server';
import { Runtime } from '../../electron/runtime';
import { ADMIN_PASSWORD, createClinic, createUser, tempDir } from '../helpers/runtime';
import { createHttpHub, sessionCookie, type HttpHub } from '../helpers/http';

let hub: HttpHub;
beforeEach(async () => {
  hub = await createHttpHub();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await hub.close();
});

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

const auditRows = (where = '1 = 1', ...params: unknown[]) =>
  hub.runtime.app.db.prepare(`SELECT * FROM audit_log WHERE ${where} ORDER BY id`).all(...params) as Record<string, any>[];

async function login(username: string, password: string, headers?: Record<string, string>) {
  const res = await hub.post('auth.login', { username, password }, { headers });
  return { ...res, cookie: res.status === 200 ? sessionCookie(res.headers) : null };
}

describe('first-run setup', () => {
  it('can be done only at the hub PC, so nobody on the LAN can claim a fresh server', async () => {
    const dataDir = tempDir();
    const fresh = new Runtime({ dataDir, clock: hub.clock });
    const input = { hubName: '抢先卫生院', adminUsername: 'intruder', adminDisplayName: '入侵者', adminPassword: 'Intrude2026' };
    try {
      expect(await codeOf(new InternalClient(fresh, '192.168.1.23').call('setup.initialize', input))).toBe('FORBIDDEN');
      expect(await codeOf(new InternalClient(fresh, '192.168.1.23').call('setup.enterDemo', {}))).toBe('FORBIDDEN');
      expect(fresh.profile).toBe('main');
      expect(fresh.app.db.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 0 });
      expect(await codeOf(new InternalClient(fresh, '127.0.0.1').call('setup.initialize', { ...input, hubName: '青石镇卫生院', adminUsername: 'admin' }))).toBe(
        'ok',
      );
    } finally {
      fresh.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('leaving the demo hub', () => {
  it("is refused from another machine (and from a rebinding page on this one), and ends nobody's session", async () => {
    const dataDir = tempDir();
    const demo = new Runtime({ dataDir, clock: hub.clock }, 'demo');
    const server = await startHttpServer({ runtime: demo, host: '127.0.0.1', port: 0 });
    try {
      const session = { set() {}, clear: vi.fn() };
      for (const caller of [
        { transport: 'http' as const, ip: '192.168.1.23', host: '192.168.1.10:8686' },
        { transport: 'internal' as const, ip: '10.0.0.7' },
      ]) {
        const result = await dispatch(demo, 'setup.leaveDemo', {}, caller, session);
        expect(result.ok, caller.ip).toBe(false);
        expect(!result.ok && result.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('卫生院电脑') });
      }
      // Over HTTP from this PC's address but under another name (a DNS-rebinding page): not the hub PC either.
      const port = new URL(server.url).port;
      const rebound = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            path: '/api/setup.leaveDemo',
            method: 'POST',
            headers: { host: `192.168.1.10:${port}`, 'content-type': 'application/json' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
      expect(rebound).toBe(403);
      expect(demo.profile).toBe('demo');
      expect(session.clear).not.toHaveBeenCalled();
      // At the hub PC it works.
      const local = await fetch(`${server.url}api/setup.leaveDemo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(local.status).toBe(200);
      expect(demo.profile).toBe('main');
    } finally {
      await server.close();
      demo.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('login throttling', () => {
  it('denies an address that guesses across many accounts, but not other addresses', async () => {
    const spray = new InternalClient(hub.runtime, '10.9.9.9');
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      expect(await codeOf(spray.call('auth.login', { username: `user${i}`, password: 'Guess12345' }))).toBe('BAD_CREDENTIALS');
    }
    // Even the right password for a real account is refused from that address…
    expect(await codeOf(spray.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD }))).toBe('TOO_MANY_REQUESTS');
    // …while the administrator at the hub's own PC is not locked out by it.
    expect(await codeOf(new InternalClient(hub.runtime, '10.9.9.10').call('auth.login', { username: 'admin', password: ADMIN_PASSWORD }))).toBe('ok');
    hub.clock.advance(16 * 60 * 1000);
    expect(await codeOf(spray.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD }))).toBe('ok');
  });

  it('takes the address from the connection, not from a spoofable X-Forwarded-For header', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await login('admin', 'Wrong12345', { 'x-forwarded-for': `192.0.2.${i + 1}` });
      expect(res.status).toBe(401);
    }
    const locked = await login('admin', ADMIN_PASSWORD, { 'x-forwarded-for': '192.0.2.200' });
    expect(locked.status).toBe(429);
    expect(locked.json.error).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringContaining('分钟后再试') });
    const rows = auditRows("method = 'auth.login' AND outcome = 'rejected'");
    expect(new Set(rows.map((r) => r.ip))).toEqual(new Set(['127.0.0.1']));
  });

  it('throttles guessing the old password through a stolen session', async () => {
    const session = new InternalClient(hub.runtime, '10.2.2.2');
    await session.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    hub.clock.advance(1000);
    for (let i = 0; i < 5; i++) {
      expect(await codeOf(session.call('auth.changePassword', { oldPassword: `Guess${i}1234`, newPassword: 'Stolen12345' }))).toBe('BAD_CREDENTIALS');
    }
    expect(await codeOf(session.call('auth.changePassword', { oldPassword: ADMIN_PASSWORD, newPassword: 'Stolen12345' }))).toBe('TOO_MANY_REQUESTS');
    expect(await codeOf(new InternalClient(hub.runtime, '10.2.2.3').call('auth.login', { username: 'admin', password: ADMIN_PASSWORD }))).toBe(
      'TOO_MANY_REQUESTS',
    );
  });
});

describe('sessions over HTTP', () => {
  it('expires idle and old sessions, and tells the browser to drop the cookie', async () => {
    const { cookie } = await login('admin', ADMIN_PASSWORD);
    hub.clock.advance(SESSION_IDLE_MS + 1);
    const idle = await hub.post('auth.me', {}, { cookie: cookie! });
    expect(idle.status).toBe(401);
    expect(idle.json.error.code).toBe('SESSION_EXPIRED');
    expect(idle.headers.getSetCookie().join()).toMatch(/santong_sid=;.*Expires=Thu, 01 Jan 1970/i);

    const second = await login('admin', ADMIN_PASSWORD);
    const step = SESSION_IDLE_MS / 2;
    for (let t = step; t < SESSION_ABSOLUTE_MS; t += step) {
      hub.clock.advance(step);
      expect((await hub.post('auth.me', {}, { cookie: second.cookie! })).status).toBe(200);
    }
    hub.clock.advance(step);
    expect((await hub.post('auth.me', {}, { cookie: second.cookie! })).json.error.code).toBe('SESSION_EXPIRED');
  });

  it('logs out every device at once', async () => {
    const pc = await login('admin', ADMIN_PASSWORD);
    const phone = await login('admin', ADMIN_PASSWORD);
    const res = await hub.post('auth.logoutAll', {}, { cookie: pc.cookie! });
    expect(res.json.ended).toBeGreaterThanOrEqual(2);
    expect((await hub.post('auth.me', {}, { cookie: phone.cookie! })).status).toBe(401);
    expect((await hub.post('auth.me', {}, { cookie: pc.cookie! })).status).toBe(401);
  });

  it('keeps a user with an initial password away from everything but changing it', async () => {
    const clinic = await createClinic(hub, 'C01');
    await hub.admin.call('users.create', {
      username: 'cy01',
      initialPassword: 'Initial123',
      displayName: '王医生',
      role: 'village_doctor',
      clinicId: clinic.id,
      phone: null,
    });
    const { cookie } = await login('cy01', 'Initial123');
    for (const method of ['clinics.list', 'clinics.get', 'users.list']) {
      const res = await hub.post(method, method === 'clinics.get' ? { id: clinic.id } : {}, { cookie: cookie! });
      expect(res.status, method).toBe(403);
    }
    expect((await hub.post('clinics.list', {}, { cookie: cookie! })).json.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const weak = await hub.post('auth.changePassword', { oldPassword: 'Initial123', newPassword: 'abcdefgh' }, { cookie: cookie! });
    expect(weak.json.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('字母和数字') });
    expect((await hub.post('auth.changePassword', { oldPassword: 'Initial123', newPassword: 'Donghu2026' }, { cookie: cookie! })).status).toBe(200);
    expect((await hub.post('clinics.list', {}, { cookie: cookie! })).status).toBe(200);
  });
});

describe('CSRF', () => {
  it('refuses cross-site and opaque origins, and Sec-Fetch-Site when Origin is missing', async () => {
    const { cookie } = await login('admin', ADMIN_PASSWORD);
    const cases: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: `${hub.server.url.slice(0, -1)}.evil.example` },
      { origin: 'not a url' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of cases) {
      const res = await hub.post('clinics.create', { code: 'X1', name: '跨站村卫生室' }, { cookie: cookie!, headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.json.error.code).toBe('CSRF');
    }
    expect(hub.runtime.app.db.prepare("SELECT count(*) AS n FROM clinics WHERE code = 'X1'").get()).toEqual({ n: 0 });
    const ok = await hub.post('clinics.list', {}, { cookie: cookie!, headers: { origin: hub.server.url.slice(0, -1), 'sec-fetch-site': 'same-origin' } });
    expect(ok.status).toBe(200);
    // The attempts are in the audit log, with where they came from.
    const rows = auditRows("error_code = 'CSRF'");
    expect(rows).toHaveLength(cases.length);
    expect(rows[0]).toMatchObject({ method: 'clinics.create', outcome: 'denied', ip: '127.0.0.1', transport: 'http' });
    expect(JSON.parse(rows[0].details)).toMatchObject({ origin: 'http://evil.example' });
  });
});

describe('audit of refusals', () => {
  it('records failed and throttled logins and writes without a session, never the password', async () => {
    await login('admin', 'Wrong-pass-123');
    await hub.post('clinics.create', { code: 'X2', name: '匿名村卫生室' });
    const rows = auditRows("outcome = 'rejected'");
    expect(rows.map((r) => [r.method, r.error_code])).toEqual([
      ['auth.login', 'BAD_CREDENTIALS'],
      ['clinics.create', 'UNAUTHENTICATED'],
    ]);
    expect(JSON.parse(rows[0].details).input).toEqual({ username: 'admin', password: '[已隐去]' });
    expect(rows[0].details).not.toContain('Wrong-pass-123');
  });

  it('limits anonymous refusals per address so the log cannot be flooded', async () => {
    for (let i = 0; i < MAX_REFUSAL_ROWS_PER_MINUTE + 15; i++) await hub.post('auth.logout', {});
    // 20 rows of their own, and one saying the rest of the minute is only counted.
    const rows = auditRows("method = 'auth.logout'");
    expect(rows).toHaveLength(MAX_REFUSAL_ROWS_PER_MINUTE + 1);
    expect(JSON.parse(rows.at(-1)!.details)).toMatchObject({ burst: true });
    hub.clock.advance(61_000);
    await hub.post('auth.logout', {});
    expect(auditRows("method = 'auth.logout'")).toHaveLength(MAX_REFUSAL_ROWS_PER_MINUTE + 2);
    expect(JSON.parse(auditRows("method = 'auth.logout'").at(-1)!.details)).toMatchObject({ skippedBefore: 14 });
  });

  it('records the refusals of a signed-in user one by one up to the same limit', async () => {
    const own = await createClinic(hub, 'C01');
    const other = await createClinic(hub, 'C02');
    await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId: own.id });
    const { cookie } = await login('cy01', 'Changed123');
    for (let i = 0; i < MAX_REFUSAL_ROWS_PER_MINUTE; i++) await hub.post('clinics.get', { id: other.id }, { cookie: cookie! });
    const rows = auditRows("username = 'cy01' AND outcome = 'denied'");
    expect(rows).toHaveLength(MAX_REFUSAL_ROWS_PER_MINUTE);
    expect(rows.every((r) => r.method === 'clinics.get' && !JSON.parse(r.details).burst)).toBe(true);
  });
});

describe('no secrets in logs', () => {
  it('prints no password, token or cookie during logins, failures and internal faults', async () => {
    const printed: string[] = [];
    const capture = (...args: unknown[]) =>
      void printed.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, level).mockImplementation(capture);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (printed.push(String(chunk)), true));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (printed.push(String(chunk)), true));

    const good = await login('admin', ADMIN_PASSWORD);
    await login('admin', 'Secret-wrong-777');
    const token = good.cookie!.split('=')[1];
    await hub.post('auth.changePassword', { oldPassword: 'Secret-wrong-888', newPassword: 'Secret-new-999' }, { cookie: good.cookie! });

    // A handler that fails unexpectedly with the request in its error message (as parsers and libraries do).
    const original = handlers['auth.me'];
    (handlers as Record<string, unknown>)['auth.me'] = (ctx: { caller: { token?: string | null } }, input: unknown) => {
      throw new TypeError(`cannot read ${JSON.stringify(input)} with ${ctx.caller.token} and Secret-wrong-777`);
    };
    try {
      const res = await hub.post('auth.me', {}, { cookie: good.cookie! });
      expect(res.status).toBe(500);
      expect(res.json.error).toEqual({ code: 'INTERNAL', message: expect.stringMatching(/[\u4e00-\u9fa5]/) });
      expect(JSON.stringify(res.json)).not.toContain(token);
    } finally {
      (handlers as Record<string, unknown>)['auth.me'] = original;
    }
    stdout.mockRestore();
    stderr.mockRestore();

    const all = printed.join('\n');
    expect(all).toContain('auth.me failed: TypeError'); // the fault itself is reported…
    for (const secret of [ADMIN_PASSWORD, 'Secret-wrong-777', 'Secret-wrong-888', 'Secret-new-999', token, 'santong_sid=']) {
      expect(all, secret).not.toContain(secret); // …without any secret
    }
  });
});

describe('DNS rebinding', () => {
  it('answers only to IP addresses, its own names and the names the administrator listed', async () => {
    const port = new URL(hub.server.url).port;
    const withHost = (host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port, path: '/api/system.status', method: 'POST', headers: { host, 'content-type': 'application/json' } },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `192.168.1.10:${port}`, os.hostname()]) {
      expect((await withHost(host)).status, host).toBe(200);
    }
    for (const host of [`evil.example:${port}`, 'santong.lan', `127.0.0.1.evil.example:${port}`]) {
      const res = await withHost(host);
      expect(res.status, host).toBe(400);
      expect(JSON.parse(res.body).error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('系统设置') });
    }
    await hub.admin.call('system.updateLanSettings', { enabled: false, port: 8686, https: false, hostnames: ['Santong.LAN'] });
    expect((await withHost(`santong.lan:${port}`)).status).toBe(200);
    expect((await hub.admin.call('system.lanStatus', {})).settings.hostnames).toEqual(['santong.lan']);
    await expect(hub.admin.call('system.updateLanSettings', { enabled: false, port: 8686, https: false, hostnames: ['evil host/'] })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });
});

describe('security headers', () => {
  it('are on API answers, errors, the app page and unknown paths', async () => {
    const rendererDir = tempDir('santong-renderer-');
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>三统</title>');
    const server = await startHttpServer({ runtime: hub.runtime, host: '127.0.0.1', port: 0, rendererDir });
    try {
      const responses = [
        await fetch(`${server.url}`),
        await fetch(`${server.url}stock/card`),
        await fetch(`${server.url}api/clinics.list`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
        await fetch(`${server.url}api/clinics.list`),
        await fetch(`${server.url}api/health`),
      ];
      for (const res of responses) {
        expect(res.headers.get('content-security-policy'), res.url).toMatch(/default-src 'self'.*script-src 'self'.*frame-ancestors 'none'/);
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        expect(res.headers.get('strict-transport-security')).toBeNull(); // plain HTTP: no HSTS
      }
      expect(responses[2].status).toBe(401);
      expect(responses[3].status).toBe(400);
    } finally {
      await server.close();
      fs.rmSync(rendererDir, { recursive: true, force: true });
    }
  });
});
