import fs from 'node:fs';
import path from 'node:path';

let cachedRoot: string | undefined;

/**
 * The folder holding package.json, migrations/ and dist/: the repository in development and tests,
 * app.asar in the packaged desktop app. Bundles define import.meta.dirname as __dirname.
 */
export function appRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = import.meta.dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${import.meta.dirname}`);
    dir = up;
  }
  cachedRoot = dir;
  return dir;
}

export const migrationsDir = () => path.join(appRoot(), 'migrations');

/** A worker thread's bundle: beside this code when bundled (dist/electron), in dist/electron when run from source (tests). */
export function bundledScript(name: string): string {
  const candidates = [path.join(import.meta.dirname, name), path.join(appRoot(), 'dist', 'electron', name)];
  const found = candidates.find((f) => fs.existsSync(f));
  if (!found) throw new Error(`${name} is missing: run \`npm run build\` first`);
  return found;
}
export const rendererDir = () => path.join(appRoot(), 'dist', 'renderer');

export function appVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(appRoot(), 'package.json'), 'utf8')).version as string;
}

/**
 * Where the hub's data lives when no folder is given: the same place Electron's userData would be
 * (%APPDATA%\santong on Windows), so the desktop app and the headless server share one database.
 */
export function defaultDataDir(): string {
  if (process.env.SANTONG_DATA_DIR) return process.env.SANTONG_DATA_DIR;
  const home = process.env.HOME ?? process.env.USERPROFILE ?? '.';
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'santong');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'santong');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'santong');
}
