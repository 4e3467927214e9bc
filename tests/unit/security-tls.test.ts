import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningServer } from '../../electron/http/server';
import { startLanServer } from '../../electron/http/lan';
import selfsigned from 'selfsigned';
import { CA_FILE_NAME, caCertificatePem, describeCertificate, ensureCertificate, permittedByCa, tlsDir } from '../../electron/lib/certificate';
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

/** Serves one certificate on a throwaway TLS server and reports whether a client trusting only the CA accepts it for `name`. */
async function clientAccepts(ca: string, served: { key: string; cert: string }, name: string): Promise<true | string> {
  const server = tls.createServer({ key: served.key, cert: served.cert }, (s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    return await new Promise<true | string>((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: name, checkServerIdentity: () => undefined }, () => {
        resolve(true);
        socket.end();
      });
      socket.on('error', (err) => resolve(`${(err as NodeJS.ErrnoException).code}: ${err.message}`));
    });
  } finally {
    server.close();
  }
}

describe('the root certificate is limited to the hub’s own names and LAN addresses (issue 19, item 12)', () => {
  it('signs a certificate for the hub, while one its key would sign for a public site or address is refused by clients', async () => {
    const now = hub.clock.now();
    const own = await ensureCertificate(hub.dataDir, now);
    expect(await clientAccepts(own.caCert, own, 'localhost')).toBe(true);

    // What a thief of ca.key could make: the same CA vouching for a bank and for a public address.
    const dir = tlsDir(hub.dataDir);
    const ca = { key: fs.readFileSync(path.join(dir, 'ca.key'), 'utf8'), cert: own.caCert };
    for (const altNames of [[{ type: 2 as const, value: 'www.icbc.com.cn' }], [{ type: 7 as const, ip: '8.8.8.8' }]]) {
      const forged = await selfsigned.generate([{ name: 'commonName', value: 'forged' }], {
        keySize: 2048,
        algorithm: 'sha256',
        notBeforeDate: new Date(now.getTime() - 86_400_000),
        notAfterDate: new Date(now.getTime() + 30 * 86_400_000),
        ca,
        extensions: [
          { name: 'basicConstraints', cA: false, critical: true },
          { name: 'subjectAltName', altNames },
        ],
      });
      expect(await clientAccepts(own.caCert, { key: forged.private, cert: forged.cert }, 'www.icbc.com.cn')).toBe('UNSPECIFIED: permitted subtree violation');
    }
  });

  it('leaves a later LAN name outside the constraints out of the server certificate and says so, instead of breaking every name', async () => {
    const now = hub.clock.now();
    await caCertificatePem(hub.dataDir, now);
    const issued = await ensureCertificate(hub.dataDir, now, ['santong.lan', 'yaoku.example.com']);
    const names = new crypto.X509Certificate(issued.cert).subjectAltName ?? '';
    expect(names).toContain('DNS:santong.lan');
    expect(names).not.toContain('yaoku.example.com');
    expect(await clientAccepts(issued.caCert, issued, 'santong.lan')).toBe(true);
    const info = describeCertificate(hub.dataDir, ['santong.lan', 'yaoku.example.com']);
    expect(info?.namesOutsideCa).toEqual(['yaoku.example.com']);
    expect(info?.caLimitedTo).toEqual(expect.arrayContaining(['localhost', 'local', '192.168.0.0/16', '10.0.0.0/8']));
  });

  it('matches names and addresses as RFC 5280 does', () => {
    const limits = ['local', 'hubpc', '192.168.0.0/16'];
    expect(permittedByCa(limits, 'hubpc')).toBe(true);
    expect(permittedByCa(limits, 'hubpc.local')).toBe(true);
    expect(permittedByCa(limits, 'evilhubpc')).toBe(false);
    expect(permittedByCa(limits, 'local.example.com')).toBe(false);
    expect(permittedByCa(limits, '192.168.3.4')).toBe(true);
    expect(permittedByCa(limits, '192.169.0.1')).toBe(false);
    expect(permittedByCa(null, 'www.example.com')).toBe(true);
  });
});
