/**
 * The month at a glance: every clinic's settled and dispensed amounts and its open differences (the hub's
 * screen), and one clinic's monthly reconciliation sheet by drug, whose totals are the sums of its rows.
 */
import { sql, type ReadDb } from '../../db/database';
import { rows as selectRows, given, sql as query } from '../../db/sql';
import type { ReconciliationSheet } from '../../../shared/contract/reconciliation';
import { periodBounds } from '../../../shared/dates';
import { DIFFERENCE_KINDS, SETTLED_DIFFERENCES, type DifferenceKind } from '../../../shared/reconciliation';
import { hubName } from '../settings';
import { isPeriodClosed } from '../stock/ledger';
import { reconcile } from './reconcile';
import { chineseOrder } from '../../lib/chinese-order';

/** The month up to today (a month under way is reconciled as far as it has gone). */
export function monthSpan(period: string, today: string): { from: string; to: string } {
  const { first, last } = periodBounds(period);
  return { from: first, to: last < today ? last : today < first ? first : today };
}

export function overview(db: ReadDb, period: string, today: string, clinicId: number | null) {
  const { from, to } = monthSpan(period, today);
  const clinics = selectRows<{ id: number; code: string; name: string; active: number }>(
    db,
    query`SELECT c.id, c.code, c.name, c.active FROM clinics c ${query.where(given(clinicId, (id) => query`c.id = ${id}`))} ORDER BY c.code`,
  );
  const last = sql(
    db,
    'SELECT max(business_date) AS d, count(*) AS n FROM settlement_lines INDEXED BY settlement_lines_day WHERE clinic_id = ? AND business_date BETWEEN ? AND ?',
  );
  const out = [];
  for (const c of clinics) {
    const r = reconcile(db, c.id, from, to);
    const l = last.get(c.id, from, to) as { d: string | null; n: number };
    if (!c.active && l.n === 0 && r.rows.length === 0) continue;
    out.push({
      clinicId: c.id,
      clinicCode: c.code,
      clinicName: c.name,
      settledLines: l.n,
      settledAmount: r.totals.settledAmount,
      dispensedAmount: r.totals.dispensedAmount,
      lastDate: l.d,
      openRows: r.totals.openRows,
      byKind: r.totals.byKind,
    });
  }
  return out;
}

export function monthlySheet(db: ReadDb, clinicId: number, period: string, today: string): ReconciliationSheet {
  const { from, to } = monthSpan(period, today);
  const r = reconcile(db, clinicId, from, to);
  type Acc = ReconciliationSheet['rows'][number] & { kindSet: Set<DifferenceKind> };
  const byDrug = new Map<string, Acc>();
  for (const row of r.rows) {
    const key = row.drugId === null ? `code:${row.medListCodg}` : String(row.drugId);
    const a =
      byDrug.get(key) ??
      ({
        drugId: row.drugId,
        drugName: row.drugName,
        spec: row.spec,
        packSize: row.packSize,
        packUnit: row.packUnit,
        baseUnit: row.baseUnit,
        medListCodg: row.medListCodg,
        settledQty: row.drugId === null ? null : 0,
        settledAmount: 0,
        dispensedQty: 0,
        dispensedAmount: 0,
        selfPayQty: 0,
        diffQty: null,
        diffAmount: 0,
        openDays: 0,
        kinds: [],
        kindSet: new Set(),
      } satisfies Acc);
    if (a.settledQty !== null && row.settledQty !== null) a.settledQty += row.settledQty;
    a.settledAmount += row.settledAmount;
    a.dispensedQty += row.dispensedQty;
    a.dispensedAmount += row.dispensedAmount;
    a.selfPayQty += row.selfPayQty;
    if (row.kinds.some((k) => !SETTLED_DIFFERENCES.has(k))) a.openDays += 1;
    for (const k of row.kinds) a.kindSet.add(k);
    byDrug.set(key, a);
  }
  const rows = [...byDrug.values()]
    .map(({ kindSet, ...a }) => ({
      ...a,
      diffQty: a.settledQty === null ? null : a.settledQty - a.dispensedQty,
      diffAmount: a.settledAmount - a.dispensedAmount,
      kinds: DIFFERENCE_KINDS.filter((k) => kindSet.has(k)),
    }))
    .sort((x, y) => chineseOrder.compare(x.drugName ?? '', y.drugName ?? '') || chineseOrder.compare(x.spec ?? '', y.spec ?? ''));
  const clinic = sql(db, 'SELECT code, name FROM clinics WHERE id = ?').get(clinicId) as { code: string; name: string };
  const settledAmount = rows.reduce((n, x) => n + x.settledAmount, 0);
  const dispensedAmount = rows.reduce((n, x) => n + x.dispensedAmount, 0);
  return {
    hubName: hubName(db),
    clinicId,
    clinicCode: clinic.code,
    clinicName: clinic.name,
    period,
    closed: isPeriodClosed(db, period),
    rows,
    differences: r.rows
      .filter((x) => x.kinds.some((k) => !SETTLED_DIFFERENCES.has(k)))
      .map((x) => ({
        date: x.date,
        drugName: x.drugName ?? x.medListCodg,
        kinds: x.kinds,
        settledQty: x.settledQty,
        dispensedQty: x.dispensedQty,
        baseUnit: x.baseUnit,
      })),
    visits: r.visits.length,
    totals: { settledAmount, dispensedAmount, diffAmount: settledAmount - dispensedAmount },
  };
}
