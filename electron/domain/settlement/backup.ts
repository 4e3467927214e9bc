import type { WriteContext } from '../context';
import { AppError } from '../../errors';
import { backupNow } from '../backup/backup';

/**
 * The backup taken just before a month is closed (reason 'before-close'); returns its file name, kept with
 * the close event. Runs in the close's `prepare` step, outside the write transaction. A failed backup
 * stops the close: closing without a way back is not allowed.
 */
export async function backupBeforeClose(ctx: WriteContext, period: string): Promise<string> {
  const entry = await backupNow(ctx.hub, 'before-close', { by: ctx.user.username, note: `${period} 月结前` });
  if (entry.verified === false) {
    throw new AppError('BUSINESS_RULE', `结账前的备份未通过校验（${entry.problem ?? '原因不明'}），未结账。请在“系统管理 → 数据备份”检查备份位置后重试。`);
  }
  return entry.fileName;
}
