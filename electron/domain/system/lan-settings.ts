/** The LAN settings (系统管理 → 系统设置) as stored in the settings table. */
import type { ReadDb, WriteDb } from '../../db/database';
import { getSetting, setSetting } from '../settings';
import { DEFAULT_LAN_PORT, type LanSettings } from '../../../shared/contract/system';

/** The extra host names clinics may use (系统设置), as stored. */
export function readLanHostnames(db: ReadDb): string[] {
  try {
    const parsed: unknown = JSON.parse(getSetting(db, 'lan.hostnames') ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((h): h is string => typeof h === 'string') : [];
  } catch {
    return [];
  }
}

export function readLanSettings(db: ReadDb): LanSettings {
  const port = Number(getSetting(db, 'lan.port'));
  return {
    enabled: getSetting(db, 'lan.enabled') === '1',
    port: Number.isInteger(port) && port >= 1024 && port <= 65535 ? port : DEFAULT_LAN_PORT,
    https: getSetting(db, 'lan.https') === '1',
    hostnames: readLanHostnames(db),
  };
}

export function writeLanSettings(db: WriteDb, s: LanSettings): void {
  setSetting(db, 'lan.enabled', s.enabled ? '1' : '0');
  setSetting(db, 'lan.port', String(s.port));
  setSetting(db, 'lan.https', s.https ? '1' : '0');
  setSetting(db, 'lan.hostnames', JSON.stringify(s.hostnames));
}
