/**
 * Runs the anomaly rules over a window and joins each signal with its dismissals. Signals are computed on
 * demand from the ledger; a dismissal sticks to a fingerprint, and the signal reappears (reopened) when its
 * severity — the rule's main figure — grows beyond what it was when dismissed.
 */
import { sql, type ReadDb } from '../../db/database';
import { AppError } from '../../errors';
import { addDays, periodBounds } from '../../../shared/dates';
import { defaultThresholds, parseFingerprint, RULE_KEYS, RULE_PARAMS, type RuleKey, type Thresholds } from '../../../shared/supervision';
import { minDate } from './data';
import { RULES } from './rules';
import type { EvalWindow, Signal } from './types';

export function loadThresholds(db: ReadDb, rule: RuleKey): Thresholds {
  const t = defaultThresholds(rule);
  for (const r of sql(db, 'SELECT param, value FROM supervision_thresholds WHERE rule_key = ?').all(rule) as { param: string; value: number }[]) {
    if (r.param in t) t[r.param] = r.value;
  }
  return t;
}

export function evaluateRules(db: ReadDb, w: EvalWindow, rules: readonly RuleKey[] = RULE_KEYS, overrides?: Partial<Record<RuleKey, Thresholds>>): Signal[] {
  const out: Signal[] = [];
  for (const key of rules) out.push(...RULES[key].evaluate(db, w, overrides?.[key] ?? loadThresholds(db, key)));
  return out;
}

export type SignalStatus = 'open' | 'dismissed' | 'reopened';

export interface Dismissal {
  id: number;
  fingerprint: string;
  severity: number;
  numbers: string;
  note: string;
  dismissedByName: string;
  dismissedAt: string;
}

export function dismissalsOf(db: ReadDb, fingerprints: string[]): Map<string, Dismissal[]> {
  const out = new Map<string, Dismissal[]>();
  const stmt = sql(
    db,
    `SELECT s.id, s.fingerprint, s.severity, s.numbers, s.note, u.display_name AS dismissedByName, s.dismissed_at AS dismissedAt
       FROM signal_dismissals s JOIN users u ON u.id = s.dismissed_by WHERE s.fingerprint = ? ORDER BY s.id`,
  );
  for (const fp of new Set(fingerprints)) {
    const rows = stmt.all(fp) as Dismissal[];
    if (rows.length) out.set(fp, rows);
  }
  return out;
}

export function statusOf(signal: Signal, dismissals: Dismissal[] | undefined): SignalStatus {
  const last = dismissals?.at(-1);
  if (!last) return 'open';
  return signal.severity > last.severity ? 'reopened' : 'dismissed';
}

/** The span a fingerprint's signal covers: its week, or its month up to today. */
export function spanOfFingerprint(fp: string, today: string): { rule: RuleKey; clinicId: number; from: string; to: string } {
  const parsed = parseFingerprint(fp);
  if (!parsed) throw new AppError('VALIDATION', '异常信号编号格式不正确', [{ path: 'fingerprint', message: '格式不正确' }]);
  const from = parsed.period.length === 7 ? periodBounds(parsed.period).first : parsed.period;
  const to = parsed.period.length === 7 ? periodBounds(parsed.period).last : addDays(parsed.period, 6);
  return { rule: parsed.rule, clinicId: parsed.clinicId, from, to: minDate(to, today) };
}

/** Recomputes the one signal a fingerprint names, or throws NOT_FOUND when its rule no longer fires. */
export function findSignal(db: ReadDb, fingerprint: string, today: string): Signal {
  const span = spanOfFingerprint(fingerprint, today);
  const found = RULES[span.rule]
    .evaluate(db, { from: span.from, to: span.to, clinicId: span.clinicId }, loadThresholds(db, span.rule))
    .find((s) => s.fingerprint === fingerprint);
  if (!found) throw new AppError('NOT_FOUND', '该异常信号已不存在（数据已更正或阈值已调整）');
  return found;
}

export function ruleInfo(db: ReadDb) {
  return RULE_KEYS.map((key) => {
    const t = loadThresholds(db, key);
    return {
      key,
      title: RULES[key].title,
      description: RULES[key].describe(t),
      params: RULE_PARAMS[key].map((p) => ({ ...p, value: t[p.key] })),
    };
  });
}
