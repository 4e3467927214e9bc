// `npm start`: the desktop app where Electron's binary is present; otherwise the headless server,
// which serves the same UI to a browser (and to village clinics on the LAN).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const extraArgs = process.argv.slice(2);

function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}

/** Electron's binary without triggering its lazy download (require('electron') would try to fetch it). */
function electronBinary() {
  const pkgDir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkgDir, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const binary = path.join(pkgDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(binary) ? binary : null;
}

const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const binary = electronBinary();
const headless = !binary || process.env.SANTONG_HEADLESS === '1' || (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY);
if (!headless) {
  run(binary, ['.', ...extraArgs]);
} else {
  if (!binary) {
    console.log('未找到 Electron 程序文件（本机无法下载），改为启动无界面服务器，请用浏览器打开下面的地址。');
    console.log('Electron binary not found (it cannot be downloaded here): starting the headless server instead; open the URL below in a browser.');
    console.log('（联网的电脑上可运行 `node node_modules/electron/install.js` 下载 Electron 后再 `npm start`。）');
  } else {
    console.log('没有图形显示环境，改为启动无界面服务器。/ No display: starting the headless server.');
  }
  run(process.execPath, [path.join(root, 'dist/electron/serve.cjs'), ...extraArgs]);
}
