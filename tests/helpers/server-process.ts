import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
export const SERVE_BUNDLE = path.join(root, 'dist/electron/serve.cjs');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  /** Kills with the signal and waits until the process is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the built headless server (`dist/electron/serve.cjs --data DIR --port 0 --clock ISO`) and waits for its
 * URL. The clock is required: no test depends on the day it runs.
 */
export async function startServerProcess(dataDir: string, opts: { clock: string; args?: string[]; nodeArgs?: string[] }): Promise<ServerProcess> {
  if (!fs.existsSync(SERVE_BUNDLE)) throw new Error(`${SERVE_BUNDLE} is missing: run \`npm run build\` first`);
  const args = [...(opts.nodeArgs ?? []), SERVE_BUNDLE, '--data', dataDir, '--port', '0', '--clock', opts.clock, ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Santong is running: (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** A JSON API client with a session cookie, like a browser would hold; the base URL may change between restarts. */
export class ApiClient {
  cookie: string | null = null;
  constructor(public baseUrl: string) {}

  /** Answers the status and body; throws only when the connection fails (e.g. the server died). */
  async post(method: string, body: unknown = {}): Promise<{ status: number; json: any }> {
    const res = await fetch(`${this.baseUrl}api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: JSON.stringify(body),
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('santong_sid='));
    if (set) this.cookie = set.split(';')[0];
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json };
  }

  /** Like post, but a non-200 answer is an error (for set-up steps that must succeed). */
  async call(method: string, body: unknown = {}): Promise<any> {
    const { status, json } = await this.post(method, body);
    if (status !== 200) throw new Error(`${method} → ${status} ${JSON.stringify(json)}`);
    return json;
  }
}
