/**
 * The prefecture server as it runs in production — the bundle `dist/central/server.cjs` in a process of its own — on
 * a PostgreSQL cluster the caller started. Resolves with its address once it says it listens. Used by the browser
 * tests and by the LAN bench's send (whose latencies must not share a thread with the server taking the package in).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface CentralProcess {
  url: string;
  child: ChildProcess;
}

export async function spawnCentralServer(root: string, pgUrl: string, extraArgs: string[] = []): Promise<CentralProcess> {
  const child = spawn(process.execPath, [path.join(root, 'dist/central/server.cjs'), '--pg', pgUrl, '--port', '0', ...extraArgs], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the prefecture server did not start:\n${output}`)), 60_000);
    const onData = (c: Buffer) => {
      output += c.toString();
      const m = /prefecture server: (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the prefecture server exited with ${code}:\n${output}`)));
  });
  return { url, child };
}
