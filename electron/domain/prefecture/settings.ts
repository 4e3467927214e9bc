/**
 * Where the hub sends its months, and what it has sent. Both belong to this data folder (like the backup
 * settings): prefecture-settings.json holds the hub's code and county as the prefecture registered them and
 * the server's address; prefecture-sends.jsonl is an append-only log of every send and file export with the
 * server's answer.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Manifest, SubmitAnswer } from '../../../shared/prefecture/package';
import type { ReadDb } from '../../db/database';
import { hubName } from '../settings';
import { loadOrCreateHubKey, type HubSigner } from './key';
import type { SendResult } from './send';

export const PREFECTURE_SETTINGS_FILE = 'prefecture-settings.json';
export const PREFECTURE_SENDS_FILE = 'prefecture-sends.jsonl';

export interface PrefectureSettings {
  hubCode: string | null;
  countyCode: string | null;
  /** e.g. https://ybj.example.gov.cn:8443 — the prefecture server's base address. */
  serverUrl: string | null;
  /** PEM of a private root certificate the server's HTTPS certificate chains to (医保专网 often has one). */
  serverCaPem: string | null;
}

const EMPTY: PrefectureSettings = { hubCode: null, countyCode: null, serverUrl: null, serverCaPem: null };

export function readPrefectureSettings(dataDir: string): PrefectureSettings {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dataDir, PREFECTURE_SETTINGS_FILE), 'utf8')) as Partial<PrefectureSettings>;
    return { ...EMPTY, ...parsed };
  } catch {
    return { ...EMPTY };
  }
}

export function writePrefectureSettings(dataDir: string, settings: PrefectureSettings): void {
  const file = path.join(dataDir, PREFECTURE_SETTINGS_FILE);
  const temp = `${file}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(settings, null, 2));
  fs.renameSync(temp, file);
}

export interface SendRecord {
  period: string;
  version: number;
  at: string;
  target: 'server' | 'file';
  userName: string;
  attempts: number;
  bytes: number;
  answer: SubmitAnswer | null;
  /** Why nothing reached the server (no link, timeout), in words. */
  error: string | null;
  /** The manifest's builtFrom: the month's stored facts or the live tables; null in records written before it was kept. */
  builtFrom: 'facts' | 'live' | null;
}

export function appendSendRecord(dataDir: string, record: SendRecord): void {
  fs.appendFileSync(path.join(dataDir, PREFECTURE_SENDS_FILE), `${JSON.stringify(record)}\n`);
}

export function readSendRecords(dataDir: string): SendRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, PREFECTURE_SENDS_FILE), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        const record = JSON.parse(l) as Omit<SendRecord, 'builtFrom'> & { builtFrom?: SendRecord['builtFrom'] };
        return [{ ...record, builtFrom: record.builtFrom ?? null }];
      } catch {
        return []; // a line cut short by a power failure
      }
    });
}

/**
 * The hub as the prefecture registered it, with its signing key: what a package is signed as. Null until the
 * administrator has filled in the hub's code and county.
 */
export function configuredSigner(dataDir: string, db: ReadDb, settings = readPrefectureSettings(dataDir)): HubSigner | null {
  if (!settings.hubCode || !settings.countyCode) return null;
  return { code: settings.hubCode, countyCode: settings.countyCode, name: hubName(db), key: loadOrCreateHubKey(dataDir) };
}

/** The sends log's record of one send to the server: what was sent and what came back. */
export function serverSendRecord(sent: { period: string; manifest: Manifest; bytes: number; at: Date; userName: string }, result: SendResult): SendRecord {
  return {
    period: sent.period,
    version: sent.manifest.version,
    at: sent.at.toISOString(),
    target: 'server',
    userName: sent.userName,
    attempts: result.attempts,
    bytes: sent.bytes,
    answer: result.answer,
    error: result.error,
    builtFrom: sent.manifest.builtFrom ?? null,
  };
}
