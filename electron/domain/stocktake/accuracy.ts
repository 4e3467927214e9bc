/**
 * 账实相符率: how well each store's book matches its shelf, per month, from approved stocktakes.
 * - counted lines: lines of stocktakes approved in the month (by the adjustments' business date);
 * - matched lines: lines whose final count equalled the book at entry;
 * - match rate: matched ÷ counted, in basis points, rounded half up;
 * - variance value: surplus and shortage as posted (fen); absolute = surplus + shortage, net = surplus − shortage.
 * Cancelled stocktakes never count, but how many were cancelled is shown: each is a draw that did not count.
 * Other modules (the supervision dashboard) call stocktakes.accuracy or this function.
 */
import type { HandlerContext } from '../context';
import { clinicScope } from '../scope';
import type { ReadDb } from '../../db/database';
import { rows as selectRows, given, sql as query } from '../../db/sql';
import { AppError } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import { nextPeriod, periodBounds } from '../../../shared/dates';
import type { StocktakeKind } from '../../../shared/stocktake';

const MAX_MONTHS = 120;

export interface AccuracyFigures {
  stocktakes: number;
  countedLines: number;
  matchedLines: number;
  matchRateBp: number | null;
  surplusAmount: number;
  shortageAmount: number;
  varianceAbs: number;
  varianceNet: number;
}

function figures(stocktakes: number, counted: number, matched: number, surplus: number, shortage: number): AccuracyFigures {
  return {
    stocktakes,
    countedLines: counted,
    matchedLines: matched,
    matchRateBp: counted === 0 ? null : Math.floor((matched * 20000 + counted) / (2 * counted)),
    surplusAmount: surplus,
    shortageAmount: shortage,
    varianceAbs: surplus + shortage,
    varianceNet: surplus - shortage,
  };
}

function sum(list: AccuracyFigures[]): AccuracyFigures {
  const t = list.reduce(
    (a, f) => ({ n: a.n + f.stocktakes, c: a.c + f.countedLines, m: a.m + f.matchedLines, s: a.s + f.surplusAmount, h: a.h + f.shortageAmount }),
    { n: 0, c: 0, m: 0, s: 0, h: 0 },
  );
  return figures(t.n, t.c, t.m, t.s, t.h);
}

export function periodsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let p = from; p <= to; p = nextPeriod(p)) {
    out.push(p);
    if (out.length > MAX_MONTHS) throw new AppError('VALIDATION', `统计区间最长 ${MAX_MONTHS} 个月`, [{ path: 'from', message: `最长 ${MAX_MONTHS} 个月` }]);
  }
  return out;
}

export function clinicAccuracy(db: ReadDb, opts: { from: string; to: string; clinicId: number | null; kind?: StocktakeKind }) {
  const periods = periodsBetween(opts.from, opts.to);
  const first = periodBounds(opts.from).first;
  const last = periodBounds(opts.to).last;
  const kind = opts.kind ?? null;
  const ofClinic = given(opts.clinicId, (id) => query`s.clinic_id = ${id}`);
  const stores = selectRows<{ storeId: number; storeName: string; clinicId: number | null; clinicCode: string | null }>(
    db,
    query`SELECT s.id AS storeId, s.name AS storeName, s.clinic_id AS clinicId, c.code AS clinicCode
       FROM stores s LEFT JOIN clinics c ON c.id = s.clinic_id
      ${query.where([
        query`s.kind IN ('hub', 'clinic')`,
        ...ofClinic,
        query`(s.clinic_id IS NULL OR c.active = 1 OR EXISTS (SELECT 1 FROM stocktakes t WHERE t.store_id = s.id AND t.start_date <= ${last}))`,
      ])}
      ORDER BY CASE s.kind WHEN 'hub' THEN 0 ELSE 1 END, c.code`,
  );
  const ofKind = (alias: string) => given(kind, (k) => query`${query.identifier(alias)}.kind = ${k}`);
  const monthly = selectRows<{
    storeId: number;
    period: string;
    n: number;
    counted: number;
    matched: number;
    surplus: number;
    shortage: number;
  }>(
    db,
    query`SELECT store_id AS storeId, substr(business_date, 1, 7) AS period, count(*) AS n, sum(line_count) AS counted, sum(matched_count) AS matched,
            sum(surplus_amount) AS surplus, sum(shortage_amount) AS shortage
       FROM stocktakes t
      ${query.where([query`t.status = 'approved'`, query`t.business_date BETWEEN ${first} AND ${last}`, ...ofKind('t'), ...given(opts.clinicId, (id) => query`t.clinic_id = ${id}`)])}
      GROUP BY store_id, period`,
  );
  const others = selectRows<{ storeId: number; cancelled: number; open: number; lastApproved: string | null }>(
    db,
    query`SELECT store_id AS storeId, sum(status = 'cancelled' AND start_date BETWEEN ${first} AND ${last}) AS cancelled, sum(status IN ('counting', 'submitted')) AS open,
            (SELECT max(business_date) FROM stocktakes a ${query.where([query`a.store_id = t.store_id`, query`a.status = 'approved'`, ...ofKind('a')])}) AS lastApproved
       FROM stocktakes t ${query.where(ofKind('t'))} GROUP BY store_id`,
  );
  const byKey = new Map(monthly.map((m) => [`${m.storeId}:${m.period}`, m]));
  const otherBy = new Map(others.map((o) => [o.storeId, o]));
  const rows = stores.map((s) => {
    const months = periods.map((period) => {
      const m = byKey.get(`${s.storeId}:${period}`);
      return { period, ...figures(m?.n ?? 0, m?.counted ?? 0, m?.matched ?? 0, m?.surplus ?? 0, m?.shortage ?? 0) };
    });
    const o = otherBy.get(s.storeId);
    return {
      ...s,
      months,
      total: sum(months),
      lastApprovedDate: o?.lastApproved ?? null,
      cancelledCount: o?.cancelled ?? 0,
      openCount: o?.open ?? 0,
    };
  });
  return { periods, rows, total: sum(rows.filter((r) => r.clinicId !== null).map((r) => r.total)) };
}

export function accuracy(ctx: HandlerContext, input: ParsedInput<'stocktakes.accuracy'>) {
  const clinicId = clinicScope(ctx, input.clinicId);
  return clinicAccuracy(ctx.db, { from: input.from, to: input.to, clinicId, kind: input.kind });
}
