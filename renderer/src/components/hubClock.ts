import dayjs, { type Dayjs } from 'dayjs';
import { chinaDate, periodOf } from '../../../shared/dates';

/**
 * The hub's clock, as the page sees it. Business days are the hub's days in China time, not the device's:
 * a village doctor's phone may be minutes or a day off, or set to another zone, and a training server runs
 * on a `--clock` of its own. The server tells its instant in every `system.status`; the page keeps the
 * difference to its own clock and counts from there, so "today", "this month" and "no future dates" on every
 * screen agree with what the server will accept.
 */
let offsetMs = 0;

/** Records the server's instant (ISO), as just answered. */
export function syncHubClock(serverNowIso: string): void {
  const server = Date.parse(serverNowIso);
  if (Number.isFinite(server)) offsetMs = server - Date.now();
}

/** Now, by the hub's clock. */
export function hubNow(): Date {
  return new Date(Date.now() + offsetMs);
}

/** Today at the hub ('YYYY-MM-DD', China time). */
export function hubToday(): string {
  return chinaDate(hubNow());
}

/** This month at the hub ('YYYY-MM'). */
export function hubMonth(): string {
  return periodOf(hubToday());
}

/** The hub's today as a calendar-day value for date pickers (a plain day, whatever the device's zone). */
export function hubTodayDay(): Dayjs {
  return dayjs(hubToday(), 'YYYY-MM-DD');
}

/** For date pickers: a day after the hub's today (no business may be dated in the future). */
export const isAfterHubToday = (d: Dayjs): boolean => d.format('YYYY-MM-DD') > hubToday();

/** For month pickers: a month after the hub's current month. */
export const isAfterHubMonth = (d: Dayjs): boolean => d.format('YYYY-MM') > hubMonth();

const chinaDateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

function parts(at: Date): Record<string, string> {
  return Object.fromEntries(chinaDateTime.formatToParts(at).map((p) => [p.type, p.value]));
}

/** An instant as China time 'YYYY-MM-DD HH:mm:ss' (or without seconds), whatever zone the device is set to. */
export function formatChinaDateTime(iso: string | Date | null | undefined, withSeconds = true): string {
  if (!iso) return '';
  const at = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(at.getTime())) return '';
  const p = parts(at);
  // Some engines print midnight as 24.
  const hour = p.hour === '24' ? '00' : p.hour;
  return `${p.year}-${p.month}-${p.day} ${hour}:${p.minute}${withSeconds ? `:${p.second}` : ''}`;
}

/** The hub's now, for the "printed at" line of a printout. */
export const printedAt = (): string => formatChinaDateTime(hubNow(), false);
