/**
 * import_stall_ms: the real headless server (dist/electron/serve.cjs) on a fresh hub previews and then commits a
 * 150,000-row catalog (at --quick too: the size is the point) while /api/health is asked every 50 ms, each probe
 * on its own schedule whether or not the last one has answered; the figure is the longest any probe waited.
 * import_peak_rss_mib: the server process's peak resident memory (VmHWM) at the end, the import's workers included.
 */
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { catalogRowsWorkbook, generateCatalogRows } from '../../demo/catalog';
import { CATALOG_COLUMNS } from '../../../shared/catalogColumns';
import { BENCH_PASSWORD } from './generate';
import { round } from './measure';

const ROWS = 150_000;
const PROBE_EVERY_MS = 50;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Peak and current resident memory of a process, MiB (Linux /proc; null elsewhere). */
function memoryOf(pid: number | undefined): { peak: number; now: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
    return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
  } catch {
    return null;
  }
}

export async function runImportStallBench(root: string, opts: { log: (s: string) => void }) {
  const columnsHash = crypto
    .createHash('sha256')
    .update(JSON.stringify(CATALOG_COLUMNS.map((c) => c.header)))
    .digest('hex')
    .slice(0, 12);
  const workbook = path.join(root, `catalog-${ROWS}-stall-${columnsHash}.xlsx`);
  if (!fs.existsSync(workbook)) {
    const t0 = Date.now();
    fs.writeFileSync(workbook, await catalogRowsWorkbook(generateCatalogRows(ROWS, 700_000)));
    opts.log(`  wrote the ${ROWS.toLocaleString('en')}-row workbook (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const file = { filename: path.basename(workbook), base64: fs.readFileSync(workbook).toString('base64') };
  opts.log(
    `  ${ROWS.toLocaleString('en')} rows, ${(fs.statSync(workbook).size / 2 ** 20).toFixed(1)} MiB; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  const dataDir = path.join(root, 'import-stall-hub');
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const out = fs.openSync(path.join(dataDir, 'server.log'), 'w');
  const serveScript = path.join(path.dirname(process.argv[1]), 'serve.cjs');
  const child = spawn(process.execPath, [serveScript, '--data', dataDir, '--port', String(port), '--host', '127.0.0.1'], { stdio: ['ignore', out, out] });
  try {
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}/api/health`).catch(() => null))?.ok) break;
      if (i > 3000) throw new Error('the server did not answer /api/health');
      await sleep(20);
    }
    let cookie = '';
    const post = async (method: string, body: unknown) => {
      const res = await fetch(`${base}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method}: ${res.status} ${text.slice(0, 300)}`);
      const sid = res.headers.getSetCookie().find((c) => c.startsWith('santong_sid='));
      if (sid) cookie = sid.split(';')[0];
      return JSON.parse(text) as Record<string, unknown>;
    };
    await post('setup.initialize', { hubName: '青石镇卫生院', adminUsername: 'admin', adminDisplayName: '系统管理员', adminPassword: BENCH_PASSWORD });
    await post('auth.login', { username: 'admin', password: BENCH_PASSWORD });
    const before = memoryOf(child.pid);

    // Every 50 ms a probe of its own: a server that stands still shows as the longest of their waits.
    const waits: number[] = [];
    let probing = true;
    const probes: Promise<void>[] = [];
    const timer = setInterval(() => {
      if (!probing) return;
      const t0 = performance.now();
      probes.push(
        fetch(`${base}/api/health`)
          .then((r) => r.arrayBuffer())
          .then(
            () => void waits.push(performance.now() - t0),
            () => void waits.push(performance.now() - t0),
          ),
      );
    }, PROBE_EVERY_MS);
    let rssMax = 0;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, memoryOf(child.pid)?.now ?? 0)), 100);
    const phase = async (name: string, work: () => Promise<Record<string, unknown>>) => {
      const from = waits.length;
      const t0 = Date.now();
      const value = await work();
      await sleep(2 * PROBE_EVERY_MS);
      const longest = Math.max(0, ...waits.slice(from));
      opts.log(`  ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s, longest health wait ${longest.toFixed(0)} ms over ${waits.length - from} probes`);
      return { value, longest, ms: Date.now() - t0 };
    };
    await sleep(1000);
    const idle = Math.max(0, ...waits);
    const preview = await phase('preview', () => post('catalog.importPreview', { file }));
    const commit = await phase('commit', () => post('catalog.importCommit', { file, mapping: preview.value.mapping, mode: 'all' }));
    probing = false;
    clearInterval(timer);
    clearInterval(sampler);
    await Promise.all(probes);
    const after = memoryOf(child.pid);
    const sorted = [...waits].sort((a, b) => a - b);
    const p99 = sorted[Math.floor(0.99 * (sorted.length - 1))] ?? 0;
    opts.log(
      `  created ${commit.value.created}; health p99 ${p99.toFixed(0)} ms (idle second before: longest ${idle.toFixed(0)} ms); server RSS ${before?.now.toFixed(0)} MiB before, peak ${after?.peak.toFixed(0)} MiB`,
    );
    return {
      import_stall_ms: round(Math.max(preview.longest, commit.longest), 0),
      import_stall_ms_preview: round(preview.longest, 0),
      import_stall_ms_commit: round(commit.longest, 0),
      import_stall_p99_ms: round(p99, 0),
      import_stall_idle_ms: round(idle, 0),
      import_stall_rows: ROWS,
      import_preview_ms: preview.ms,
      import_commit_ms: commit.ms,
      import_peak_rss_mib: after ? round(Math.max(after.peak, rssMax), 0) : null,
      import_rss_before_mib: before ? round(before.now, 0) : null,
      import_stall_load_average: os.loadavg().map((l) => round(l, 1)),
    };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(kill);
    }
    fs.closeSync(out);
  }
}
