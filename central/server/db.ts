/**
 * The prefecture server's PostgreSQL: a pool, transactions, and the numbered migrations of central/migrations
 * applied in order under an advisory lock (two servers starting at once do not both migrate), each in its own
 * transaction with its row in schema_migrations. A database migrated by a newer server is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export type Pool = pg.Pool;
export type Client = pg.PoolClient;

// bigint columns (fen, micro-yuan) come back as numbers: every amount the server stores is far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric (sum() of bigint) likewise; dates stay text ('YYYY-MM-DD'), not Date objects in the server's zone.
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(1082, (v) => v);

/**
 * Memory per sort or hash of a query, set for this server's connections (PostgreSQL's default is 4 MB). The dashboard
 * groups a month's ledger per hub × drug: a few thousand groups from ~270,000 rows for 24 hubs. PostgreSQL estimates
 * those groups from the partitioned table's statistics, which cover every month loaded: with a year in the database it
 * expected ten times as many, and within 4 MB it chose a sort that spilled to disk (172 ms) over the in-memory hash it
 * chose with one month loaded (87 ms), so the same month's figures took three times as long once a year was in
 * (`central_growth` 3.0). With 32 MB the plans no longer depend on the estimate (growth 1.25, BENCHMARKS.md). A query
 * takes it at most a few times per process (two or three such steps, three processes when run in parallel), and the
 * pool holds at most `max` connections.
 */
const WORK_MEM = '32MB';

export function createPool(connectionString: string, max = 8): Pool {
  const pool = new pg.Pool({ connectionString, max, application_name: 'santong-central', options: `-c work_mem=${WORK_MEM}` });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

export async function inTransaction<T>(pool: Pool, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    c.release();
  }
}

export function centralMigrationsDir(root: string): string {
  return path.join(root, 'central', 'migrations');
}

export function loadCentralMigrations(dir: string): { version: number; name: string; sql: string }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((f, i) => {
      const version = Number(f.slice(0, 4));
      if (version !== i + 1) throw new Error(`central migration ${f}: expected number ${i + 1}`);
      return { version, name: f, sql: fs.readFileSync(path.join(dir, f), 'utf8') };
    });
}

const MIGRATION_LOCK = 0x5354_4e47; // 'STNG'

export async function migrateCentral(pool: Pool, dir: string): Promise<number> {
  const migrations = loadCentralMigrations(dir);
  const c = await pool.connect();
  try {
    await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await c.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const applied = (await c.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations')).rows[0].v ?? 0;
    if (applied > migrations.length) throw new Error(`数据库版本 ${applied} 高于本程序支持的 ${migrations.length}：请安装新版地市服务器`);
    for (const m of migrations.slice(applied)) {
      await c.query('BEGIN');
      try {
        await c.query(m.sql);
        await c.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK');
        throw new Error(`central migration ${m.name} failed: ${(err as Error).message}`);
      }
    }
    return migrations.length;
  } finally {
    await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    c.release();
  }
}

/** 'YYYY-MM' → the first day of the month, as the fact tables key it. */
export const periodDate = (period: string) => `${period}-01`;
