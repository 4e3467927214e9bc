/**
 * 三保 figures across hubs, computed from the facts the hubs sent (the current version of each hub × month):
 * - purchases: the hub store's receipt rows (net of reversals), catalog = insurance class 甲/乙, 集采 = vbp;
 * - price drop: (price before 集采 × quantity − amount paid) ÷ (price before 集采 × quantity), over 集采 purchases of
 *   drugs with a price before 集采, the value before rounded once per hub × month × drug to the fen;
 * - dispensing: clinics' dispense rows; stock-out days: the hubs' own count (formulary drugs at zero at day end);
 * - spot-check accuracy: matched ÷ counted lines of approved stocktakes.
 * Every query names a month range on the partition key, so PostgreSQL reads only those months' partitions.
 */
import type { Figures } from '../shared/contract';
import type { Pool } from './db';

export type GroupKey = 'county' | 'hub';

const KEY_SQL: Record<GroupKey, string> = { county: 'h.county_code', hub: 'h.id::text' };

interface Scope {
  from: string;
  to: string;
  countyCode: string | null;
  hubId?: number | null;
}

const first = (p: string) => `${p}-01`;
const bp = (num: number, den: number) => (den === 0 ? null : Math.round((num * 10000) / den));

export function emptyFigures(): Figures {
  return {
    purchaseAmount: 0,
    catalogAmount: 0,
    catalogShareBp: null,
    vbpAmount: 0,
    vbpDrugs: 0,
    savings: 0,
    referenceAmount: 0,
    priceDropBp: null,
    dispensedAmount: 0,
    stockoutDays: 0,
    formularyDrugs: 0,
    countedLines: 0,
    matchedLines: 0,
    accuracyBp: null,
    signals: 0,
  };
}

const SCOPE_WHERE = `f.period BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR h.county_code = $3) AND ($4::int IS NULL OR f.hub_id = $4)`;

/** Figures per county or hub (key: county code or hub id as text); '*' holds the total of the scope. */
export async function figuresBy(pool: Pool, group: GroupKey | null, s: Scope): Promise<Map<string, Figures>> {
  const key = group ? KEY_SQL[group] : `'*'`;
  const params = [first(s.from), first(s.to), s.countyCode, s.hubId ?? null];
  // One pass over the ledger months in scope: per hub × month × drug the hub store's receipts and the clinics'
  // dispensing, then the drug's attributes joined to those few thousand groups (not to every row).
  const [moves, stockouts, accuracy, signals] = await Promise.all([
    pool.query<{ k: string; purchase: number; catalog: number; vbp: number; vbp_drugs: number; reference: number; paid: number; dispensed: number }>(
      `SELECT x.k, coalesce(sum(x.purchase), 0) AS purchase,
              coalesce(sum(x.purchase) FILTER (WHERE d.insurance_class IN ('A', 'B')), 0) AS catalog,
              coalesce(sum(x.purchase) FILTER (WHERE d.vbp), 0) AS vbp,
              count(DISTINCT x.nhsa_code) FILTER (WHERE d.vbp AND x.receipts > 0) AS vbp_drugs,
              coalesce(sum(round(x.purchase_qty::numeric * d.reference_price / d.pack_size / 10000)) FILTER (WHERE d.vbp AND d.reference_price IS NOT NULL), 0) AS reference,
              coalesce(sum(x.purchase) FILTER (WHERE d.vbp AND d.reference_price IS NOT NULL), 0) AS paid,
              coalesce(sum(x.dispensed), 0) AS dispensed
         FROM (SELECT ${key} AS k, f.hub_id, f.period, f.nhsa_code,
                      count(*) FILTER (WHERE f.movement = 'receipt' AND f.store_kind = 'hub') AS receipts,
                      sum(f.amount) FILTER (WHERE f.movement = 'receipt' AND f.store_kind = 'hub') AS purchase,
                      sum(f.qty) FILTER (WHERE f.movement = 'receipt' AND f.store_kind = 'hub') AS purchase_qty,
                      -sum(f.amount) FILTER (WHERE f.movement = 'dispense') AS dispensed
                 FROM ledger_facts f JOIN hubs h ON h.id = f.hub_id
                WHERE ${SCOPE_WHERE} AND f.movement IN ('receipt', 'dispense')
                GROUP BY 1, f.hub_id, f.period, f.nhsa_code) x
         -- The range again on drug_facts: the planner then reads only those months' partitions of it too.
         JOIN drug_facts d ON d.hub_id = x.hub_id AND d.period = x.period AND d.nhsa_code = x.nhsa_code AND d.period BETWEEN $1::date AND $2::date
        GROUP BY x.k`,
      params,
    ),
    pool.query<{ k: string; days: number; drugs: number }>(
      `SELECT ${key} AS k, coalesce(sum(f.out_days), 0) AS days, count(*) AS drugs FROM stockout_facts f JOIN hubs h ON h.id = f.hub_id WHERE ${SCOPE_WHERE} GROUP BY 1`,
      params,
    ),
    pool.query<{ k: string; counted: number; matched: number }>(
      `SELECT ${key} AS k, coalesce(sum(f.counted_lines), 0) AS counted, coalesce(sum(f.matched_lines), 0) AS matched FROM accuracy_facts f JOIN hubs h ON h.id = f.hub_id
        WHERE ${SCOPE_WHERE} AND f.clinic_code IS NOT NULL GROUP BY 1`,
      params,
    ),
    pool.query<{ k: string; n: number }>(
      `SELECT ${key} AS k, count(*) AS n FROM signal_facts f JOIN hubs h ON h.id = f.hub_id WHERE ${SCOPE_WHERE} AND f.status <> 'dismissed' GROUP BY 1`,
      params,
    ),
  ]);
  const out = new Map<string, Figures>();
  const at = (k: string) => {
    let f = out.get(k);
    if (!f) out.set(k, (f = emptyFigures()));
    return f;
  };
  for (const r of moves.rows) {
    Object.assign(at(r.k), {
      purchaseAmount: r.purchase,
      catalogAmount: r.catalog,
      vbpAmount: r.vbp,
      vbpDrugs: r.vbp_drugs,
      referenceAmount: r.reference,
      savings: r.reference - r.paid,
      dispensedAmount: r.dispensed,
    });
  }
  for (const r of stockouts.rows) Object.assign(at(r.k), { stockoutDays: r.days, formularyDrugs: r.drugs });
  for (const r of accuracy.rows) Object.assign(at(r.k), { countedLines: r.counted, matchedLines: r.matched });
  for (const r of signals.rows) at(r.k).signals = r.n;
  for (const f of out.values()) {
    f.catalogShareBp = bp(f.catalogAmount, f.purchaseAmount);
    f.priceDropBp = bp(f.savings, f.referenceAmount);
    f.accuracyBp = bp(f.matchedLines, f.countedLines);
  }
  return out;
}

/** Per clinic of one hub: deliveries (and their catalog share), dispensing, stock-outs, accuracy, the hub's own signals. */
export async function clinicFigures(pool: Pool, hubId: number, from: string, to: string) {
  const params = [hubId, first(from), first(to)];
  const where = 'f.hub_id = $1 AND f.period BETWEEN $2::date AND $3::date';
  const [names, moves, stockouts, accuracy, signals] = await Promise.all([
    pool.query<{ code: string; name: string }>(
      `SELECT DISTINCT ON (clinic_code) clinic_code AS code, name FROM clinic_facts f WHERE ${where} ORDER BY clinic_code, period DESC`,
      params,
    ),
    pool.query<{ code: string; delivered: number; catalog: number; dispensed: number }>(
      `SELECT f.clinic_code AS code,
              coalesce(sum(f.amount) FILTER (WHERE f.movement = 'issue_in'), 0) AS delivered,
              coalesce(sum(f.amount) FILTER (WHERE f.movement = 'issue_in' AND d.insurance_class IN ('A', 'B')), 0) AS catalog,
              coalesce(-sum(f.amount) FILTER (WHERE f.movement = 'dispense'), 0) AS dispensed
         FROM ledger_facts f JOIN drug_facts d ON d.hub_id = f.hub_id AND d.period = f.period AND d.nhsa_code = f.nhsa_code AND d.hub_id = $1 AND d.period BETWEEN $2::date AND $3::date
        WHERE ${where} AND f.store_kind = 'clinic' AND f.movement IN ('issue_in', 'dispense') GROUP BY 1`,
      params,
    ),
    pool.query<{ code: string; days: number }>(`SELECT clinic_code AS code, sum(out_days) AS days FROM stockout_facts f WHERE ${where} GROUP BY 1`, params),
    pool.query<{ code: string; counted: number; matched: number }>(
      `SELECT clinic_code AS code, sum(counted_lines) AS counted, sum(matched_lines) AS matched FROM accuracy_facts f WHERE ${where} AND clinic_code IS NOT NULL GROUP BY 1`,
      params,
    ),
    pool.query<{ code: string; n: number }>(
      `SELECT clinic_code AS code, count(*) AS n FROM signal_facts f WHERE ${where} AND status <> 'dismissed' GROUP BY 1`,
      params,
    ),
  ]);
  const by = <T extends { code: string }>(rows: T[]) => new Map(rows.map((r) => [r.code, r]));
  const m = by(moves.rows);
  const so = by(stockouts.rows);
  const acc = by(accuracy.rows);
  const sig = by(signals.rows);
  return names.rows.map((c) => {
    const mv = m.get(c.code);
    const a = acc.get(c.code);
    return {
      clinicCode: c.code,
      clinicName: c.name,
      deliveredAmount: mv?.delivered ?? 0,
      catalogShareBp: bp(mv?.catalog ?? 0, mv?.delivered ?? 0),
      dispensedAmount: mv?.dispensed ?? 0,
      stockoutDays: so.get(c.code)?.days ?? 0,
      countedLines: a?.counted ?? 0,
      matchedLines: a?.matched ?? 0,
      accuracyBp: bp(a?.matched ?? 0, a?.counted ?? 0),
      hubSignals: sig.get(c.code)?.n ?? 0,
    };
  });
}

/** Hubs of the scope with how many of the range's months they reported, and their clinics. */
export async function reporting(pool: Pool, s: Scope) {
  return (
    await pool.query<{ hubId: number; hubCode: string; hubName: string; countyCode: string; countyName: string; months: number; clinics: number }>(
      `SELECT h.id AS "hubId", h.code AS "hubCode", h.name AS "hubName", h.county_code AS "countyCode", c.name AS "countyName",
              (SELECT count(*) FROM packages p WHERE p.hub_id = h.id AND p.status = 'current' AND p.period BETWEEN $1::date AND $2::date)::int AS months,
              (SELECT count(DISTINCT clinic_code) FROM clinic_facts f WHERE f.hub_id = h.id AND f.active AND f.period BETWEEN $1::date AND $2::date)::int AS clinics
         FROM hubs h JOIN counties c ON c.code = h.county_code
        WHERE h.active AND ($3::text IS NULL OR h.county_code = $3)
        ORDER BY h.county_code, h.code`,
      [first(s.from), first(s.to), s.countyCode],
    )
  ).rows;
}
