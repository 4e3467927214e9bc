/** Business dates are calendar days in China time (UTC+8, no daylight saving), written 'YYYY-MM-DD'. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

export function chinaDate(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD HH:mm' in China time: how an instant is shown wherever the device or the server's zone may be. */
export function chinaMinute(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** 'YYYY-MM' accounting period of a business date. */
export function periodOf(date: string): string {
  return date.slice(0, 7);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

/** First and last day of a 'YYYY-MM' period. */
export function periodBounds(period: string): { first: string; last: string } {
  const [y, m] = period.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { first: `${period}-01`, last };
}

export function previousPeriod(period: string): string {
  return addMonths(`${period}-01`, -1).slice(0, 7);
}

export function nextPeriod(period: string): string {
  return addMonths(`${period}-01`, 1).slice(0, 7);
}

/** A date as people say it, '3 月 6 日', with the year when it differs from the year of `near` ('2025 年 12 月 30 日'). */
export function dayLabel(date: string, near: string = date): string {
  const [y, m, d] = date.split('-');
  return `${y === near.slice(0, 4) ? '' : `${y} 年 `}${Number(m)} 月 ${Number(d)} 日`;
}
