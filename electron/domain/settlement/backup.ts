import type { HandlerContext } from '../../api/context';

/**
 * The backup taken just before a month is closed; returns the backup file's name, kept with the close
 * event. Runs in the close's `prepare` step, outside the write transaction.
 *
 * LEAD: wire to the data-safety branch when it lands on main:
 *   return (await backupNow(ctx.app, 'before-close', { by: ctx.user.username, note: period })).fileName;
 */
export async function backupBeforeClose(ctx: HandlerContext, period: string): Promise<string | null> {
  void ctx;
  void period;
  return null;
}
