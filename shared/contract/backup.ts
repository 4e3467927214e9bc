import { z } from 'zod';
import { defineMethod } from './define';
import { emptyInput, fileInputAbout, optionalText } from './common';
import { about, out, valuesText } from './describe';

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
  .regex(/^santong-[^/\\]+\.sqlite$/, '备份文件名无效')
  .describe('备份文件名（不含目录）：santong-<卫生院>-<YYYYMMDD-HHmmss>-<原因>.sqlite，取自 backup.list 的 fileName');

/** A folder typed by the administrator: a local path, a USB disk (E:\三统备份) or a network share (\\NAS\备份). */
export const folderPath = z
  .string({ error: '请填写备份目录' })
  .trim()
  .min(1, '请填写备份目录')
  .max(260, '目录路径过长（不能超过 260 个字符）')
  .describe('目录的完整路径，1–260 个字符：本机目录、U盘（E:\\三统备份）或网络共享（\\\\NAS\\备份）');

const UNRECORDED = 'null = 本库没有该文件的备份记录（恢复前做的或从别处复制来的）';

export const backupEntry = z.object({
  fileName: out.text('备份文件名（backup.restore / download 的 fileName）'),
  dir: out.text('所在目录的完整路径'),
  sizeBytes: out.count('文件大小（字节）'),
  /** ISO instant: from the record, or read from the file name (China time) for unrecorded files. */
  createdAt: out.instant('备份时刻：取自备份记录，没有记录时由文件名中的中国时间换算'),
  reason: backupReason.describe(`备份原因。${valuesText(BACKUP_REASON_LABELS)}（除 manual 外都是自动备份，按种类各保留最新 keep 份）`),
  automatic: out.flag('自动备份（受保留份数限制；手动备份从不自动删除）'),
  /** The hub name part of the file name. */
  hub: out.text('文件名中的卫生院名称部分'),
  /** True when this database has a record of the file (size, checksum, verification). */
  recorded: out.flag('本库有该文件的备份记录（大小、校验值、校验结果）'),
  /** Null when unknown (a file this database has no record of: made before a restore, or copied in). */
  verified: z.boolean().nullable().describe(`写完后重新打开校验通过（且大小与记录相符）；${UNRECORDED}`),
  problem: out.text('校验发现的问题（中文）；null = 没有问题或没有记录').nullable(),
  sha256: out.text(`文件的 SHA-256（64 位小写十六进制）；${UNRECORDED}`).nullable(),
  schemaVersion: out.int(`备份的数据库结构版本；${UNRECORDED}`).nullable(),
  createdBy: out.text('做备份的用户名；null = 没有记录或自动备份').nullable(),
  note: out.text('备注；null = 无').nullable(),
});
export type BackupEntry = z.infer<typeof backupEntry>;

export const backupStatus = z.object({
  dir: out.text('备份目录'),
  defaultDir: out.text('默认备份目录：数据目录下的 backups'),
  usingDefaultDir: out.flag('正在使用默认目录'),
  keep: out.count(`每种自动备份保留的份数（${KEEP_MIN}–${KEEP_MAX}，默认 ${KEEP_DEFAULT}）`),
  folder: z
    .object({
      ok: out.flag('目录存在且可写'),
      problem: out.text('目录不能用的原因；null = 没有问题').nullable(),
      /** The backups sit on the same disk as the live data: a disk failure would take both. */
      sameDiskAsData: out.flag('备份与数据在同一块磁盘上：磁盘坏了两者都会丢失'),
      freeBytes: out.count('剩余空间（字节）', 'null = 无法得知').nullable(),
    })
    .describe('备份目录的检查结果'),
  dataFile: out.text('数据库文件的完整路径'),
  dataSizeBytes: out.count('数据库文件及其 WAL 的大小（字节）'),
  lastBackup: backupEntry.nullable().describe('最近的一份备份；null = 目录中没有备份'),
  todayDailyDone: out.flag('今天（中国时间）的每日自动备份已完成'),
  scheduler: z
    .object({
      running: out.flag('自动备份计划在运行（每小时检查一次）'),
      lastCheckAt: out.instant('最近一次检查', 'null = 尚未检查').nullable(),
      lastError: out.text('最近一次自动备份的错误；null = 没有').nullable(),
      lastErrorAt: out.instant('该错误的时刻', 'null = 没有错误').nullable(),
    })
    .describe('自动备份计划'),
  /** A backup or restore is running right now. */
  busy: out.flag('正在备份或恢复'),
});
export type BackupStatus = z.infer<typeof backupStatus>;

export const restoreResult = z.object({
  restoredFrom: out.text('恢复所用的文件名'),
  /** Schema version of the restored file before it was opened (older ones are upgraded). */
  fileSchemaVersion: out.int('备份文件原来的结构版本（旧版本会自动升级）'),
  schemaVersion: out.int('恢复并升级后的结构版本'),
  /** The copy of the data that was replaced: a verified backup, or the damaged file moved aside. */
  previousDataSavedAs: out.text('被替换的数据另存为（恢复前备份，或移到 damaged 的损坏文件）；null = 原来没有可保存的数据').nullable(),
  hubName: out.text('恢复后的卫生院名称；null = 未设置').nullable(),
});
export type RestoreResult = z.infer<typeof restoreResult>;

/** A backup streamed to disk is never held in memory, so it may be far larger than a JSON body. */
export const RESTORE_UPLOAD_BYTES = 2 ** 30;

const restoreSourceFields = {
  fileName: about(backupFileName.optional(), '备份目录中的文件；与 upload 二选一'),
  upload: fileInputAbout(
    `上传的备份文件（.sqlite）；与 fileName 二选一；base64 形式受请求体 100 MiB 限制，上传形式最大 ${RESTORE_UPLOAD_BYTES / 2 ** 30} GiB`,
  ).optional(),
};
/** Exactly one source: a file in the backup folder, or an uploaded file. */
const oneSource = (v: { fileName?: string; upload?: unknown }) => (v.fileName ? 1 : 0) + (v.upload ? 1 : 0) === 1;
const ONE_SOURCE_MESSAGE = '请选择一个备份文件，或上传一个备份文件';

export const integrityCheckResult = z.object({
  key: out.text(
    "检查代码：'sqlite.integrity'、'sqlite.identity'、'sqlite.foreignKeys'、'schema.objects'、'schema.appendOnly'、'ledger.balances'、'ledger.periodTotals'、'ledger.negative'、'ledger.runningNegative'",
  ),
  label: out.text('检查名称（中文）'),
  ok: out.flag('通过'),
  problemCount: out.count('发现的问题数'),
  /** The first problems found (at most 50), in Chinese. */
  problems: z.array(z.string()).describe('前几个问题（最多 50 个，中文）'),
});
export type IntegrityCheckResult = z.infer<typeof integrityCheckResult>;

export const integrityReport = z.object({
  ok: out.flag('全部检查通过'),
  checkedAt: out.instant('检查时刻'),
  dbFile: out.text('数据库文件的完整路径'),
  sizeBytes: out.count('数据库文件及其 WAL 的大小（字节）'),
  schemaVersion: out.int('数据库结构版本（读不出时为 0）'),
  checks: z.array(integrityCheckResult).describe('各项检查'),
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
      dir: about(folderPath, '备份目录：须已存在且可写（默认目录会自动建立），否则答 422 BACKUP_FOLDER'),
      keep: z
        .number({ error: '保留份数必须是数字' })
        .int('保留份数必须是整数')
        .min(KEEP_MIN, `保留份数不能少于 ${KEEP_MIN}`)
        .max(KEEP_MAX, `保留份数不能超过 ${KEEP_MAX}`)
        .describe(`每种自动备份保留的份数，${KEEP_MIN}–${KEEP_MAX}（默认 ${KEEP_DEFAULT}）；手动备份不受限`),
    }),
    output: backupStatus,
  }),
  'backup.create': defineMethod({
    summary: '立即备份（SQLite 在线备份，写完后校验），手动备份不会被自动清理',
    access: ['admin'],
    write: true,
    input: z.object({ note: about(optionalText(100, '备注'), '备注') }).default({ note: null }),
    output: backupEntry,
  }),
  'backup.list': defineMethod({
    summary: '备份目录中的备份文件（最新在前），附本库的备份记录（大小、校验值、是否校验通过）',
    access: ['admin'],
    write: false,
    input: emptyInput,
    output: z.array(backupEntry).describe('备份目录（及默认目录）中的备份文件，新的在前'),
  }),
  'backup.restore': defineMethod({
    summary: '从备份恢复：先校验文件（完整性、三统标识、版本不高于本程序），再备份当前数据，然后替换并重新打开；所有用户须重新登录。写入自身的审计记录',
    access: ['admin'],
    // Not a plain write: it replaces the database itself, and writes its audit row into the restored one.
    write: false,
    maxBodyBytes: 100 * 1024 * 1024,
    maxUploadBytes: RESTORE_UPLOAD_BYTES,
    input: z.object(restoreSourceFields).refine(oneSource, ONE_SOURCE_MESSAGE).describe('fileName 与 upload 必须且只能填一个'),
    output: restoreResult,
  }),
  'backup.download': defineMethod({
    summary: '下载一个备份文件（base64），供浏览器保存',
    access: ['admin'],
    write: false,
    input: z.object({ fileName: about(backupFileName, '超过 300 MB 的文件不能下载（422），请在卫生院电脑上直接复制') }),
    output: z.object({
      fileName: out.text('备份文件名'),
      sizeBytes: out.count('文件大小（字节）'),
      base64: out.text('文件内容，base64'),
    }),
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
  active: out.flag('处于恢复模式：数据库文件损坏，只能从备份恢复（其他接口答 503 RECOVERY_MODE）'),
  problem: out.text('数据库的问题（中文）；null = 没有问题').nullable(),
  /** No user exists yet (first run): restoring a backup is how a new PC takes over an old hub. */
  setupRequired: out.flag('尚无任何用户（首次使用）：可从备份恢复，用于更换电脑'),
  /** The caller sits at the hub PC itself (desktop app, or a browser on 127.0.0.1). */
  local: out.flag('调用者就在卫生院电脑上（桌面版，或 127.0.0.1 的浏览器）'),
  canRestore: out.flag('现在可以用 recovery.restore 恢复：本机调用，且处于恢复模式或首次使用'),
  dataFile: out.text('数据库文件的完整路径；非本机调用时为空串'),
  backupDir: out.text('备份目录；非本机调用时为空串'),
  /** Backups found in the folder (only shown to a local caller). */
  backups: z.array(backupEntry).describe('目录中的备份文件；canRestore 为 false 时为空'),
});
export type RecoveryStatus = z.infer<typeof recoveryStatus>;

export const recoveryApi = {
  'recovery.status': defineMethod({
    summary: '恢复模式状态：数据库是否损坏、备份目录中的备份（仅本机可见）；首次设置时也可用',
    access: 'public',
    write: false,
    input: z.object({ dir: about(folderPath.optional(), '在这个目录中查找备份（完整路径）；省略 = 设置的备份目录和默认目录') }).default({}),
    output: recoveryStatus,
  }),
  'recovery.restore': defineMethod({
    summary: '恢复模式下（或首次设置前）从备份恢复，无需登录但只接受本机（卫生院电脑）的请求；损坏的文件移到 damaged 目录保留',
    access: 'public',
    write: false,
    maxBodyBytes: 100 * 1024 * 1024,
    maxUploadBytes: RESTORE_UPLOAD_BYTES,
    input: z
      .object({
        dir: about(folderPath.optional(), 'fileName 所在的目录（完整路径）；省略 = 设置的备份目录和默认目录'),
        ...restoreSourceFields,
      })
      .refine(oneSource, ONE_SOURCE_MESSAGE)
      .describe('fileName 与 upload 必须且只能填一个；只接受本机请求，且只在恢复模式或首次使用时可用'),
    output: restoreResult,
  }),
};
