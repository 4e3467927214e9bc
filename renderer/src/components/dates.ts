import dayjs, { type Dayjs } from 'dayjs';
import { hubToday } from './hubClock';

export const DATE_FORMAT = 'YYYY-MM-DD';
export const toIsoDate = (d: Dayjs | null | undefined): string | null => (d ? d.format(DATE_FORMAT) : null);
export const fromIsoDate = (s: string | null | undefined): Dayjs | null => (s ? dayjs(s, DATE_FORMAT) : null);
/** Today in China time, as the server counts business days. */
export const todayIso = (): string => hubToday();
export const addDaysIso = (iso: string, days: number): string => dayjs(iso, DATE_FORMAT).add(days, 'day').format(DATE_FORMAT);
