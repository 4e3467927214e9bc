import type { ReadDb, WriteDb } from '../../db/database';
import { getSetting, setSetting } from '../settings';
import type { StorageCondition } from '../../../shared/gsp';

export type SecondAcceptorRule = 'cold_and_special' | 'special' | 'none';

export interface GspSettings {
  secondAcceptor: SecondAcceptorRule;
  amTime: string;
  pmTime: string;
}

/** GSP asks for two people at the acceptance of special drugs; most provinces ask it of cold-chain drugs too. */
const DEFAULTS: GspSettings = { secondAcceptor: 'cold_and_special', amTime: '09:00', pmTime: '15:00' };

export function gspSettings(db: ReadDb): GspSettings {
  return {
    secondAcceptor: (getSetting(db, 'gsp.secondAcceptor') as SecondAcceptorRule | null) ?? DEFAULTS.secondAcceptor,
    amTime: getSetting(db, 'gsp.amTime') ?? DEFAULTS.amTime,
    pmTime: getSetting(db, 'gsp.pmTime') ?? DEFAULTS.pmTime,
  };
}

export function saveGspSettings(db: WriteDb, s: GspSettings): void {
  setSetting(db, 'gsp.secondAcceptor', s.secondAcceptor);
  setSetting(db, 'gsp.amTime', s.amTime);
  setSetting(db, 'gsp.pmTime', s.pmTime);
}

/** Whether the hub's rule asks for a second acceptor for a drug stored so (and under special control or not). */
export function needsSecondAcceptor(rule: SecondAcceptorRule, drug: { storageCondition: StorageCondition; specialControl: boolean }): boolean {
  if (rule === 'none') return false;
  if (drug.specialControl) return true;
  return rule === 'cold_and_special' && (drug.storageCondition === 'cold' || drug.storageCondition === 'frozen');
}
