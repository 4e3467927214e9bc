/**
 * A throwaway PostgreSQL cluster for one test file: Debian's binaries (apt-get install postgresql), initdb in a
 * temporary folder, reachable only through a unix socket in that folder on a free port number, with durability
 * off (a test cluster is never kept), stopped and removed afterwards. Never a shared cluster.
 * As root the server runs as the `postgres` system user, which owns the folder.
 *
 * A test process that crashes or is killed cannot stop its cluster: the folder records the owner's pid
 * (`owner.pid`), and every start first stops and removes the clusters whose owner is gone. A process that is
 * interrupted (SIGINT, SIGTERM) or exits stops its own clusters on the way out.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PgCluster {
  /** A connection string for `pg` (unix socket). */
  url: string;
  host: string;
  port: number;
  stop(): void;
}

export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (bash .ci/run does it)');
  return path.join(root, newest, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const CLUSTER_PREFIX = 'santong-pg-';
const OWNER_FILE = 'owner.pid';

function postgresIds(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // someone else's process: alive
  }
}

function stopAndRemove(bin: string, dir: string, ids: { uid: number; gid: number } | null): void {
  const data = path.join(dir, 'data');
  if (fs.existsSync(path.join(data, 'postmaster.pid'))) {
    spawnSync(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], { ...(ids ?? {}), cwd: dir });
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Stops and removes the clusters under `root` whose owning process is gone. A folder without an owner file is left
 * alone: its owner may be writing it this instant. Returns the folders removed.
 */
export function removeStaleClusters(root = os.tmpdir()): string[] {
  const bin = postgresBinDir();
  const ids = postgresIds();
  const removed: string[] = [];
  for (const name of fs.readdirSync(root)) {
    if (!name.startsWith(CLUSTER_PREFIX)) continue;
    const dir = path.join(root, name);
    let owner: number;
    try {
      owner = Number(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8').trim());
    } catch {
      continue;
    }
    if (!Number.isInteger(owner) || owner <= 0 || owner === process.pid || alive(owner)) continue;
    stopAndRemove(bin, dir, ids);
    removed.push(dir);
  }
  return removed;
}

/** This process's running clusters, stopped when it is interrupted or exits. */
const running = new Set<PgCluster>();
const stopAll = () => {
  for (const c of [...running]) c.stop();
};
function stopOnSignal(signal: NodeJS.Signals): void {
  const handler = () => {
    stopAll();
    // The default action (terminate) once the clusters are gone.
    process.removeListener(signal, handler);
    process.kill(process.pid, signal);
  };
  process.once(signal, handler);
}
let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', stopAll);
  stopOnSignal('SIGINT');
  stopOnSignal('SIGTERM');
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = postgresBinDir();
  removeStaleClusters();
  hookExit();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), CLUSTER_PREFIX));
  fs.writeFileSync(path.join(dir, OWNER_FILE), `${process.pid}\n`);
  const data = path.join(dir, 'data');
  const ids = postgresIds();
  if (ids) fs.chownSync(dir, ids.uid, ids.gid);
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(path.join(bin, cmd), args, { encoding: 'utf8', ...(ids ?? {}), cwd: dir });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  };
  let port: number;
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    port = await freePort();
    const opts = `-k ${dir} -c listen_addresses='' -p ${port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=64MB -c max_connections=40`;
    run('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start']);
  } catch (err) {
    stopAndRemove(bin, dir, ids);
    throw err;
  }
  let stopped = false;
  const cluster: PgCluster = {
    url: `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(dir)}&port=${port}`,
    host: dir,
    port,
    stop() {
      if (stopped) return;
      stopped = true;
      running.delete(cluster);
      stopAndRemove(bin, dir, ids);
    },
  };
  running.add(cluster);
  return cluster;
}
