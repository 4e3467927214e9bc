/**
 * The benchmark's hubs, cached under .bench/ by generator version, parameters and migrations, so a
 * re-run skips generation (and says so).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE_NAME } from '../../app';
import { Runtime } from '../../runtime';
import { GENERATOR_VERSION, generateHub, noonClock, type GenStats, type HubParams } from './generate';
import { checkLedgerInvariants } from '../../domain/stock/ledger';

export interface CachedHub {
  dir: string;
  file: string;
  params: HubParams;
  stats: GenStats;
  cached: boolean;
}

export function hubKey(params: HubParams): string {
  const h = crypto.createHash('sha256').update(JSON.stringify(params)).digest('hex').slice(0, 10);
  return `hub-v${GENERATOR_VERSION}-${params.clinics}c-${params.start}-${params.end}-${h}`;
}

export async function ensureHub(root: string, params: HubParams, log: (s: string) => void): Promise<CachedHub> {
  const dir = path.join(root, hubKey(params));
  const done = path.join(dir, 'generated.json');
  const file = path.join(dir, DB_FILE_NAME);
  if (fs.existsSync(done) && fs.existsSync(file)) {
    const stats = JSON.parse(fs.readFileSync(done, 'utf8')) as GenStats;
    log(`  cached hub reused (generation skipped): ${path.relative(process.cwd(), dir)}`);
    // A hub generated before a newer migration is upgraded like any hub: through the real migrations.
    const runtime = new Runtime({ dataDir: dir, clock: noonClock(params.end) }, 'main', { recoveryMode: false });
    const migrated = runtime.app.migration;
    runtime.close();
    if (migrated.to > migrated.from) {
      log(`  migrated the cached hub from schema ${migrated.from} to ${migrated.to}`);
      fs.rmSync(path.join(dir, 'backups'), { recursive: true, force: true });
    }
    return { dir, file, params, stats, cached: true };
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const stats = await generateHub(dir, params, log);
  fs.writeFileSync(done, JSON.stringify(stats, null, 2));
  return { dir, file, params, stats, cached: false };
}

/**
 * The ledger invariants: on the whole database (quick scale), or on a sample of stores (full scale),
 * where the complete check would read ten million rows several times over.
 */
export function verifyHub(file: string, sampleStores: number | null): { problems: string[]; scope: string } {
  const db = new Database(file, { readonly: true });
  try {
    if (sampleStores === null) {
      return { problems: checkLedgerInvariants(db).map((p) => `${p.check}: ${p.detail}`), scope: 'whole database' };
    }
    const stores = (db.prepare('SELECT id FROM stores ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    const chosen = stores.filter((_, i) => i % Math.max(1, Math.floor(stores.length / sampleStores)) === 0).slice(0, sampleStores);
    const problems: string[] = [];
    for (const storeId of chosen) {
      const bad = db
        .prepare(
          `WITH sums AS (SELECT lot_id, sum(qty) AS qty, sum(amount) AS amount FROM ledger INDEXED BY ledger_card WHERE store_id = ? GROUP BY lot_id)
           SELECT count(*) AS n FROM (
             SELECT s.lot_id FROM sums s LEFT JOIN stock_balances b ON b.store_id = ? AND b.lot_id = s.lot_id
              WHERE coalesce(b.qty, 0) <> s.qty OR coalesce(b.value, 0) <> s.amount OR s.qty < 0 OR s.amount < 0
             UNION ALL
             SELECT b.lot_id FROM stock_balances b LEFT JOIN sums s ON s.lot_id = b.lot_id WHERE b.store_id = ? AND s.lot_id IS NULL AND (b.qty <> 0 OR b.value <> 0))`,
        )
        .get(storeId, storeId, storeId) as { n: number };
      if (bad.n) problems.push(`store ${storeId}: ${bad.n} lots whose balance differs from the ledger`);
      const totals = db
        .prepare(
          `WITH sums AS (SELECT drug_id, period, movement, sum(qty) AS qty, sum(amount) AS amount FROM ledger INDEXED BY ledger_card WHERE store_id = ? GROUP BY drug_id, period, movement)
           SELECT count(*) AS n FROM sums s LEFT JOIN stock_period_totals t ON t.store_id = ? AND t.drug_id = s.drug_id AND t.period = s.period AND t.movement = s.movement
            WHERE coalesce(t.qty, 0) <> s.qty OR coalesce(t.amount, 0) <> s.amount`,
        )
        .get(storeId, storeId) as { n: number };
      if (totals.n) problems.push(`store ${storeId}: ${totals.n} monthly totals differ from the ledger`);
    }
    return { problems, scope: `${chosen.length} of ${stores.length} stores (every lot and monthly total of each)` };
  } finally {
    db.close();
  }
}
