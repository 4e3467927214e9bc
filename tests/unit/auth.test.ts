import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { SESSION_IDLE_MS } from '../../electron/domain/auth/sessions';
import { ADMIN_PASSWORD, createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';

let hub: TestHub;
beforeEach(async () => {
  hub = await createTestHub();
});
afterEach(() => hub.close());

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('first-run setup', () => {
  it('works once and only once', async () => {
    const status = await new InternalClient(hub.runtime).call('system.status', {});
    expect(status).toMatchObject({ setupRequired: false, hubName: '测试镇卫生院', demo: false });
    const again = new InternalClient(hub.runtime).call('setup.initialize', {
      hubName: '别的',
      adminUsername: 'evil',
      adminDisplayName: 'x',
      adminPassword: 'Another123',
    });
    expect(await codeOf(again)).toBe('INVALID_STATE');
  });

  it('refuses a weak administrator password on a fresh hub', async () => {
    const other = await createTestHub();
    other.runtime.app.db.exec('DELETE FROM sessions; DELETE FROM users;');
    const weak = new InternalClient(other.runtime).call('setup.initialize', {
      hubName: '镇',
      adminUsername: 'admin',
      adminDisplayName: '管理员',
      adminPassword: 'password',
    });
    expect(await codeOf(weak)).toBe('VALIDATION');
    other.close();
  });
});

describe('login and sessions', () => {
  it('logs in, reports the user, and logs out', async () => {
    const c = new InternalClient(hub.runtime);
    const { user } = await c.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(user).toMatchObject({ username: 'admin', role: 'admin', clinicId: null });
    expect((await c.call('auth.me', {})).user.username).toBe('admin');
    await c.call('auth.logout', {});
    expect(await codeOf(c.call('auth.me', {}))).toBe('UNAUTHENTICATED');
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const c = new InternalClient(hub.runtime);
    await expect(c.call('auth.login', { username: 'admin', password: 'wrong' })).rejects.toMatchObject({
      code: 'BAD_CREDENTIALS',
      message: '用户名或密码错误',
    });
    await expect(c.call('auth.login', { username: 'nobody', password: 'wrong' })).rejects.toMatchObject({
      code: 'BAD_CREDENTIALS',
      message: '用户名或密码错误',
    });
  });

  it('locks an account after repeated failures, even with the right password', async () => {
    const c = new InternalClient(hub.runtime, '10.1.1.1');
    for (let i = 0; i < 5; i++) expect(await codeOf(c.call('auth.login', { username: 'admin', password: 'bad' }))).toBe('BAD_CREDENTIALS');
    expect(await codeOf(c.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD }))).toBe('TOO_MANY_REQUESTS');
    hub.clock.advance(16 * 60 * 1000);
    expect(await codeOf(c.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD }))).toBe('ok');
  });

  it('expires idle sessions', async () => {
    const c = new InternalClient(hub.runtime);
    await c.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    hub.clock.advance(SESSION_IDLE_MS - 60_000);
    expect(await codeOf(c.call('auth.me', {}))).toBe('ok');
    hub.clock.advance(SESSION_IDLE_MS + 1);
    expect(await codeOf(c.call('auth.me', {}))).toBe('SESSION_EXPIRED');
  });

  it('expires sessions absolutely after seven days however busy', async () => {
    const c = new InternalClient(hub.runtime);
    await c.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    for (let day = 0; day < 7; day++) {
      hub.clock.advance(6 * 60 * 60 * 1000);
      expect(await codeOf(c.call('auth.me', {}))).toBe('ok');
      hub.clock.advance(6 * 60 * 60 * 1000);
      expect(await codeOf(c.call('auth.me', {}))).toBe('ok');
      hub.clock.advance(12 * 60 * 60 * 1000 - 1000);
      if (day < 6) expect(await codeOf(c.call('auth.me', {}))).toBe('ok');
    }
    hub.clock.advance(60 * 60 * 1000);
    expect(await codeOf(c.call('auth.me', {}))).toBe('SESSION_EXPIRED');
  });

  it('forces a new user to change the initial password before doing anything else', async () => {
    const clinic = await createClinic(hub, 'C01');
    await hub.admin.call('users.create', {
      username: 'cy01',
      initialPassword: 'Initial123',
      displayName: '王医生',
      role: 'village_doctor',
      clinicId: clinic.id,
      phone: null,
    });
    const doctor = new InternalClient(hub.runtime);
    const { user } = await doctor.call('auth.login', { username: 'cy01', password: 'Initial123' });
    expect(user.mustChangePassword).toBe(true);
    expect(await codeOf(doctor.call('clinics.list', {}))).toBe('PASSWORD_CHANGE_REQUIRED');
    expect(await codeOf(doctor.call('auth.changePassword', { oldPassword: 'Initial123', newPassword: 'short' }))).toBe('VALIDATION');
    expect(await codeOf(doctor.call('auth.changePassword', { oldPassword: 'nope', newPassword: 'Better1234' }))).toBe('BAD_CREDENTIALS');
    await doctor.call('auth.changePassword', { oldPassword: 'Initial123', newPassword: 'Better1234' });
    expect((await doctor.call('clinics.list', {})).map((c) => c.code)).toEqual(['C01']);
  });

  it('ends other sessions when the password changes, and all sessions on logoutAll', async () => {
    const a = new InternalClient(hub.runtime);
    const b = new InternalClient(hub.runtime);
    await a.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    await b.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    await a.call('auth.changePassword', { oldPassword: ADMIN_PASSWORD, newPassword: 'NewAdmin123' });
    expect(await codeOf(a.call('auth.me', {}))).toBe('ok');
    expect(await codeOf(b.call('auth.me', {}))).toBe('UNAUTHENTICATED');
    await b.call('auth.login', { username: 'admin', password: 'NewAdmin123' });
    const { ended } = await a.call('auth.logoutAll', {});
    expect(ended).toBeGreaterThanOrEqual(2);
    expect(await codeOf(b.call('auth.me', {}))).toBe('UNAUTHENTICATED');
  });
});

describe('authorization in the handlers', () => {
  it('keeps a village doctor inside their own clinic and records the attempt', async () => {
    const own = await createClinic(hub, 'C01');
    const other = await createClinic(hub, 'C02');
    const doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId: own.id });
    expect((await doctor.call('clinics.get', { id: own.id })).code).toBe('C01');
    expect(await codeOf(doctor.call('clinics.get', { id: other.id }))).toBe('FORBIDDEN_CLINIC');
    expect((await doctor.call('clinics.list', { includeInactive: true })).map((c) => c.id)).toEqual([own.id]);
    const denied = hub.runtime.app.db.prepare("SELECT username, method, outcome, error_code AS code FROM audit_log WHERE outcome = 'denied'").all();
    expect(denied).toContainEqual({ username: 'cy01', method: 'clinics.get', outcome: 'denied', code: 'FORBIDDEN_CLINIC' });
  });

  it('refuses roles that are not listed for a method', async () => {
    const pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
    expect(await codeOf(pharmacist.call('users.list', {}))).toBe('FORBIDDEN');
    expect(await codeOf(pharmacist.call('clinics.create', { code: 'X1', name: '某村卫生室' }))).toBe('FORBIDDEN');
    expect(await codeOf(new InternalClient(hub.runtime).call('clinics.list', {}))).toBe('UNAUTHENTICATED');
  });

  it('binds village doctors to exactly one active clinic', async () => {
    const create = (clinicId: number | null, role: 'village_doctor' | 'pharmacist') =>
      codeOf(
        hub.admin.call('users.create', {
          username: `u${Math.random().toString(36).slice(2, 8)}`,
          initialPassword: 'Initial123',
          displayName: 'x',
          role,
          clinicId,
          phone: null,
        }),
      );
    const clinic = await createClinic(hub, 'C01');
    expect(await create(null, 'village_doctor')).toBe('VALIDATION');
    expect(await create(clinic.id, 'pharmacist')).toBe('VALIDATION');
    expect(await create(9999, 'village_doctor')).toBe('NOT_FOUND');
    await hub.admin.call('clinics.update', { id: clinic.id, code: 'C01', name: clinic.name, village: null, address: null, phone: null, active: false });
    expect(await create(clinic.id, 'village_doctor')).toBe('BUSINESS_RULE');
  });

  it('always keeps one active administrator', async () => {
    const me = (await hub.admin.call('auth.me', {})).user;
    const attempt = hub.admin.call('users.update', { id: me.id, displayName: '管理员', role: 'pharmacist', clinicId: null, phone: null, active: true });
    expect(await codeOf(attempt)).toBe('BUSINESS_RULE');
  });

  it('signs a deactivated user out at once', async () => {
    const pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
    const { user } = await pharmacist.call('auth.me', {});
    await hub.admin.call('users.update', { id: user.id, displayName: 'yaoku', role: 'pharmacist', clinicId: null, phone: null, active: false });
    expect(await codeOf(pharmacist.call('auth.me', {}))).toBe('UNAUTHENTICATED');
    expect(await codeOf(new InternalClient(hub.runtime).call('auth.login', { username: 'yaoku', password: 'Changed123' }))).toBe('BAD_CREDENTIALS');
  });
});

describe('audit log', () => {
  it('records every write with who and where, without secrets, and cannot be edited', async () => {
    await createClinic(hub, 'C09', '九号村卫生室');
    const row = hub.runtime.app.db.prepare("SELECT * FROM audit_log WHERE method = 'clinics.create'").get() as Record<string, unknown>;
    expect(row).toMatchObject({ username: 'admin', outcome: 'ok', ip: '127.0.0.1', target: expect.stringMatching(/^clinic:\d+$/) });
    const login = hub.runtime.app.db.prepare("SELECT details FROM audit_log WHERE method = 'setup.initialize'").get() as { details: string };
    expect(login.details).not.toContain(ADMIN_PASSWORD);
    expect(() => hub.runtime.app.db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(() => hub.runtime.app.db.prepare("UPDATE audit_log SET username = 'x'").run()).toThrow(/append-only/);
  });
});

describe('password hashing strength', () => {
  it('a real server (not the unit tests’ cheap setting) stores scrypt at N = 2^15, r = 8, p = 1', { timeout: 120_000 }, async () => {
    const { startServerProcess, ApiClient } = await import('../helpers/server-process');
    const { tempDir } = await import('../helpers/runtime');
    const { default: Database } = await import('better-sqlite3');
    const fs = await import('node:fs');
    const path = await import('node:path');
    const dir = tempDir('santong-hash-');
    const server = await startServerProcess(dir, { clock: '2026-03-16T09:00:00+08:00' });
    try {
      const api = new ApiClient(server.url);
      const res = await api.post('setup.initialize', {
        hubName: '测试镇卫生院',
        adminUsername: 'admin',
        adminDisplayName: '管理员',
        adminPassword: 'Strong12345',
      });
      expect(res.status).toBe(200);
    } finally {
      await server.kill('SIGTERM');
    }
    const db = new Database(path.join(dir, 'santong.sqlite'), { readonly: true });
    const { hash } = db.prepare("SELECT password_hash AS hash FROM users WHERE username = 'admin'").get() as { hash: string };
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
    expect(hash.split('$').slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
  });

  it('the unit tests hash cheaply, and verify either kind', async () => {
    const { hashPassword, verifyPassword } = await import('../../electron/domain/auth/passwords');
    const cheap = await hashPassword('Changed123');
    expect(cheap.split('$')[1]).toBe('1024');
    expect(await verifyPassword('Changed123', cheap)).toBe(true);
    expect(await verifyPassword('Changed124', cheap)).toBe(false);
  });
});
