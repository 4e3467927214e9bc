// Measures reading a 150,000 × 12 workbook off the request thread (the figures in README.md):
//   node scripts/build.mjs && node scripts/run-ts.mjs electron/lib/sheets/bench.ts [--rows=150000] [--here]
// Time to the sheet model; the process's peak RSS (VmHWM) above what it was before, i.e. what the worker's
// parse added; the longest stall of this thread's event loop meanwhile (how late a 10 ms interval fires), and
// the longest stretch this thread's loop was busy (its own work, whatever the machine's load).
// --here also reads on this thread, to show the stall the worker avoids. The workbook is written once, by a
// child process, so that writing it does not raise this process's peak.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import { findHeaderRow, mapColumns, type FieldSpec } from './columns';
import { limitsWith } from './limits';
import { Workbook } from './model';
import { readSheetFile } from './off-thread';
import { readWorkbookData } from './read';
import { dataRowsInSlices } from './rows';
import { SheetFileCache } from './cache';
import { zipEntries } from './zip';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}`))?.split('=')[1];
const ROWS = Number(arg('rows') ?? 150_000);
const HEADER = [
  '药品代码',
  '注册名称',
  '注册剂型',
  '注册规格',
  '最小包装数量',
  '最小制剂单位',
  '最小包装单位',
  '药品企业',
  '批准文号',
  '甲乙类',
  '中选价格',
  '更新日期',
];
const FORMS = ['片剂', '胶囊剂', '注射剂', '颗粒剂', '口服溶液剂', '软膏剂'];
const UNITS = ['片', '粒', '支', '袋', 'ml', 'g'];

async function makeWorkbook(file: string): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('西药中成药');
  ws.addRow(HEADER).commit();
  for (let i = 0; i < ROWS; i++) {
    const row = ws.addRow([
      `X${String(i).padStart(6, '0')}CAA040A001010101445`,
      `药品名称${i % 5000}`,
      FORMS[i % FORMS.length],
      `${(i % 50) + 1}mg`,
      (i % 48) + 1,
      UNITS[i % UNITS.length],
      '盒',
      `某某制药有限公司${i % 800}`,
      `国药准字H${String(20000000 + i)}`,
      i % 3 === 0 ? '甲类' : '乙类',
      Math.round(i * 1.37) / 100,
      new Date(Date.UTC(2025, i % 12, (i % 28) + 1)),
    ]);
    row.getCell(12).numFmt = 'yyyy-mm-dd';
    row.commit();
  }
  ws.commit();
  await wb.commit();
}

/** The process's peak resident set so far (Linux VmHWM), in bytes; sampling RSS meanwhile would itself stall. */
function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage.rss();
}

interface Sampled {
  ms: number;
  maxStallMs: number;
  /** Stalls of this thread longer than 50 ms. */
  longStalls: number;
  peakRssDeltaMb: number;
  /** Milliseconds this thread's event loop was busy (not waiting for events) meanwhile. */
  busyMs: number;
  /** The longest time the loop was busy between two ticks: the stall this thread's own work caused. */
  maxBusyMs: number;
  /** CPU seconds of the whole process meanwhile (the worker's, for a worker read). */
  cpuS: number;
  /** The longest stalls, with the read's phase at the time. */
  worst: string[];
}

/** The read's phase, for labelling stalls. */
let phase = '';

/** Runs `work` while a 10 ms interval records how late it fires and the process's RSS. */
async function sampled<T>(work: () => Promise<T>): Promise<Sampled & { value: T }> {
  const baseline = peakRss();
  let maxStallMs = 0;
  let longStalls = 0;
  const stalls: [number, string][] = [];
  const elu = performance.eventLoopUtilization();
  let tickElu = elu;
  let maxBusyMs = 0;
  // wall-clock: measuring elapsed time and event-loop lateness is the point of this tool.
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxStallMs = Math.max(maxStallMs, now - last - 10);
    if (now - last - 10 > 50) {
      longStalls++;
      stalls.push([now - last - 10, phase]);
    }
    last = now;
    const sinceTick = performance.eventLoopUtilization(tickElu);
    maxBusyMs = Math.max(maxBusyMs, sinceTick.active);
    tickElu = performance.eventLoopUtilization();
  }, 10);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(cpu);
  const ms = performance.now() - started;
  clearInterval(timer);
  maxStallMs = Math.max(maxStallMs, performance.now() - last - 10);
  const busyMs = performance.eventLoopUtilization(elu).active;
  maxBusyMs = Math.max(maxBusyMs, performance.eventLoopUtilization(tickElu).active);
  const worst = stalls
    .sort((a, b) => b[0] - a[0])
    .slice(0, 5)
    .map(([ms, p]) => `${Math.round(ms)} ms${p ? ` (${p})` : ''}`);
  return {
    value,
    ms,
    cpuS: (used.user + used.system) / 1e6,
    maxStallMs,
    longStalls,
    busyMs,
    maxBusyMs,
    worst,
    peakRssDeltaMb: (peakRss() - baseline) / 1024 / 1024,
  };
}

const fmt = (s: Sampled) =>
  `${(s.ms / 1000).toFixed(1)} s (CPU ${s.cpuS.toFixed(1)} s), peak RSS +${Math.round(s.peakRssDeltaMb)} MB, this thread: longest stall ${Math.round(s.maxStallMs)} ms, ` +
  `${s.longStalls} stalls > 50 ms${s.worst.length ? ` [${s.worst.join(', ')}]` : ''}, busy ${Math.round(s.busyMs)} ms in all, ` +
  `longest busy stretch ${Math.round(s.maxBusyMs)} ms`;

async function main(): Promise<void> {
  const file = path.join(os.tmpdir(), `santong-sheets-bench-${ROWS}.xlsx`);
  if (process.argv.includes('--make')) return makeWorkbook(file);
  if (!fs.existsSync(file)) {
    console.log(`writing ${ROWS} × 12 workbook…`);
    spawnSync(process.execPath, [...process.argv.slice(1), '--make'], { stdio: 'inherit' });
  }
  const bytes = fs.readFileSync(file);
  const sheetEntry = zipEntries(bytes, limitsWith()).find((e) => e.name.includes('worksheets/sheet'))!;
  console.log(
    `file ${(bytes.length / 1024 / 1024).toFixed(1)} MB; sheet XML ${(sheetEntry.size / 1024 / 1024).toFixed(0)} MB, compression ${Math.round(sheetEntry.size / sheetEntry.compressedSize)}:1`,
  );
  console.log(
    `cpus ${os.cpus().length}, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  const idle = await sampled(() => new Promise((resolve) => setTimeout(resolve, 5000)));
  console.log(`idle 5 s (the machine alone): ${fmt(idle)}`);
  const offThread = await sampled(() => readSheetFile(bytes, { onProgress: (p) => (phase = p.phase) }));
  phase = '';
  const wb = offThread.value;
  console.log(`worker read:  ${fmt(offThread)}; ${wb.sheets[0].rowCount} rows × ${wb.sheets[0].columnCount} columns, ${wb.cellCount} cells`);

  const specs: FieldSpec[] = HEADER.map((h, i) => ({ field: `f${i}`, label: h, national: [h] }));
  const sheet = wb.sheets[0];
  const rows = await sampled(async () => {
    const mapping = mapColumns(sheet, findHeaderRow(sheet, specs)!, specs);
    return dataRowsInSlices(sheet, mapping);
  });
  console.log(`header, mapping and data rows (in slices): ${fmt(rows)}; ${rows.value.rows.length} data rows`);

  const cache = new SheetFileCache({ now: () => 0, read: async () => wb });
  await cache.get(bytes);
  const hit = await sampled(() => cache.get(bytes));
  console.log(`cache hit (SHA-256 in slices): ${fmt(hit)}`);
}

/** --here: the same read on this thread instead (in a process of its own, so that its peak is its own). */
async function here(): Promise<void> {
  const bytes = fs.readFileSync(path.join(os.tmpdir(), `santong-sheets-bench-${ROWS}.xlsx`));
  const read = await sampled(async () => new Workbook(await readWorkbookData(bytes, limitsWith())));
  console.log(`same read on this thread: ${fmt(read)}`);
}

void (process.argv.includes('--here') ? here() : main());
