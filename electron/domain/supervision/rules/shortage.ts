/**
 * 盘亏集中于少数药品: one drug short again and again at a clinic's counts, carrying most of the clinic's
 * shortage value — losses that follow a drug rather than chance (diverted or swapped stock).
 */
import type { ReadDb } from '../../../db/database';
import { sql } from '../../../db/database';
import { addMonths, periodOf } from '../../../../shared/dates';
import { formatFen } from '../../../../shared/money';
import { makeFingerprint, type Thresholds } from '../../../../shared/supervision';
import { clinicStoreList, monthSpan, monthsOf, round2 } from '../data';
import type { EvalWindow, Rule, Signal } from '../types';

export const shortageRule: Rule = {
  key: 'shortage',
  title: '盘亏集中于少数药品',
  describe: (t) =>
    `按自然月评估：回看 ${t.lookbackMonths} 个月（含本月）村卫生室的盘亏，某药品本月有盘亏，回看期内在 ≥ ${t.minTimes} 次盘点中盘亏，` +
    `其盘亏金额占本室盘亏总额 ≥ ${t.minSharePct}% 且 ≥ ${formatFen(t.minAmount)} 元时报警。`,
  evaluate(db: ReadDb, w: EvalWindow, t: Thresholds): Signal[] {
    const out: Signal[] = [];
    const rows = sql(
      db,
      `SELECT id, drug_id AS drugId, doc_id AS docId, business_date AS date, -qty AS qty, -amount AS amount FROM ledger INDEXED BY ledger_count_shortages
        WHERE store_id = ? AND movement = 'count_shortage' AND period BETWEEN ? AND ? AND business_date BETWEEN ? AND ? ORDER BY id`,
    );
    for (const s of clinicStoreList(db, w.clinicId)) {
      for (const month of monthsOf(w.from, w.to)) {
        const span = monthSpan(month, w.to);
        const lookFrom = addMonths(span.first, -(t.lookbackMonths - 1));
        const all = rows.all(s.storeId, periodOf(lookFrom), month, lookFrom, span.last) as {
          id: number;
          drugId: number;
          docId: number;
          date: string;
          qty: number;
          amount: number;
        }[];
        const total = all.reduce((a, r) => a + r.amount, 0);
        if (total <= 0) continue;
        const inMonth = new Set(all.filter((r) => r.date >= span.first).map((r) => r.drugId));
        for (const drugId of inMonth) {
          const mine = all.filter((r) => r.drugId === drugId);
          const amount = mine.reduce((a, r) => a + r.amount, 0);
          const times = new Set(mine.map((r) => r.docId)).size;
          if (times < t.minTimes || amount < t.minAmount || amount * 100 < t.minSharePct * total) continue;
          const qty = mine.reduce((a, r) => a + r.qty, 0);
          out.push({
            fingerprint: makeFingerprint('shortage', s.clinicId, [drugId], month),
            ruleKey: 'shortage',
            clinicId: s.clinicId,
            storeId: s.storeId,
            drugIds: [drugId],
            periodFrom: lookFrom,
            periodTo: span.last,
            summary: `近 ${t.lookbackMonths} 个月在 ${times} 次盘点中盘亏，共 ${qty}（最小单位），金额占本室盘亏的 ${round2((amount * 100) / total)}%`,
            numbers: [
              { label: '盘亏次数', value: times, unit: '次' },
              { label: '盘亏数量', value: qty, unit: '最小单位' },
              { label: '盘亏金额', value: amount, unit: 'fen' },
              { label: '本室盘亏总额', value: total, unit: 'fen' },
              { label: '占比', value: round2((amount * 100) / total), unit: '%' },
            ],
            severity: amount,
            ledgerIds: mine.map((r) => r.id),
          });
        }
      }
    }
    return out;
  },
};
