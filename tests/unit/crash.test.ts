/**
 * Crash safety: the real server (dist/electron/serve.cjs) is killed with SIGKILL at random moments while
 * documents are posted to it over HTTP, again and again. After every restart the database must pass
 * PRAGMA integrity_check and the ledger invariants, every document the server acknowledged must be
 * there, and none may be half posted. The workloads live in tests/helpers/crash-workloads.ts.
 *
 * CRASH_KILLS (default 24) and CRASH_SEED make a run longer or reproducible.
 */
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runIntegrityCheck } from '../../electron/domain/system/integrity';
import { ApiClient, startServerProcess, type ServerProcess } from '../helpers/server-process';
import { WORKLOADS, type Ack, type CrashContext } from '../helpers/crash-workloads';
import { tempDir } from '../helpers/runtime';

const KILLS = Number(process.env.CRASH_KILLS ?? 24);
const SEED = Number(process.env.CRASH_SEED ?? randomInt(1_000_000));
/** The hub's clock at the first start; each restart goes on ten minutes later, as a real restart would. */
const START = Date.parse('2026-03-16T09:00:00+08:00');
const clockAt = (restart: number) => new Date(START + restart * 600_000).toISOString();
const PARALLEL = 3;

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const dataDir = tempDir('santong-crash-');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Everything a restart must find true, read straight from the file the server writes. */
function verify(acks: Ack[]): string[] {
  const db = new Database(path.join(dataDir, 'santong.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const report = runIntegrityCheck(db, { dbFile: path.join(dataDir, 'santong.sqlite'), now: new Date(START) });
    const problems = report.checks.filter((c) => !c.ok).map((c) => `${c.label}: ${c.problems.join('; ')}`);
    for (const w of WORKLOADS) problems.push(...w.verify(db, acks).map((p) => `[${w.name}] ${p}`));
    return problems;
  } finally {
    db.close();
  }
}

describe('crash safety', () => {
  it(`keeps every acknowledged document and never half posts one, across ${KILLS} kills (seed ${SEED})`, { timeout: 240_000 }, async () => {
    const random = prng(SEED);
    const admin = new ApiClient('');
    const pharmacist = new ApiClient('');
    const state: Record<string, unknown> = {};
    const today = '2026-03-16';

    // Set-up on a fresh server: the hub, a pharmacist, and whatever the workloads need.
    let server: ServerProcess = await startServerProcess(dataDir, { clock: clockAt(0) });
    admin.baseUrl = pharmacist.baseUrl = server.url;
    await admin.call('setup.initialize', { hubName: '白沙镇卫生院', adminUsername: 'admin', adminDisplayName: '管理员', adminPassword: 'Crash12345' });
    await admin.call('users.create', { username: 'yaoku', initialPassword: 'Initial123', displayName: '周药师', role: 'pharmacist', clinicId: null });
    await pharmacist.call('auth.login', { username: 'yaoku', password: 'Initial123' });
    await pharmacist.call('auth.changePassword', { oldPassword: 'Initial123', newPassword: 'Yaoku12345' });
    for (const w of WORKLOADS) await w.setup?.({ admin, pharmacist, today, state });
    await server.kill('SIGTERM');
    const seedDb = new Database(path.join(dataDir, 'santong.sqlite'));
    seedDb.pragma('foreign_keys = ON');
    seedDb.transaction(() => WORKLOADS.forEach((w) => w.seed?.(seedDb, state)))();
    seedDb.close();

    const acks: Ack[] = [];
    const ctx: CrashContext = { admin, pharmacist, today, random, acks, state };
    const totalWeight = WORKLOADS.reduce((n, w) => n + w.weight, 0);
    const pick = () => {
      let r = random() * totalWeight;
      for (const w of WORKLOADS) if ((r -= w.weight) < 0) return w;
      return WORKLOADS[0];
    };
    let i = 0;
    let refused = 0;
    let inFlightAtKill = 0;

    for (let kill = 1; kill <= KILLS + 1; kill++) {
      server = await startServerProcess(dataDir, { clock: clockAt(kill) });
      admin.baseUrl = pharmacist.baseUrl = server.url;
      const problems = verify(acks);
      expect(problems, `after restart ${kill - 1} (seed ${SEED})`).toEqual([]);
      if (kill > KILLS) break;

      // Continuous posting from a few clients at once, until the connection dies.
      let dead = false;
      const inFlight = new Set<number>();
      const loop = async () => {
        while (!dead) {
          const n = i++;
          inFlight.add(n);
          try {
            const ack = await pick().step(ctx, n);
            if (ack) acks.push(ack);
            else refused++;
          } catch {
            dead = true;
          } finally {
            inFlight.delete(n);
          }
        }
      };
      const loops = Array.from({ length: PARALLEL }, loop);
      await new Promise((r) => setTimeout(r, 60 + random() * 500));
      inFlightAtKill += inFlight.size;
      await server.kill('SIGKILL');
      dead = true;
      await Promise.all(loops);
    }

    // The server still works after all that: it takes a new document and a login.
    const receipts = acks.filter((a) => a.kind === 'receipt').length;
    expect(receipts).toBeGreaterThan(0);
    expect(acks.filter((a) => a.kind === 'dispensing').length).toBeGreaterThan(0);
    expect(inFlightAtKill, 'kills landed while requests were in flight').toBeGreaterThan(KILLS);
    await pharmacist.call('auth.me');
    const final = await admin.call('system.integrityCheck');
    expect(final.ok).toBe(true);
    await server.kill('SIGTERM');
    console.log(
      `crash test (seed ${SEED}): ${KILLS} kills, ${acks.length} acknowledged, ${refused} refused, ${inFlightAtKill} requests in flight at the kills`,
    );
  });
});
