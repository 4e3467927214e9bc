/**
 * Ingest at the prefecture server, on a throwaway PostgreSQL cluster: packages built by a hub run through the real
 * handlers are loaded by COPY, twice without change, replaced by a newer version; a forged, altered, unbalanced,
 * unregistered or wrongly keyed package is refused with nothing written. The USB path: the file the hub's
 * `prefecture.export` writes is uploaded by the prefecture administrator and checked like a send; the hub's later
 * send of the same version is answered "unchanged". The server's own HTTPS, from the certificate files it is given.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMonthPackage, type HubSigner } from '../../electron/domain/prefecture/build';
import { loadOrCreateHubKey } from '../../electron/domain/prefecture/key';
import { encodePackage, sectionsSummary, signManifest } from '../../electron/domain/prefecture/seal';
import { createPool, migrateCentral, type Pool } from '../../central/server/db';
import { addCounty, registerHub } from '../../central/server/hubs';
import { FACT_TABLES, ingestPackage } from '../../central/server/ingest';
import { figuresBy } from '../../central/server/figures';
import { createUser } from '../../central/server/auth';
import { startCentralServer } from '../../central/server/http';
import { readTlsFiles } from '../../central/server/tls';
import { ensureCertificate } from '../../electron/lib/certificate';
import { sendPackage } from '../../electron/domain/prefecture/send';
import type { BuiltPackage } from '../../shared/prefecture/package';
import { createSimHub, simulate, type SimHub } from '../helpers/settlement';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster';
import { scratchDirs } from '../helpers/runtime';

const scratch = scratchDirs();
const AT = new Date('2026-03-05T02:00:00.000Z');
let cluster: PgCluster;
let pool: Pool;
let sim: SimHub;
let signer: HubSigner;

beforeAll(async () => {
  cluster = await startPgCluster();
  pool = createPool(cluster.url);
  await migrateCentral(pool, 'central/migrations');
  sim = await createSimHub('2026-01-05');
  await simulate(sim, '2026-03-05', { seed: 20260105, opsPerDay: 5, close: true });
  signer = { code: 'H411621001', name: '测试镇卫生院', countyCode: '411621', key: loadOrCreateHubKey(sim.hub.dataDir) };
  await addCounty(pool, '411621', '扶沟县');
  await registerHub(pool, { code: signer.code, name: signer.name, countyCode: '411621', publicKey: signer.key.publicKeyBase64 }, AT, null);
}, 240_000);
afterAll(async () => {
  await pool?.end();
  cluster?.stop();
  await sim?.hub.close();
});

const build = (period: string) => buildMonthPackage(sim.hub.runtime.app.db, period, signer, sim.hub.clock.now());
const ingest = (pkg: BuiltPackage | Buffer) => ingestPackage(pool, Buffer.isBuffer(pkg) ? pkg : encodePackage(pkg), AT, { ip: '127.0.0.1' });

/** Row counts of every fact table and of the packages: "nothing written" compares these. */
async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of [...FACT_TABLES, 'packages', 'trace_conflicts']) out[t] = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
  return out;
}

/** Re-signs a package after changing it, as a hub holding `key` would. */
function reseal(pkg: BuiltPackage, key = signer.key): BuiltPackage {
  const manifest = { ...pkg.manifest, sections: sectionsSummary(pkg.sections as never) };
  return { ...pkg, manifest, signature: signManifest(manifest, key.privateKey) };
}

describe('central ingest', () => {
  it('loads a real hub month by COPY and takes the same package again without change', async () => {
    const pkg = build('2026-01');
    const first = await ingest(pkg);
    expect(first).toMatchObject({ outcome: 'accepted', hubCode: 'H411621001', period: '2026-01', version: 1 });
    const after = await counts();
    expect(after.ledger_facts).toBe(pkg.sections.ledger.length);
    expect(after.snapshot_facts).toBe(pkg.sections.snapshots.length);
    expect(after.document_facts).toBe(pkg.sections.documents.length);
    // The ledger in PostgreSQL sums to what the hub's own statements say (fen, to the last one).
    const sums = (
      await pool.query<{ qty: number; amount: number }>("SELECT sum(qty) AS qty, sum(amount) AS amount FROM ledger_facts WHERE period = '2026-01-01'")
    ).rows[0];
    expect(sums).toEqual({ qty: pkg.sections.ledger.reduce((n, r) => n + r.qty, 0), amount: pkg.sections.ledger.reduce((n, r) => n + r.amount, 0) });
    // The prefecture's figures for the hub's month are the package's own sums.
    const figures = (await figuresBy(pool, 'hub', { from: '2026-01', to: '2026-01', countyCode: null })).values().next().value!;
    const hubReceipts = pkg.sections.ledger.filter((r) => r.movement === 'receipt' && r.storeKind === 'hub');
    expect(figures.purchaseAmount).toBe(hubReceipts.reduce((n, r) => n + r.amount, 0));
    expect(figures.dispensedAmount).toBe(-pkg.sections.ledger.filter((r) => r.movement === 'dispense').reduce((n, r) => n + r.amount, 0));
    expect(figures.purchaseAmount).toBeGreaterThan(0);
    // The month has its own partition.
    const part = await pool.query("SELECT 1 FROM pg_class WHERE relname = 'ledger_facts_2026_01'");
    expect(part.rowCount).toBe(1);

    const again = await ingest(pkg);
    expect(again.outcome).toBe('unchanged');
    // A second build of the same close (another producedAt: a resend) is the same version: nothing changes.
    const rebuilt = buildMonthPackage(sim.hub.runtime.app.db, '2026-01', signer, new Date('2026-03-06T00:00:00Z'));
    const resent = await ingest(rebuilt);
    expect(resent).toMatchObject({ outcome: 'unchanged', version: 1 });
    expect(resent.message).toBe('H411621001 2026-01 第 1 版此前已收到，未作改动');
    // The same version with other content (a hub that changed its data without reopening) is kept as first received, and said so.
    const changed = structuredClone(rebuilt);
    changed.sections.clinics[0].name += '（改名）';
    const kept = await ingest(reseal(changed));
    expect(kept).toMatchObject({ outcome: 'unchanged', version: 1 });
    expect(kept.message).toMatch(/内容与已收到的不同，按已收到的为准/);
    expect(await counts()).toEqual(after);
  });

  it('a reopened and re-closed month arrives as version 2 and replaces version 1 in one transaction', async () => {
    const v1 = build('2026-02');
    expect((await ingest(v1)).outcome).toBe('accepted');
    const admin = sim.as('admin');
    await admin.call('periods.reopen', { period: '2026-02', reason: '补录一张报损单' });
    await admin.call('periods.close', { period: '2026-02', acknowledgeWarnings: true });
    const v2 = build('2026-02');
    expect(v2.manifest.version).toBe(2);
    const before = await counts();
    const answer = await ingest(v2);
    expect(answer).toMatchObject({ outcome: 'replaced', version: 2 });
    const after = await counts();
    expect(after.ledger_facts).toBe(before.ledger_facts - v1.sections.ledger.length + v2.sections.ledger.length);
    const pkgs = (await pool.query("SELECT version, status FROM packages WHERE period = '2026-02-01' ORDER BY version")).rows;
    expect(pkgs).toEqual([
      { version: 1, status: 'replaced' },
      { version: 2, status: 'current' },
    ]);
    // Version 1 sent late (a retry from the USB stick) changes nothing.
    expect((await ingest(v1)).code).toBe('VERSION_SUPERSEDED');
    expect(await counts()).toEqual(after);
  });

  it('refuses a forged, altered, unbalanced, unregistered or wrongly keyed package and writes no fact', async () => {
    const pkg = build('2026-01');
    const before = await counts();
    const refusals: Record<string, string> = {};
    const attempt = async (label: string, p: BuiltPackage | Buffer) => {
      const a = await ingest(p);
      expect(a.outcome, label).toBe('refused');
      refusals[label] = a.code;
      expect(await counts(), label).toEqual(before);
    };
    // Forged: signed by another key that claims the hub's.
    const stranger = loadOrCreateHubKey(scratch());
    await attempt('forged', { ...pkg, signature: signManifest(pkg.manifest, stranger.privateKey) });
    // Altered: a row changed after signing (the manifest still says the old checksum).
    const altered = structuredClone(pkg);
    (altered.sections.ledger[3] as { amount: number }).amount += 100;
    await attempt('altered', altered);
    // Unbalanced: a dispensing row dropped, checksums and signature redone by the hub's own key: the invariant fails.
    const unbalanced = structuredClone(pkg);
    const i = unbalanced.sections.ledger.findIndex((r) => r.movement === 'dispense');
    unbalanced.sections.ledger.splice(i, 1);
    await attempt('unbalanced', reseal(unbalanced));
    // Unregistered hub, and a registered hub whose key is not the one enrolled.
    await attempt(
      'unregistered',
      reseal({ ...pkg, manifest: { ...pkg.manifest, hub: { ...pkg.manifest.hub, code: 'H000000000' } }, sections: retag(pkg, 'H000000000') }),
    );
    const rekeyed = { ...pkg, manifest: { ...pkg.manifest, publicKey: stranger.publicKeyBase64, hub: { ...pkg.manifest.hub, keyId: stranger.keyId } } };
    await attempt('wrong key', reseal(rekeyed, stranger));
    await attempt('garbage', Buffer.from('not a package'));
    // Two rows under one hub ledger id, as a newer version: every check passes, the old version's facts are deleted,
    // then the database's key refuses the load, and the whole transaction rolls back (the old facts are still there).
    const repeated = structuredClone(pkg);
    repeated.manifest.version = 5;
    repeated.sections.ledger[1].ledgerId = repeated.sections.ledger[0].ledgerId;
    await attempt('repeated id', reseal(repeated));
    expect(refusals).toEqual({
      forged: 'SIGNATURE_INVALID',
      altered: 'CHECKSUM_MISMATCH',
      unbalanced: 'INVARIANT_FAILED',
      unregistered: 'HUB_UNKNOWN',
      'wrong key': 'KEY_MISMATCH',
      garbage: 'PACKAGE_INVALID',
      'repeated id': 'ROWS_INVALID',
    });
    // Each refusal is in the audit log, with its code.
    const audited = (await pool.query("SELECT error_code FROM audit_log WHERE method = 'packages.ingest' AND outcome = 'rejected'")).rows.map(
      (r) => r.error_code,
    );
    expect(audited).toEqual(expect.arrayContaining(Object.values(refusals)));
  });
});

describe('the USB path', () => {
  it('takes the file the hub exported as the administrator uploads it, refuses an altered copy, and a later send is unchanged', async () => {
    const server = await startCentralServer({ pool, host: '127.0.0.1', port: 0, clock: { now: () => AT } });
    try {
      await createUser(
        pool,
        { username: 'shiju', displayName: '地市管理员', role: 'prefecture_admin', countyCode: null, password: 'Password12345', mustChange: false },
        AT,
      );
      const login = await fetch(`${server.url}api/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'shiju', password: 'Password12345' }),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      const upload = async (file: { filename: string; base64: string }) => {
        const res = await fetch(`${server.url}api/packages.upload`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body: JSON.stringify(file),
        });
        expect(res.status).toBe(200);
        return (await res.json()) as { outcome: string; code: string; message: string; version: number };
      };
      // The hub reopens and re-closes February once more, has no link, and writes version 3 to a file through its own handler.
      const admin = sim.as('admin');
      await admin.call('periods.reopen', { period: '2026-02', reason: '补录一张报损单' });
      await admin.call('periods.close', { period: '2026-02', acknowledgeWarnings: true });
      await admin.call('prefecture.saveSettings', { hubCode: signer.code, countyCode: '411621', serverUrl: server.url, serverCaPem: null });
      const builtOnWorker = sim.hub.runtime.app.longReads.answered;
      const file = await sim.as('yaoku').call('prefecture.export', { period: '2026-02' });
      // Read, signed (the key cloned to the thread) and compressed on the long-read worker: seconds on a ten-year hub.
      expect(sim.hub.runtime.app.longReads.answered).toBe(builtOnWorker + 1);
      expect(file.filename).toBe('santong-H411621001-2026-02-v3.stpkg');

      const before = await counts();
      const bytes = Buffer.from(file.base64, 'base64');
      const damaged = Buffer.from(bytes);
      damaged[Math.floor(damaged.length / 2)] ^= 0xff;
      expect(await upload({ filename: file.filename, base64: damaged.toString('base64') })).toMatchObject({ outcome: 'refused', code: 'PACKAGE_INVALID' });
      expect(await counts()).toEqual(before);

      expect(await upload(file)).toMatchObject({ outcome: 'replaced', version: 3 });
      const audit = (await pool.query("SELECT username, details->>'file' AS file FROM audit_log WHERE method = 'packages.ingest' ORDER BY id DESC LIMIT 1"))
        .rows[0];
      expect(audit).toEqual({ username: 'shiju', file: file.filename });
      const loaded = await counts();

      // The link comes back: the hub sends the same close, which the server already has.
      const sent = await sim.as('yaoku').call('prefecture.send', { period: '2026-02' });
      expect(sim.hub.runtime.app.longReads.answered).toBe(builtOnWorker + 2);
      expect(sent).toMatchObject({ target: 'server', attempts: 1, error: null, answer: { outcome: 'unchanged', version: 3 } });
      expect(await counts()).toEqual(loaded);
      const month = (await sim.as('caiwu').call('prefecture.months', {})).rows.find((r) => r.period === '2026-02')!;
      expect(month.sends.map((r) => [r.target, r.answer?.outcome ?? null])).toEqual([
        ['server', 'unchanged'],
        ['file', null],
      ]);
    } finally {
      await server.close();
    }
  });
});

function retag(pkg: BuiltPackage, hub: string): BuiltPackage['sections'] {
  return Object.fromEntries(
    Object.entries(pkg.sections).map(([k, rows]) => [k, (rows as object[]).map((r) => ({ ...r, hubCode: hub }))]),
  ) as BuiltPackage['sections'];
}

describe("the server's connections", () => {
  it('sort and hash in 32 MB, so a month’s figures keep their in-memory plan however many months are loaded', async () => {
    // central/server/db.ts: with PostgreSQL's 4 MB the plan followed the group estimate, which grows with the months loaded.
    const clients = await Promise.all([pool.connect(), pool.connect()]);
    try {
      for (const c of clients) expect((await c.query<{ work_mem: string }>('SHOW work_mem')).rows[0].work_mem).toBe('32MB');
    } finally {
      for (const c of clients) c.release();
    }
  });
});

describe('the server’s own HTTPS', () => {
  it('serves the hub’s send over HTTPS with the certificate and key files it was started with, and refuses a mismatched pair', async () => {
    const dir = scratch();
    // wall-clock: TLS checks the certificate's validity against the machine's clock, not a business time
    const machineNow = new Date();
    const issued = await ensureCertificate(dir, machineNow);
    const other = await ensureCertificate(scratch(), machineNow);
    const files = (cert: string, key: string) => {
      fs.writeFileSync(path.join(dir, 'server.crt'), cert);
      fs.writeFileSync(path.join(dir, 'server.key'), key);
      return readTlsFiles(path.join(dir, 'server.crt'), path.join(dir, 'server.key'));
    };
    expect(() => files(issued.cert, other.key)).toThrow(/不配对/);
    expect(() => files('not a certificate', issued.key)).toThrow(/不是 PEM 格式的证书/);
    const server = await startCentralServer({ pool, host: '127.0.0.1', port: 0, clock: { now: () => AT }, https: files(issued.cert, issued.key) });
    try {
      expect(server.url).toMatch(/^https:/);
      // What the hub already sent for January: the server answers over TLS, trusted through the private root only.
      const sent = await sendPackage(server.url, encodePackage(build('2026-01')), { caPem: issued.caCert, attempts: 1 });
      expect(sent).toMatchObject({ attempts: 1, error: null, answer: { outcome: 'unchanged', version: 1 } });
      const untrusted = await sendPackage(server.url, encodePackage(build('2026-01')), { attempts: 1 });
      expect(untrusted.error).toMatch(/certificate/);
    } finally {
      await server.close();
    }
  });
});
