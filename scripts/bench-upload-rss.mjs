// Usage: node scripts/build.mjs && node scripts/bench-upload-rss.mjs json|stream <target MB> (BENCHMARKS.md, "Uploads streamed to disk").
// One run: a server on a fresh hub; 8 concurrent restores of one large valid backup, sampled RSS of the server.
// mode=json: {upload:{filename, base64}} (the old way; limited to 100 MiB bodies, 2 at a time);
// mode=stream: POST /api/upload/backup.restore then {upload:{filename, uploadId}}.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

const [mode, targetMb = '95', repo = process.cwd()] = process.argv.slice(2);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rss-bench-'));
const port = 18000 + Math.floor(Math.random() * 1000);
const server = spawn('node', ['dist/electron/serve.cjs', '--data', dataDir, '--port', String(port), '--clock', '2026-03-16T09:00:00+08:00'], {
  cwd: repo,
  stdio: ['ignore', 'pipe', 'pipe'],
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/api/health`)).ok) break;
  } catch {}
  if (i > 600) throw new Error('server did not start');
  await new Promise((r) => setTimeout(r, 100));
}
const post = async (m, body, cookie) => {
  const res = await fetch(`${base}/api/${m}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json().catch(() => null), headers: res.headers };
};
await post('setup.initialize', { hubName: '基准镇卫生院', adminUsername: 'admin', adminDisplayName: '管理员', adminPassword: 'Admin12345' });
const login = async () => (await post('auth.login', { username: 'admin', password: 'Admin12345' })).headers.getSetCookie()[0].split(';')[0];
const cookie = await login();
const backup = (await post('backup.create', {}, cookie)).json;
// Grow a copy of the backup to the target size with audit rows (a real schema, nothing foreign in it).
const big = path.join(os.tmpdir(), `big-${Date.now()}.sqlite`);
fs.copyFileSync(path.join(backup.dir, backup.fileName), big);
const db = new Database(big);
const pad = 'x'.repeat(4000);
const insert = db.prepare(`INSERT INTO audit_log (at, transport, method, outcome, details) VALUES (?, 'internal', 'bench.pad', 'ok', ?)`);
db.transaction(() => {
  while (fs.statSync(big).size < Number(targetMb) * 2 ** 20) for (let i = 0; i < 100; i++) insert.run('2026-03-16T01:00:00.000Z', JSON.stringify({ pad }));
})();
db.pragma('journal_mode = DELETE');
db.close();
const bytes = fs.readFileSync(big);
let peak = 0;
const pid = server.pid;
const rss = () => Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) * 1024;
const idle = rss();
const t0 = Date.now();
const sampler = setInterval(() => {
  peak = Math.max(peak, rss());
}, 50);
const cookies = [];
for (let i = 0; i < 8; i++) cookies.push(await login());
const one = async (c) => {
  if (mode === 'json') return (await post('backup.restore', { upload: { filename: 'big.sqlite', base64: bytes.toString('base64') } }, c)).status;
  const up = await fetch(`${base}/api/upload/backup.restore`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'big.sqlite', cookie: c },
    body: bytes,
  });
  const u = await up.json();
  if (!u.uploadId) return up.status;
  return (await post('backup.restore', { upload: { filename: 'big.sqlite', uploadId: u.uploadId } }, c)).status;
};
const statuses = await Promise.all(cookies.map((c) => one(c).catch((e) => `closed:${e.cause?.code ?? e.message}`)));
clearInterval(sampler);
console.log(
  JSON.stringify({
    mode,
    fileMb: +(bytes.length / 2 ** 20).toFixed(1),
    statuses,
    idleRssMb: Math.round(idle / 2 ** 20),
    peakRssMb: Math.round(peak / 2 ** 20),
    seconds: (Date.now() - t0) / 1000,
    load: os.loadavg()[0].toFixed(1),
  }),
);
server.kill();
fs.rmSync(big, { force: true });
fs.rmSync(dataDir, { recursive: true, force: true });
