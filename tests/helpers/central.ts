/**
 * Prefecture-server test worlds: a throwaway PostgreSQL cluster with the central schema, and hub packages made by the
 * hub's own generator and builder, cloned under several hub identities (each with its own key) so that planted
 * cross-hub cases stand against identical, honest neighbours.
 */
import { loadOrCreateHubKey, type HubKey } from '../../electron/domain/prefecture/key';
import { createPool, migrateCentral, type Pool } from '../../central/server/db';
import { generateDemoHubs } from '../../central/server/demo-hubs';
import { addCounty, registerHub } from '../../central/server/hubs';
import { reseal } from '../../central/server/plant';
import type { BuiltPackage, SectionRows } from '../../shared/prefecture/package';
import { startPgCluster, type PgCluster } from './pg-cluster';
import { tempDir } from './runtime';

export interface CentralDb {
  cluster: PgCluster;
  pool: Pool;
  close(): Promise<void>;
}

export async function startCentralDb(): Promise<CentralDb> {
  const cluster = await startPgCluster();
  const pool = createPool(cluster.url);
  await migrateCentral(pool, 'central/migrations');
  return {
    cluster,
    pool,
    close: async () => {
      await pool.end();
      cluster.stop();
    },
  };
}

export interface HubIdentity {
  code: string;
  name: string;
  county: string;
  key: HubKey;
}

/** One generated hub's closed months (2026-01 … 2026-03), built by the hub's builder. */
export async function templatePackages(clinics = 5, seed = 7): Promise<Map<string, BuiltPackage>> {
  const [hub] = await generateDemoHubs(() => {}, [{ code: 'T0000001', name: '模板镇卫生院', county: '411621', clinics, seed }], { drugs: 50, formulary: 20 });
  return hub.packages;
}

export function makeIdentity(code: string, name: string, county: string): HubIdentity {
  return { code, name, county, key: loadOrCreateHubKey(tempDir('santong-hubkey-')) };
}

/** The template's package as another hub's (every row re-tagged), not yet sealed. */
export function cloneFor(template: BuiltPackage, hub: HubIdentity): BuiltPackage {
  const sections = Object.fromEntries(
    Object.entries(template.sections).map(([k, rows]) => [k, (rows as object[]).map((r) => ({ ...structuredClone(r), hubCode: hub.code }))]),
  ) as SectionRows;
  return {
    manifest: {
      ...template.manifest,
      hub: { code: hub.code, name: hub.name, countyCode: hub.county, keyId: hub.key.keyId },
      publicKey: hub.key.publicKeyBase64,
    },
    signature: '',
    sections,
  };
}

export const sealFor = (pkg: BuiltPackage, hub: HubIdentity) => reseal(pkg, hub.key);

export async function registerIdentities(pool: Pool, hubs: HubIdentity[], counties: { code: string; name: string }[], at: Date): Promise<Map<string, number>> {
  for (const c of counties) await addCounty(pool, c.code, c.name);
  const ids = new Map<string, number>();
  for (const h of hubs)
    ids.set(h.code, (await registerHub(pool, { code: h.code, name: h.name, countyCode: h.county, publicKey: h.key.publicKeyBase64 }, at, null)).id);
  return ids;
}
