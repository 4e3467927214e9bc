/**
 * The hub sends its closed months by itself once the prefecture server is configured: each month's current version
 * once, oldest first; after a failure it waits 5 minutes, then 10 … (counted from the sends log, so across restarts);
 * a refusal waits for a person; a reopened and re-closed month goes again as its new version. Against a local server
 * that answers as scripted; the hub's clock is moved by hand, nothing waits on the wall clock.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { monthPackageBytes } from '../../electron/domain/prefecture/build';
import { AUTO_SEND, monthsDue, sendDueMonths, startPrefectureSender, type PackageBuilder } from '../../electron/domain/prefecture/auto-send';
import { decodePackage } from '../../electron/domain/prefecture/seal';
import { readSendRecords, writePrefectureSettings } from '../../electron/domain/prefecture/settings';
import { packageEnvelope } from '../../shared/prefecture/package';
import { createSimHub, simulate, type SimHub } from '../helpers/settlement';

let sim: SimHub;
let server: http.Server;
/** What the server answers next: 'accept', 'refuse' or 'fail' (a 503 with no answer). */
let mode: 'accept' | 'refuse' | 'fail' = 'accept';
const received: { period: string; version: number }[] = [];

const build: PackageBuilder = async (hub, period, signer) => monthPackageBytes(hub.readDb, period, signer, hub.clock.now());
/** The waits between a send's own attempts, without waiting. */
const noWait = { sleep: async () => {} };
const hub = () => sim.hub.runtime.app;
const sendsOf = (period: string) => readSendRecords(sim.hub.dataDir).filter((r) => r.period === period && r.target === 'server');

beforeAll(async () => {
  sim = await createSimHub('2026-01-05');
  await simulate(sim, '2026-03-05', { seed: 20260105, opsPerDay: 3, close: true });
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { manifest } = packageEnvelope.parse(decodePackage(Buffer.concat(chunks)).raw);
      received.push({ period: manifest.period, version: manifest.version });
      if (mode === 'fail') return res.writeHead(503).end('<html>Service Unavailable</html>');
      const refused = mode === 'refuse';
      res.writeHead(refused ? 409 : 200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          outcome: refused ? 'refused' : manifest.version > 1 ? 'replaced' : 'accepted',
          code: refused ? 'KEY_MISMATCH' : 'ACCEPTED',
          message: refused ? '公钥不一致' : '已收到',
          hubCode: manifest.hub.code,
          period: manifest.period,
          version: manifest.version,
          receivedAt: refused ? null : '2026-03-05T02:00:00.000Z',
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
}, 240_000);
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await sim.hub.close();
});
afterEach(() => {
  mode = 'accept';
});

describe('sending closed months by itself', () => {
  it('sends nothing until the prefecture is configured', async () => {
    expect(await sendDueMonths(hub(), build, noWait)).toEqual([]);
    expect(received).toEqual([]);
  });

  it('sends each closed month once, oldest first, and not again once taken', async () => {
    writePrefectureSettings(sim.hub.dataDir, {
      hubCode: 'H411621001',
      countyCode: '411621',
      serverUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      serverCaPem: null,
    });
    const sender = startPrefectureSender(sim.hub.runtime, build, { firstDelayMs: 3_600_000, intervalMs: 3_600_000 });
    try {
      const sent = await sender.tick();
      expect(sent.map((r) => [r.period, r.version, r.answer?.outcome, r.userName])).toEqual([
        ['2026-01', 1, 'accepted', AUTO_SEND.sender],
        ['2026-02', 1, 'accepted', AUTO_SEND.sender],
      ]);
      expect(received).toEqual([
        { period: '2026-01', version: 1 },
        { period: '2026-02', version: 1 },
      ]);
      expect(await sender.tick()).toEqual([]);
      expect(received).toHaveLength(2);
    } finally {
      sender.stop();
    }
  });

  it('retries a month nothing reached the server for after a growing wait, and leaves a refusal to a person', async () => {
    const admin = sim.as('admin');
    await admin.call('periods.reopen', { period: '2026-02', reason: '补录一张报损单' });
    await admin.call('periods.close', { period: '2026-02', acknowledgeWarnings: true });
    mode = 'fail';
    const failed = await sendDueMonths(hub(), build, noWait);
    expect(failed.map((r) => [r.period, r.version, r.answer, r.attempts])).toEqual([['2026-02', 2, null, 3]]);
    expect(failed[0].error).toContain('HTTP 503');
    // Within the first wait (5 minutes) nothing is tried; after it, the new version goes and is taken.
    mode = 'accept';
    const now = hub().clock.now().getTime();
    sim.hub.clock.set(new Date(now + AUTO_SEND.retryBaseMs - 60_000).toISOString());
    expect(monthsDue(hub().readDb, sim.hub.dataDir, hub().clock.now())).toEqual([]);
    mode = 'fail';
    sim.hub.clock.set(new Date(now + AUTO_SEND.retryBaseMs).toISOString());
    expect(await sendDueMonths(hub(), build, noWait)).toHaveLength(1);
    // The second failure doubles the wait: 10 minutes.
    const second = hub().clock.now().getTime();
    sim.hub.clock.set(new Date(second + 2 * AUTO_SEND.retryBaseMs - 60_000).toISOString());
    expect(monthsDue(hub().readDb, sim.hub.dataDir, hub().clock.now())).toEqual([]);
    sim.hub.clock.set(new Date(second + 2 * AUTO_SEND.retryBaseMs).toISOString());
    mode = 'accept';
    expect((await sendDueMonths(hub(), build, noWait)).map((r) => [r.period, r.version, r.answer?.outcome])).toEqual([['2026-02', 2, 'replaced']]);
    expect(sendsOf('2026-02').map((r) => r.answer?.outcome ?? 'failed')).toEqual(['accepted', 'failed', 'failed', 'replaced']);

    // A refusal is final for its version: however long after, it is not sent again by itself.
    await admin.call('periods.reopen', { period: '2026-02', reason: '再补录一张' });
    await admin.call('periods.close', { period: '2026-02', acknowledgeWarnings: true });
    mode = 'refuse';
    expect((await sendDueMonths(hub(), build, noWait)).map((r) => [r.version, r.answer?.outcome])).toEqual([[3, 'refused']]);
    sim.hub.clock.set(new Date(hub().clock.now().getTime() + 24 * 3_600_000).toISOString());
    expect(monthsDue(hub().readDb, sim.hub.dataDir, hub().clock.now())).toEqual([]);
  });
});
