import type { ReadDb, WriteDb } from '../../db/database';
import { getSetting, setSetting } from '../settings';
import { DEFAULT_OPENED_BOX_SCAN, OPENED_BOX_SCANS, type OpenedBoxScan } from '../../../shared/traceCodes';

/** The hub's 拆零 scan rule (see OPENED_BOX_SCANS); a hub that never chose has the default. */
export function openedBoxScan(db: ReadDb): OpenedBoxScan {
  const raw = getSetting(db, 'trace.openedBoxScan');
  return (OPENED_BOX_SCANS as readonly string[]).includes(raw ?? '') ? (raw as OpenedBoxScan) : DEFAULT_OPENED_BOX_SCAN;
}

export function setOpenedBoxScan(db: WriteDb, value: OpenedBoxScan): void {
  setSetting(db, 'trace.openedBoxScan', value);
}
