import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningServer } from '../../electron/http/server';
import { startLanServer } from '../../electron/http/lan';
import { CA_FILE_NAME, caCertificatePem, ensureCertificate, tlsDir } from '../../electron/lib/certificate';
import { createTestHub, type TestHub } from '../helpers/runtime';

/** The hub's certificate authority made once under concurrency, and what the HTTPS server accepts (issue 19, items 5 and 12). */
let hub: TestHub;
let server: RunningServer | null = null;
beforeEach(async () => {
  hub = await createTestHub();
});
afterEach(async () => {
  await server?.close();
  server = null;
  await hub.close();
});

const fingerprint = (pem: string) => new crypto.X509Certificate(pem).fingerprint256;

describe('the root certificate on a fresh hub', () => {
  it('is one CA for 20 first downloads at once, the one kept in the data folder', async () => {
    server = await startHttpServer({ runtime: hub.runtime, host: '127.0.0.1', port: 0 });
    const url = `${server.url}${CA_FILE_NAME}`;
    const downloads = await Promise.all(Array.from({ length: 20 }, () => fetch(url).then(async (r) => ({ status: r.status, pem: await r.text() }))));
    expect(downloads.map((d) => d.status)).toEqual(Array(20).fill(200));
    const kept = fs.readFileSync(path.join(tlsDir(hub.dataDir), CA_FILE_NAME), 'utf8');
    expect(new Set(downloads.map((d) => fingerprint(d.pem)))).toEqual(new Set([fingerprint(kept)]));
  });

  it('is one CA when the LAN server starts while clinics download it, and it signs the server certificate', async () => {
    const now = hub.clock.now();
    const [a, b, c, d] = await Promise.all([
      ensureCertificate(hub.dataDir, now),
      caCertificatePem(hub.dataDir, now),
      ensureCertificate(hub.dataDir, now, ['santong.lan']),
      caCertificatePem(hub.dataDir, now),
    ]);
    expect(new Set([a.caCert, b, c.caCert, d])).toEqual(new Set([a.caCert]));
    const ca = new crypto.X509Certificate(a.caCert);
    const kept = fs.readFileSync(path.join(tlsDir(hub.dataDir), 'server.crt'), 'utf8');
    expect(new crypto.X509Certificate(kept).verify(ca.publicKey)).toBe(true);
    // The key beside it is the certificate's own.
    const key = crypto.createPrivateKey(fs.readFileSync(path.join(tlsDir(hub.dataDir), 'server.key')));
    expect(crypto.createPublicKey(key).export({ format: 'der', type: 'spki' })).toEqual(
      new crypto.X509Certificate(kept).publicKey.export({ format: 'der', type: 'spki' }),
    );
    expect(fs.readdirSync(tlsDir(hub.dataDir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

/** A handshake with the given client limits: the protocol and suite agreed on, or the error. */
function handshake(port: number, ca: string, opts: tls.ConnectionOptions) {
  return new Promise<{ protocol: string | null; cipher: string } | { error: string }>((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost', ...opts }, () => {
      resolve({ protocol: socket.getProtocol(), cipher: socket.getCipher().name });
      socket.end();
    });
    socket.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
  });
}

describe('HTTPS', () => {
  it('takes TLS 1.3, and TLS 1.2 only with forward-secret AEAD suites', async () => {
    server = await startLanServer(hub.runtime, { host: '127.0.0.1', port: 0, https: true });
    const ca = await caCertificatePem(hub.dataDir, hub.clock.now());
    const port = server.port;
    expect(await handshake(port, ca, {})).toMatchObject({ protocol: 'TLSv1.3' });
    expect(await handshake(port, ca, { maxVersion: 'TLSv1.2' })).toMatchObject({
      protocol: 'TLSv1.2',
      cipher: expect.stringMatching(/^ECDHE-RSA-.*(GCM|POLY1305)/),
    });
    // Static-RSA key exchange, CBC with SHA-1, CBC with SHA-256, and versions before 1.2: no handshake.
    for (const ciphers of ['AES128-GCM-SHA256', 'AES256-SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA256']) {
      expect(await handshake(port, ca, { maxVersion: 'TLSv1.2', ciphers }), ciphers).toHaveProperty('error');
    }
    expect(await handshake(port, ca, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' })).toHaveProperty('error');
  });
});
