/**
 * The 进销存 preview summed without writing rows (insurance-export/summary.ts) equals the preview of the rows
 * themselves (previewOf(buildExport(…))), field for field — every interface's rows, base units and fen, the
 * ledger row count and every warning with its examples in order — for the open month and every closed one, the
 * whole hub and each store alone, on a generated hub and on one with hand-made gaps (a lot without its
 * manufacturing date, a drug without its approval number, a returned receipt without an invoice number).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type WriteDb } from '../../electron/db/database';
import { buildExport, exportStores, previewOf } from '../../electron/domain/insurance-export/build';
import { previewInsuranceExport } from '../../electron/domain/insurance-export/handlers';
import { previewExport } from '../../electron/domain/insurance-export/summary';
import { Runtime } from '../../electron/runtime';
import { generateHub, noonClock, type HubParams } from '../../electron/tools/bench/generate';
import { chinaDate, nextPeriod } from '../../shared/dates';
import type { AuthedUser } from '../../electron/domain/auth/sessions';
import { tempDir } from '../helpers/runtime';

const params: HubParams = { clinics: 2, start: '2026-07-20', end: '2026-10-10', linesPerClinicDay: 8, drugs: 40, formulary: 15, seed: 23 };
let dir: string;
let runtime: Runtime;

beforeAll(async () => {
  dir = tempDir('santong-export-summary-');
  await generateHub(dir, params);
  runtime = new Runtime({ dataDir: dir, clock: noonClock(params.end), validateOutputs: true }, 'main', { recoveryMode: false });
}, 120_000);
afterAll(() => {
  runtime.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function months(db: WriteDb): string[] {
  const first = (sql(db, 'SELECT min(period) AS p FROM ledger').get() as { p: string }).p;
  const out: string[] = [];
  for (let p = first; p <= params.end.slice(0, 7); p = nextPeriod(p)) out.push(p);
  return out;
}

/** The admin's read context on the hub's own connection (what the long-read worker gives the handler). */
function adminCtx() {
  const db = runtime.app.db;
  const now = runtime.app.clock.now();
  const user = sql(db, "SELECT id, username, display_name AS displayName, role, clinic_id AS clinicId FROM users WHERE username = 'admin'").get() as AuthedUser;
  return { db, now, today: chinaDate(now), user, optionalUser: user };
}

/** Every month × (the whole hub, each store alone): the summary against the rows' own preview. */
function compareEverywhere(): { interfaces: Set<string>; warnings: Set<string>; compared: number } {
  const ctx = adminCtx();
  const db = ctx.db;
  const storeIds = (sql(db, "SELECT id FROM stores WHERE kind IN ('hub', 'clinic') ORDER BY id").all() as { id: number }[]).map((s) => s.id);
  const seen = { interfaces: new Set<string>(), warnings: new Set<string>(), compared: 0 };
  for (const period of months(db)) {
    for (const storeId of [undefined, ...storeIds]) {
      const stores = exportStores(ctx, storeId);
      const fromRows = previewOf(buildExport(ctx, period, stores));
      expect(previewExport(ctx, period, stores), `${period} store ${storeId ?? 'all'}`).toEqual(fromRows);
      for (const i of fromRows.interfaces) if (i.rows > 0) seen.interfaces.add(i.code);
      for (const w of fromRows.warnings) seen.warnings.add(w.code);
      seen.compared++;
    }
  }
  return seen;
}

describe('进销存 preview without writing rows', () => {
  it('equals the preview of the written rows for the open month and every closed one, the whole hub and each store', () => {
    const db = runtime.app.db;
    expect(months(db)).toEqual(['2026-07', '2026-08', '2026-09', '2026-10']);
    expect(sql(db, "SELECT count(*) AS n FROM periods WHERE status = 'closed'").get()).toEqual({ n: 3 });
    const seen = compareEverywhere();
    expect(seen.compared).toBe(4 * 4);
    // Not a comparison of empty months: purchases, transfers, sales and balances are all there.
    expect([...seen.interfaces].sort()).toEqual(expect.arrayContaining(['3501', '3502', '3503', '3505']));
    expect(seen.warnings).toContain('month_not_ended');
  });

  it('gives the same warnings, examples and order when lots, drugs and receipts lack what the spec requires', () => {
    const db = runtime.app.db;
    // Gaps as an older hub may hold them (the generator fills every field): the preview must name each one once.
    const lots = sql(db, 'SELECT id FROM lots ORDER BY id').all() as { id: number }[];
    for (const l of lots.filter((_, i) => i % 3 === 0)) sql(db, 'UPDATE lots SET mfg_date = NULL WHERE id = ?').run(l.id);
    sql(db, 'UPDATE drugs SET approval_no = NULL WHERE id % 4 = 0').run();
    sql(db, 'UPDATE receipts SET invoice_no = NULL WHERE id % 2 = 0').run();
    const seen = compareEverywhere();
    expect(seen.warnings).toContain('no_mfg_date');
    expect(seen.warnings).toContain('no_approval_no');
  });

  it('is what the insuranceExport.preview handler answers for the open month and for one store', () => {
    const ctx = adminCtx();
    for (const storeId of [undefined, (sql(ctx.db, "SELECT id FROM stores WHERE kind = 'clinic' ORDER BY id LIMIT 1").get() as { id: number }).id]) {
      const expected = previewOf(buildExport(ctx, '2026-10', exportStores(ctx, storeId)));
      expect(previewInsuranceExport(ctx, { period: '2026-10', storeId })).toEqual(expected);
      expect(expected.interfaces.find((i) => i.code === '3505')!.rows).toBeGreaterThan(0);
    }
  });
});
