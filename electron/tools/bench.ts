/**
 * Benchmarks at ten-year scale (npm run bench [-- --quick]).
 *
 * Builds a large hub (40 clinics, ten years, > 10 M ledger rows) and a small one (one year) directly in
 * SQLite (cached under .bench/), then times the real handlers: stock on hand, statements, stock cards,
 * dispensing posts against raw inserts, drug search over 100,000 catalog rows, the catalog import
 * against exceljs alone, 50 concurrent LAN clients against the real headless server, and its start.
 * Prints a table and writes bench-results.json. --quick does the same at small scale in < 2 minutes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runPostBench } from './bench/post';
import { runReadBench } from './bench/reads';
import { runScreenSweep } from './bench/screens';
import { runCatalogBench } from './bench/catalog';
import { runServerBench } from './bench/server';
import { ensureHub, verifyHub } from './bench/hubs';
import { round } from './bench/measure';
import { recordCleanClose } from '../db/clean-close';
import { runCentralBench } from '../../central/tools/bench';
import { runTraceBench } from './bench/trace';
import { runImportStallBench } from './bench/import-stall';
import type { HubParams } from './bench/generate';

const quick = process.argv.includes('--quick');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const wants = (part: string) => !only || only.includes(part);
const root = path.resolve(process.cwd(), '.bench');
const started = Date.now();
const log = (s: string) => console.log(s);
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

const END = '2026-10-31';
const FULL_LARGE: HubParams = { clinics: 40, start: '2016-11-01', end: END, linesPerClinicDay: 65, drugs: 600, formulary: 120, seed: 20161101 };
const QUICK_LARGE: HubParams = { clinics: 6, start: '2023-11-01', end: END, linesPerClinicDay: 12, drugs: 200, formulary: 60, seed: 20231101 };
const large = quick ? QUICK_LARGE : FULL_LARGE;
const small: HubParams = { ...large, start: '2025-11-01' };

async function main() {
  fs.mkdirSync(root, { recursive: true });
  log(`Santong benchmarks (${quick ? 'quick' : 'full'} scale) — ${os.cpus().length} CPUs, node ${process.version}`);
  const results: Record<string, unknown> = {};
  // The prefecture server's bench needs no hub of the hub benches: --only=central skips straight to it.
  if (!only?.every((p) => p === 'central' || p === 'import')) await hubBenches(results);
  if (wants('import')) {
    log(`\n[import] the LAN during a 150,000-row catalog preview and commit: import_stall_ms (${elapsed()})`);
    Object.assign(results, await runImportStallBench(root, { log }));
  }
  if (wants('central')) {
    log(`\n[central] prefecture server on PostgreSQL: ingest, KPI growth, drill-down (${elapsed()})`);
    Object.assign(results, await runCentralBench({ quick, log }));
  }
  writeResults(results);
}

async function hubBenches(results: Record<string, unknown>) {
  log(`\n[1/6] hubs (${large.clinics} clinics; large ${large.start} … ${large.end}, small ${small.start} … ${small.end})`);
  const reuseChecked = process.argv.includes('--reuse-checked');
  const bigHub = await ensureHub(root, large, log, { reuseChecked });
  const smallHub = await ensureHub(root, small, log, { reuseChecked });
  const ledgerRows = bigHub.stats.ledgerRows;
  const bytes = fs.statSync(bigHub.file).size;
  log(
    `  large: ${ledgerRows.toLocaleString('en')} ledger rows, ${(bytes / 2 ** 20).toFixed(0)} MiB; small: ${smallHub.stats.ledgerRows.toLocaleString('en')} rows (${elapsed()})`,
  );
  for (const [name, hub] of [
    ['large', bigHub],
    ['small', smallHub],
  ] as const) {
    if (hub.cached) continue;
    const check = verifyHub(hub.file, quick ? null : 6);
    log(`  invariants (${name}, ${check.scope}): ${check.problems.length === 0 ? 'hold' : check.problems.slice(0, 5).join('; ')}`);
    if (check.problems.length) throw new Error('the generated hub is inconsistent');
  }
  Object.assign(results, {
    ledger_rows_10y: ledgerRows,
    ledger_rows_1y: smallHub.stats.ledgerRows,
    db_bytes_10y: bytes,
    db_bytes_per_ledger_row: round(bytes / ledgerRows, 1),
    generation_seconds_10y: bigHub.cached ? null : round(bigHub.stats.seconds, 0),
    generation_cached: bigHub.cached,
    // Opening the ten-year file when it is not known good (after a crash, a copy or a restore): full quick_check.
    checked_open_ms_10y: bigHub.migratedFrom === null ? round(bigHub.checkedOpenMs, 0) : null,
  });

  if (wants('reads')) {
    log(`\n[2/6] reads through the real handlers, ten years vs one (${elapsed()})`);
    Object.assign(results, await runReadBench(bigHub, smallHub, { quick, log }));
  }
  if (wants('screens')) {
    log(`\n[2/6] every screen once, ten years vs one (${elapsed()})`);
    Object.assign(results, await runScreenSweep(bigHub, smallHub, { log }));
  }
  const work = path.join(root, 'work');
  const reuseWork = process.argv.includes('--reuse-work') && fs.existsSync(path.join(work, path.basename(bigHub.file)));
  if (reuseWork) log(`\n  reusing the working copy in ${path.relative(process.cwd(), work)} (--reuse-work)`);
  if ((wants('post') || wants('http')) && !reuseWork) {
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    const copy = path.join(work, path.basename(bigHub.file));
    fs.copyFileSync(bigHub.file, copy);
    // A byte copy of the hub just checked and cleanly closed: recorded as such, so the copy's opens are
    // the everyday kind (the checked open is measured above, on the original).
    recordCleanClose(copy);
  }
  if (wants('post')) {
    log(`\n[3/6] dispensing posts: real handler vs raw inserts, on a copy of the large hub (${elapsed()})`);
    Object.assign(results, await runPostBench(work, large, { quick, log }));
  }
  if (wants('catalog')) {
    log(`\n[4/6] catalog: import and drug search (${elapsed()})`);
    Object.assign(results, await runCatalogBench(root, { quick, log }));
  }
  if (wants('trace')) {
    log(`\n[trace] 追溯码 lookup and scan-to-post, ten years vs one, on copies of both hubs with their boxes (${elapsed()})`);
    fs.mkdirSync(work, { recursive: true });
    Object.assign(results, await runTraceBench(bigHub, smallHub, work, { quick, log }));
  }
  if (wants('http')) {
    log(`\n[5/6] headless server on the large hub: start, then 50 concurrent LAN clients (${elapsed()})`);
    Object.assign(results, await runServerBench(work, large, { quick, log }));
  }
}

function writeResults(results: Record<string, unknown>) {
  const machine = {
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? null,
    memory_gib: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  const file = path.resolve(process.cwd(), 'bench-results.json');
  // A partial run (--only=…) updates the figures it measured and keeps the others of the same scale.
  let previous: Record<string, unknown> = {};
  if (only && fs.existsSync(file)) {
    const old = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (old.scale === (quick ? 'quick' : 'full')) previous = old;
  }
  const out = {
    ...previous,
    scale: quick ? 'quick' : 'full',
    ...results,
    run_seconds: round((Date.now() - started) / 1000, 0),
    machine,
    at: new Date().toISOString(),
  };
  fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  log(`\n[6/6] results (${elapsed()}) → bench-results.json`);
  printTable(out);
}

const TARGETS: [string, string, (v: number) => boolean][] = [
  ['post_ratio', '≥ 0.2', (v) => v >= 0.2],
  ['growth_soh', '≤ 1.5', (v) => v <= 1.5],
  ['growth_clinic_statement', '≤ 1.5', (v) => v <= 1.5],
  ['growth_supplier_statement', '≤ 1.5', (v) => v <= 1.5],
  ['growth_stock_card', '≤ 1.5', (v) => v <= 1.5],
  ['search_p95_ms', '≤ 10', (v) => v <= 10],
  ['import_ratio', '≤ 2', (v) => v <= 2],
  ['http_p99_ms', '≤ 100', (v) => v <= 100],
  ['http_p99_ms_during_backup', '≤ 100', (v) => v <= 100],
  ['http_p99_ms_during_close', '≤ 100', (v) => v <= 100],
  ['http_p99_ms_during_import', '≤ 100', (v) => v <= 100],
  ['http_p99_ms_during_send', '≤ 100', (v) => v <= 100],
  ['screen_p95_max_ms', '≤ 1000', (v) => v <= 1000],
  ['trace_lookup_p95_ms', '≤ 5', (v) => v <= 5],
  ['trace_lookup_growth', '≤ 1.5', (v) => v <= 1.5],
  ['trace_scan_post_p95_ms', '≤ 50', (v) => v <= 50],
  ['trace_scan_post_growth', '≤ 1.5', (v) => v <= 1.5],
  ['http_errors', '0', (v) => v === 0],
  ['start_ms', '≤ 2000', (v) => v <= 2000],
  ['central_ingest_ratio', '≥ 0.5', (v) => v >= 0.5],
  ['central_growth', '≤ 1.5', (v) => v <= 1.5],
  ['central_drill_p95_ms', '≤ 200', (v) => v <= 200],
];

function printTable(out: Record<string, unknown>) {
  const rows: string[][] = [['metric', 'value', 'target', '']];
  for (const [key, target, ok] of TARGETS) {
    const v = out[key];
    rows.push([key, v === undefined || v === null ? '—' : String(v), target, typeof v === 'number' ? (ok(v) ? 'ok' : 'MISSED') : '']);
  }
  for (const [key, v] of Object.entries(out)) {
    if (TARGETS.some(([k]) => k === key) || typeof v === 'object') continue;
    rows.push([key, String(v), '', '']);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
