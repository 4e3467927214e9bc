/**
 * The hub's side of the prefecture package: built from a hub run through the real handlers (with reversals,
 * returns, write-offs, stocktakes and closes), it satisfies the hub's invariant, every row carries hub, clinic,
 * drug and period, checksums and signature verify, a re-close makes version n+1, and the signing key is made once
 * however many first uses race for it.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMonthPackage, type HubSigner } from '../../electron/domain/prefecture/build';
import { HUB_KEY_FILE, loadOrCreateHubKey } from '../../electron/domain/prefecture/key';
import { checksumMismatches, decodePackage, encodePackage, receivedMismatches, signatureValid } from '../../electron/domain/prefecture/seal';
import { canonicalJson } from '../../shared/prefecture/canonical';
import { foreignRows, invariantProblems, packageEnvelope, SECTION_NAMES, SECTION_SCHEMAS } from '../../shared/prefecture/package';
import { createSimHub, simulate, type SimHub } from '../helpers/settlement';
import { scratchDirs } from '../helpers/runtime';

const scratch = scratchDirs();
let sim: SimHub;
let signer: HubSigner;

beforeAll(async () => {
  sim = await createSimHub('2026-01-05');
  await simulate(sim, '2026-03-05', { seed: 20260105, opsPerDay: 5, close: true });
  signer = { code: 'H411621001', name: '测试镇卫生院', countyCode: '411621', key: loadOrCreateHubKey(sim.hub.dataDir) };
}, 240_000);
afterAll(() => sim?.hub.close());

describe('prefecture package (hub side)', () => {
  it('builds a closed month whose ledger sums equal closing − opening, every row tagged with hub and period', () => {
    const pkg = buildMonthPackage(sim.hub.runtime.app.db, '2026-02', signer, sim.hub.clock.now());
    expect(pkg.manifest).toMatchObject({ period: '2026-02', version: 1, hub: { code: 'H411621001', countyCode: '411621', keyId: signer.key.keyId } });
    expect(pkg.sections.ledger.length).toBeGreaterThan(50);
    expect(pkg.sections.snapshots.some((s) => s.kind === 'opening')).toBe(true);
    expect(pkg.sections.ledger.some((r) => r.reversesId !== null)).toBe(true);
    for (const name of SECTION_NAMES) for (const row of pkg.sections[name]) SECTION_SCHEMAS[name].parse(row);
    expect(invariantProblems(pkg.sections)).toEqual([]);
    expect(foreignRows(pkg.sections, 'H411621001', '2026-02')).toEqual([]);
    // Clinic rows carry the clinic's code; the hub store's carry none.
    expect(new Set(pkg.sections.ledger.filter((r) => r.storeKind === 'hub').map((r) => r.clinicCode))).toEqual(new Set([null]));
    expect(pkg.sections.ledger.filter((r) => r.storeKind === 'clinic').every((r) => /^C0\d$/.test(r.clinicCode ?? ''))).toBe(true);
    expect(pkg.sections.prices.length).toBeGreaterThan(0);
    expect(pkg.sections.documents.length).toBeGreaterThan(0);
  });

  it('travels as gzip bytes that decode to the same package, whose checksums and signature verify', () => {
    const pkg = buildMonthPackage(sim.hub.runtime.app.db, '2026-01', signer, sim.hub.clock.now());
    const decoded = decodePackage(encodePackage(pkg));
    const back = packageEnvelope.parse(decoded.raw);
    expect(canonicalJson(back)).toBe(canonicalJson(pkg));
    expect(checksumMismatches(back)).toEqual([]);
    // The receiver's digests of the lines as they arrived are the manifest's.
    expect(receivedMismatches(back.manifest, decoded.digests)).toEqual([]);
    // Canonical JSON is the plain definition: keys sorted at every depth, no spaces.
    const reference = (v: unknown): string =>
      Array.isArray(v)
        ? `[${v.map(reference).join(',')}]`
        : v !== null && typeof v === 'object'
          ? `{${Object.keys(v)
              .sort()
              .map((k) => `${JSON.stringify(k)}:${reference((v as Record<string, unknown>)[k])}`)
              .join(',')}}`
          : JSON.stringify(v);
    for (const name of ['ledger', 'signals', 'snapshots'] as const) expect(canonicalJson(pkg.sections[name])).toBe(reference(pkg.sections[name]));
    expect(signatureValid(back.manifest, back.signature, signer.key.publicKeyBase64)).toBe(true);
    // One changed row breaks its section's checksum; a changed manifest breaks the signature.
    const altered = structuredClone(back);
    altered.sections.ledger[0] = { ...(altered.sections.ledger[0] as object), qty: 999_999 };
    expect(checksumMismatches(altered)).toEqual(['ledger']);
    expect(signatureValid({ ...back.manifest, version: 2 }, back.signature, signer.key.publicKeyBase64)).toBe(false);
    const other = loadOrCreateHubKey(scratch());
    expect(signatureValid(back.manifest, back.signature, other.publicKeyBase64)).toBe(false);
  });

  it('refuses an open month, and a reopened and re-closed month is version 2', async () => {
    const db = sim.hub.runtime.app.db;
    expect(() => buildMonthPackage(db, '2026-03', signer, sim.hub.clock.now())).toThrow(/尚未结账/);
    const admin = sim.as('admin');
    await admin.call('periods.reopen', { period: '2026-02', reason: '补录一张报损单' });
    expect(() => buildMonthPackage(db, '2026-02', signer, sim.hub.clock.now())).toThrow(/尚未结账/);
    await admin.call('periods.close', { period: '2026-02', acknowledgeWarnings: true });
    const pkg = buildMonthPackage(db, '2026-02', signer, sim.hub.clock.now());
    expect(pkg.manifest.version).toBe(2);
    expect(invariantProblems(pkg.sections)).toEqual([]);
  });

  it('keeps the settings the administrator saved, the private root certificate included, and shows the key to enrol', async () => {
    const admin = sim.as('admin');
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB专网根证书示例\n-----END CERTIFICATE-----';
    const saved = await admin.call('prefecture.saveSettings', {
      hubCode: 'H411621001',
      countyCode: '411621',
      serverUrl: 'https://10.1.2.3:8443',
      serverCaPem: pem,
    });
    // The page fills its form from prefecture.settings and saves it back whole: the certificate must come back too.
    const shown = await admin.call('prefecture.settings', {});
    expect(shown).toEqual(saved);
    expect(shown).toMatchObject({
      hubCode: 'H411621001',
      countyCode: '411621',
      serverUrl: 'https://10.1.2.3:8443',
      hasServerCa: true,
      serverCaPem: pem,
      publicKey: signer.key.publicKeyBase64,
      keyId: signer.key.keyId,
    });
    await expect(
      admin.call('prefecture.saveSettings', { hubCode: 'H411621001', countyCode: '4116', serverUrl: 'ftp://x', serverCaPem: null }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('makes one key per data folder when many first uses race', async () => {
    const dir = scratch();
    const script = path.join(dir, 'race.cjs');
    // Each child process builds the key module itself and makes the key at the same instant.
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [path.resolve('electron/domain/prefecture/key.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: path.join(dir, 'key.cjs'),
      logLevel: 'warning',
    });
    fs.writeFileSync(
      script,
      `const { loadOrCreateHubKey } = require(${JSON.stringify(path.join(dir, 'key.cjs'))});
       // wall-clock: each child spins until the shared start instant, so the first uses really race
       process.on('message', (at) => { while (Date.now() < at) {} process.send(loadOrCreateHubKey(process.argv[2]).publicKeyBase64); });`,
    );
    const keysDir = path.join(dir, 'data');
    const children = Array.from({ length: 6 }, () => fork(script, [keysDir]));
    // wall-clock: a start instant shared by the child processes, not a business time
    const at = Date.now() + 1500;
    const keys = await Promise.all(children.map((c) => new Promise<string>((resolve) => (c.once('message', (m) => resolve(String(m))), c.send(at)))));
    children.forEach((c) => c.kill());
    expect(new Set(keys).size).toBe(1);
    expect(fs.readdirSync(keysDir)).toEqual([HUB_KEY_FILE]);
    expect(loadOrCreateHubKey(keysDir).publicKeyBase64).toBe(keys[0]);
  });
});
