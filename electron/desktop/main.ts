/**
 * Electron shell, kept thin: a window on the renderer, the IPC transport, printing, and optionally the
 * LAN server for village doctors. Everything else is the same code the headless server runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, shell } from 'electron';
import { defaultDataDir, rendererDir } from '../paths';
import { Runtime } from '../runtime';
import { ensureDemoHub } from '../demo/ensure';
import { createIpcInvoker } from '../ipc/invoker';
import { LanController } from '../http/lan';
import { CONTENT_SECURITY_POLICY } from '../http/security';
import { startBackupScheduler, type BackupScheduler } from '../domain/backup/scheduler';
import { startPrefectureSender, type PrefectureSender } from '../domain/prefecture/auto-send';
import { packageBytesOffThread } from '../api/long-reads';

const SCHEME = 'app';
const ORIGIN = `${SCHEME}://santong`;
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.setPath('userData', defaultDataDir());

if (!app.requestSingleInstanceLock()) app.quit();

let runtime: Runtime;
let lan: LanController | null = null;
let mainWindow: BrowserWindow | null = null;
let backups: BackupScheduler | null = null;
let prefectureSender: PrefectureSender | null = null;

/** Serves dist/renderer under app://santong/, with the single-page-app fallback and the CSP. */
function serveRenderer(request: Request): Response {
  const root = rendererDir();
  const { pathname } = new URL(request.url);
  let file = path.normalize(path.join(root, decodeURIComponent(pathname)));
  if (!file.startsWith(root)) return new Response('Forbidden', { status: 403 });
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(root, 'index.html');
  return new Response(fs.readFileSync(file), {
    headers: {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
    },
  });
}

function fromOurPage(frame: Electron.WebFrameMain | null): boolean {
  return Boolean(frame?.url.startsWith(`${ORIGIN}/`));
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title: '三统药品管理',
    show: false,
    webPreferences: {
      preload: path.join(import.meta.dirname, 'preload.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      spellcheck: false,
    },
  });
  mainWindow.removeMenu();
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('http:') || url.startsWith('https:')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  mainWindow.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${ORIGIN}/`)) event.preventDefault();
  });
  const id = mainWindow.webContents.id;
  mainWindow.on('closed', () => {
    invoker.forget(id);
    mainWindow = null;
  });
  void mainWindow.loadURL(`${ORIGIN}/`);
}

let invoker: ReturnType<typeof createIpcInvoker>;

/** The LAN server for village doctors follows 系统管理 → 系统设置; the controller restarts it when they change. */
async function startLanController(): Promise<void> {
  lan = new LanController(runtime, {
    rendererDir: rendererDir(),
    onError: (message) => dialog.showErrorBox('局域网服务未能启动', `${message}\n本机仍可正常使用，村卫生室暂时无法访问。可在“系统管理 → 系统设置”中修改。`),
  });
  runtime.lan = lan;
  await lan.apply();
  // After an unclean shutdown the database is checked in the background; the LAN waits for it.
  if (runtime.checking) void runtime.ready.then(() => lan?.apply());
}

app.whenReady().then(async () => {
  try {
    const opened: Runtime = new Runtime({ dataDir: app.getPath('userData') }, undefined, { prepareDemo: () => ensureDemoHub(opened) });
    runtime = opened;
  } catch (err) {
    dialog.showErrorBox('无法打开数据库', (err as Error).message);
    app.quit();
    return;
  }
  invoker = createIpcInvoker(runtime);
  protocol.handle(SCHEME, serveRenderer);

  ipcMain.handle('santong:invoke', (event, method: unknown, input: unknown) => {
    if (!fromOurPage(event.senderFrame)) return { ok: false, error: { code: 'FORBIDDEN', message: '拒绝来自未知页面的请求' } };
    return invoker.invoke(event.sender.id, method, input);
  });
  ipcMain.handle('santong:print', (event) => {
    if (!fromOurPage(event.senderFrame)) return { ok: false };
    return new Promise((resolve) => event.sender.print({ printBackground: true }, (ok, reason) => resolve({ ok, reason })));
  });
  ipcMain.handle('santong:savePdf', async (event, fileName: unknown) => {
    if (!fromOurPage(event.senderFrame) || !mainWindow) return { ok: false };
    const pdf = await event.sender.printToPDF({ printBackground: true, preferCSSPageSize: true });
    const choice = await dialog.showSaveDialog(mainWindow, {
      defaultPath: typeof fileName === 'string' ? fileName.replace(/[\\/:*?"<>|]/g, '_') : '打印.pdf',
      filters: [{ name: 'PDF 文件', extensions: ['pdf'] }],
    });
    if (choice.canceled || !choice.filePath) return { ok: false };
    fs.writeFileSync(choice.filePath, pdf);
    return { ok: true, path: choice.filePath };
  });

  await startLanController();
  backups = startBackupScheduler(runtime);
  prefectureSender = startPrefectureSender(runtime, packageBytesOffThread(runtime));
  createWindow();
  // The pharmacist's own window reads the long screens too, with or without the LAN server.
  runtime.startLongReadsAhead();
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
});

app.on('window-all-closed', async () => {
  backups?.stop();
  prefectureSender?.stop();
  await lan?.close();
  await runtime?.close();
  app.quit();
});
