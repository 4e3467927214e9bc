import { BACKUP_REASONS, type BackupReason } from '../../../shared/contract/backup';

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** Characters Windows forbids in file names, control characters, and whitespace runs. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what a file name must not carry
const UNSAFE = /[\\/:*?"<>|\u0000-\u001f\s]+/g;

/** The hub part of a backup's file name: the hub's name made safe for Windows, FAT32 USB disks and shares. */
export function hubSlug(hubName: string | null | undefined): string {
  const slug = (hubName ?? '')
    .replace(UNSAFE, '_')
    .replace(/^[_.]+|[_.]+$/g, '')
    .slice(0, 40);
  return slug || 'hub';
}

/** 'YYYYMMDD-HHmmss' in China time: the moment as the pharmacist's wall clock showed it. */
export function chinaStamp(at: Date): string {
  const iso = new Date(at.getTime() + CHINA_OFFSET_MS).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/** santong-<hub>-<YYYYMMDD-HHmmss>-<reason>[-n].sqlite; n tells apart two backups in the same second. */
export function backupName(hubName: string | null, at: Date, reason: BackupReason, n = 0): string {
  return `santong-${hubSlug(hubName)}-${chinaStamp(at)}-${reason}${n > 0 ? `-${n}` : ''}.sqlite`;
}

const NAME = new RegExp(`^santong-(.+)-(\\d{8})-(\\d{6})-(${BACKUP_REASONS.join('|')})(?:-(\\d+))?\\.sqlite$`);

export interface ParsedBackupName {
  hub: string;
  /** The instant the name's China-time stamp stands for. */
  at: Date;
  reason: BackupReason;
  /** Tells apart backups made in the same second (0 for the first). */
  n: number;
}

export function parseBackupName(fileName: string): ParsedBackupName | null {
  const m = NAME.exec(fileName);
  if (!m) return null;
  const [, hub, d, t, reason, n] = m;
  const utc = Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +t.slice(0, 2), +t.slice(2, 4), +t.slice(4, 6));
  if (Number.isNaN(utc)) return null;
  return { hub, at: new Date(utc - CHINA_OFFSET_MS), reason: reason as BackupReason, n: n ? Number(n) : 0 };
}

export const isAutomatic = (reason: BackupReason): boolean => reason !== 'manual';
