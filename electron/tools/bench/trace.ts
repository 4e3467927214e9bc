/**
 * 追溯码 at scale (issue 16): a hub receives 50,000–150,000 boxes a year. On copies of the ten-year and the one-year
 * hub, every hub receipt line of the history gets coded boxes (up to ten per line, sold long ago: state
 * 'dispensed' with their receipt event) and each clinic's current lots a few boxes on its shelf; then, through the
 * real dispatcher on the same inputs drawn alike on both hubs:
 *   trace_lookup_p95_ms     — trace.lookup of a random known code (a box's whole path);
 *   trace_scan_post_p95_ms  — a village doctor's dispensing of one scanned box (dispensing.create with its code:
 *                             the box found, its lot taken, the ledger row, the box event, the audit row);
 * with the growth of each (ten years ÷ one year).
 */
import fs from 'node:fs';
import path from 'node:path';
import { InternalClient } from '../../api/internal';
import { DB_FILE_NAME } from '../../app';
import { recordCleanClose } from '../../db/clean-close';
import { sql } from '../../db/database';
import { Runtime } from '../../runtime';
import type { CachedHub } from './hubs';
import { noonClock } from './generate';
import { pick, rng, round, timed } from './measure';

const BOXES_PER_RECEIPT_LINE = 10;
const SHELF_BOXES_PER_LOT = 3;

/** 20-digit 码上放心-style codes, unique per (receipt line, box): '8' and the number, zero-padded. */
const CODE_SQL = (lineExpr: string, boxExpr: string) => `'8' || printf('%019d', ${lineExpr} * 16 + ${boxExpr})`;

/** Registers the boxes; returns the codes to look up and the shelf boxes to dispense, by clinic. */
function registerBoxes(runtime: Runtime) {
  const db = runtime.app.db;
  db.transaction(() => {
    db.exec(`
      WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < ${BOXES_PER_RECEIPT_LINE}),
      lines AS (
        SELECT rl.id, rl.drug_id, rl.lot_id, rl.qty / rl.pack_size AS packs, r.business_date
          FROM receipt_lines rl JOIN receipts r ON r.id = rl.receipt_id WHERE r.status = 'posted'
      )
      INSERT OR IGNORE INTO trace_codes (code, kind, drug_id, lot_id, receipt_line_id, state, store_id, used_qty, last_date)
      SELECT ${CODE_SQL('l.id', 'k.n')}, 'mssf', l.drug_id, l.lot_id, l.id, 'dispensed', NULL, 0, l.business_date
        FROM lines l JOIN k ON k.n <= min(l.packs, ${BOXES_PER_RECEIPT_LINE});
      INSERT INTO box_events (code, event, drug_id, lot_id, to_store_id, doc_type, doc_id, doc_line_id, business_date, user_id, created_at)
      SELECT t.code, 'receipt', t.drug_id, t.lot_id, (SELECT id FROM stores WHERE kind = 'hub'), 'receipt', rl.receipt_id, rl.id, t.last_date,
             (SELECT id FROM users WHERE username = 'yaoku'), t.last_date || 'T02:00:00.000Z'
        FROM trace_codes t JOIN receipt_lines rl ON rl.id = t.receipt_line_id;
      -- The clinics' shelves: a few whole boxes of each lot they hold now, codes of their own (box numbers 11+).
      WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < ${SHELF_BOXES_PER_LOT}),
      shelf AS (
        SELECT b.store_id, b.lot_id, b.drug_id, b.qty / d.pack_size AS packs, (SELECT min(id) FROM receipt_lines WHERE lot_id = b.lot_id) AS line_id
          FROM stock_balances b JOIN stores s ON s.id = b.store_id AND s.kind = 'clinic' JOIN drugs d ON d.id = b.drug_id
         WHERE b.qty >= d.pack_size
      )
      INSERT OR IGNORE INTO trace_codes (code, kind, drug_id, lot_id, receipt_line_id, state, store_id, used_qty, last_date)
      SELECT ${CODE_SQL('s.line_id', `(${BOXES_PER_RECEIPT_LINE} + k.n)`)}, 'mssf', s.drug_id, s.lot_id, s.line_id, 'in_stock', s.store_id, 0,
             (SELECT business_date FROM receipts WHERE id = (SELECT receipt_id FROM receipt_lines WHERE id = s.line_id))
        FROM shelf s JOIN k ON k.n <= min(s.packs, ${SHELF_BOXES_PER_LOT}) WHERE s.line_id IS NOT NULL;
    `);
  })();
  const boxes = (sql(db, 'SELECT count(*) AS n FROM trace_codes').get() as { n: number }).n;
  const lookups = (sql(db, 'SELECT code FROM trace_codes ORDER BY code').all() as { code: string }[]).map((r) => r.code);
  const shelf = sql(
    db,
    `SELECT t.code, t.drug_id AS drugId, c.id AS clinicId, u.username
       FROM trace_codes t JOIN stores s ON s.id = t.store_id AND s.kind = 'clinic' JOIN clinics c ON c.id = s.clinic_id
       JOIN users u ON u.clinic_id = c.id AND u.role = 'village_doctor'
      WHERE t.state = 'in_stock' ORDER BY t.code`,
  ).all() as { code: string; drugId: number; clinicId: number; username: string }[];
  return { boxes, lookups, shelf };
}

async function measure(hub: CachedHub, workDir: string, opts: { quick: boolean; log: (s: string) => void }) {
  const dir = path.join(workDir, `trace-${path.basename(hub.dir)}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(hub.file, path.join(dir, DB_FILE_NAME));
  recordCleanClose(path.join(dir, DB_FILE_NAME));
  const runtime = new Runtime({ dataDir: dir, clock: noonClock(hub.params.end) }, 'main', { recoveryMode: false });
  try {
    const { boxes, lookups, shelf } = registerBoxes(runtime);
    const pharmacist = InternalClient.asUser(runtime, 'yaoku');
    const r = rng(20261205);
    const lookup = await timed(opts.quick ? 200 : 500, 20, () => pharmacist.call('trace.lookup', { code: pick(r, lookups) }));
    // Each post sells a different shelf box, spread over the clinics (the first ones warm up, untimed).
    const doctors = new Map<string, InternalClient>();
    const order = [...shelf].sort(() => r() - 0.5);
    const posts = Math.min(order.length - 10, opts.quick ? 100 : 300);
    const scanPost = await timed(posts, 10, async (i) => {
      const box = order[i >= 1_000_000 ? i - 1_000_000 : i + 10];
      let doctor = doctors.get(box.username);
      if (!doctor) doctors.set(box.username, (doctor = InternalClient.asUser(runtime, box.username)));
      await doctor.call('dispensing.create', {
        clinicId: box.clinicId,
        businessDate: hub.params.end,
        lines: [{ drugId: box.drugId, qty: 1, traceCodes: [box.code] }],
      });
    });
    opts.log(
      `  ${hub.params.start} … ${hub.params.end}: ${boxes.toLocaleString('en')} boxes; lookup p50 ${lookup.p50.toFixed(2)} / p95 ${lookup.p95.toFixed(2)} ms; scan-to-post p50 ${scanPost.p50.toFixed(1)} / p95 ${scanPost.p95.toFixed(1)} ms (${scanPost.n} posts)`,
    );
    return { boxes, lookupP95: lookup.p95, scanPostP95: scanPost.p95 };
  } finally {
    runtime.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function runTraceBench(big: CachedHub, small: CachedHub, workDir: string, opts: { quick: boolean; log: (s: string) => void }) {
  const one = await measure(small, workDir, opts);
  const ten = await measure(big, workDir, opts);
  return {
    trace_boxes_10y: ten.boxes,
    trace_boxes_1y: one.boxes,
    trace_lookup_p95_ms: round(ten.lookupP95),
    trace_lookup_p95_ms_1y: round(one.lookupP95),
    trace_lookup_growth: round(ten.lookupP95 / one.lookupP95),
    trace_scan_post_p95_ms: round(ten.scanPostP95),
    trace_scan_post_p95_ms_1y: round(one.scanPostP95),
    trace_scan_post_growth: round(ten.scanPostP95 / one.scanPostP95),
  };
}
