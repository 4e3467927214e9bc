/**
 * The server starts without the spreadsheet libraries: exceljs and SheetJS cost about half a second of CPU to load,
 * which every start paid (start_ms 2.2–2.5 s at ten years against 1.4 s before) although a start reads and writes no
 * workbook. They load on first use (domain/excel.ts, lib/sheets/read.ts). A require hook in the real server process
 * records every module asked for by name.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';
import { tempDir } from '../helpers/runtime';

const HEAVY = ['exceljs', '@e965/xlsx'];

const dirs: string[] = [];
let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.kill('SIGTERM');
  server = null;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A require hook that appends each heavy module asked for to `log`. */
function hookFile(dir: string, log: string): string {
  const hook = path.join(dir, 'record-loads.cjs');
  fs.writeFileSync(
    hook,
    `const Module = require('node:module');
     const fs = require('node:fs');
     const heavy = new Set(${JSON.stringify(HEAVY)});
     const load = Module._load;
     Module._load = function (request, ...rest) {
       if (heavy.has(request)) fs.appendFileSync(${JSON.stringify(log)}, request + '\\n');
       return load.call(this, request, ...rest);
     };`,
  );
  return hook;
}

describe('server start', () => {
  it('loads neither exceljs nor SheetJS until a workbook is read or written', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const log = path.join(dir, 'loads.txt');
    const hook = hookFile(dir, log);
    // The hook sees a load when there is one.
    execFileSync(process.execPath, ['--require', hook, '-e', "require('exceljs')"], { cwd: path.resolve(import.meta.dirname, '../..') });
    expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toEqual(['exceljs']);
    fs.rmSync(log);

    server = await startServerProcess(path.join(dir, 'data'), { clock: '2026-03-02T02:00:00.000Z', nodeArgs: ['--require', hook] });
    const health = await fetch(`${server.url}api/health`);
    expect(health.status).toBeLessThan(600);
    expect(fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []).toEqual([]);
  }, 120_000);
});
