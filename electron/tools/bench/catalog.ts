/**
 * The catalog at 100,000 rows:
 * - import_ratio: a 100,000-row catalog .xlsx imported through `catalog.importCommit` (parse with the
 *   importer's own reader, validate every row, write drugs and the search index in one transaction) ÷
 *   reading the same file with exceljs alone, in the importer's reading mode (`workbook.xlsx.load` with
 *   the same ignored nodes, every row's values visited), measured back to back in the same process. The
 *   ratio is of CPU time (this process, user + system): on a shared machine, wall time also measures
 *   the neighbours. The wall-time ratio is recorded beside it.
 * - search_p95_ms: the drug picker's `catalog.search` over the imported catalog, with queries mixing
 *   pinyin initials (2–5 letters), full pinyin and Chinese (1–4 characters) taken from the catalog's names.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { pinyin } from 'pinyin-pro';
import { InternalClient } from '../../api/internal';
import { sql } from '../../db/database';
import { Runtime } from '../../runtime';
import { catalogRowsWorkbook, generateCatalogRows } from '../../demo/catalog';
import { suggestMapping } from '../../domain/catalog/workbook';
import { CATALOG_COLUMNS } from '../../../shared/catalogColumns';
import { BENCH_PASSWORD, noonClock } from './generate';
import { clockIt, pick, rng, round, stats } from './measure';
import { roundStats } from './reads';

const IGNORED = ['dataValidations', 'conditionalFormatting', 'extLst', 'picture', 'drawing', 'legacyDrawing', 'tableParts', 'hyperlinks'];

async function readWithExcelJsAlone(data: Buffer): Promise<number> {
  const wb = new ExcelJS.Workbook();
  // as never: ExcelJS reads ignoreNodes but its typings do not declare it.
  await wb.xlsx.load(data as unknown as ExcelJS.Buffer, { ignoreNodes: IGNORED } as never);
  let cells = 0;
  for (const ws of wb.worksheets) {
    ws.eachRow({ includeEmpty: false }, (row) => {
      cells += (row.values as unknown[]).length;
    });
  }
  return cells;
}

export async function runCatalogBench(root: string, opts: { quick: boolean; log: (s: string) => void }) {
  const count = opts.quick ? 10_000 : 100_000;
  const file = path.join(root, `catalog-${count}-v1.xlsx`);
  if (!fs.existsSync(file)) {
    const t0 = Date.now();
    fs.writeFileSync(file, await catalogRowsWorkbook(generateCatalogRows(count, 100_000)));
    opts.log(
      `  wrote ${count.toLocaleString('en')}-row workbook (${((Date.now() - t0) / 1000).toFixed(1)} s, ${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MiB)`,
    );
  } else opts.log(`  cached ${count.toLocaleString('en')}-row workbook reused`);
  const data = fs.readFileSync(file);

  const dataDir = path.join(root, `catalog-hub-${count}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const runtime = new Runtime({ dataDir, clock: noonClock('2026-10-31') }, 'main', { recoveryMode: false });
  try {
    const admin = new InternalClient(runtime, '127.0.0.1');
    await admin.call('setup.initialize', { hubName: '青石镇卫生院', adminUsername: 'admin', adminDisplayName: '系统管理员', adminPassword: BENCH_PASSWORD });
    await admin.call('auth.login', { username: 'admin', password: BENCH_PASSWORD });

    // exceljs alone, twice (the first run warms the library up); the faster counts.
    global.gc?.();
    const alone1 = await clockIt(() => readWithExcelJsAlone(data));
    global.gc?.();
    const alone2 = await clockIt(() => readWithExcelJsAlone(data));
    const alone = alone1.wallMs <= alone2.wallMs ? alone1 : alone2;
    global.gc?.();
    const mapping = suggestMapping(['', ...CATALOG_COLUMNS.map((c) => c.header)]);
    const imported = await clockIt(() =>
      admin.call('catalog.importCommit', { file: { filename: path.basename(file), base64: data.toString('base64') }, mapping, mode: 'all' }),
    );
    if (imported.value.created !== count) throw new Error(`import created ${imported.value.created} drugs, expected ${count}`);
    opts.log(
      `  exceljs alone: ${alone.wallMs.toFixed(0)} ms wall (${alone.cpuMs.toFixed(0)} ms CPU); importCommit: ${imported.wallMs.toFixed(0)} ms wall (${imported.cpuMs.toFixed(0)} ms CPU)`,
    );

    // Queries from the catalog's own names.
    const db = runtime.app.readDb;
    const names = (sql(db, 'SELECT name FROM search_names ORDER BY id').all() as { name: string }[]).map((r) => r.name);
    const r = rng(11);
    const queries: { kind: 'initials' | 'pinyin' | 'chinese'; q: string }[] = [];
    const n = opts.quick ? 150 : 600;
    while (queries.length < n) {
      const name = pick(r, names).replace(/[^\u4e00-\u9fff]/g, '');
      if (name.length < 2) continue;
      const kind = (['initials', 'pinyin', 'chinese'] as const)[queries.length % 3];
      if (kind === 'initials') {
        const initials = pinyin(name, { pattern: 'first', toneType: 'none', separator: '' }).toLowerCase();
        queries.push({ kind, q: initials.slice(0, 2 + Math.floor(r() * 4)) });
      } else if (kind === 'pinyin') {
        const syllables = pinyin(name, { toneType: 'none', type: 'array' });
        queries.push({ kind, q: syllables.slice(0, 1 + Math.floor(r() * Math.min(3, syllables.length))).join('') });
      } else {
        const len = 1 + Math.floor(r() * Math.min(4, name.length));
        const at = Math.floor(r() * (name.length - len + 1));
        queries.push({ kind, q: name.slice(at, at + len) });
      }
    }
    const storeId = (sql(db, "SELECT id FROM stores WHERE kind = 'hub'").get() as { id: number }).id;
    for (const w of queries.slice(0, 30)) await admin.call('catalog.search', { q: w.q, storeId, limit: 20, includeInactive: false });
    const byKind: Record<string, number[]> = { initials: [], pinyin: [], chinese: [] };
    const all: number[] = [];
    let hits = 0;
    for (const w of queries) {
      const t0 = process.hrtime.bigint();
      const res = await admin.call('catalog.search', { q: w.q, storeId, limit: 20, includeInactive: false });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      hits += res.length > 0 ? 1 : 0;
      all.push(ms);
      byKind[w.kind].push(ms);
    }
    const s = stats(all);
    opts.log(
      `  search over ${count.toLocaleString('en')} drugs, ${all.length} queries (${hits} with hits): p50 ${s.p50.toFixed(2)} p95 ${s.p95.toFixed(2)} p99 ${s.p99.toFixed(2)} ms; ` +
        Object.entries(byKind)
          .map(([k, v]) => `${k} p95 ${stats(v).p95.toFixed(2)}`)
          .join(', '),
    );
    return {
      search_p95_ms: round(s.p95),
      search: {
        catalog_rows: count,
        queries: all.length,
        with_hits: hits,
        all: roundStats(s),
        ...Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, roundStats(stats(v))])),
      },
      // CPU time: on a shared machine, wall time also measures the neighbours (both are recorded).
      import_ratio: round(imported.cpuMs / alone.cpuMs),
      import_wall_ratio: round(imported.wallMs / alone.wallMs),
      import: {
        rows: count,
        file_bytes: data.length,
        import_wall_ms: round(imported.wallMs, 0),
        import_cpu_ms: round(imported.cpuMs, 0),
        exceljs_wall_ms: round(alone.wallMs, 0),
        exceljs_cpu_ms: round(alone.cpuMs, 0),
      },
    };
  } finally {
    runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
