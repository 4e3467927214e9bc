import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CA_FILE_NAME, ensureCertificate, tlsDir } from '../../electron/lib/certificate';
import { LanController, startLanServer } from '../../electron/http/lan';
import { ADMIN_PASSWORD, createTestHub, type TestHub } from '../helpers/runtime';

let hub: TestHub;
beforeEach(async () => {
  hub = await createTestHub();
});
afterEach(async () => {
  hub.runtime.lan = null;
  await hub.close();
});

function request(url: string, opts: { ca?: string; method?: string; body?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
    const req = https.request(url, { method: opts.method ?? 'GET', ca: opts.ca, headers: opts.headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('the hub certificate', () => {
  it('is a CA kept in the data folder that signs a server certificate for this PC, renewed before it ends', async () => {
    const now = hub.clock.now();
    const first = await ensureCertificate(hub.dataDir, now);
    const ca = new crypto.X509Certificate(first.caCert);
    const server = new crypto.X509Certificate(first.cert);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(server.subjectAltName).toContain('DNS:localhost');
    expect((Date.parse(server.validTo) - now.getTime()) / 86_400_000).toBeLessThanOrEqual(825); // Apple's limit
    const dir = tlsDir(hub.dataDir);
    expect(fs.existsSync(path.join(dir, CA_FILE_NAME))).toBe(true);
    if (process.platform !== 'win32') {
      expect(fs.statSync(path.join(dir, 'ca.key')).mode & 0o077).toBe(0);
      expect(fs.statSync(path.join(dir, 'server.key')).mode & 0o077).toBe(0);
    }

    const again = await ensureCertificate(hub.dataDir, now);
    expect(again).toEqual(first);

    // 790 days on, the server certificate is re-issued by the same CA: clinics need do nothing.
    const later = await ensureCertificate(hub.dataDir, new Date(now.getTime() + 790 * 86_400_000));
    expect(later.caCert).toBe(first.caCert);
    expect(later.cert).not.toBe(first.cert);
    expect(new crypto.X509Certificate(later.cert).verify(ca.publicKey)).toBe(true);
  });
});

describe('HTTPS on the LAN', () => {
  it('serves the app over HTTPS with a Secure session cookie, HSTS, and the CA for download', async () => {
    const server = await startLanServer(hub.runtime, { host: '127.0.0.1', port: 0, https: true });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
      const caCert = fs.readFileSync(path.join(tlsDir(hub.dataDir), CA_FILE_NAME), 'utf8');
      // Trusted through the hub's CA alone: the certificate chain and the address both check out.
      const login = await request(`${server.url}api/auth.login`, {
        ca: caCert,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
      });
      expect(login.status).toBe(200);
      const cookie = (login.headers['set-cookie'] as string[]).find((c) => c.startsWith('santong_sid='))!;
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
      expect(login.headers['strict-transport-security']).toMatch(/max-age=\d+/);

      const download = await request(`${server.url}${CA_FILE_NAME}`, { ca: caCert });
      expect(download.status).toBe(200);
      expect(download.headers['content-type']).toBe('application/x-x509-ca-cert');
      expect(download.headers['content-disposition']).toContain(CA_FILE_NAME);
      expect(download.text).toBe(caCert);

      // Without the CA a client refuses the connection: the certificate is not a public one.
      await expect(request(`${server.url}api/health`)).rejects.toThrow(/certificate/i);
      // Plain HTTP to the HTTPS port gets nothing usable.
      await expect(fetch(`${server.url.replace('https:', 'http:')}api/health`).then((r) => r.json())).rejects.toThrow();
    } finally {
      await server.close();
    }
  });
});

describe('LAN settings', () => {
  it('start, restart and stop the LAN server as the administrator changes them', async () => {
    const lan = new LanController(hub.runtime, { host: '127.0.0.1' });
    hub.runtime.lan = lan;
    await lan.apply();
    let status = await hub.admin.call('system.lanStatus', {});
    expect(status).toMatchObject({ settings: { enabled: false, port: 8686, https: false, hostnames: [] }, managedHere: true, running: false, urls: [] });

    const port = await freePort();
    await hub.admin.call('system.updateLanSettings', { enabled: true, port, https: false });
    await lan.apply();
    status = await hub.admin.call('system.lanStatus', {});
    expect(status).toMatchObject({ settings: { enabled: true, port }, running: true, error: null, urls: [`http://127.0.0.1:${port}/`] });
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);

    // HTTPS on: same port, now with the hub's certificate.
    await hub.admin.call('system.updateLanSettings', { enabled: true, port, https: true, hostnames: ['santong.lan'] });
    await lan.apply();
    status = await hub.admin.call('system.lanStatus', {});
    expect(status.urls).toEqual([`https://127.0.0.1:${port}/`]);
    expect(status.certificate).toMatchObject({
      caFingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
      names: expect.arrayContaining(['127.0.0.1', 'localhost', 'santong.lan']),
    });
    const ca = await hub.admin.call('system.caCertificate', {});
    expect(ca).toMatchObject({ filename: CA_FILE_NAME, fingerprint: status.certificate!.caFingerprint, pem: expect.stringContaining('BEGIN CERTIFICATE') });
    expect((await request(`https://127.0.0.1:${port}/api/health`, { ca: ca.pem })).status).toBe(200);

    // A port another program holds: a clear Chinese error, and the app carries on.
    const blocker = net.createServer();
    const taken = await freePort();
    await new Promise<void>((r) => blocker.listen(taken, '127.0.0.1', r));
    try {
      await hub.admin.call('system.updateLanSettings', { enabled: true, port: taken, https: false });
      await lan.apply();
      status = await hub.admin.call('system.lanStatus', {});
      expect(status).toMatchObject({ running: false, error: `端口 ${taken} 已被其他程序占用，请换一个端口` });
    } finally {
      await new Promise((r) => blocker.close(r));
    }

    await hub.admin.call('system.updateLanSettings', { enabled: false, port, https: true });
    await lan.apply();
    expect((await hub.admin.call('system.lanStatus', {})).running).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();

    // Every change is in the audit log.
    const { rows } = await hub.admin.call('audit.list', { method: 'system.updateLanSettings' });
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatchObject({ target: 'settings:lan', details: { input: { enabled: false, port, https: true, hostnames: [] } } });
    await lan.close();
  });

  it('refuses ports below 1024 and non-numbers with a Chinese message', async () => {
    await expect(hub.admin.call('system.updateLanSettings', { enabled: true, port: 80, https: false })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('1024'),
    });
    await expect(hub.admin.call('system.updateLanSettings', { enabled: true, port: '8686' as never, https: false })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });
});
