/**
 * The month-end close (月结). Closing checks the month, snapshots every store × drug's closing stock and
 * every supplier's balance, and makes the month read-only: the ledger refuses postings dated in it, and
 * so do payments. Closed months are a prefix of time: months close in order (empty earlier months close
 * with the next), and only the latest closed month can be reopened, by an administrator, with a reason.
 * Every close and reopen is kept in `period_events`, never overwritten.
 */
import type { WriteContext } from '../context';
import { sql, type ReadDb } from '../../db/database';
import { row as selectRow, rows as selectRows, sql as query } from '../../db/sql';
import { AppError } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import type { PreCloseCheckResult } from '../../../shared/contract/settlement';
import { nextPeriod, periodOf } from '../../../shared/dates';
import { periodLabel } from '../../../shared/settlement';
import { isPeriodClosed, latestClosedPeriod } from '../stock/ledger';
import { balancesAtEnd, monthTotals, sumValues } from './balances';
import { type BooksCheckedBefore, hasActivity, runPreCloseChecks } from './checks';
import { supplierBalancesAtEnd } from './suppliers';
import { hubStoreId } from '../master-data/stores';
import { monthsClosedBy } from '../month-facts/compute';
import { computeMonthFactsInBackground } from '../month-facts/background';
import { invalidateMonthsAfter } from '../month-facts/store';

export interface CloseSummary {
  hubClosingValue: number;
  clinicsClosingValue: number;
  transitClosingValue: number;
  purchasedValue: number;
  dispensedValue: number;
  suppliersOwed: number;
  snapshotRows: number;
}

interface EventRow {
  id: number;
  period: string;
  action: 'close' | 'reopen';
  at: string;
  userName: string;
  reason: string | null;
  warnings: string | null;
  backupFile: string | null;
  summary: string | null;
}

const EVENT_SELECT = query`SELECT e.id, e.period, e.action, e.at, u.display_name AS userName, e.reason, e.warnings, e.backup_file AS backupFile, e.summary
  FROM period_events e JOIN users u ON u.id = e.user_id`;

function toEvent(r: EventRow) {
  return {
    ...r,
    warnings: r.warnings ? (JSON.parse(r.warnings) as string[]) : [],
    summary: r.summary ? (JSON.parse(r.summary) as CloseSummary) : null,
  };
}

export function periodHistory(db: ReadDb, period?: string) {
  const ofPeriod = period === undefined ? query`` : query`WHERE e.period = ${period}`;
  return selectRows<EventRow>(db, query`${EVENT_SELECT} ${ofPeriod} ORDER BY e.id DESC LIMIT 500`).map(toEvent);
}

function getEvent(db: ReadDb, id: number) {
  return toEvent(selectRow<EventRow>(db, query`${EVENT_SELECT} WHERE e.id = ${id}`)!);
}

/** The months the close screen lists: from the first month with business (or this month) to this month. */
export function listPeriods(db: ReadDb, today: string) {
  const current = periodOf(today);
  const first = sql(
    db,
    `SELECT min(p) AS p FROM (SELECT min(period) AS p FROM stock_period_totals UNION ALL SELECT min(period) FROM supplier_payments
                              UNION ALL SELECT min(period) FROM periods)`,
  ).get() as { p: string | null };
  const latest = latestClosedPeriod(db);
  const rows = sql(
    db,
    `SELECT p.period, p.status, p.closed_at AS closedAt, cu.display_name AS closedByName, p.reopened_at AS reopenedAt,
            ru.display_name AS reopenedByName, p.reopen_reason AS reopenReason,
            (SELECT count(*) FROM period_events e WHERE e.period = p.period AND e.action = 'close') AS closeCount
       FROM periods p LEFT JOIN users cu ON cu.id = p.closed_by LEFT JOIN users ru ON ru.id = p.reopened_by`,
  ).all() as {
    period: string;
    status: string;
    closedAt: string | null;
    closedByName: string | null;
    reopenedAt: string | null;
    reopenedByName: string | null;
    reopenReason: string | null;
    closeCount: number;
  }[];
  const byPeriod = new Map(rows.map((r) => [r.period, r]));
  const out = [];
  let earlierOpenActive = false;
  for (let p = first.p && first.p < current ? first.p : current; p <= current; p = nextPeriod(p)) {
    const row = byPeriod.get(p);
    const closed = latest !== null && p <= latest;
    const active = hasActivity(db, p);
    out.push({
      period: p,
      status: closed ? ('closed' as const) : ('open' as const),
      explicit: row?.status === 'closed',
      hasActivity: active,
      closedAt: row?.status === 'closed' ? row.closedAt : null,
      closedByName: row?.status === 'closed' ? row.closedByName : null,
      reopenedAt: row?.reopenedAt ?? null,
      reopenedByName: row?.reopenedByName ?? null,
      reopenReason: row?.reopenReason ?? null,
      closeCount: row?.closeCount ?? 0,
      canClose: !closed && p < current && !earlierOpenActive,
      canReopen: row?.status === 'closed' && p === latest,
    });
    if (!closed && active) earlierOpenActive = true;
  }
  return { current, latestClosed: latest, rows: out.reverse() };
}

export function periodChecks(db: ReadDb, period: string, today: string) {
  const checks = runPreCloseChecks(db, period, today);
  const blockers = checks.filter((c) => !c.ok && c.severity === 'block').length;
  const warnings = checks.filter((c) => !c.ok && c.severity === 'warn').length;
  const closed = isPeriodClosed(db, period);
  return { period, status: closed ? ('closed' as const) : ('open' as const), canClose: !closed && blockers === 0, blockers, warnings, checks };
}

/** Refuses a close of a month already closed. */
export function assertNotClosed(db: ReadDb, period: string): void {
  if (isPeriodClosed(db, period)) throw new AppError('INVALID_STATE', `${periodLabel(period)}已经结账`);
}

/** Refuses the close with the blocking problems listed, or unacknowledged warnings. Returns the warnings. */
export function assertClosable(
  db: ReadDb,
  period: string,
  today: string,
  acknowledgeWarnings: boolean,
  booksBefore?: BooksCheckedBefore,
): PreCloseCheckResult[] {
  assertNotClosed(db, period);
  return refuseUnlessClosable(period, runPreCloseChecks(db, period, today, booksBefore), acknowledgeWarnings);
}

/** The refusal of a close from its checks' results (blocking problems, or warnings not acknowledged); the warnings otherwise. */
export function refuseUnlessClosable(period: string, checks: PreCloseCheckResult[], acknowledgeWarnings: boolean): PreCloseCheckResult[] {
  const blocking = checks.filter((c) => !c.ok && c.severity === 'block');
  if (blocking.length) {
    const issues = blocking.flatMap((c) => c.items.map((i) => ({ path: c.key, message: `${c.title}：${i.label}${i.detail ? `（${i.detail}）` : ''}` })));
    throw new AppError('BUSINESS_RULE', `${periodLabel(period)}不能结账：${issues.map((i) => i.message).join('；')}`, issues);
  }
  const warnings = checks.filter((c) => !c.ok && c.severity === 'warn');
  if (warnings.length && !acknowledgeWarnings) {
    throw new AppError(
      'BUSINESS_RULE',
      `结账前还有 ${warnings.length} 类待处理事项（${warnings.map((w) => `${w.title} ${w.count} 项`).join('、')}），请查看并确认后再结账`,
      warnings.map((w) => ({ path: w.key, message: `${w.title}：${w.count} 项` })),
    );
  }
  return warnings;
}

/** Closes a month (inside the write transaction). `backupFile` is the backup taken just before. */
export function closePeriod(ctx: WriteContext, input: ParsedInput<'periods.close'>, backupFile: string | null, booksBefore?: BooksCheckedBefore) {
  const db = ctx.db;
  const period = input.period;
  // Checked again inside the transaction; the books check found before the backup holds while no ledger row came since.
  const warnings = assertClosable(db, period, ctx.today, input.acknowledgeWarnings, booksBefore);
  const at = ctx.now.toISOString();
  const previousLatest = latestClosedPeriod(db);

  const closing = balancesAtEnd(db, period, null);
  const suppliers = supplierBalancesAtEnd(db, period);
  const summary = summarize(db, period, closing, suppliers);
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO period_events (period, action, at, user_id, reason, warnings, backup_file, summary) VALUES (?, 'close', ?, ?, ?, ?, ?, ?)`,
  ).run(period, at, ctx.user.id, input.note, JSON.stringify(warnings.map((w) => `${w.title}：${w.count} 项`)), backupFile, JSON.stringify(summary));
  const eventId = Number(lastInsertRowid);
  const insert = sql(db, 'INSERT INTO period_closings (event_id, store_id, drug_id, qty, value) VALUES (?, ?, ?, ?, ?)');
  for (const [storeId, drugs] of closing) {
    for (const [drugId, b] of drugs) if (b.qty !== 0 || b.value !== 0) insert.run(eventId, storeId, drugId, b.qty, b.value);
  }
  const insertSupplier = sql(db, 'INSERT INTO period_supplier_closings (event_id, supplier_id, balance) VALUES (?, ?, ?)');
  for (const [supplierId, balance] of suppliers) if (balance !== 0) insertSupplier.run(eventId, supplierId, balance);
  sql(
    db,
    `INSERT INTO periods (period, status, closed_at, closed_by) VALUES (?, 'closed', ?, ?)
     ON CONFLICT (period) DO UPDATE SET status = 'closed', closed_at = excluded.closed_at, closed_by = excluded.closed_by`,
  ).run(period, at, ctx.user.id);
  // The months are facts now: what every later read of them needs is computed once, on a worker thread of its
  // own once this close has committed (month-facts/background.ts); until then they are read live.
  const factMonths = monthsClosedBy(db, period, previousLatest);
  computeMonthFactsInBackground({ dbFile: ctx.hub.dbFile, months: factMonths, nowMs: ctx.now.getTime() });
  ctx.audit.target = `period:${period}`;
  ctx.audit.details = { event: eventId, backupFile, warnings: warnings.map((w) => w.key), factMonths: factMonths.length };
  return getEvent(db, eventId);
}

function summarize(db: ReadDb, period: string, closing: ReturnType<typeof balancesAtEnd>, suppliers: Map<number, number>): CloseSummary {
  const kinds = new Map((sql(db, 'SELECT id, kind FROM stores').all() as { id: number; kind: string }[]).map((s) => [s.id, s.kind]));
  const hub = hubStoreId(db);
  let clinics = 0;
  let transit = 0;
  let rows = 0;
  for (const [storeId, drugs] of closing) {
    for (const b of drugs.values()) if (b.qty !== 0 || b.value !== 0) rows += 1;
    if (kinds.get(storeId) === 'clinic') clinics += sumValues(drugs);
    if (kinds.get(storeId) === 'transit') transit += sumValues(drugs);
  }
  let purchased = 0;
  let dispensed = 0;
  for (const t of monthTotals(db, period, null)) {
    if (t.movement === 'receipt') purchased += t.value;
    if (t.movement === 'dispense') dispensed -= t.value;
  }
  return {
    hubClosingValue: sumValues(closing.get(hub)),
    clinicsClosingValue: clinics,
    transitClosingValue: transit,
    purchasedValue: purchased,
    dispensedValue: dispensed,
    suppliersOwed: [...suppliers.values()].reduce((n, v) => n + v, 0),
    snapshotRows: rows,
  };
}

/** Reopens the latest closed month: administrators only, with a reason, kept in the history and the audit log. */
export function reopenPeriod(ctx: WriteContext, input: ParsedInput<'periods.reopen'>) {
  const db = ctx.db;
  const period = input.period;
  const row = sql(db, 'SELECT status FROM periods WHERE period = ?').get(period) as { status: string } | undefined;
  const latest = latestClosedPeriod(db);
  if (row?.status !== 'closed') {
    if (latest !== null && period < latest)
      throw new AppError('INVALID_STATE', `${periodLabel(period)}没有单独结账（随${periodLabel(latest)}一并结账），请先反结账${periodLabel(latest)}`);
    throw new AppError('INVALID_STATE', `${periodLabel(period)}未结账，无需反结账`);
  }
  if (latest !== period) {
    throw new AppError('BUSINESS_RULE', `只能反结账最近一个已结账的月份（${periodLabel(latest!)}）：请先反结账之后的月份`);
  }
  const at = ctx.now.toISOString();
  const { lastInsertRowid } = sql(db, `INSERT INTO period_events (period, action, at, user_id, reason) VALUES (?, 'reopen', ?, ?, ?)`).run(
    period,
    at,
    ctx.user.id,
    input.reason,
  );
  sql(db, "UPDATE periods SET status = 'open', reopened_at = ?, reopened_by = ?, reopen_reason = ? WHERE period = ?").run(
    at,
    ctx.user.id,
    input.reason,
    period,
  );
  // The reopened months (this one, and the empty ones closed with it) are no longer facts.
  invalidateMonthsAfter(db, latestClosedPeriod(db));
  ctx.audit.target = `period:${period}`;
  ctx.audit.details = { reason: input.reason, event: Number(lastInsertRowid) };
  return getEvent(db, Number(lastInsertRowid));
}
