/**
 * A prefecture server for the LAN bench's send: the real one (dist/central/server.cjs) in a process of its own, on a
 * throwaway PostgreSQL cluster, with the bench hub's county and key registered. Its own process, so that taking in
 * a package (parsing, checking, loading) never runs on the thread that measures the villages' latencies.
 */
import { appRoot } from '../../paths';
import { centralMigrationsDir, createPool, migrateCentral } from '../../../central/server/db';
import { addCounty, registerHub } from '../../../central/server/hubs';
import { spawnCentralServer } from '../../../tests/helpers/central-process';
import { startPgCluster } from '../../../tests/helpers/pg-cluster';

export const BENCH_COUNTY = { code: '411621', name: '扶沟县' };

export interface BenchPrefecture {
  url: string;
  /** Registers the hub under `code` with the public key its 上报地市 page shows. */
  register(code: string, name: string, publicKeyBase64: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startBenchPrefecture(): Promise<BenchPrefecture> {
  const cluster = await startPgCluster();
  const pool = createPool(cluster.url, 2);
  const stopAll = async () => {
    await pool.end().catch(() => undefined);
    cluster.stop();
  };
  try {
    await migrateCentral(pool, centralMigrationsDir(appRoot()));
    await addCounty(pool, BENCH_COUNTY.code, BENCH_COUNTY.name);
    const { url, child } = await spawnCentralServer(appRoot(), cluster.url);
    return {
      url,
      register: async (code, name, publicKeyBase64) => {
        await registerHub(pool, { code, name, countyCode: BENCH_COUNTY.code, publicKey: publicKeyBase64 }, new Date(), null);
      },
      stop: async () => {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
        await stopAll();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
