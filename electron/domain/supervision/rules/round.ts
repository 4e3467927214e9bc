/**
 * 整数数量重复登记: the same round quantity (a multiple of the round base) entered again and again for a drug
 * in a month — entries made up to a figure rather than taken from prescriptions.
 */
import type { ReadDb } from '../../../db/database';
import { givenFilters, sql } from '../../../db/database';
import { makeFingerprint, type Thresholds } from '../../../../shared/supervision';
import { clinicStoreList, monthSpan, monthsOf, round2 } from '../data';
import type { EvalWindow, Rule, Signal } from '../types';

export const roundRule: Rule = {
  key: 'round',
  title: '整数数量重复登记',
  describe: (t) =>
    `按自然月统计每种药品的用药登记明细：同一数量（${t.roundBase} 的整数倍）重复出现 ≥ ${t.minRepeats} 次，且占该药当月登记笔数 ≥ ${t.minSharePct}% 时报警（已冲销的登记不计）。`,
  evaluate(db: ReadDb, w: EvalWindow, t: Thresholds): Signal[] {
    const out: Signal[] = [];
    const stores = new Map(clinicStoreList(db, w.clinicId).map((s) => [s.clinicId, s]));
    // Entries by clinic and date (dispensings_clinic) or, for every clinic, by date (dispensings_date).
    const counts = (first: string, last: string) => {
      const { where, params } = givenFilters([
        ['d.clinic_id = ?', w.clinicId],
        ['d.business_date >= ?', first],
        ['d.business_date <= ?', last],
      ]);
      return sql(
        db,
        `SELECT d.clinic_id AS clinicId, l.drug_id AS drugId, l.qty, count(*) AS n FROM dispensings d JOIN dispensing_lines l ON l.dispensing_id = d.id
          ${where} AND d.status = 'posted' GROUP BY d.clinic_id, l.drug_id, l.qty`,
      ).all(...params) as { clinicId: number; drugId: number; qty: number; n: number }[];
    };
    // The ledger rows of a clinic's month's lines of the given drugs with a round quantity, read once per clinic and
    // month for all its signals. CROSS JOIN keeps this order: the clinic's entries of the month first, then their
    // lines and ledger rows; left to itself SQLite started from every dispensing row of the ledger (seconds a signal).
    const rows = sql(
      db,
      `SELECT l.drug_id AS drugId, l.qty, g.id FROM dispensings d CROSS JOIN dispensing_lines l ON l.dispensing_id = d.id
         CROSS JOIN ledger g ON g.doc_type = 'dispensing' AND g.doc_id = d.id AND g.doc_line_id = l.id AND g.reverses_id IS NULL
        WHERE d.clinic_id = ? AND d.business_date BETWEEN ? AND ? AND d.status = 'posted'
          AND l.drug_id IN (SELECT value FROM json_each(?)) AND l.qty % ? = 0
        ORDER BY g.id`,
    );
    /** Per `clinicId:drugId:qty` of the month's signals, their ledger row ids in id order. */
    const evidenceOf = (span: { first: string; last: string }, found: Map<string, { qty: number }>) => {
      const byClinic = new Map<number, Set<number>>();
      for (const [k] of found) {
        const [clinicId, drugId] = k.split(':').map(Number);
        let drugs = byClinic.get(clinicId);
        if (!drugs) byClinic.set(clinicId, (drugs = new Set()));
        drugs.add(drugId);
      }
      const ids = new Map<string, number[]>();
      for (const [clinicId, drugs] of byClinic) {
        for (const r of rows.all(clinicId, span.first, span.last, JSON.stringify([...drugs]), t.roundBase) as { drugId: number; qty: number; id: number }[]) {
          if (found.get(`${clinicId}:${r.drugId}`)?.qty !== r.qty) continue;
          const key = `${clinicId}:${r.drugId}`;
          const list = ids.get(key);
          if (list) list.push(r.id);
          else ids.set(key, [r.id]);
        }
      }
      return ids;
    };
    for (const month of monthsOf(w.from, w.to)) {
      const span = monthSpan(month, w.to);
      const all = counts(span.first, span.last);
      const lines = new Map<string, number>();
      for (const r of all) lines.set(`${r.clinicId}:${r.drugId}`, (lines.get(`${r.clinicId}:${r.drugId}`) ?? 0) + r.n);
      const best = new Map<string, { qty: number; n: number }>();
      for (const r of all) {
        if (r.qty % t.roundBase !== 0 || r.n < t.minRepeats) continue;
        const k = `${r.clinicId}:${r.drugId}`;
        const b = best.get(k);
        if (!b || r.n > b.n) best.set(k, { qty: r.qty, n: r.n });
      }
      const found = new Map([...best].filter(([k, b]) => b.n * 100 >= t.minSharePct * lines.get(k)! && stores.has(Number(k.split(':')[0]))));
      const evidence = w.evidence === false ? null : evidenceOf(span, found);
      for (const [k, b] of found) {
        const [clinicId, drugId] = k.split(':').map(Number);
        const total = lines.get(k)!;
        const store = stores.get(clinicId)!;
        out.push({
          fingerprint: makeFingerprint('round', clinicId, [drugId], month),
          ruleKey: 'round',
          clinicId,
          storeId: store.storeId,
          drugIds: [drugId],
          periodFrom: span.first,
          periodTo: span.last,
          summary: `${month} 数量 ${b.qty} 登记了 ${b.n} 次，占该药当月 ${total} 笔登记的 ${round2((b.n * 100) / total)}%`,
          numbers: [
            { label: '重复的数量', value: b.qty, unit: '最小单位' },
            { label: '重复次数', value: b.n, unit: '次' },
            { label: '当月登记笔数', value: total, unit: '笔' },
            { label: '占比', value: round2((b.n * 100) / total), unit: '%' },
          ],
          severity: b.n,
          ledgerIds: evidence?.get(k) ?? [],
        });
      }
    }
    return out;
  },
};
