/**
 * The rules' signals over a window: the closed months at its start from their stored facts (month-facts/),
 * the rest live. A weekly signal belongs to the month its week ends in; when the window ends with a closed
 * month, that month's week cut at its end (its tail) is the one the window shows, exactly as a live run
 * over the same window would cut it. A window not starting on a month's first day is computed live.
 */
import type { ReadDb } from '../../db/database';
import { nextPeriod, periodBounds } from '../../../shared/dates';
import { RULE_KEYS, type RuleKey } from '../../../shared/supervision';
import { readSignalFacts, signalKind, validMonths } from '../month-facts/store';
import { latestClosedPeriod } from '../stock/ledger';
import { monthsOf } from './data';
import { evaluateRules, loadThresholds } from './engine';
import { RULES } from './rules';
import type { EvalWindow, Signal } from './types';

function storedPrefix(db: ReadDb, rule: RuleKey, w: EvalWindow): string[] {
  if (periodBounds(w.from.slice(0, 7)).first !== w.from) return [];
  const latest = latestClosedPeriod(db);
  if (latest === null) return [];
  const months = monthsOf(w.from, w.to).filter((p) => p <= latest && periodBounds(p).last <= w.to);
  const valid = validMonths(db, signalKind(rule), months, JSON.stringify(loadThresholds(db, rule)));
  const prefix: string[] = [];
  for (const p of months) {
    if (!valid.has(p)) break;
    prefix.push(p);
  }
  return prefix;
}

export function signalsOver(db: ReadDb, w: EvalWindow, rules: readonly RuleKey[] = RULE_KEYS): Signal[] {
  const out: Signal[] = [];
  for (const rule of rules) {
    const stored = storedPrefix(db, rule, w);
    if (stored.length === 0) {
      out.push(...evaluateRules(db, w, [rule]));
      continue;
    }
    const restFrom = periodBounds(nextPeriod(stored.at(-1)!)).first;
    const rest = restFrom <= w.to;
    for (const f of readSignalFacts(db, rule, stored, rest ? null : stored.at(-1)!, w.clinicId)) out.push(JSON.parse(f.signal) as Signal);
    if (rest) out.push(...RULES[rule].evaluate(db, { ...w, from: restFrom }, loadThresholds(db, rule)));
  }
  return out;
}

/** Signals in a stable order (fingerprint, then the end of their span), for comparisons. */
export function byFingerprint(signals: Signal[]): Signal[] {
  return [...signals].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : a.periodTo < b.periodTo ? -1 : 1));
}
