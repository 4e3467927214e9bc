import type { ReadDb } from '../../db/database';
import type { RuleKey, Thresholds } from '../../../shared/supervision';
import type { LiveDays } from './data';

/**
 * Supervision reads every store's book (stock values, stock-out days, opening balances in the signals): a
 * hub user counting a store blind waits until the count is submitted (stocktake/blind.ts).
 */
export const SUPERVISION_READS_BOOK = '查看监管数据：其中的库存金额、断货天数和信号数字来自各库房的账面';

/** The span a rule looks at, and whose clinics. Rules read history before `from` as they need it. */
export interface EvalWindow {
  from: string;
  to: string;
  /** One clinic, or null for every clinic. */
  clinicId: number | null;
  /** The live months' ledger reads shared by the rules of one call (each rule reads its own without it). */
  live?: LiveDays;
  /** false: the caller only counts the signals, so the rules leave `ledgerIds` empty instead of looking them up. */
  evidence?: boolean;
}

export interface SignalNumber {
  label: string;
  value: number | null;
  /** '' for a plain number, 'fen' for an amount in fen, or a unit word ('最小单位', '%', '倍'…). */
  unit: string;
}

/** One anomaly a rule found: what, where, the figures that triggered it, and the ledger rows behind it. */
export interface Signal {
  fingerprint: string;
  ruleKey: RuleKey;
  clinicId: number;
  storeId: number;
  /** The drugs concerned (the swap rule: the drug dispensed heavily first, then the one short in counts). */
  drugIds: number[];
  /** The signal's own week or month. */
  periodFrom: string;
  periodTo: string;
  /** One sentence in Chinese with the figures. */
  summary: string;
  numbers: SignalNumber[];
  /** A single figure that grows when the case gets worse; a dismissed signal reopens when it exceeds the dismissed one. */
  severity: number;
  /** The ledger rows behind the signal (empty when evaluated with `evidence: false`). */
  ledgerIds: number[];
}

export interface Rule {
  key: RuleKey;
  title: string;
  /** The rule in Chinese with the thresholds in force substituted. */
  describe(t: Thresholds): string;
  evaluate(db: ReadDb, window: EvalWindow, t: Thresholds): Signal[];
}
