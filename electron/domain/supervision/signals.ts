/** Signal handlers: list, detail with its ledger rows, dismissal, thresholds and clinic schedules. */
import type { HandlerContext, WriteContext, ReadContext } from '../context';
import { sql, type ReadDb } from '../../db/database';
import { rows as selectRows, sql as query } from '../../db/sql';
import { AppError, notFound } from '../../errors';
import type { MethodOutput, ParsedInput } from '../../../shared/contract';
import { addDays } from '../../../shared/dates';
import { RULE_KEYS, RULE_PARAMS, RULE_TITLES } from '../../../shared/supervision';
import { dailyDispensing, LiveDays, mondayOf } from './data';
import { dismissalsOf, findSignal, ruleInfo, statusOf, type Dismissal } from './engine';
import { signalsOver } from './month-signals';
import { SUPERVISION_READS_BOOK, type Signal } from './types';
import { assertStoresBookVisible } from '../stocktake/blind';
import { invalidateRule } from '../month-facts/store';
import { computeMonthFactsInBackground } from '../month-facts/background';

/** How many closed months a threshold change recomputes (newest first); older ones read live until a refill. */
const REFILL_MONTHS = 24;

const DOC_NO = query`CASE g.doc_type
    WHEN 'receipt' THEN (SELECT doc_no FROM receipts WHERE id = g.doc_id)
    WHEN 'delivery' THEN (SELECT doc_no FROM deliveries WHERE id = g.doc_id)
    WHEN 'return' THEN (SELECT doc_no FROM stock_returns WHERE id = g.doc_id)
    WHEN 'writeoff' THEN (SELECT doc_no FROM writeoffs WHERE id = g.doc_id)
    WHEN 'dispensing' THEN (SELECT coalesce(rx_no, visit_no, '登记#' || id) FROM dispensings WHERE id = g.doc_id)
    WHEN 'stocktake' THEN (SELECT doc_no FROM stocktakes WHERE id = g.doc_id)
    ELSE NULL END`;

const dismissalOut = (d: Dismissal) => ({ id: d.id, note: d.note, severity: d.severity, dismissedByName: d.dismissedByName, dismissedAt: d.dismissedAt });

function enrich(db: ReadDb, signals: Signal[], dismissals: Map<string, Dismissal[]>) {
  const clinic = sql(db, 'SELECT code, name FROM clinics WHERE id = ?');
  const drug = sql(db, 'SELECT id, generic_name AS name, spec, pack_size AS packSize, pack_unit AS packUnit, base_unit AS baseUnit FROM drugs WHERE id = ?');
  return signals.map((s) => {
    const c = clinic.get(s.clinicId) as { code: string; name: string };
    const d = dismissals.get(s.fingerprint);
    const last = d?.at(-1);
    return {
      fingerprint: s.fingerprint,
      ruleKey: s.ruleKey,
      ruleTitle: RULE_TITLES[s.ruleKey],
      clinicId: s.clinicId,
      clinicCode: c.code,
      clinicName: c.name,
      storeId: s.storeId,
      drugs: s.drugIds.map((id) => drug.get(id) as { id: number; name: string; spec: string; packSize: number; packUnit: string; baseUnit: string }),
      periodFrom: s.periodFrom,
      periodTo: s.periodTo,
      summary: s.summary,
      numbers: s.numbers,
      severity: s.severity,
      ledgerCount: s.ledgerIds.length,
      status: statusOf(s, d),
      lastDismissal: last ? dismissalOut(last) : null,
    };
  });
}

export function listSignals(ctx: ReadContext, input: ParsedInput<'supervision.signals'>) {
  assertStoresBookVisible(ctx, 'all', SUPERVISION_READS_BOOK);
  if (input.to > ctx.today) input = { ...input, to: ctx.today };
  if (input.from > input.to) return { rows: [], rules: RULE_KEYS.map((key) => ({ key, title: RULE_TITLES[key], count: 0 })) };
  if (input.clinicId && !sql(ctx.db, 'SELECT 1 FROM clinics WHERE id = ?').get(input.clinicId)) throw notFound('村卫生室');
  const signals = signalsOver(
    ctx.db,
    { from: input.from, to: input.to, clinicId: input.clinicId ?? null, live: new LiveDays(ctx.db) },
    input.ruleKey ? [input.ruleKey] : RULE_KEYS,
  );
  const rows = enrich(
    ctx.db,
    signals,
    dismissalsOf(
      ctx.db,
      signals.map((s) => s.fingerprint),
    ),
  )
    .filter((r) => input.status === 'all' || (input.status === 'dismissed') === (r.status === 'dismissed'))
    .sort((a, b) => (a.periodTo < b.periodTo ? 1 : a.periodTo > b.periodTo ? -1 : a.clinicCode.localeCompare(b.clinicCode)));
  return { rows, rules: RULE_KEYS.map((key) => ({ key, title: RULE_TITLES[key], count: rows.filter((r) => r.ruleKey === key).length })) };
}

export function ledgerRows(db: ReadDb, ids: number[]) {
  const out: MethodOutput<'supervision.signal'>['ledger'] = [];
  // The ids as one JSON parameter: one cached statement, not one per list length.
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    out.push(
      ...selectRows<MethodOutput<'supervision.signal'>['ledger'][number]>(
        db,
        query`SELECT g.id, g.business_date AS businessDate, g.store_id AS storeId, s.name AS storeName, g.drug_id AS drugId, d.generic_name AS drugName, d.spec,
                  d.pack_size AS packSize, d.pack_unit AS packUnit, d.base_unit AS baseUnit, g.movement, g.qty, g.amount, g.doc_type AS docType, g.doc_id AS docId,
                  ${DOC_NO} AS docNo, l.batch_no AS batchNo, u.display_name AS userName, g.created_at AS createdAt
             FROM ledger g JOIN stores s ON s.id = g.store_id JOIN drugs d ON d.id = g.drug_id JOIN lots l ON l.id = g.lot_id JOIN users u ON u.id = g.user_id
            WHERE g.id IN (SELECT value FROM json_each(${JSON.stringify(chunk)})) ORDER BY g.business_date, g.id`,
      ),
    );
  }
  return out;
}

export function signalDetail(ctx: HandlerContext, input: ParsedInput<'supervision.signal'>) {
  assertStoresBookVisible(ctx, 'all', SUPERVISION_READS_BOOK);
  const db = ctx.db;
  const signal = findSignal(db, input.fingerprint, ctx.today);
  const dismissals = dismissalsOf(db, [signal.fingerprint]);
  const [row] = enrich(db, [signal], dismissals);
  // Weekly dispensing of the first drug over the 16 weeks up to the signal's end, its own weeks marked.
  let history: { weekStart: string; qty: number; marked: boolean }[] = [];
  if (signal.drugIds.length > 0) {
    const lastWeek = mondayOf(signal.periodTo);
    const firstWeek = addDays(lastWeek, -7 * 15);
    const weeks = Array.from({ length: 16 }, (_, i) => addDays(firstWeek, 7 * i));
    const qty = new Map<string, number>();
    const store = { clinicId: signal.clinicId, storeId: signal.storeId, code: '', name: '' };
    for (const r of dailyDispensing(db, [store], firstWeek, signal.periodTo)) {
      if (r.drugId !== signal.drugIds[0]) continue;
      const w = mondayOf(r.date);
      qty.set(w, (qty.get(w) ?? 0) + r.qty);
    }
    const markFrom = mondayOf(signal.periodFrom);
    history = weeks.map((w) => ({ weekStart: w, qty: qty.get(w) ?? 0, marked: w >= markFrom && w <= lastWeek }));
  }
  return {
    signal: row,
    rule: ruleInfo(db).find((r) => r.key === signal.ruleKey)!,
    dismissals: (dismissals.get(signal.fingerprint) ?? []).map(dismissalOut),
    ledger: ledgerRows(db, signal.ledgerIds),
    history,
  };
}

export function dismissSignal(ctx: WriteContext, input: ParsedInput<'supervision.dismiss'>) {
  assertStoresBookVisible(ctx, 'all', SUPERVISION_READS_BOOK);
  const signal = findSignal(ctx.db, input.fingerprint, ctx.today);
  const last = dismissalsOf(ctx.db, [signal.fingerprint]).get(signal.fingerprint)?.at(-1);
  if (last && signal.severity <= last.severity) throw new AppError('INVALID_STATE', '该信号已排除，数字没有变坏');
  const { lastInsertRowid } = sql(
    ctx.db,
    `INSERT INTO signal_dismissals (fingerprint, rule_key, clinic_id, severity, numbers, note, dismissed_by, dismissed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(signal.fingerprint, signal.ruleKey, signal.clinicId, signal.severity, JSON.stringify(signal.numbers), input.note, ctx.user.id, ctx.now.toISOString());
  ctx.audit.target = `signal_dismissal:${Number(lastInsertRowid)}`;
  ctx.audit.clinicId = signal.clinicId;
  ctx.audit.details = { fingerprint: signal.fingerprint, rule: signal.ruleKey, severity: signal.severity };
  return { ok: true as const };
}

export function setThresholds(ctx: WriteContext, input: ParsedInput<'supervision.setThresholds'>) {
  const params = RULE_PARAMS[input.ruleKey];
  const issues: { path: string; message: string }[] = [];
  for (const [key, value] of Object.entries(input.values)) {
    const p = params.find((x) => x.key === key);
    if (!p) issues.push({ path: `values.${key}`, message: '该规则没有这个参数' });
    else if (value !== null && (value < p.min || value > p.max)) issues.push({ path: `values.${key}`, message: `${p.label}应在 ${p.min} 到 ${p.max} 之间` });
    else if (value !== null && p.integer && !Number.isInteger(value)) issues.push({ path: `values.${key}`, message: `${p.label}必须是整数` });
  }
  if (issues.length) throw new AppError('VALIDATION', issues[0].message, issues);
  const at = ctx.now.toISOString();
  for (const [key, value] of Object.entries(input.values)) {
    if (value === null) sql(ctx.db, 'DELETE FROM supervision_thresholds WHERE rule_key = ? AND param = ?').run(input.ruleKey, key);
    else
      sql(
        ctx.db,
        `INSERT INTO supervision_thresholds (rule_key, param, value, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (rule_key, param) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      ).run(input.ruleKey, key, value, ctx.user.id, at);
  }
  // The rule's stored signals of closed months were found under the old thresholds: gone now, computed
  // again on the month-facts worker once this change has committed (read live meanwhile).
  invalidateRule(ctx.db, input.ruleKey);
  computeMonthFactsInBackground({ dbFile: ctx.hub.dbFile, months: [], refill: REFILL_MONTHS, nowMs: ctx.now.getTime() });
  ctx.audit.target = `supervision_rule:${input.ruleKey}`;
  ctx.audit.details = { values: input.values };
  return ruleInfo(ctx.db).find((r) => r.key === input.ruleKey)!;
}

export function listSchedules(db: ReadDb, clinicId: number | null = null) {
  // One clinic when asked for by id (even an inactive one), else every active clinic.
  const clinics = selectRows<{ id: number; code: string; name: string }>(
    db,
    query`SELECT id, code, name FROM clinics ${query.where(clinicId === null ? [query`active = 1`] : [query`id = ${clinicId}`])} ORDER BY code`,
  );
  const sched = sql(db, 'SELECT rest_weekdays AS rest, updated_at AS updatedAt FROM clinic_schedules WHERE clinic_id = ?');
  const hol = sql(db, 'SELECT date, name FROM clinic_holidays WHERE clinic_id = ? ORDER BY date');
  return clinics.map((c) => {
    const s = sched.get(c.id) as { rest: string; updatedAt: string } | undefined;
    return {
      clinicId: c.id,
      clinicCode: c.code,
      clinicName: c.name,
      restWeekdays: s?.rest ? s.rest.split(',').map(Number) : [],
      holidays: hol.all(c.id) as { date: string; name: string | null }[],
      updatedAt: s?.updatedAt ?? null,
    };
  });
}

export function setSchedule(ctx: WriteContext, input: ParsedInput<'supervision.setSchedule'>) {
  if (!sql(ctx.db, 'SELECT 1 FROM clinics WHERE id = ?').get(input.clinicId)) throw notFound('村卫生室');
  const rest = [...new Set(input.restWeekdays)].sort().join(',');
  sql(
    ctx.db,
    `INSERT INTO clinic_schedules (clinic_id, rest_weekdays, updated_by, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (clinic_id) DO UPDATE SET rest_weekdays = excluded.rest_weekdays, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
  ).run(input.clinicId, rest, ctx.user.id, ctx.now.toISOString());
  sql(ctx.db, 'DELETE FROM clinic_holidays WHERE clinic_id = ?').run(input.clinicId);
  const ins = sql(ctx.db, 'INSERT OR REPLACE INTO clinic_holidays (clinic_id, date, name) VALUES (?, ?, ?)');
  for (const h of input.holidays) ins.run(input.clinicId, h.date, h.name);
  // The closed-day rule reads the clinics' rest days and holidays: its stored signals no longer hold.
  invalidateRule(ctx.db, 'closed');
  computeMonthFactsInBackground({ dbFile: ctx.hub.dbFile, months: [], refill: REFILL_MONTHS, nowMs: ctx.now.getTime() });
  ctx.audit.target = `clinic:${input.clinicId}`;
  ctx.audit.clinicId = input.clinicId;
  ctx.audit.details = { restWeekdays: rest, holidays: input.holidays.length };
  return listSchedules(ctx.db, input.clinicId)[0];
}
