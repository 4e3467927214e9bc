/**
 * Closed months go to the prefecture by themselves once its server is configured: five minutes after start and then every
 * quarter of an hour, each closed month whose current version (a re-close after a reopen makes a new one) the server
 * has not yet taken is built and sent, oldest first. A month nothing reached the server for (no link, timeouts, 5xx)
 * is tried again after 5 minutes, then 10, 20 … at most 6 hours apart, across restarts too (the waits are counted from
 * the sends log). A refusal is final for that version: the same bytes cannot fare better, a person must look (the
 * page shows the server's words). The manual 发送 and 导出文件 stay; the server is idempotent by (hub, period, version).
 */
import { sql, type ReadDb } from '../../db/database';
import type { Manifest } from '../../../shared/prefecture/package';
import type { Host, ReadableHub } from '../ports';
import { closeVersion, type HubSigner } from './build';
import { sendPackage, type SendOptions } from './send';
import { appendSendRecord, configuredSigner, readPrefectureSettings, readSendRecords, serverSendRecord, type SendRecord } from './settings';

export const AUTO_SEND = {
  firstDelayMs: 5 * 60_000,
  intervalMs: 15 * 60_000,
  retryBaseMs: 5 * 60_000,
  retryMaxMs: 6 * 60 * 60_000,
  /** The most recent closed months looked at; older ones are sent by hand (or a file) if ever needed. */
  months: 24,
  /** Who the sends log names for these sends. */
  sender: '自动上报',
} as const;

export interface DueMonth {
  period: string;
  version: number;
}

/** The closed months to send now, oldest first: not taken, not refused, and past the wait after their last failure. */
export function monthsDue(db: ReadDb, dataDir: string, now: Date): DueMonth[] {
  const closed = (sql(db, "SELECT period FROM periods WHERE status = 'closed' ORDER BY period DESC LIMIT ?").all(AUTO_SEND.months) as { period: string }[])
    .map((p) => p.period)
    .reverse();
  const sends = readSendRecords(dataDir).filter((r) => r.target === 'server');
  const due: DueMonth[] = [];
  for (const period of closed) {
    const { version } = closeVersion(db, period);
    const mine = sends.filter((r) => r.period === period && r.version === version);
    if (mine.some((r) => r.answer !== null)) continue; // taken, or refused (a person's turn)
    if (mine.length > 0) {
      const wait = Math.min(AUTO_SEND.retryMaxMs, AUTO_SEND.retryBaseMs * 2 ** (mine.length - 1));
      if (now.getTime() - Date.parse(mine[mine.length - 1].at) < wait) continue;
    }
    due.push({ period, version });
  }
  return due;
}

/** Builds a month's package off the request thread (the host's long-read worker); the hub given is the open one. */
export type PackageBuilder = (hub: ReadableHub, period: string, signer: HubSigner) => Promise<{ manifest: Manifest; bytes: Uint8Array }>;

/** One pass: sends what is due; stops at the first month nothing reached the server for (the others would not either). */
export async function sendDueMonths(hub: ReadableHub, build: PackageBuilder, send: Pick<SendOptions, 'sleep'> = {}): Promise<SendRecord[]> {
  const settings = readPrefectureSettings(hub.dataDir);
  const signer = configuredSigner(hub.dataDir, hub.readDb, settings);
  if (!signer || !settings.serverUrl) return [];
  const sent: SendRecord[] = [];
  for (const month of monthsDue(hub.readDb, hub.dataDir, hub.clock.now())) {
    const { manifest, bytes } = await build(hub, month.period, signer);
    const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const result = await sendPackage(settings.serverUrl, payload, { caPem: settings.serverCaPem, attempts: 3, backoffMs: 2_000, ...send });
    const record = serverSendRecord({ period: month.period, manifest, bytes: payload.length, at: hub.clock.now(), userName: AUTO_SEND.sender }, result);
    appendSendRecord(hub.dataDir, record);
    sent.push(record);
    if (!result.answer) break;
  }
  return sent;
}

export interface PrefectureSender {
  /** One pass now (the timers call it too). Never throws; concurrent calls share one pass. */
  tick(): Promise<SendRecord[]>;
  stop(): void;
}

/** Started by the headless server and the desktop app alike, like the backup scheduler; demo hubs send nothing. */
export function startPrefectureSender(host: Host, build: PackageBuilder, opts: { firstDelayMs?: number; intervalMs?: number } = {}): PrefectureSender {
  let running = true;
  let inFlight: Promise<SendRecord[]> | null = null;
  const pass = async (): Promise<SendRecord[]> => {
    const hub = host.openApp;
    if (!running || !hub || hub.demo) return [];
    try {
      return await sendDueMonths(hub, build);
    } catch (err) {
      console.error(`[santong] 自动上报地市失败：${(err as Error).message}`);
      return [];
    }
  };
  const tick = () => {
    inFlight ??= pass().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
  const first = setTimeout(() => void tick(), opts.firstDelayMs ?? AUTO_SEND.firstDelayMs);
  const every = setInterval(() => void tick(), opts.intervalMs ?? AUTO_SEND.intervalMs);
  first.unref();
  every.unref();
  return {
    tick,
    stop() {
      running = false;
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
