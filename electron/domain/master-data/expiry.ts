import { addDays } from '../../../shared/dates';
import { NEAR_EXPIRY_DAYS } from '../../../shared/stock';

/** The last expiry date that counts as near expiry on `today` (NEAR_EXPIRY_DAYS ahead). */
export function nearExpiryLimit(today: string): string {
  return addDays(today, NEAR_EXPIRY_DAYS);
}
