import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFF_THREAD_JSON_BYTES } from '../../electron/http/json-body';
import { ADMIN_PASSWORD, createClinic, createUser } from '../helpers/runtime';
import { createHttpHub, sessionCookie, type HttpHub } from '../helpers/http';

let hub: HttpHub;
let adminCookie: string;
beforeAll(async () => {
  hub = await createHttpHub();
  const res = await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
  adminCookie = sessionCookie(res.headers);
});
afterAll(() => hub.close());

describe('HTTP transport', () => {
  it('answers the health check', async () => {
    const res = await fetch(`${hub.server.url}api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, version: expect.any(String), schemaVersion: hub.runtime.app.schemaVersion });
  });

  it('sets an HttpOnly SameSite=Strict session cookie with a lifetime (Max-Age, whatever the device clock says), and no token in the body', async () => {
    const res = await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('santong_sid='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Max-Age=604800(;|$)/i);
    expect(cookie).not.toMatch(/Expires=/i);
    expect(JSON.stringify(res.json)).not.toContain(cookie.split(';')[0].split('=')[1]);
  });

  it('sends security headers', async () => {
    const res = await hub.post('system.status', {});
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('maps user mistakes to 4xx with a code and a Chinese message, never a stack', async () => {
    const cases: [string, unknown, Record<string, string> | undefined, number, string][] = [
      ['nope.method', {}, undefined, 404, 'UNKNOWN_METHOD'],
      ['auth.login', '{not json', undefined, 400, 'BAD_REQUEST'],
      ['auth.login', { username: 5 }, undefined, 400, 'VALIDATION'],
      ['auth.login', 'x', { 'content-type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['auth.login', { username: 'a', password: 'x'.repeat(2 * 1024 * 1024) }, undefined, 413, 'PAYLOAD_TOO_LARGE'],
      ['clinics.list', {}, undefined, 401, 'UNAUTHENTICATED'],
    ];
    for (const [method, body, headers, status, code] of cases) {
      const res = await hub.post(method, body, { headers });
      expect(res.status, method).toBe(status);
      expect(res.json.error.code, method).toBe(code);
      expect(res.json.error.message).toMatch(/[\u4e00-\u9fa5]/);
      expect(JSON.stringify(res.json)).not.toMatch(/at .*\.(ts|js):\d+/);
    }
  });

  it('refuses state-changing requests from another site', async () => {
    const res = await hub.post('clinics.create', { code: 'X1', name: '跨站村卫生室' }, { cookie: adminCookie, headers: { origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('CSRF');
    const same = await hub.post('clinics.list', {}, { cookie: adminCookie, headers: { origin: hub.server.url.slice(0, -1) } });
    expect(same.status).toBe(200);
  });

  it("answers 403 to a village doctor asking for another clinic's data", async () => {
    const own = await createClinic(hub, 'C01');
    const other = await createClinic(hub, 'C02');
    await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId: own.id });
    const login = await hub.post('auth.login', { username: 'cy01', password: 'Changed123' });
    const cookie = sessionCookie(login.headers);
    expect((await hub.post('clinics.get', { id: own.id }, { cookie })).status).toBe(200);
    const res = await hub.post('clinics.get', { id: other.id }, { cookie });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('FORBIDDEN_CLINIC');
  });
});

describe('a large JSON body (parsed on a worker, not on the thread that answers the villages)', () => {
  const csv = fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/sheets/catalog-utf8.csv'));
  const body = JSON.stringify({ file: { filename: 'catalog.csv', base64: csv.toString('base64') } });
  /** Past the size parsed off the thread, by whitespace JSON allows and ignores. */
  const large = (text: string) => text + ' '.repeat(OFF_THREAD_JSON_BYTES + 1);

  it('reaches the method as the same input a small body gives', async () => {
    const small = await hub.post('catalog.importPreview', body, { cookie: adminCookie });
    expect(small.status).toBe(200);
    const big = await hub.post('catalog.importPreview', large(body), { cookie: adminCookie });
    expect(big.status).toBe(200);
    expect(big.json).toEqual(small.json);
  });

  it('refuses what the small-body parser refuses: text that is not JSON, __proto__ and constructor keys', async () => {
    for (const text of ['{"file": ', '{"__proto__": {"admin": true}, "file": 1}', '{"constructor": {"prototype": {"admin": true}}}']) {
      const res = await hub.post('catalog.importPreview', large(text), { cookie: adminCookie });
      expect(res.status, text).toBe(400);
      expect(res.json.error.code, text).toBe('BAD_REQUEST');
    }
  });
});
