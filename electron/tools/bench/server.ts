import crypto from 'node:crypto';
/**
 * The real headless server (dist/electron/serve.cjs) on a copy of the ten-year hub:
 * - start_ms: spawn to the first answer of /api/health (the file as a clean shutdown left it);
 * - the load runs twice: first for the whole of the day's automatic backup (which starts 5 s after start-up, as on
 *   a real hub), from its first page copied to its record written after the copy is read back and checked —
 *   http_p99_ms_during_backup — then, once it is recorded, on an ordinary working day — http_p99_ms. A prober asks /api/health every 250 ms during each
 *   (http_max_stall_ms…: the longest the server stood still);
 * - then three times more: while a month is closed again (http_p99_ms_during_close), while a 150,000-row
 *   catalog is uploaded and imported as a browser does (http_p99_ms_during_import; --quick: 20,000 rows), and
 *   while that month is sent to a prefecture server on PostgreSQL (http_p99_ms_during_send); each of these loads
 *   runs from 2 s before the work starts until 2 s after it ends, so the work's last write transaction is inside it;
 * - http_p99_ms / http_errors: 50 concurrent simulated clients over loopback (the 40 village doctors and
 *   10 pharmacists, each logged in with its own session), mixed reads and writes (stock on hand, drug
 *   search, stock cards, requisition and delivery lists, statements, dispensing posts), each client
 *   waiting 0.2–1 s between requests like a person at a screen, for 30 s (--quick: 8 s). Any non-2xx
 *   answer or network failure is an error; none is provoked on purpose.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE_NAME } from '../../app';
import { chinaDate, periodOf } from '../../../shared/dates';
import { BENCH_PASSWORD, PHARMACISTS, type HubParams } from './generate';
import { pick, rng, round, stats } from './measure';
import { roundStats } from './reads';
import { catalogRowsWorkbook, generateCatalogRows } from '../../demo/catalog';
import { suggestMapping } from '../../domain/catalog/workbook';
import { CATALOG_COLUMNS } from '../../../shared/catalogColumns';
import { BENCH_COUNTY, startBenchPrefecture } from './prefecture';

/** The code the bench hub is registered under at the prefecture server. */
const BENCH_HUB_CODE = 'H411621001';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** CPU milliseconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
function cpuMsOf(pid: number | undefined): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface World {
  hubStoreId: number;
  clinics: { clinicId: number; storeId: number; username: string; drugs: number[] }[];
  pharmacists: string[];
  words: string[];
}

function readWorld(file: string): World {
  const db = new Database(file, { readonly: true });
  try {
    const hubStoreId = (db.prepare("SELECT id FROM stores WHERE kind = 'hub'").get() as { id: number }).id;
    const clinics = (
      db
        .prepare(
          "SELECT c.id AS clinicId, s.id AS storeId, u.username FROM clinics c JOIN stores s ON s.clinic_id = c.id AND s.kind = 'clinic' JOIN users u ON u.clinic_id = c.id ORDER BY c.id",
        )
        .all() as { clinicId: number; storeId: number; username: string }[]
    ).map((c) => ({
      ...c,
      drugs: (
        db
          .prepare('SELECT drug_id AS id FROM stock_balances WHERE store_id = ? AND qty > 0 GROUP BY drug_id HAVING sum(qty) >= 200 ORDER BY drug_id')
          .all(c.storeId) as { id: number }[]
      ).map((r) => r.id),
    }));
    const pharmacists = (db.prepare("SELECT username FROM users WHERE role = 'pharmacist' ORDER BY id LIMIT ?").all(PHARMACISTS) as { username: string }[]).map(
      (r) => r.username,
    );
    const words = (db.prepare('SELECT DISTINCT generic_name AS n FROM drugs ORDER BY id LIMIT 400').all() as { n: string }[]).flatMap((r) => {
      const name = r.n.replace(/[^\u4e00-\u9fff]/g, '');
      return name.length >= 2 ? [name.slice(0, 2), name.slice(0, 1), name.slice(1, 3)] : [];
    });
    return { hubStoreId, clinics, pharmacists, words };
  } finally {
    db.close();
  }
}

async function waitForHealth(base: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(10);
  }
  throw new Error('server did not answer /api/health in time');
}

interface Server {
  child: ChildProcess;
  startMs: number;
  stop(): Promise<void>;
}

async function startServer(workDir: string, port: number, logName: string): Promise<Server> {
  const base = `http://127.0.0.1:${port}`;
  const serveScript = path.join(path.dirname(process.argv[1]), 'serve.cjs');
  const out = fs.openSync(path.join(workDir, logName), 'w');
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [serveScript, '--data', workDir, '--port', String(port), '--host', '127.0.0.1'], { stdio: ['ignore', out, out] });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      // A server that does not stop within 15 s is killed (it would be a finding: see server.log).
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    fs.closeSync(out);
  };
  try {
    await waitForHealth(base, child, 600_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { child, startMs: Number(process.hrtime.bigint() - t0) / 1e6, stop };
}

async function login(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/api/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: BENCH_PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .find((c) => c.startsWith('santong_sid='))!
    .split(';')[0];
}

export async function runServerBench(workDir: string, _params: HubParams, opts: { quick: boolean; log: (s: string) => void }) {
  const file = path.join(workDir, DB_FILE_NAME);
  const world = readWorld(file);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;

  // The morning start: the hub PC was shut down cleanly the evening before. Its automatic daily backup
  // begins 5 s later and runs while the clinics work, as it does on a real hub.
  const server = await startServer(workDir, port, 'server.log');
  const startMs = server.startMs;
  opts.log(`  start: ${startMs.toFixed(0)} ms from spawn to the first /api/health answer`);
  const adminCookie = await login(base, 'admin');
  try {
    // Sessions: every doctor and pharmacist logs in (hashing is slow on purpose: not timed).
    const users = [...world.clinics.map((c) => ({ username: c.username, clinic: c })), ...world.pharmacists.map((username) => ({ username, clinic: null }))];
    const clients: { username: string; clinic: World['clinics'][number] | null; cookie: string }[] = [];
    for (let i = 0; i < 50; i++) {
      const u = users[i % users.length];
      clients.push({ ...u, cookie: await login(base, u.username) });
    }

    const today = chinaDate(new Date());
    const monthStart = `${periodOf(today)}-01`;
    const durationMs = opts.quick ? 8_000 : 30_000;

    /**
     * 50 clients for durationMs, and while `until` is pending at least until 2 s after it settles (a close or an
     * import is measured to its end, its last write transaction included); meanwhile /api/health every 250 ms (its
     * slowest answer: the longest the server stood still).
     */
    const driveLoad = async (seed: number, until?: Promise<unknown>) => {
      const latencies: Record<string, number[]> = {};
      /** Every request's start (ms into the load), to say when the slowest ones were asked. */
      const slowest: { at: number; ms: number; method: string }[] = [];
      const errors: string[] = [];
      let posts = 0;
      const call = async (cookie: string, method: string, body: unknown) => {
        const started = process.hrtime.bigint();
        let status = 0;
        let text = '';
        try {
          const res = await fetch(`${base}/api/${method}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', cookie },
            body: JSON.stringify(body),
          });
          status = res.status;
          text = await res.text();
        } catch (err) {
          text = (err as Error).message;
        }
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        (latencies[method] ??= []).push(ms);
        slowest.push({ at: Date.now() - startedAt - ms, ms, method });
        if (status < 200 || status >= 300) errors.push(`${method} → ${status} ${text.slice(0, 160)}`);
      };
      const cpuBefore = cpuMsOf(server.child.pid);
      const startedAt = Date.now();
      let deadline = until ? Number.POSITIVE_INFINITY : startedAt + durationMs;
      void until?.finally(() => {
        deadline = Math.max(startedAt + durationMs, Date.now() + 2_000);
      });
      const ran = () => Date.now() - startedAt;
      let stallMs = 0;
      const prober = (async () => {
        while (Date.now() < deadline) {
          const h0 = Date.now();
          await fetch(`${base}/api/health`).catch(() => null);
          stallMs = Math.max(stallMs, Date.now() - h0);
          await sleep(250);
        }
      })();
      await Promise.all(
        clients.map(async (c, i) => {
          const r = rng(seed + i);
          await sleep(r() * 1000);
          while (Date.now() < deadline) {
            const x = r();
            if (c.clinic) {
              const k = c.clinic;
              if (x < 0.25) await call(c.cookie, 'stock.onHand', { storeId: k.storeId, filter: 'in_stock', page: 1, pageSize: 50 });
              else if (x < 0.5) await call(c.cookie, 'catalog.search', { q: pick(r, world.words), storeId: k.storeId, limit: 20 });
              else if (x < 0.62) await call(c.cookie, 'stock.card', { storeId: k.storeId, drugId: pick(r, k.drugs), from: monthStart, to: today });
              else if (x < 0.72) await call(c.cookie, 'requisitions.list', { clinicId: k.clinicId, page: 1, pageSize: 20 });
              else if (x < 0.82) await call(c.cookie, 'deliveries.list', { clinicId: k.clinicId, limit: 20 });
              else if (x < 0.87) await call(c.cookie, 'dispensing.list', { clinicId: k.clinicId, from: today, to: today, limit: 50 });
              else {
                const a = pick(r, k.drugs);
                const b = pick(r, k.drugs);
                const lines =
                  a === b
                    ? [{ drugId: a, qty: 1 }]
                    : [
                        { drugId: a, qty: 1 },
                        { drugId: b, qty: 1 },
                      ];
                await call(c.cookie, 'dispensing.create', { clinicId: k.clinicId, businessDate: today, lines });
                posts += 1;
              }
            } else {
              const k = pick(r, world.clinics);
              if (x < 0.2) await call(c.cookie, 'stock.onHand', { storeId: world.hubStoreId, filter: 'in_stock', page: 1, pageSize: 50 });
              else if (x < 0.35) await call(c.cookie, 'statements.clinic', { clinicId: k.clinicId, period: periodOf(today) });
              else if (x < 0.5) await call(c.cookie, 'deliveries.list', { limit: 50 });
              else if (x < 0.7) await call(c.cookie, 'catalog.search', { q: pick(r, world.words), storeId: world.hubStoreId, limit: 20 });
              else if (x < 0.85) await call(c.cookie, 'stock.card', { storeId: k.storeId, drugId: pick(r, k.drugs), from: monthStart, to: today });
              else await call(c.cookie, 'requisitions.list', { page: 1, pageSize: 20 });
            }
            await sleep(200 + r() * 800);
          }
        }),
      );
      await prober;
      const loadMs = ran();
      const cpuAfter = cpuMsOf(server.child.pid);
      const all = Object.values(latencies).flat();
      const cpuMs = cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null;
      const s = stats(all);
      const byMethod = Object.fromEntries(Object.entries(latencies).map(([m, v]) => [m, roundStats(stats(v))]));
      opts.log(
        `  ${all.length} requests in ${(loadMs / 1000).toFixed(0)} s by 50 clients (${posts} dispensing posts): p50 ${s.p50.toFixed(1)} p95 ${s.p95.toFixed(1)} p99 ${s.p99.toFixed(1)} ms, ${errors.length} errors; slowest /api/health ${stallMs} ms`,
      );
      if (cpuMs !== null)
        opts.log(
          `  server CPU: ${cpuMs.toFixed(0)} ms in ${(loadMs / 1000).toFixed(0)} s (${(cpuMs / all.length).toFixed(2)} ms per request, ${((100 * cpuMs) / loadMs).toFixed(0)}% of one core)`,
        );
      for (const [m, v] of Object.entries(byMethod))
        opts.log(`    ${m.padEnd(18)} n ${String(v.n).padStart(5)}  p50 ${v.p50}  p95 ${v.p95}  p99 ${v.p99}  max ${v.max} ms`);
      for (const e of errors.slice(0, 5)) opts.log(`    error: ${e}`);
      const worst = slowest.sort((a, b) => b.ms - a.ms).slice(0, 8);
      opts.log(
        `    slowest, by when they were asked (s into the load): ${worst.map((w) => `${(w.at / 1000).toFixed(1)} s ${w.method} ${w.ms.toFixed(0)} ms`).join('; ')}`,
      );
      return {
        p99: round(s.p99),
        errors: errors.length,
        stallMs,
        cpuMsPerRequest: cpuMs !== null ? round(cpuMs / all.length) : null,
        detail: {
          clients: 50,
          seconds: round(loadMs / 1000, 0),
          requests: all.length,
          dispensing_posts: posts,
          think_ms: '200–1000',
          all: roundStats(s),
          by_method: byMethod,
          first_errors: errors.slice(0, 5),
        },
      };
    };

    const dailyBackupRecorded = async () => {
      const res = await fetch(`${base}/api/backup.list`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: adminCookie }, body: '{}' });
      const backups = (await res.json()) as { reason: string; recorded: boolean }[];
      return Array.isArray(backups) && backups.some((b) => b.reason === 'daily' && b.recorded);
    };

    // 1. For the whole of the day's automatic backup: the copy, then reading the copy back to check it (quick_check
    //    daily, the full integrity_check weekly), both on the backup's worker thread, until its record is written.
    opts.log('  load for the whole daily backup:');
    const backupStarted = Date.now();
    const backupRecorded = (async () => {
      while (!(await dailyBackupRecorded())) {
        if (Date.now() - backupStarted > 30 * 60_000) throw new Error('the daily backup did not finish within 30 minutes');
        await sleep(2_000);
      }
    })();
    const during = await driveLoad(1000, backupRecorded);
    await backupRecorded;
    const finishedDuring = await dailyBackupRecorded();
    opts.log(`  the day's automatic backup was recorded ${((Date.now() - backupStarted) / 1000).toFixed(0)} s into this load`);

    // 2. The working day once the backup is done: the everyday figure.
    opts.log('  load with no backup running:');
    const steady = await driveLoad(2000);

    // node:http rather than fetch: fetch gives up on an answer after 300 s, and a close of a ten-year hub (its
    // backup first) can take longer on this machine; the bench waits as the pharmacist's browser does.
    const post = (method: string, body: unknown) =>
      new Promise<unknown>((resolve, reject) => {
        const payload = Buffer.from(JSON.stringify(body));
        const req = http.request(
          `${base}/api/${method}`,
          { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': payload.length, cookie: adminCookie } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              if ((res.statusCode ?? 500) >= 400) reject(new Error(`${method}: ${res.statusCode} ${text.slice(0, 300)}`));
              else resolve(JSON.parse(text) as unknown);
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    /** A file sent raw to the upload channel as a browser sends it (api/upload.ts): its answer, `{uploadId}`. */
    const upload = (method: string, file: string) =>
      new Promise<unknown>((resolve, reject) => {
        const req = http.request(
          `${base}/api/upload/${method}`,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/octet-stream',
              'content-length': fs.statSync(file).size,
              'x-file-name': encodeURIComponent(path.basename(file)),
              cookie: adminCookie,
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              if ((res.statusCode ?? 500) >= 400) reject(new Error(`upload ${method}: ${res.statusCode} ${text.slice(0, 300)}`));
              else resolve(JSON.parse(text) as unknown);
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        fs.createReadStream(file).on('error', reject).pipe(req);
      });
    /** The load from 2 s before `work` starts until 2 s after it ends (30 s at least): its figures and how long the work took. */
    const loadDuring = async (seed: number, work: () => Promise<unknown>) => {
      let workMs = 0;
      let failure: string | null = null;
      const background = sleep(2_000).then(async () => {
        const t0 = Date.now();
        await work().catch((err: Error) => (failure = err.message));
        workMs = Date.now() - t0;
      });
      const load = await driveLoad(seed, background);
      return { load, workMs, failure };
    };

    // 3. A month close: the latest closed month reopened (not timed), then closed again during the load —
    //    its backup first, then the checks, the snapshots and the month facts in the write transaction.
    const list = (await post('periods.list', {})) as { latestClosed: string | null };
    const closeMonth = list.latestClosed!;
    await post('periods.reopen', { period: closeMonth, reason: '基准测试：重新结账' });
    opts.log(`  load during a month close (${closeMonth} reopened, closed again 2 s into the load):`);
    const close = await loadDuring(3000, () => post('periods.close', { period: closeMonth, acknowledgeWarnings: true, note: '基准测试' }));
    opts.log(`  the close took ${(close.workMs / 1000).toFixed(1)} s${close.failure ? ` and failed: ${close.failure}` : ''}`);

    // 4. A catalog import of IMPORT_ROWS rows (a province's catalog) committed during the load.
    const importRows = opts.quick ? 20_000 : 150_000;
    // Cached between runs, named by its columns so a catalog with other columns never reuses an old file.
    const workbook = path.join(
      path.dirname(workDir),
      `catalog-${importRows}-lan-${crypto
        .createHash('sha256')
        .update(JSON.stringify(CATALOG_COLUMNS.map((c) => c.header)))
        .digest('hex')
        .slice(0, 8)}.xlsx`,
    );
    if (!fs.existsSync(workbook)) fs.writeFileSync(workbook, await catalogRowsWorkbook(generateCatalogRows(importRows, 500_000)));
    const mapping = suggestMapping(['', ...CATALOG_COLUMNS.map((c) => c.header)]);
    opts.log(`  load during a ${importRows.toLocaleString('en')}-row catalog import (uploaded and committed 2 s into the load):`);
    // As a browser sends it: the file raw to the upload channel (streamed to disk), then the commit naming it.
    const imported = await loadDuring(4000, async () => {
      const filename = path.basename(workbook);
      const { uploadId } = (await upload('catalog.importCommit', workbook)) as { uploadId: string };
      return post('catalog.importCommit', { file: { filename, uploadId }, mapping, mode: 'cleanRowsOnly' });
    });
    opts.log(`  the import took ${(imported.workMs / 1000).toFixed(1)} s${imported.failure ? ` and failed: ${imported.failure}` : ''}`);

    // 5. The month closed in 3 sent to the prefecture server (its own process, on PostgreSQL): the package read,
    //    signed and compressed, then posted and answered, during the load.
    const prefecture = await startBenchPrefecture();
    let sent: Awaited<ReturnType<typeof loadDuring>>;
    let sendAnswer: unknown = null;
    try {
      const settings = (await post('prefecture.settings', {})) as { publicKey: string };
      await prefecture.register(BENCH_HUB_CODE, '基准测试卫生院', settings.publicKey);
      await post('prefecture.saveSettings', { hubCode: BENCH_HUB_CODE, countyCode: BENCH_COUNTY.code, serverUrl: prefecture.url, serverCaPem: null });
      opts.log(`  load during the send of ${closeMonth} to the prefecture server (sent 2 s into the load):`);
      sent = await loadDuring(5000, async () => {
        sendAnswer = await post('prefecture.send', { period: closeMonth });
      });
    } finally {
      await prefecture.stop();
    }
    const record = sendAnswer as { bytes?: number; answer?: { outcome?: string } | null; error?: string | null } | null;
    opts.log(
      `  the send took ${(sent.workMs / 1000).toFixed(1)} s (${((record?.bytes ?? 0) / 2 ** 20).toFixed(1)} MiB, ${record?.answer?.outcome ?? record?.error ?? sent.failure})`,
    );

    return {
      http_p99_ms_during_close: close.load.p99,
      http_max_stall_ms_during_close: close.load.stallMs,
      http_close_ms: close.workMs,
      http_close_failure: close.failure,
      http_p99_ms_during_import: imported.load.p99,
      http_max_stall_ms_during_import: imported.load.stallMs,
      http_import_rows: importRows,
      http_import_ms: imported.workMs,
      http_import_failure: imported.failure,
      http_import_path: 'upload',
      http_p99_ms_during_send: sent.load.p99,
      http_max_stall_ms_during_send: sent.load.stallMs,
      http_send_ms: sent.workMs,
      http_send_bytes: record?.bytes ?? null,
      http_send_outcome: record?.answer?.outcome ?? null,
      http_send_failure: sent.failure ?? record?.error ?? null,
      http_during_close: close.load.detail,
      http_during_import: imported.load.detail,
      http_during_send: sent.load.detail,
      http_p99_ms: steady.p99,
      http_errors: steady.errors + during.errors + close.load.errors + imported.load.errors + sent.load.errors,
      start_ms: round(startMs, 0),
      http_max_stall_ms: steady.stallMs,
      http_server_cpu_ms_per_request: steady.cpuMsPerRequest,
      http_p99_ms_during_backup: during.p99,
      http_max_stall_ms_during_backup: during.stallMs,
      http_daily_backup_finished_during_load: finishedDuring,
      http: steady.detail,
      http_during_backup: during.detail,
    };
  } finally {
    await server.stop();
  }
}
