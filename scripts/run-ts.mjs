// Runs a TypeScript tool from the repository (e.g. the fixture generator): bundled by esbuild into a
// temporary CommonJS file, run with Node, then removed.   node scripts/run-ts.mjs FILE.ts [args…]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs FILE.ts [args…]');
  process.exit(2);
}
const esbuild = await import('esbuild');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'santong-run-'));
const outfile = path.join(outDir, `${path.basename(entry, '.ts')}.cjs`);
await esbuild.build({
  absWorkingDir: root,
  entryPoints: [path.resolve(entry)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron', ...Object.keys(pkg.dependencies ?? {})],
  // The bundle lives in a temp folder: point import.meta.dirname at the source file's folder instead.
  define: { 'import.meta.dirname': JSON.stringify(path.dirname(path.resolve(entry))) },
  logLevel: 'warning',
  nodePaths: [path.join(root, 'node_modules')],
});
const result = spawnSync(process.execPath, [outfile, ...args], {
  stdio: 'inherit',
  cwd: process.cwd(),
  env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') },
});
fs.rmSync(outDir, { recursive: true, force: true });
process.exit(result.status ?? 1);
