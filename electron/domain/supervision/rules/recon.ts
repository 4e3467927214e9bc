/**
 * Rules over the imported settlement details (reconciliation/) against the clinic's book: the fund paid for
 * what the book never saw leave the shelf. One signal per clinic, drug (or pair) and month; its figure is the
 * quantity or the number of visits, so a dismissed month reopens when more such lines are imported into it.
 * Reversed settlement lines net out (a reversal counts on the day of the line it takes back); drugs the
 * catalog does not know are left to the reconciliation screen (they have no stock to compare with).
 */
import type { ReadDb } from '../../../db/database';
import { sql } from '../../../db/database';
import { addDays } from '../../../../shared/dates';
import { formatFen } from '../../../../shared/money';
import { makeFingerprint, type Thresholds } from '../../../../shared/supervision';
import { drugsOf, settledLines, visitMismatches, type SettledLine } from '../../reconciliation/reconcile';
import { balancesAtStart } from '../../settlement/balances';
import { clinicStoreList, ledgerIds, monthSpan, monthsOf, type ClinicStore } from '../data';
import type { EvalWindow, Rule, Signal } from '../types';

interface SettledDay {
  date: string;
  qty: number;
  amount: number;
  visits: string[];
}

/** Settled quantity and amount per drug and day (known drugs only), net of reversals. */
function settledByDrug(lines: SettledLine[]): Map<number, Map<string, SettledDay>> {
  const out = new Map<number, Map<string, SettledDay>>();
  for (const l of lines) {
    if (l.drugId === null || l.qty === null) continue;
    const days = out.get(l.drugId) ?? new Map<string, SettledDay>();
    const d = days.get(l.date) ?? { date: l.date, qty: 0, amount: 0, visits: [] };
    d.qty += l.qty;
    d.amount += l.amount;
    if (l.qty > 0 && !d.visits.includes(l.mdtrtId)) d.visits.push(l.mdtrtId);
    days.set(l.date, d);
    out.set(l.drugId, days);
  }
  return out;
}

/** Self-paid quantities the clinic marked, per drug and day: dispensing that no settlement was meant to cover. */
function selfPaid(db: ReadDb, clinicId: number, from: string, to: string): Map<string, number> {
  const rows = sql(db, 'SELECT business_date AS date, drug_id AS drugId, qty FROM self_pay_marks WHERE clinic_id = ? AND business_date BETWEEN ? AND ?').all(
    clinicId,
    from,
    to,
  ) as { date: string; drugId: number; qty: number }[];
  return new Map(rows.map((r) => [`${r.drugId}|${r.date}`, r.qty]));
}

interface GivenLine {
  visitNo: string | null;
  date: string;
  drugId: number;
  qty: number;
}

/** Posted dispensing of a clinic in [from, to] per visit number typed (or none), day and drug. */
function givenLines(db: ReadDb, clinicId: number, from: string, to: string): GivenLine[] {
  return sql(
    db,
    `SELECT d.visit_no AS visitNo, d.business_date AS date, l.drug_id AS drugId, sum(l.qty) AS qty
       FROM dispensings d INDEXED BY dispensings_clinic JOIN dispensing_lines l ON l.dispensing_id = d.id
      WHERE d.clinic_id = ? AND d.business_date BETWEEN ? AND ? AND d.status = 'posted'
      GROUP BY d.visit_no, d.business_date, l.drug_id`,
  ).all(clinicId, from, to) as GivenLine[];
}

/**
 * Settled quantities no dispensing accounts for, per drug and day. A visit's settled drug is first met by
 * what was dispensed under the same visit number (any day in reach); what remains, and dispensing typed
 * without a visit number the settlement knows, are matched by day within the grace (less the self-paid marks).
 */
function uncoveredByDrug(lines: SettledLine[], given: GivenLine[], marks: Map<string, number>, g: number): Map<number, SettledDay[]> {
  const settled = new Map<string, { visit: string; drugId: number; date: string; qty: number; amount: number }>();
  for (const l of lines) {
    if (l.drugId === null || l.qty === null) continue;
    const key = `${l.mdtrtId}|${l.drugId}`;
    const v = settled.get(key) ?? { visit: l.mdtrtId, drugId: l.drugId, date: l.date, qty: 0, amount: 0 };
    v.qty += l.qty;
    v.amount += l.amount;
    if (l.date < v.date) v.date = l.date;
    settled.set(key, v);
  }
  const visits = new Set([...settled.values()].map((v) => v.visit));
  const byVisit = new Map<string, number>();
  const pool = new Map<number, Map<string, number>>();
  for (const x of given) {
    if (x.visitNo !== null && visits.has(x.visitNo)) {
      byVisit.set(`${x.visitNo}|${x.drugId}`, (byVisit.get(`${x.visitNo}|${x.drugId}`) ?? 0) + x.qty);
      continue;
    }
    const days = pool.get(x.drugId) ?? new Map<string, number>();
    days.set(x.date, (days.get(x.date) ?? 0) + x.qty);
    pool.set(x.drugId, days);
  }
  for (const [drugId, days] of pool) for (const [date, qty] of days) days.set(date, Math.max(0, qty - (marks.get(`${drugId}|${date}`) ?? 0)));
  const remaining = new Map<number, Map<string, SettledDay>>();
  for (const v of settled.values()) {
    if (v.qty <= 0) continue;
    const rest = v.qty - Math.min(v.qty, byVisit.get(`${v.visit}|${v.drugId}`) ?? 0);
    if (rest === 0) continue;
    const days = remaining.get(v.drugId) ?? new Map<string, SettledDay>();
    const d = days.get(v.date) ?? { date: v.date, qty: 0, amount: 0, visits: [] };
    d.qty += rest;
    d.amount += Math.round((v.amount * rest) / v.qty);
    d.visits.push(v.visit);
    days.set(v.date, d);
    remaining.set(v.drugId, days);
  }
  const out = new Map<number, SettledDay[]>();
  for (const [drugId, days] of remaining) {
    const list = [...days.values()];
    const left = uncoveredSettled(list, pool.get(drugId) ?? new Map(), g);
    out.set(
      drugId,
      list.flatMap((d) => {
        const missing = left.get(d.date) ?? 0;
        return missing > 0 ? [{ ...d, qty: missing, amount: Math.round((d.amount * missing) / d.qty) }] : [];
      }),
    );
  }
  return out;
}

/**
 * What part of each day's settled quantity no dispensing covers, each dispensed unit covering one settled unit
 * once: the same day's dispensing first, then the days after (posting lags behind the settlement), then the
 * days before, one day further at a time up to the grace.
 */
export function uncoveredSettled(settled: SettledDay[], dispensed: Map<string, number>, graceDays: number): Map<string, number> {
  const pool = new Map(dispensed);
  const days = settled.filter((x) => x.qty > 0).sort((a, b) => (a.date < b.date ? -1 : 1));
  const left = new Map(days.map((d) => [d.date, d.qty]));
  const take = (d: SettledDay, offset: number) => {
    const date = addDays(d.date, offset);
    const used = Math.min(pool.get(date) ?? 0, left.get(d.date)!);
    if (used > 0) {
      pool.set(date, pool.get(date)! - used);
      left.set(d.date, left.get(d.date)! - used);
    }
  };
  for (const d of days) take(d, 0);
  for (let gap = 1; gap <= graceDays; gap++) {
    for (const d of days) take(d, gap);
    for (const d of days) take(d, -gap);
  }
  return left;
}

const visitText = (visits: string[]) => (visits.length ? `（就诊ID ${visits.slice(0, 3).join('、')}${visits.length > 3 ? ' 等' : ''}）` : '');

export const notGivenRule: Rule = {
  key: 'notgiven',
  title: '已结算未发药',
  describe: (t) =>
    `按自然月统计：村卫生室医保结算了某药品，先对同一就诊ID 的用药登记，再对结算日前后 ${t.graceDays} 天内其余的用药登记（每笔用药只对一次；标记为患者自费的用药不算），对不上的数量 = 已结算未发药。` +
    `当月已结算未发药 ≥ ${t.minQty}（最小单位）且金额 ≥ ${formatFen(t.minAmount)} 元时报警：医保基金支付了没有出库的药品，疑似虚开，或用药未登记。`,
  evaluate(db: ReadDb, w: EvalWindow, t: Thresholds): Signal[] {
    const out: Signal[] = [];
    const g = t.graceDays;
    for (const s of clinicStoreList(db, w.clinicId)) {
      for (const month of monthsOf(w.from, w.to)) {
        const span = monthSpan(month, w.to);
        const lines = settledLines(db, s.clinicId, addDays(span.first, -g), span.last);
        if (lines.length === 0) continue;
        const given = givenLines(db, s.clinicId, addDays(span.first, -2 * g), addDays(span.last, g));
        const marks = selfPaid(db, s.clinicId, addDays(span.first, -2 * g), addDays(span.last, g));
        const uncovered = uncoveredByDrug(lines, given, marks, g);
        for (const [drugId, days] of settledByDrug(lines)) {
          let settledQty = 0;
          for (const d of days.values()) if (d.date >= span.first && d.qty > 0) settledQty += d.qty;
          const missing = (uncovered.get(drugId) ?? []).filter((d) => d.date >= span.first);
          const missingQty = missing.reduce((n, d) => n + d.qty, 0);
          const missingAmount = missing.reduce((n, d) => n + d.amount, 0);
          const missingDays = missing.map((d) => d.date);
          const visits = missing.flatMap((d) => d.visits);
          if (missingQty < t.minQty || missingAmount < t.minAmount) continue;
          out.push({
            fingerprint: makeFingerprint('notgiven', s.clinicId, [drugId], month),
            ruleKey: 'notgiven',
            clinicId: s.clinicId,
            storeId: s.storeId,
            drugIds: [drugId],
            periodFrom: span.first,
            periodTo: span.last,
            summary:
              `${month} ${s.name}医保结算 ${settledQty}（最小单位），同一就诊或前后 ${g} 天内的用药登记只对上 ${settledQty - missingQty}，` +
              `已结算未发药 ${missingQty}、金额 ${formatFen(missingAmount)} 元，涉及 ${missingDays.length} 天${visitText([...new Set(visits)])}`,
            numbers: [
              { label: '当月结算数量', value: settledQty, unit: '最小单位' },
              { label: '对上的用药登记数量', value: settledQty - missingQty, unit: '最小单位' },
              { label: '已结算未发药数量', value: missingQty, unit: '最小单位' },
              { label: '已结算未发药金额', value: missingAmount, unit: 'fen' },
              { label: '涉及天数', value: missingDays.length, unit: '天' },
            ],
            severity: missingQty,
            ledgerIds: ledgerIds(db, s.storeId, drugId, ['dispense', 'issue_in'], addDays(span.first, -g), addDays(span.last, g)),
          });
        }
      }
    }
    return out;
  },
};

export const visitSwapRule: Rule = {
  key: 'visitswap',
  title: '就诊内结算与发药不符',
  describe: (t) =>
    `按自然月统计：同一就诊（就诊ID = 用药登记的就诊号，发药登记与结算相隔不超过 ${t.graceDays} 天）医保结算了甲药却没有发甲药，发了乙药却没有结算乙药（乙药标记为自费的不算）。` +
    `同一对药品当月 ≥ ${t.minVisits} 次就诊${t.minAmount > 0 ? `、甲药结算金额 ≥ ${formatFen(t.minAmount)} 元` : ''}时报警：以乙药充甲药结算，疑似串换。`,
  evaluate(db: ReadDb, w: EvalWindow, t: Thresholds): Signal[] {
    const out: Signal[] = [];
    for (const s of clinicStoreList(db, w.clinicId)) {
      for (const month of monthsOf(w.from, w.to)) {
        const span = monthSpan(month, w.to);
        const lines = settledLines(db, s.clinicId, span.first, span.last);
        if (lines.length === 0) continue;
        const drugs = drugsOf(
          db,
          lines.flatMap((l) => (l.drugId === null ? [] : [l.drugId])),
        );
        const marks = selfPaid(db, s.clinicId, addDays(span.first, -t.graceDays), addDays(span.last, t.graceDays));
        const amountOf = new Map<string, number>();
        for (const l of lines) if (l.drugId !== null) amountOf.set(`${l.mdtrtId}|${l.drugId}`, (amountOf.get(`${l.mdtrtId}|${l.drugId}`) ?? 0) + l.amount);
        const pairs = new Map<string, { settled: number; given: number; visits: string[]; amount: number; settledQty: number; givenQty: number }>();
        for (const v of visitMismatches(db, s.clinicId, span.first, span.last, lines, drugs, t.graceDays)) {
          const given = v.dispensed.filter((d) => (marks.get(`${d.drugId}|${v.dispensedDate}`) ?? 0) < d.qty);
          for (const a of v.settled) {
            if (a.drugId === null) continue;
            for (const b of given) {
              const key = `${a.drugId}-${b.drugId}`;
              const p = pairs.get(key) ?? { settled: a.drugId, given: b.drugId, visits: [], amount: 0, settledQty: 0, givenQty: 0 };
              p.visits.push(v.mdtrtId);
              p.amount += amountOf.get(`${v.mdtrtId}|${a.drugId}`) ?? 0;
              p.settledQty += a.qty ?? 0;
              p.givenQty += b.qty;
              pairs.set(key, p);
            }
          }
        }
        const dispensingIds = sql(db, "SELECT id FROM dispensings INDEXED BY dispensings_visit WHERE clinic_id = ? AND visit_no = ? AND status = 'posted'");
        const rowsOf = sql(db, "SELECT id FROM ledger INDEXED BY ledger_doc WHERE doc_type = 'dispensing' AND doc_id = ? AND drug_id = ? ORDER BY id");
        for (const p of pairs.values()) {
          if (p.visits.length < t.minVisits || p.amount < t.minAmount) continue;
          const names = [drugs.get(p.settled)?.name ?? '', drugsOf(db, [p.given]).get(p.given)?.name ?? ''];
          const ids = p.visits.flatMap((visit) =>
            (dispensingIds.all(s.clinicId, visit) as { id: number }[]).flatMap((d) => (rowsOf.all(d.id, p.given) as { id: number }[]).map((r) => r.id)),
          );
          out.push({
            fingerprint: makeFingerprint('visitswap', s.clinicId, [p.settled, p.given], month),
            ruleKey: 'visitswap',
            clinicId: s.clinicId,
            storeId: s.storeId,
            drugIds: [p.settled, p.given],
            periodFrom: span.first,
            periodTo: span.last,
            summary:
              `${month} ${s.name}有 ${p.visits.length} 次就诊结算了“${names[0]}”${p.settledQty}（最小单位）、金额 ${formatFen(p.amount)} 元，` +
              `却登记发放“${names[1]}”${p.givenQty}${visitText(p.visits)}`,
            numbers: [
              { label: '就诊次数', value: p.visits.length, unit: '次' },
              { label: '甲药结算数量', value: p.settledQty, unit: '最小单位' },
              { label: '甲药结算金额', value: p.amount, unit: 'fen' },
              { label: '乙药发放数量', value: p.givenQty, unit: '最小单位' },
            ],
            severity: p.visits.length,
            ledgerIds: [...new Set(ids)].sort((a, b) => a - b),
          });
        }
      }
    }
    return out;
  },
};

/**
 * The most a clinic can have given out of a drug on day D: what it held when the day began (the ledger's
 * balance at that instant) plus everything that came in on D and the grace days after (a delivery signed for
 * a day late). A day settling more than that settled boxes that were never on the clinic's shelf.
 */
function overstockDays(db: ReadDb, s: ClinicStore, drugId: number, opening: number, days: SettledDay[], first: string, last: string, g: number) {
  const flows = sql(
    db,
    `SELECT business_date AS date, sum(qty) AS net, sum(CASE WHEN qty > 0 THEN qty ELSE 0 END) AS inflow
       FROM ledger WHERE store_id = ? AND drug_id = ? AND period BETWEEN substr(?, 1, 7) AND substr(?, 1, 7) AND business_date BETWEEN ? AND ?
      GROUP BY business_date`,
  ).all(s.storeId, drugId, first, addDays(last, g), first, addDays(last, g)) as { date: string; net: number; inflow: number }[];
  const byDate = new Map(flows.map((f) => [f.date, f]));
  const out: { date: string; settled: number; held: number; excess: number; visits: string[] }[] = [];
  let balance = opening;
  for (let date = first; date <= last; date = addDays(date, 1)) {
    const d = days.find((x) => x.date === date);
    if (d && d.qty > 0) {
      let held = balance;
      for (let k = 0; k <= g; k++) held += byDate.get(addDays(date, k))?.inflow ?? 0;
      if (d.qty > held) out.push({ date, settled: d.qty, held, excess: d.qty - held, visits: d.visits });
    }
    balance += byDate.get(date)?.net ?? 0;
  }
  return out;
}

export const overstockRule: Rule = {
  key: 'overstock',
  title: '结算量超出库存',
  describe: (t) =>
    `村卫生室某天医保结算的某药品数量，超过了该室当天能有的库存（当天开始时的账面结存 + 当天及此后 ${t.graceDays} 天的入库）。` +
    `按自然月累计超出量 ≥ ${t.minQty}（最小单位）时报警：结算的药品从未在本室货架上，疑似虚开或体外采购。`,
  evaluate(db: ReadDb, w: EvalWindow, t: Thresholds): Signal[] {
    const out: Signal[] = [];
    for (const s of clinicStoreList(db, w.clinicId)) {
      for (const month of monthsOf(w.from, w.to)) {
        const span = monthSpan(month, w.to);
        const settled = settledByDrug(settledLines(db, s.clinicId, span.first, span.last));
        if (settled.size === 0) continue;
        const opening = balancesAtStart(db, month, s.storeId).balances.get(s.storeId);
        for (const [drugId, days] of settled) {
          const over = overstockDays(db, s, drugId, opening?.get(drugId)?.qty ?? 0, [...days.values()], span.first, span.last, t.graceDays);
          const excess = over.reduce((n, d) => n + d.excess, 0);
          if (over.length === 0 || excess < t.minQty) continue;
          const worst = over.reduce((a, b) => (b.excess > a.excess ? b : a));
          out.push({
            fingerprint: makeFingerprint('overstock', s.clinicId, [drugId], month),
            ruleKey: 'overstock',
            clinicId: s.clinicId,
            storeId: s.storeId,
            drugIds: [drugId],
            periodFrom: span.first,
            periodTo: span.last,
            summary:
              `${month} ${s.name}有 ${over.length} 天结算量超出当天能有的库存，共超出 ${excess}（最小单位）；` +
              `最多的一天 ${worst.date} 结算 ${worst.settled}，库存至多 ${worst.held}${visitText(over.flatMap((d) => d.visits))}`,
            numbers: [
              { label: '超出天数', value: over.length, unit: '天' },
              { label: '累计超出数量', value: excess, unit: '最小单位' },
              { label: '最多一天结算数量', value: worst.settled, unit: '最小单位' },
              { label: '该天库存至多', value: worst.held, unit: '最小单位' },
            ],
            severity: excess,
            ledgerIds: ledgerIds(
              db,
              s.storeId,
              drugId,
              ['dispense', 'issue_in', 'count_surplus', 'count_shortage'],
              span.first,
              addDays(span.last, t.graceDays),
            ),
          });
        }
      }
    }
    return out;
  },
};
