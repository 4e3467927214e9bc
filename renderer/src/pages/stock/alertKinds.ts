import type { z } from 'zod';
import type { alertRow } from '../../../../shared/contract/stock';

export type Alert = z.infer<typeof alertRow>;
export type AlertKind = Alert['kind'];
/** The kinds in the order the list and the printout give them, with their words and colours. */
export const ALERT_KINDS: AlertKind[] = ['expired', 'out_of_stock', 'near_expiry', 'below_min'];
export const ALERT_KIND: Record<AlertKind, { label: string; color: string }> = {
  expired: { label: '已过期', color: 'red' },
  out_of_stock: { label: '缺货', color: 'volcano' },
  near_expiry: { label: '近效期', color: 'orange' },
  below_min: { label: '低于下限', color: 'gold' },
};
