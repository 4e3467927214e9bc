import fs from 'node:fs';
import path from 'node:path';
import { defineHandlers, type HandlerContext } from '../context';
import { AppError, notFound } from '../../errors';
import type { BackupEntry, BackupStatus } from '../../../shared/contract/backup';
import { runIntegrityCheck } from '../system/integrity';
import { isBusy } from '../../db/data-lock';
import { assertStoresBookVisible } from '../stocktake/blind';
import { backupFolders, backupNow, dailyBackupDoneToday, listBackups } from './backup';
import { recoveryStatusFor, restoreWithoutLogin } from './recovery';
import { restoreBackup } from './restore';
import { schedulerState } from './scheduler';
import { checkFolder, defaultBackupDir, readBackupSettings, writeBackupSettings } from './settings';

/** Larger files are not sent through the API as base64 (the admin copies them from the folder). */
export const MAX_DOWNLOAD_BYTES = 300 * 1024 * 1024;

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function statusOf(ctx: HandlerContext): BackupStatus {
  const app = ctx.hub;
  const settings = readBackupSettings(app.dataDir);
  const defaultDir = defaultBackupDir(app.dataDir);
  if (settings.dir === defaultDir) fs.mkdirSync(defaultDir, { recursive: true });
  const list = listBackups(app, ctx.db);
  return {
    dir: settings.dir,
    defaultDir,
    usingDefaultDir: settings.dir === defaultDir,
    keep: settings.keep,
    folder: checkFolder(settings.dir, app.dataDir),
    dataFile: app.dbFile,
    dataSizeBytes: fileSize(app.dbFile) + fileSize(`${app.dbFile}-wal`),
    lastBackup: list[0] ?? null,
    todayDailyDone: dailyBackupDoneToday(app, ctx.db),
    scheduler: schedulerState(ctx.host),
    busy: isBusy(app.dbFile),
  };
}

/** A typed folder, tidied: trailing separators off (but a drive or share root keeps its own). */
function tidyFolder(dir: string): string {
  const normalized = path.normalize(dir);
  const root = path.parse(normalized).root;
  return normalized.length > root.length ? normalized.replace(/[\\/]+$/, '') : normalized;
}

export const backupHandlers = defineHandlers({
  'backup.status': (ctx) => statusOf(ctx),

  'backup.updateSettings': (ctx, input) => {
    const dir = tidyFolder(input.dir);
    if (dir === defaultBackupDir(ctx.hub.dataDir)) fs.mkdirSync(dir, { recursive: true });
    const folder = checkFolder(dir, ctx.hub.dataDir);
    if (!folder.ok) throw new AppError('BACKUP_FOLDER', folder.problem ?? '备份目录无法使用', [{ path: 'dir', message: folder.problem ?? '' }]);
    writeBackupSettings(ctx.hub.dataDir, { dir, keep: input.keep });
    ctx.audit.target = 'backup-settings';
    ctx.audit.details = { dir, keep: input.keep };
    return statusOf(ctx);
  },

  'backup.create': {
    prepare: (ctx, input) => backupNow(ctx.hub, 'manual', { by: ctx.user.username, note: input.note }),
    run: (ctx, _input, entry: BackupEntry) => {
      ctx.audit.target = `backup:${entry.fileName}`;
      ctx.audit.details = { sizeBytes: entry.sizeBytes, verified: entry.verified, sha256: entry.sha256 };
      return entry;
    },
  },

  'backup.list': (ctx) => listBackups(ctx.hub, ctx.db),

  'backup.restore': {
    async: async (ctx, input) => {
      const source = input.upload ? { upload: ctx.host.uploadedFile(input.upload, ctx.caller.token) } : { fileName: input.fileName! };
      const result = await restoreBackup(ctx.host, source, { user: ctx.user, caller: ctx.caller, method: 'backup.restore' });
      ctx.session.clear();
      return result;
    },
  },

  'backup.download': (ctx, input) => {
    // A backup is the whole database, every store's book with it.
    assertStoresBookVisible(ctx, 'all', '下载备份文件：备份包含全部账面数据');
    if (path.basename(input.fileName) !== input.fileName) throw new AppError('VALIDATION', '备份文件名无效');
    const dir = backupFolders(ctx.hub.dataDir).find((d) => fs.existsSync(path.join(d, input.fileName)));
    if (!dir) throw notFound('备份文件');
    const file = path.join(dir, input.fileName);
    const sizeBytes = fs.statSync(file).size;
    if (sizeBytes > MAX_DOWNLOAD_BYTES) {
      throw new AppError('BUSINESS_RULE', `文件过大（${Math.round(sizeBytes / 1024 / 1024)} MB），请在卫生院电脑上直接从备份目录复制：${dir}`);
    }
    return { fileName: input.fileName, sizeBytes, base64: fs.readFileSync(file).toString('base64') };
  },

  'system.integrityCheck': (ctx) => {
    // Its findings quote balances against the ledger.
    assertStoresBookVisible(ctx, 'all', '运行数据检查：检查结果会列出库存结存');
    return runIntegrityCheck(ctx.db, { dbFile: ctx.hub.dbFile, now: ctx.now, latestVersion: ctx.host.latestSchemaVersion });
  },

  'recovery.status': (ctx, input) => recoveryStatusFor(ctx.host, ctx.caller, input.dir),

  'recovery.restore': {
    async: (ctx, input) => restoreWithoutLogin(ctx.host, input, ctx.caller, ctx.session),
  },
});
