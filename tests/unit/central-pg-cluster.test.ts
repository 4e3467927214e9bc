/**
 * The tests' throwaway PostgreSQL cluster does not outlive its test process: a process killed outright leaves its
 * cluster running, and the next start stops and removes it (its recorded owner is gone); a process interrupted
 * with SIGTERM stops its own cluster on the way out. A live owner's cluster is left alone.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeStaleClusters, startPgCluster } from '../helpers/pg-cluster';
import { scratchDirs } from '../helpers/runtime';

const scratch = scratchDirs();
let script: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  const dir = scratch();
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.resolve('tests/helpers/pg-cluster.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: path.join(dir, 'pg-cluster.cjs'),
    logLevel: 'warning',
  });
  script = path.join(dir, 'owner.cjs');
  fs.writeFileSync(
    script,
    `const { startPgCluster } = require(${JSON.stringify(path.join(dir, 'pg-cluster.cjs'))});
     startPgCluster().then((c) => process.send(c.host));
     setInterval(() => {}, 1000);`,
  );
}, 60_000);
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** A child process that starts a cluster: resolves with the child and its cluster's folder. */
async function owner(): Promise<{ child: ChildProcess; dir: string }> {
  const child = fork(script);
  children.push(child);
  const dir = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve(String(m)));
    child.once('exit', (code) => reject(new Error(`the owner exited (${code}) before its cluster started`)));
  });
  return { child, dir };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
const postmasterPid = (dir: string) => Number(fs.readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
/** A process that exists and has not ended (a stopped server not yet reaped by its parent is a zombie: ended). */
const running = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
};

describe('test PostgreSQL cluster', () => {
  it('a start removes the cluster of a killed test process and keeps a live one', async () => {
    const killed = await owner();
    const live = await owner();
    const server = postmasterPid(killed.dir);
    killed.child.kill('SIGKILL');
    await exited(killed.child);
    // Killed outright, the owner could not stop its cluster: the server runs on, the folder stays.
    expect(running(server)).toBe(true);
    expect(fs.existsSync(killed.dir)).toBe(true);

    const mine = await startPgCluster();
    try {
      expect(fs.existsSync(killed.dir)).toBe(false);
      expect(running(server)).toBe(false);
      expect(fs.existsSync(live.dir)).toBe(true);
      expect(running(postmasterPid(live.dir))).toBe(true);
      expect(removeStaleClusters()).toEqual([]);
    } finally {
      mine.stop();
    }
    const liveServer = postmasterPid(live.dir);
    live.child.kill('SIGTERM');
    await exited(live.child);
    // Interrupted, the owner stopped and removed its own cluster.
    expect(fs.existsSync(live.dir)).toBe(false);
    expect(running(liveServer)).toBe(false);
  }, 120_000);
});
