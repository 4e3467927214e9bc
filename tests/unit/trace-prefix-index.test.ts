import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';
import { seedDrug, seedSupplier } from '../helpers/stock';

/**
 * A 码上放心 code's product prefix (its first 7 digits, drugs.trace_prefix) is looked up by the drug picker's
 * search and by the code lookup whenever the hub never received the box: each such read must seek the prefix
 * index (migration 0022), not walk the catalog. As in query-plans.test.ts, the statements the handlers really run
 * are recorded and SQLite is asked for each one's plan.
 */
let hub: TestHub;
let pharmacist: InternalClient;
let doctor: InternalClient;

const Statement = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
const EXECUTE_METHODS = ['run', 'get', 'all', 'iterate'] as const;
const originalExecute = Object.fromEntries(EXECUTE_METHODS.map((name) => [name, Statement[name]]));
/** SQL text of every statement that reads drugs by trace_prefix → the calls that ran it. */
const prefixReads = new Map<string, Set<string>>();
let currentCall: string | null = null;

beforeAll(async () => {
  hub = await createTestHub();
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
  const clinicId = (await createClinic(hub, 'C01', '东湖村卫生室')).id;
  doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId });
  const supplierId = seedSupplier(hub);
  // A catalog of a few hundred drugs, one of them with the prefix scanned below.
  for (let i = 0; i < 300; i++) {
    const d = seedDrug(hub, { name: `药品${String(i).padStart(3, '0')}片`, packSize: 10, supplierId });
    sql(hub.runtime.app.db, 'UPDATE drugs SET trace_prefix = ? WHERE id = ?').run(i % 3 === 0 ? null : String(8100000 + i), d.id);
  }
  const amox = seedDrug(hub, { name: '阿莫西林胶囊', packSize: 10, supplierId });
  sql(hub.runtime.app.db, "UPDATE drugs SET trace_prefix = '8123456' WHERE id = ?").run(amox.id);
  for (const name of EXECUTE_METHODS) {
    Statement[name] = function (this: Database.Statement, ...args: unknown[]) {
      if (currentCall && /trace_prefix\s*=/.test(this.source)) prefixReads.set(this.source, (prefixReads.get(this.source) ?? new Set()).add(currentCall));
      return originalExecute[name].apply(this, args);
    };
  }
});
afterAll(async () => {
  Object.assign(Statement, originalExecute);
  await hub.close();
});

async function traced<T>(label: string, call: () => Promise<T>): Promise<T> {
  currentCall = label;
  try {
    return await call();
  } finally {
    currentCall = null;
  }
}

describe('the trace prefix index', () => {
  it('is what every lookup of a code’s product prefix seeks', async () => {
    const code = '81234560000000009999'; // never received: only its prefix names the drug
    const hits = await traced('catalog.search', () => pharmacist.call('catalog.search', { q: code, limit: 5 }));
    expect(hits.map((h) => h.genericName)).toEqual(['阿莫西林胶囊']);
    expect((await traced('trace.lookup', () => pharmacist.call('trace.lookup', { code }))).drug?.drugName).toBe('阿莫西林胶囊');
    expect((await traced('trace.lookup (doctor)', () => doctor.call('trace.lookup', { code }))).drug?.drugName).toBe('阿莫西林胶囊');
    expect(new Set([...prefixReads.values()].flatMap((calls) => [...calls]))).toEqual(new Set(['catalog.search', 'trace.lookup', 'trace.lookup (doctor)']));

    const db = hub.runtime.app.readDb;
    for (const [source, calls] of prefixReads) {
      const call = [...calls].join(', ');
      const named = [...new Set([...source.matchAll(/@(\w+)/g)].map((m) => m[1]))];
      const args = named.length ? [Object.fromEntries(named.map((n) => [n, null]))] : new Array((source.match(/\?/g) ?? []).length).fill(null);
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...args) as { detail: string }[]).map((p) => p.detail).join('\n');
      expect(plan, `${call}: ${source}`).toMatch(/SEARCH (d|drugs) USING INDEX drugs_trace_prefix \(trace_prefix=\?\)/);
      expect(plan, `${call}: ${source}`).not.toMatch(/SCAN (d|drugs)\b/);
    }
  });
});
