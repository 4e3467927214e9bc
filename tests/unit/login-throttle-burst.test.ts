import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { PRODUCTION_HASH_PARAMS } from '../../electron/domain/auth/passwords';
import { MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS } from '../../electron/domain/auth/throttle';
import { ADMIN_PASSWORD } from '../helpers/runtime';
import { createHttpHub, sessionCookie, type HttpHub } from '../helpers/http';

/**
 * The throttle under parallel requests (issue 19, item 1): guesses that arrive while earlier ones are still
 * hashing must count. Real HTTP server, every request of a burst sent at once.
 */
let hub: HttpHub;
beforeEach(async () => {
  hub = await createHttpHub();
  // The administrator's hash as a real hub stores it (~0.1 s to check): the unit tests' cheap hashes finish
  // before the next request of a burst arrives and would hide the race.
  const { N, r, p } = PRODUCTION_HASH_PARAMS;
  const salt = crypto.randomBytes(16);
  const key = crypto.scryptSync(ADMIN_PASSWORD, salt, 32, { N, r, p, maxmem: 64 * 1024 * 1024 });
  strongHash = ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
  hub.runtime.app.db.prepare("UPDATE users SET password_hash = ? WHERE username = 'admin'").run(strongHash);
});
let strongHash: string;
afterEach(async () => {
  await hub.close();
});

const statuses = (results: { status: number }[]) => {
  const counts: Record<number, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
};

const failedRows = () => (hub.runtime.app.db.prepare('SELECT count(*) AS n FROM login_attempts WHERE success = 0').get() as { n: number }).n;

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('a burst of parallel logins', () => {
  it('checks exactly 5 of 60 simultaneous guesses at one account; the right password is then refused too', async () => {
    const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => hub.post('auth.login', { username: 'admin', password: `Guess${i}x2026` })));
    expect(statuses(burst)).toEqual({ 401: MAX_FAILURES_PER_ACCOUNT, 429: 60 - MAX_FAILURES_PER_ACCOUNT });
    expect(failedRows()).toBe(MAX_FAILURES_PER_ACCOUNT);
    const right = await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(right.status).toBe(429);
    expect(right.json.error.message).toMatch(/请 1[45] 分钟后再试/);
  });

  it('lets the right password through only if it is among the checks the limit allows', async () => {
    // 300 at once, the right one last: it arrives after the limit is used up and is refused unchecked.
    const guesses = Array.from({ length: 299 }, (_, i) => `Guess${i}x2026`);
    const burst = await Promise.all([...guesses, ADMIN_PASSWORD].map((password) => hub.post('auth.login', { username: 'admin', password })));
    expect(burst.filter((r) => r.status !== 429)).toHaveLength(MAX_FAILURES_PER_ACCOUNT);
    expect(burst.at(-1)?.status).toBe(429);
    expect(burst.filter((r) => r.status === 200)).toEqual([]);
  });

  it('checks exactly 30 of 100 simultaneous guesses at different accounts from one address', async () => {
    const at = hub.clock.now().toISOString();
    const insert = hub.runtime.app.db.prepare(
      `INSERT INTO users (username, display_name, role, clinic_id, password_hash, must_change_password, created_at, updated_at)
       VALUES (?, ?, 'finance', NULL, ?, 0, ?, ?)`,
    );
    for (let i = 0; i < 100; i++) insert.run(`user${i}`, `用户${i}`, strongHash, at, at);
    const burst = await Promise.all(Array.from({ length: 100 }, (_, i) => hub.post('auth.login', { username: `user${i}`, password: 'Guess12345' })));
    expect(statuses(burst)).toEqual({ 401: MAX_FAILURES_PER_ADDRESS, 429: 100 - MAX_FAILURES_PER_ADDRESS });
    expect(failedRows()).toBe(MAX_FAILURES_PER_ADDRESS);
  });

  it('holds for guessing the old password through a stolen session (auth.changePassword)', async () => {
    const login = await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    const cookie = sessionCookie(login.headers);
    hub.clock.advance(1000);
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => hub.post('auth.changePassword', { oldPassword: `Guess${i}x2026`, newPassword: 'Stolen12345' }, { cookie })),
    );
    expect(statuses(burst)).toEqual({ 401: MAX_FAILURES_PER_ACCOUNT, 429: 40 - MAX_FAILURES_PER_ACCOUNT });
    expect((await hub.post('auth.changePassword', { oldPassword: ADMIN_PASSWORD, newPassword: 'Stolen12345' }, { cookie })).status).toBe(429);
  });

  it('gives the checks back after 15 minutes', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => hub.post('auth.login', { username: 'admin', password: `Guess${i}x2026` })));
    hub.clock.advance(15 * 60 * 1000 + 1);
    expect((await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
  });
});

describe('the administrator at the hub PC', () => {
  it('is not locked out from the LAN: the LAN as a whole gets 5 guesses, the hub PC its own 5', async () => {
    // Guesses from many LAN addresses at once, as a neighbour with several machines (or addresses) would send.
    const lan = Array.from({ length: 40 }, (_, i) =>
      codeOf(new InternalClient(hub.runtime, `192.168.1.${i + 10}`).call('auth.login', { username: 'admin', password: `Guess${i}x2026` })),
    );
    const codes = await Promise.all(lan);
    expect(codes.filter((c) => c === 'BAD_CREDENTIALS')).toHaveLength(MAX_FAILURES_PER_ACCOUNT);
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(40 - MAX_FAILURES_PER_ACCOUNT);
    // The right password from yet another LAN address is refused: the account is locked for the LAN…
    expect(await codeOf(new InternalClient(hub.runtime, '192.168.1.200').call('auth.login', { username: 'admin', password: ADMIN_PASSWORD }))).toBe(
      'TOO_MANY_REQUESTS',
    );
    // …but not for the administrator at the hub PC, over HTTP on 127.0.0.1 or in the desktop app.
    expect((await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
    expect(await codeOf(new InternalClient(hub.runtime, 'desktop').call('auth.login', { username: 'admin', password: ADMIN_PASSWORD }))).toBe('ok');
  });

  it('has its own limit at the hub PC, which the LAN does not share', async () => {
    const local = await Promise.all(Array.from({ length: 12 }, (_, i) => hub.post('auth.login', { username: 'admin', password: `Guess${i}x2026` })));
    expect(statuses(local)).toEqual({ 401: MAX_FAILURES_PER_ACCOUNT, 429: 12 - MAX_FAILURES_PER_ACCOUNT });
    expect((await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(429);
    expect(await codeOf(new InternalClient(hub.runtime, '192.168.1.9').call('auth.login', { username: 'admin', password: ADMIN_PASSWORD }))).toBe('ok');
  });
});
