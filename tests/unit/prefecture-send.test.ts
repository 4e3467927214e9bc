/**
 * The hub's sending: against a local server that fails as networks and proxies do, sendPackage retries with doubling
 * waits while nothing definite came back (no connection, a dropped connection, 5xx, 429, a proxy's page), stops at
 * the first answer of the server, and never retries a refusal (the same bytes cannot fare better). The waits go
 * through an injected sleep, so the test takes no wall-clock time.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureCertificate } from '../../electron/lib/certificate';
import { ingestUrl, sendPackage } from '../../electron/domain/prefecture/send';
import { tempDir } from '../helpers/runtime';

type Step = { status: number; body: string } | 'drop';

const answer = (outcome: string, code: string) =>
  JSON.stringify({
    outcome,
    code,
    message: outcome === 'refused' ? '上报包的签名不对' : '已收到 H41162101 2026-03 第 1 版',
    hubCode: 'H41162101',
    period: '2026-03',
    version: 1,
    receivedAt: outcome === 'refused' ? null : '2026-04-03T02:00:00.000Z',
  });

let server: http.Server | null = null;

/** A server that answers each POST with the next step; records what it received. */
async function scripted(steps: Step[]): Promise<{ url: string; received: Buffer[] }> {
  const received: Buffer[] = [];
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(Buffer.concat(chunks));
      const step = steps[received.length - 1] ?? { status: 500, body: 'no more steps' };
      if (step === 'drop') return req.socket.destroy();
      res.writeHead(step.status, { 'content-type': step.body.startsWith('{') ? 'application/json' : 'text/html' }).end(step.body);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/santong`, received };
}

afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

const bytes = Buffer.from('the package bytes');

describe('sending to the prefecture server', () => {
  it('retries a dropped connection, a 502 proxy page and a 503 with doubling waits, then keeps the answer', async () => {
    const s = await scripted([
      'drop',
      { status: 502, body: '<html>Bad Gateway</html>' },
      { status: 503, body: answer('refused', 'INTERNAL') },
      { status: 200, body: answer('accepted', 'ACCEPTED') },
    ]);
    const waits: number[] = [];
    const result = await sendPackage(s.url, bytes, { backoffMs: 1000, sleep: async (ms) => void waits.push(ms) });
    expect(result).toMatchObject({ attempts: 4, error: null, answer: { outcome: 'accepted', version: 1 } });
    expect(waits).toEqual([1000, 2000, 4000]);
    // Every attempt carried the same bytes, to the server's /ingest under the configured path.
    expect(s.received.map((b) => b.toString())).toEqual(Array(4).fill('the package bytes'));
    expect(ingestUrl(s.url).pathname).toBe('/santong/ingest');
  });

  it('does not retry a refusal: the answer is final', async () => {
    const s = await scripted([{ status: 403, body: answer('refused', 'SIGNATURE_INVALID') }]);
    const waits: number[] = [];
    const result = await sendPackage(s.url, bytes, { sleep: async (ms) => void waits.push(ms) });
    expect(result).toMatchObject({ attempts: 1, error: null, answer: { outcome: 'refused', code: 'SIGNATURE_INVALID' } });
    expect(waits).toEqual([]);
  });

  it('retries a 429 (the server is busy) and a resend after a lost answer is what the server calls unchanged', async () => {
    const s = await scripted([
      { status: 429, body: '{"error":{"code":"RATE_LIMITED","message":"请求过于频繁"}}' },
      { status: 200, body: answer('unchanged', 'UNCHANGED') },
    ]);
    const result = await sendPackage(s.url, bytes, { backoffMs: 10, sleep: async () => {} });
    expect(result).toMatchObject({ attempts: 2, answer: { outcome: 'unchanged' } });
  });

  it('gives up after the attempts with the reason in words when nothing answers', async () => {
    const s = await scripted([]);
    const url = s.url;
    await new Promise<void>((r) => server!.close(() => r()));
    server = null;
    const waits: number[] = [];
    const result = await sendPackage(url, bytes, { attempts: 5, backoffMs: 1000, sleep: async (ms) => void waits.push(ms) });
    expect(result.answer).toBeNull();
    expect(result.attempts).toBe(5);
    expect(result.error).toMatch(/^无法连接上报服务器/);
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
  });

  it('reaches an HTTPS server whose certificate chains to the private root given in the settings, and no other', async () => {
    // wall-clock: TLS checks the certificate's validity against the machine's clock, not a business time
    const tls = await ensureCertificate(tempDir(), new Date());
    const secure = https.createServer({ key: tls.key, cert: tls.cert }, (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer('accepted', 'ACCEPTED')),
    );
    await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
    try {
      const url = `https://127.0.0.1:${(secure.address() as AddressInfo).port}/`;
      expect(await sendPackage(url, bytes, { caPem: tls.caCert, attempts: 1 })).toMatchObject({ attempts: 1, answer: { outcome: 'accepted' } });
      const untrusted = await sendPackage(url, bytes, { attempts: 1 });
      expect(untrusted.answer).toBeNull();
      expect(untrusted.error).toMatch(/^无法连接上报服务器：.*certificate/);
    } finally {
      await new Promise<void>((r) => secure.close(() => r()));
    }
  });

  it('reports a proxy page that never becomes an answer as the HTTP status', async () => {
    const s = await scripted(Array(3).fill({ status: 504, body: '<html>Gateway Timeout</html>' }));
    const result = await sendPackage(s.url, bytes, { attempts: 3, sleep: async () => {} });
    expect(result).toMatchObject({ answer: null, attempts: 3, error: '服务器返回 HTTP 504' });
  });
});
