import { sql, type ReadDb, type WriteDb } from '../db/database';

/** Known keys of the settings table. */
export type SettingKey =
  | 'hub.name'
  | 'hub.address'
  | 'hub.phone'
  | 'demo'
  | 'lan.enabled'
  | 'lan.port'
  | 'lan.https'
  | 'lan.hostnames'
  | 'purchasing.targetMonths'
  | 'posting.maxBackdateDays'
  | 'reconciliation.identityMonths'
  | 'reconciliation.lastPurgeAt'
  | 'backup.lastFullCheck'
  | 'gsp.secondAcceptor'
  | 'gsp.amTime'
  | 'gsp.pmTime'
  | 'trace.openedBoxScan'
  | 'catalog.importUnderway';

export function getSetting(db: ReadDb, key: SettingKey): string | null {
  const row = sql(db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function setSetting(db: WriteDb, key: SettingKey, value: string): void {
  sql(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

export function hubName(db: ReadDb): string {
  return getSetting(db, 'hub.name') ?? '乡镇卫生院';
}
