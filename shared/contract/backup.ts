import { z } from 'zod';
import { defineMethod } from './define';
import { emptyInput, fileContent, optionalText } from './common';

/** Why a backup was made. Every reason but 'manual' is automatic and subject to retention. */
export const BACKUP_REASONS = ['daily', 'manual', 'before-migration', 'before-close', 'before-restore'] as const;
export const backupReason = z.enum(BACKUP_REASONS);
export type BackupReason = z.infer<typeof backupReason>;

export const BACKUP_REASON_LABELS: Record<BackupReason, string> = {
  daily: '每日自动',
  manual: '手动',
  'before-migration': '升级前',
  'before-close': '月结前',
  'before-restore': '恢复前',
};

/** Retention bounds: how many automatic backups of each kind are kept. */
export const KEEP_MIN = 3;
export const KEEP_MAX = 365;
export const KEEP_DEFAULT = 30;

/** A backup file's name: santong-<hub>-<YYYYMMDD-HHmmss>-<reason>[-n].sqlite, never a path. */
export const backupFileName = z
  .string({ error: '请选择备份文件' })
  .trim()
  .min(1, '请选择备份文件')
  .max(200, '文件名过长')
  .regex(/^santong-[^/\\]+\.sqlite$/, '备份文件名无效');

/** A folder typed by the administrator: a local path, a USB disk (E:\三统备份) or a network share (\\NAS\备份). */
export const folderPath = z
  .string({ error: '请填写备份目录' })
  .trim()
  .min(1, '请填写备份目录')
  .max(260, '目录路径过长（不能超过 260 个字符）');

export const backupEntry = z.object({
  fileName: z.string(),
  dir: z.string(),
  sizeBytes: z.number().int(),
  /** ISO instant: from the record, or read from the file name (China time) for unrecorded files. */
  createdAt: z.string(),
  reason: backupReason,
  automatic: z.boolean(),
  /** The hub name part of the file name. */
  hub: z.string(),
  /** True when this database has a record of the file (size, checksum, verification). */
  recorded: z.boolean(),
  /** Null when unknown (a file this database has no record of: made before a restore, or copied in). */
  verified: z.boolean().nullable(),
  problem: z.string().nullable(),
  sha256: z.string().nullable(),
  schemaVersion: z.number().int().nullable(),
  createdBy: z.string().nullable(),
  note: z.string().nullable(),
});
export type BackupEntry = z.infer<typeof backupEntry>;

export const backupStatus = z.object({
  dir: z.string(),
  defaultDir: z.string(),
  usingDefaultDir: z.boolean(),
  keep: z.number().int(),
  folder: z.object({
    ok: z.boolean(),
    problem: z.string().nullable(),
    /** The backups sit on the same disk as the live data: a disk failure would take both. */
    sameDiskAsData: z.boolean(),
    freeBytes: z.number().int().nullable(),
  }),
  dataFile: z.string(),
  dataSizeBytes: z.number().int(),
  lastBackup: backupEntry.nullable(),
  todayDailyDone: z.boolean(),
  scheduler: z.object({
    running: z.boolean(),
    lastCheckAt: z.string().nullable(),
    lastError: z.string().nullable(),
    lastErrorAt: z.string().nullable(),
  }),
  /** A backup or restore is running right now. */
  busy: z.boolean(),
});
export type BackupStatus = z.infer<typeof backupStatus>;

export const restoreResult = z.object({
  restoredFrom: z.string(),
  /** Schema version of the restored file before it was opened (older ones are upgraded). */
  fileSchemaVersion: z.number().int(),
  schemaVersion: z.number().int(),
  /** The copy of the data that was replaced: a verified backup, or the damaged file moved aside. */
  previousDataSavedAs: z.string().nullable(),
  hubName: z.string().nullable(),
});
export type RestoreResult = z.infer<typeof restoreResult>;

const restoreSourceFields = {
  fileName: backupFileName.optional(),
  upload: fileContent.optional(),
};
/** Exactly one source: a file in the backup folder, or an uploaded file. */
const oneSource = (v: { fileName?: string; upload?: unknown }) => (v.fileName ? 1 : 0) + (v.upload ? 1 : 0) === 1;
const ONE_SOURCE_MESSAGE = '请选择一个备份文件，或上传一个备份文件';

export const integrityCheckResult = z.object({
  key: z.string(),
  label: z.string(),
  ok: z.boolean(),
  problemCount: z.number().int(),
  /** The first problems found (at most 50), in Chinese. */
  problems: z.array(z.string()),
});
export type IntegrityCheckResult = z.infer<typeof integrityCheckResult>;

export const integrityReport = z.object({
  ok: z.boolean(),
  checkedAt: z.string(),
  dbFile: z.string(),
  sizeBytes: z.number().int(),
  schemaVersion: z.number().int(),
  checks: z.array(integrityCheckResult),
});
export type IntegrityReport = z.infer<typeof integrityReport>;

export const backupApi = {
  'backup.status': defineMethod({
    summary: '备份设置与状态：备份目录、保留份数、目录是否可用、最近一次备份、自动备份情况',
    access: ['admin'],
    write: false,
    input: emptyInput,
    output: backupStatus,
  }),
  'backup.updateSettings': defineMethod({
    summary: '修改备份目录（须已存在且可写，可为U盘或网络共享）和自动备份保留份数',
    access: ['admin'],
    write: true,
    input: z.object({
      dir: folderPath,
      keep: z
        .number({ error: '保留份数必须是数字' })
        .int('保留份数必须是整数')
        .min(KEEP_MIN, `保留份数不能少于 ${KEEP_MIN}`)
        .max(KEEP_MAX, `保留份数不能超过 ${KEEP_MAX}`),
    }),
    output: backupStatus,
  }),
  'backup.create': defineMethod({
    summary: '立即备份（SQLite 在线备份，写完后校验），手动备份不会被自动清理',
    access: ['admin'],
    write: true,
    input: z.object({ note: optionalText(100, '备注') }).default({ note: null }),
    output: backupEntry,
  }),
  'backup.list': defineMethod({
    summary: '备份目录中的备份文件（最新在前），附本库的备份记录（大小、校验值、是否校验通过）',
    access: ['admin'],
    write: false,
    input: emptyInput,
    output: z.array(backupEntry),
  }),
  'backup.restore': defineMethod({
    summary:
      '从备份恢复：先校验文件（完整性、三统标识、版本不高于本程序），再备份当前数据，然后替换并重新打开；所有用户须重新登录。写入自身的审计记录',
    access: ['admin'],
    // Not a plain write: it replaces the database itself, and writes its audit row into the restored one.
    write: false,
    maxBodyBytes: 100 * 1024 * 1024,
    input: z.object(restoreSourceFields).refine(oneSource, ONE_SOURCE_MESSAGE),
    output: restoreResult,
  }),
  'backup.download': defineMethod({
    summary: '下载一个备份文件（base64），供浏览器保存',
    access: ['admin'],
    write: false,
    input: z.object({ fileName: backupFileName }),
    output: z.object({ fileName: z.string(), sizeBytes: z.number().int(), base64: z.string() }),
  }),
  'system.integrityCheck': defineMethod({
    summary: '数据检查：SQLite 完整性、外键、库存台账一致性（结存等于台账合计、月度合计、无负库存，且每个批次在任何日期的结存都不为负）',
    access: ['admin'],
    write: false,
    input: emptyInput,
    output: integrityReport,
  }),
};

export const recoveryStatus = z.object({
  /** The live database could not be opened safely; the app answers nothing but recovery. */
  active: z.boolean(),
  problem: z.string().nullable(),
  /** No user exists yet (first run): restoring a backup is how a new PC takes over an old hub. */
  setupRequired: z.boolean(),
  /** The caller sits at the hub PC itself (desktop app, or a browser on 127.0.0.1). */
  local: z.boolean(),
  canRestore: z.boolean(),
  dataFile: z.string(),
  backupDir: z.string(),
  /** Backups found in the folder (only shown to a local caller). */
  backups: z.array(backupEntry),
});
export type RecoveryStatus = z.infer<typeof recoveryStatus>;

export const recoveryApi = {
  'recovery.status': defineMethod({
    summary: '恢复模式状态：数据库是否损坏、备份目录中的备份（仅本机可见）；首次设置时也可用',
    access: 'public',
    write: false,
    input: z.object({ dir: folderPath.optional() }).default({}),
    output: recoveryStatus,
  }),
  'recovery.restore': defineMethod({
    summary:
      '恢复模式下（或首次设置前）从备份恢复，无需登录但只接受本机（卫生院电脑）的请求；损坏的文件移到 damaged 目录保留',
    access: 'public',
    write: false,
    maxBodyBytes: 100 * 1024 * 1024,
    input: z.object({ dir: folderPath.optional(), ...restoreSourceFields }).refine(oneSource, ONE_SOURCE_MESSAGE),
    output: restoreResult,
  }),
};
