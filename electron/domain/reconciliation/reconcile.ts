/**
 * What the fund paid against what left the shelf, per clinic, day and drug. Settled quantities are the
 * imported lines net of reversals (a reversal counts on the day of the line it takes back); dispensed
 * quantities are the clinic's dispensing ledger rows net of reversals. Each difference is classified:
 *
 * - settled_not_dispensed: the fund paid for more than the book says was dispensed (unrecorded, or 虚开);
 * - dispensed_not_settled: dispensed beyond what was settled; the clinic marks what the patient paid (自费),
 *   and a marked quantity covering the gap turns the row into self_pay (no difference);
 * - visit_mismatch: one visit (就诊ID = the dispensing's visit number) settled a drug the visit's dispensing
 *   does not have while dispensing another one it did not settle (串换);
 * - price_mismatch: a settled price per unit is none of the hub's prices of that drug to the clinic (the
 *   lots dispensed that day, or the latest delivered): essential drugs sell at cost (零差率);
 * - unknown_drug: a drug code the catalog does not have (not supplied through the hub);
 * - boxes' codes: a code settled on two lines that are not a reversal pair (a box sold twice), a code the hub
 *   received as another drug, and, from the day the clinic first scanned a box out at dispensing
 *   (dispensed-codes.ts), the settled boxes against the boxes scanned out.
 */
import { sql, type ReadDb } from '../../db/database';
import { AppError, notFound } from '../../errors';
import type { Reconciliation, ReconciliationRow } from '../../../shared/contract/reconciliation';
import { addDays, daysBetween, periodOf } from '../../../shared/dates';
import { DIFFERENCE_KINDS, DIFFERENCE_LABELS, SETTLED_DIFFERENCES, type DifferenceKind } from '../../../shared/reconciliation';
import { monthsOf, storeMonths } from '../supervision/data';
import { compareScans, dispensedCodes, type DispensedCodeSource } from './dispensed-codes';
import { chineseOrder } from '../../lib/chinese-order';

/** Half a fen on the settled unit: clients print prices rounded to the fen or to four decimals. */
export const PRICE_TOLERANCE = 5_000;
export const MAX_DAYS = 31;

export interface ClinicHead {
  id: number;
  code: string;
  name: string;
  storeId: number;
}

export function clinicHead(db: ReadDb, clinicId: number): ClinicHead {
  const c = sql(db, `SELECT c.id, c.code, c.name, s.id AS storeId FROM clinics c JOIN stores s ON s.clinic_id = c.id AND s.kind = 'clinic' WHERE c.id = ?`).get(
    clinicId,
  ) as ClinicHead | undefined;
  if (!c) throw notFound('村卫生室');
  return c;
}

export interface SettledLine {
  id: number;
  date: string;
  mdtrtId: string;
  drugId: number | null;
  medListCodg: string;
  itemName: string | null;
  qty: number | null;
  amount: number;
  price: number;
  factor: number | null;
  reversesId: number | null;
}

/** The clinic's settled lines counted on days in [from, to]. */
export function settledLines(db: ReadDb, clinicId: number, from: string, to: string): SettledLine[] {
  return sql(
    db,
    `SELECT id, business_date AS date, mdtrt_id AS mdtrtId, drug_id AS drugId, med_list_codg AS medListCodg, item_name AS itemName, qty, amount, price,
            unit_factor AS factor, reverses_id AS reversesId
       FROM settlement_lines INDEXED BY settlement_lines_day WHERE clinic_id = ? AND business_date BETWEEN ? AND ? ORDER BY business_date, id`,
  ).all(clinicId, from, to) as SettledLine[];
}

interface DispensedDay {
  date: string;
  drugId: number;
  qty: number;
  amount: number;
  unitCost: number;
}

/** Net dispensing per day, drug and lot cost at the clinic's store (reversals count on the entry's own day). */
function dispensedDays(db: ReadDb, storeId: number, from: string, to: string): DispensedDay[] {
  const months = monthsOf(from, to);
  return sql(
    db,
    `SELECT business_date AS date, drug_id AS drugId, -sum(qty) AS qty, -sum(amount) AS amount, unit_cost AS unitCost
       FROM ${storeMonths(months.length)} AND movement = 'dispense' AND business_date BETWEEN ? AND ?
      GROUP BY business_date, drug_id, unit_cost`,
  ).all(...months, storeId, from, to) as DispensedDay[];
}

export interface DrugRow {
  id: number;
  name: string;
  spec: string;
  packSize: number;
  packUnit: string;
  baseUnit: string;
  nhsaCode: string;
}

export function drugsOf(db: ReadDb, ids: Iterable<number>): Map<number, DrugRow> {
  const out = new Map<number, DrugRow>();
  const stmt = sql(
    db,
    'SELECT id, generic_name AS name, spec, pack_size AS packSize, pack_unit AS packUnit, base_unit AS baseUnit, nhsa_code AS nhsaCode FROM drugs WHERE id = ?',
  );
  for (const id of new Set(ids)) {
    const d = stmt.get(id) as DrugRow | undefined;
    if (d) out.set(id, d);
  }
  return out;
}

/**
 * The hub's latest delivery price (per base unit) of a drug to the clinic on or before a day in [from, to]: the latest
 * delivery (by month, then posting) dated on or before the day. Per drug one seek for the latest before `from`, and the
 * store's deliveries within the span read once: a month has thousands of day × drug rows to price.
 */
function deliveredCost(db: ReadDb, storeId: number, from: string, to: string): (drugId: number, date: string) => number | null {
  type Delivery = { period: string; id: number; date: string; c: number };
  const months = monthsOf(from, to);
  const inSpan = new Map<number, Delivery[]>();
  for (const r of sql(
    db,
    `SELECT drug_id AS drugId, period, id, business_date AS date, unit_cost AS c FROM ${storeMonths(months.length)} AND movement = 'issue_in'
        AND business_date BETWEEN ? AND ?`,
  ).all(...months, storeId, from, to) as (Delivery & { drugId: number })[]) {
    const list = inSpan.get(r.drugId);
    if (list) list.push(r);
    else inSpan.set(r.drugId, [r]);
  }
  const beforeStmt = sql(
    db,
    `SELECT period, id, business_date AS date, unit_cost AS c FROM ledger WHERE store_id = ? AND drug_id = ? AND movement = 'issue_in' AND period <= ? AND business_date <= ?
      ORDER BY period DESC, id DESC LIMIT 1`,
  );
  const dayBefore = addDays(from, -1);
  const before = new Map<number, Delivery | null>();
  const later = (a: Delivery | null, b: Delivery) => a === null || b.period > a.period || (b.period === a.period && b.id > a.id);
  return (drugId, date) => {
    if (!before.has(drugId)) before.set(drugId, (beforeStmt.get(storeId, drugId, periodOf(dayBefore), dayBefore) as Delivery | undefined) ?? null);
    let best = before.get(drugId)!;
    for (const d of inSpan.get(drugId) ?? []) if (d.date <= date && later(best, d)) best = d;
    return best?.c ?? null;
  };
}

const rowKey = (date: string, drugId: number | null, code: string) => `${date}|${drugId ?? `code:${code}`}`;

export interface ReconcileOptions {
  codes?: DispensedCodeSource;
}

export function reconcile(db: ReadDb, clinicId: number, from: string, to: string, opts: ReconcileOptions = {}): Reconciliation {
  if (from > to) throw new AppError('VALIDATION', '结束日期不能早于开始日期', [{ path: 'to', message: '结束日期不能早于开始日期' }]);
  if (daysBetween(from, to) >= MAX_DAYS) throw new AppError('VALIDATION', `一次最多对账 ${MAX_DAYS} 天`, [{ path: 'to', message: `最多 ${MAX_DAYS} 天` }]);
  const clinic = clinicHead(db, clinicId);
  const codes = opts.codes ?? dispensedCodes;
  const lines = settledLines(db, clinicId, from, to);
  const dispensed = dispensedDays(db, clinic.storeId, from, to);
  const drugs = drugsOf(db, [...lines.flatMap((l) => (l.drugId === null ? [] : [l.drugId])), ...dispensed.map((d) => d.drugId)]);
  const costAt = deliveredCost(db, clinic.storeId, from, to);

  type Acc = {
    date: string;
    drugId: number | null;
    code: string;
    itemName: string | null;
    settledQty: number | null;
    settledAmount: number;
    settledLines: number;
    dispensedQty: number;
    dispensedAmount: number;
    dispensedCosts: Set<number>;
    lines: SettledLine[];
    selfPayQty: number;
    kinds: Set<DifferenceKind>;
  };
  const rows = new Map<string, Acc>();
  const acc = (date: string, drugId: number | null, code: string, itemName: string | null): Acc => {
    const key = rowKey(date, drugId, code);
    let a = rows.get(key);
    if (!a) {
      a = {
        date,
        drugId,
        code,
        itemName,
        settledQty: drugId === null ? null : 0,
        settledAmount: 0,
        settledLines: 0,
        dispensedQty: 0,
        dispensedAmount: 0,
        dispensedCosts: new Set(),
        lines: [],
        selfPayQty: 0,
        kinds: new Set(),
      };
      rows.set(key, a);
    }
    return a;
  };
  for (const l of lines) {
    const a = acc(l.date, l.drugId, l.medListCodg, l.itemName);
    if (a.settledQty !== null && l.qty !== null) a.settledQty += l.qty;
    a.settledAmount += l.amount;
    a.settledLines += 1;
    a.lines.push(l);
  }
  for (const d of dispensed) {
    const drug = drugs.get(d.drugId)!;
    const a = acc(d.date, d.drugId, drug.nhsaCode, null);
    a.dispensedQty += d.qty;
    a.dispensedAmount += d.amount;
    if (d.qty > 0) a.dispensedCosts.add(d.unitCost);
  }
  for (const m of sql(db, 'SELECT business_date AS date, drug_id AS drugId, qty FROM self_pay_marks WHERE clinic_id = ? AND business_date BETWEEN ? AND ?').all(
    clinicId,
    from,
    to,
  ) as { date: string; drugId: number; qty: number }[]) {
    const key = rowKey(m.date, m.drugId, '');
    const a = rows.get(key);
    if (a) a.selfPayQty = m.qty;
  }

  // Per day and drug: quantities, then prices.
  for (const a of rows.values()) {
    if (a.drugId === null) {
      if (a.settledAmount !== 0) a.kinds.add('unknown_drug').add('settled_not_dispensed');
      continue;
    }
    const diff = (a.settledQty ?? 0) - a.dispensedQty;
    if (diff > 0) a.kinds.add('settled_not_dispensed');
    else if (diff < 0) a.kinds.add(a.selfPayQty >= -diff ? 'self_pay' : 'dispensed_not_settled');
    // Only settled lines with a unit and an amount have a price to check.
    const priced = a.lines.filter((l) => l.factor !== null && l.amount > 0);
    if (priced.length === 0) continue;
    const costs = new Set(a.dispensedCosts);
    const delivered = costAt(a.drugId, a.date);
    if (delivered !== null) costs.add(delivered);
    if (costs.size > 0) {
      for (const l of priced) {
        const fits = [...costs].some((c) => Math.abs(l.price - c * l.factor!) <= PRICE_TOLERANCE);
        if (!fits) a.kinds.add('price_mismatch');
      }
    }
  }

  // Visits in both books whose drugs differ on both sides.
  const visits = visitMismatches(db, clinicId, from, to, lines, drugs);
  for (const v of visits) {
    for (const s of v.settled) if (s.drugId !== null) rows.get(rowKey(v.date, s.drugId, ''))?.kinds.add('visit_mismatch');
    for (const d of v.dispensed) rows.get(rowKey(v.dispensedDate, d.drugId, ''))?.kinds.add('visit_mismatch');
  }

  // Boxes' codes.
  const codeDiffs = codeDifferences(db, clinicId, from, to, codes, drugs);

  const out: ReconciliationRow[] = [...rows.values()]
    .map((a) => {
      const d = a.drugId === null ? null : drugs.get(a.drugId)!;
      const settledPrices = a.lines.filter((l) => l.factor !== null && l.amount > 0).map((l) => Math.round(l.price / l.factor!));
      const hubCost = a.drugId === null ? null : ([...a.dispensedCosts][0] ?? costAt(a.drugId, a.date));
      return {
        date: a.date,
        drugId: a.drugId,
        drugName: d?.name ?? a.itemName,
        spec: d?.spec ?? null,
        packSize: d?.packSize ?? null,
        packUnit: d?.packUnit ?? null,
        baseUnit: d?.baseUnit ?? null,
        medListCodg: a.code,
        settledQty: a.settledQty,
        settledAmount: a.settledAmount,
        settledLines: a.settledLines,
        dispensedQty: a.dispensedQty,
        dispensedAmount: a.dispensedAmount,
        selfPayQty: a.selfPayQty,
        diffQty: a.settledQty === null ? null : a.settledQty - a.dispensedQty,
        settledUnitPrice: settledPrices.length ? Math.max(...settledPrices) : null,
        hubUnitCost: hubCost,
        kinds: DIFFERENCE_KINDS.filter((k) => a.kinds.has(k)),
      };
    })
    .sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : chineseOrder.compare(x.drugName ?? '', y.drugName ?? '')));

  const open = (r: ReconciliationRow) => r.kinds.some((k) => !SETTLED_DIFFERENCES.has(k));
  const days = new Map<string, { date: string; settledAmount: number; dispensedAmount: number; rows: number; open: number }>();
  for (const r of out) {
    const d = days.get(r.date) ?? { date: r.date, settledAmount: 0, dispensedAmount: 0, rows: 0, open: 0 };
    d.settledAmount += r.settledAmount;
    d.dispensedAmount += r.dispensedAmount;
    d.rows += 1;
    if (open(r)) d.open += 1;
    days.set(r.date, d);
  }
  const byKind = new Map<DifferenceKind, number>();
  for (const r of out) for (const k of r.kinds) if (k !== 'visit_mismatch') byKind.set(k, (byKind.get(k) ?? 0) + 1);
  if (visits.length) byKind.set('visit_mismatch', visits.length);
  for (const c of codeDiffs.list) byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);

  return {
    clinicId,
    clinicCode: clinic.code,
    clinicName: clinic.name,
    from,
    to,
    imported: lines.length > 0,
    rows: out,
    days: [...days.values()],
    visits: visits.map(({ dispensedDate: _d, ...v }) => v),
    codes: codeDiffs.list,
    codeComparison: codeDiffs.status,
    totals: {
      settledAmount: out.reduce((n, r) => n + r.settledAmount, 0),
      dispensedAmount: out.reduce((n, r) => n + r.dispensedAmount, 0),
      openRows: out.filter(open).length,
      byKind: DIFFERENCE_KINDS.filter((k) => byKind.has(k)).map((kind) => ({ kind, count: byKind.get(kind)! })),
    },
  };
}

export type VisitMismatch = Reconciliation['visits'][number] & { dispensedDate: string };

/**
 * Visits the fund settled and the clinic dispensed (the dispensing's visit number is the 就诊ID), whose drugs
 * differ on both sides: settled A and not given, given B and not settled. The visit's dispensing may be dated
 * up to `graceDays` either side of the settlement.
 */
export function visitMismatches(
  db: ReadDb,
  clinicId: number,
  from: string,
  to: string,
  lines: SettledLine[],
  drugs: Map<number, DrugRow>,
  graceDays = 7,
): VisitMismatch[] {
  const settled = new Map<string, { date: string; byDrug: Map<string, { drugId: number | null; name: string | null; qty: number | null; amount: number }> }>();
  for (const l of lines) {
    const v = settled.get(l.mdtrtId) ?? { date: l.date, byDrug: new Map() };
    const key = l.drugId === null ? `code:${l.medListCodg}` : String(l.drugId);
    const s = v.byDrug.get(key) ?? {
      drugId: l.drugId,
      name: l.drugId === null ? l.itemName : (drugs.get(l.drugId)?.name ?? null),
      qty: l.qty === null ? null : 0,
      amount: 0,
    };
    if (s.qty !== null && l.qty !== null) s.qty += l.qty;
    s.amount += l.amount;
    v.byDrug.set(key, s);
    settled.set(l.mdtrtId, v);
  }
  if (settled.size === 0) return [];
  const given = sql(
    db,
    `SELECT d.visit_no AS visitNo, d.business_date AS date, l.drug_id AS drugId, l.drug_name AS drugName, l.qty
       FROM dispensings d INDEXED BY dispensings_clinic JOIN dispensing_lines l ON l.dispensing_id = d.id
      WHERE d.clinic_id = ? AND d.business_date BETWEEN ? AND ? AND d.status = 'posted' AND d.visit_no IS NOT NULL`,
  ).all(clinicId, addDays(from, -graceDays), addDays(to, graceDays)) as { visitNo: string; date: string; drugId: number; drugName: string; qty: number }[];
  const byVisit = new Map<string, { date: string; byDrug: Map<number, { drugId: number; drugName: string; qty: number }> }>();
  for (const g of given) {
    if (!settled.has(g.visitNo)) continue;
    const v = byVisit.get(g.visitNo) ?? { date: g.date, byDrug: new Map() };
    const d = v.byDrug.get(g.drugId) ?? { drugId: g.drugId, drugName: g.drugName, qty: 0 };
    d.qty += g.qty;
    v.byDrug.set(g.drugId, d);
    byVisit.set(g.visitNo, v);
  }
  const out: VisitMismatch[] = [];
  for (const [visit, gave] of byVisit) {
    const s = settled.get(visit)!;
    const settledOnly = [...s.byDrug.values()].filter((x) => x.amount > 0 && (x.drugId === null || !gave.byDrug.has(x.drugId)));
    const givenOnly = [...gave.byDrug.values()].filter((x) => !s.byDrug.has(String(x.drugId)) || s.byDrug.get(String(x.drugId))!.amount <= 0);
    if (settledOnly.length && givenOnly.length) {
      out.push({
        date: s.date,
        dispensedDate: gave.date,
        mdtrtId: visit,
        settled: settledOnly.map((x) => ({ drugId: x.drugId, drugName: x.name, qty: x.qty })),
        dispensed: givenOnly,
      });
    }
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.mdtrtId.localeCompare(b.mdtrtId)));
}

function codeDifferences(
  db: ReadDb,
  clinicId: number,
  from: string,
  to: string,
  source: DispensedCodeSource,
  drugs: Map<number, DrugRow>,
): { list: Reconciliation['codes']; status: Reconciliation['codeComparison'] } {
  const settled = sql(
    db,
    `SELECT c.code, s.id, s.business_date AS date, s.mdtrt_id AS mdtrtId, s.drug_id AS drugId, s.amount
       FROM settlement_lines s INDEXED BY settlement_lines_day JOIN settlement_trace_codes c INDEXED BY settlement_trace_codes_line ON c.line_id = s.id
      WHERE s.clinic_id = ? AND s.business_date BETWEEN ? AND ? AND s.amount > 0
        AND NOT EXISTS (SELECT 1 FROM settlement_lines r WHERE r.reverses_id = s.id)`,
  ).all(clinicId, from, to) as { code: string; id: number; date: string; mdtrtId: string; drugId: number | null; amount: number }[];
  const others = sql(
    db,
    `SELECT s.id, s.clinic_id AS clinicId, c2.name AS clinicName, s.business_date AS date, s.mdtrt_id AS mdtrtId
       FROM settlement_trace_codes t JOIN settlement_lines s ON s.id = t.line_id JOIN clinics c2 ON c2.id = s.clinic_id
      WHERE t.code = ? AND s.id <> ? AND s.amount > 0 AND NOT EXISTS (SELECT 1 FROM settlement_lines r WHERE r.reverses_id = s.id)
      ORDER BY s.business_date, s.id LIMIT 3`,
  );
  const received = sql(db, 'SELECT t.drug_id AS drugId, d.generic_name AS name, d.spec FROM trace_codes t JOIN drugs d ON d.id = t.drug_id WHERE t.code = ?');
  const list: Reconciliation['codes'] = [];
  const nameOf = (id: number | null) => (id === null ? null : (drugs.get(id)?.name ?? null));
  for (const s of settled) {
    const twice = others.all(s.code, s.id) as { clinicId: number; clinicName: string; date: string; mdtrtId: string }[];
    if (twice.length) {
      const o = twice[0];
      list.push({
        kind: 'code_settled_twice',
        code: s.code,
        date: s.date,
        mdtrtId: s.mdtrtId,
        drugName: nameOf(s.drugId),
        detail: `同一追溯码 ${o.date} 又在${o.clinicId === clinicId ? '本室' : o.clinicName}结算（就诊ID ${o.mdtrtId}）`,
      });
    }
    const box = received.get(s.code) as { drugId: number; name: string; spec: string } | undefined;
    if (box && s.drugId !== null && box.drugId !== s.drugId) {
      list.push({
        kind: 'code_other_drug',
        code: s.code,
        date: s.date,
        mdtrtId: s.mdtrtId,
        drugName: nameOf(s.drugId),
        detail: `中心库验收时这盒药登记为 ${box.name}（${box.spec}）`,
      });
    }
  }
  const since = source.scanningSince(db, clinicId);
  const scanned = since === null ? [] : source.codesDispensed(db, clinicId, from, to);
  for (const d of compareScans(
    settled.map((s) => ({ code: s.code, date: s.date, mdtrtId: s.mdtrtId, drugId: s.drugId })),
    scanned,
    since,
  )) {
    list.push({
      kind: d.kind,
      code: d.code,
      date: d.date,
      mdtrtId: d.mdtrtId,
      drugName: nameOf(d.drugId),
      detail: DIFFERENCE_LABELS[d.kind],
    });
  }
  return {
    list,
    status: {
      scanning: since !== null,
      settledCodes: new Set(settled.map((s) => s.code)).size,
      note:
        since === null
          ? '用药登记尚未扫追溯码：只能检查结算追溯码是否重复、是否属于中心库验收的其他药品；用药扫码启用后，将逐盒比对结算与发药。'
          : `自 ${since} 起用药登记扫追溯码，逐盒比对结算与发药。`,
    },
  };
}
