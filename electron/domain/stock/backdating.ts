/**
 * Back-dating (补录) is a deliberate, bounded act: a posting may be dated at most N days before the day it
 * is recorded (the hub's setting, 系统管理 → 系统设置 → 记账规则; default 7). Past that it is refused, with
 * the limit and where to change it. A month reopened by the administrator (月结 → 反结账, with a reason kept
 * in its history) takes postings on any of its dates: reopening is itself the deliberate act. The period
 * close rule applies before this one, unchanged.
 */
import { sql, type ReadDb, type WriteDb } from '../../db/database';
import { AppError } from '../../errors';
import { addDays, dayLabel, periodOf } from '../../../shared/dates';
import { getSetting, setSetting } from '../settings';

export const DEFAULT_MAX_BACKDATE_DAYS = 7;

export function maxBackdateDays(db: ReadDb): number {
  const raw = getSetting(db, 'posting.maxBackdateDays');
  const days = raw === null ? NaN : Number(raw);
  return Number.isSafeInteger(days) && days >= 0 ? days : DEFAULT_MAX_BACKDATE_DAYS;
}

export function setMaxBackdateDays(db: WriteDb, days: number): void {
  setSetting(db, 'posting.maxBackdateDays', String(days));
}

function isReopened(db: ReadDb, period: string): boolean {
  const row = sql(db, "SELECT 1 FROM periods WHERE period = ? AND status = 'open' AND reopened_at IS NOT NULL").get(period);
  return row !== undefined;
}

/**
 * Refuses a business date further back than the limit allows. `datedOn` is the day the date was given:
 * today, or earlier when a document fixed its date before it posts (a clinic's return, dated when the
 * doctor asked, posts when the hub accepts it).
 */
export function assertWithinBackdating(db: ReadDb, businessDate: string, datedOn: string): void {
  if (businessDate >= datedOn) return;
  const days = maxBackdateDays(db);
  const earliest = addDays(datedOn, -days);
  if (businessDate >= earliest || isReopened(db, periodOf(businessDate))) return;
  const limit = days === 0 ? '不允许补录以前日期的业务' : `最多补录 ${days} 天以内的业务（${dayLabel(earliest, datedOn)}及以后）`;
  throw new AppError('BUSINESS_RULE', `业务日期 ${businessDate} 早于补录期限：${limit}。补录期限由管理员或药库管理员在“系统管理 → 系统设置 → 记账规则”中设定`);
}
