/**
 * 串换嫌疑 (drug swapping): at a count a drug comes up short while another drug of the same generic name
 * was dispensed far above its usual rate in the 30 days before: the shelf lost B while the book recorded A,
 * the signature of giving one drug and recording (and claiming) another.
 */
import type { ReadDb } from '../../../db/database';
import { sql } from '../../../db/database';
import { addDays, periodOf } from '../../../../shared/dates';
import { makeFingerprint, type Thresholds } from '../../../../shared/supervision';
import { clinicStoreList, ledgerIds, monthSpan, monthsOf, round2 } from '../data';
import type { EvalWindow, Rule, Signal } from '../types';

export const swapRule: Rule = {
  key: 'swap',
  title: '串换嫌疑',
  describe: (t) =>
    `盘点中某药品盘亏 ≥ ${t.minShortage}（最小单位），而同通用名的另一药品在盘点日前 30 天的用药量 ≥ ${t.minQty}，` +
    `且 ≥ 其此前 90 天日均用量折合 30 天的 ${t.minRatio} 倍时报警：账上多发了甲药、货架上少了乙药，疑似以乙药充甲药登记。`,
  evaluate(db: ReadDb, w: EvalWindow, t: Thresholds): Signal[] {
    const out: Signal[] = [];
    const stores = clinicStoreList(db, w.clinicId);
    const shortages = sql(
      db,
      `SELECT l.drug_id AS drugId, l.business_date AS date, -sum(l.qty) AS qty, d.generic_name AS generic
         FROM ledger l INDEXED BY ledger_count_shortages JOIN drugs d ON d.id = l.drug_id
        WHERE l.period = ? AND l.store_id = ? AND l.movement = 'count_shortage' AND l.business_date BETWEEN ? AND ?
        GROUP BY l.drug_id, l.business_date`,
    );
    const siblings = sql(
      db,
      // From the monthly totals (store, period index): the ledger has no index on store and months alone.
      `SELECT DISTINCT t.drug_id AS drugId FROM stock_period_totals t JOIN drugs d ON d.id = t.drug_id
        WHERE t.store_id = ? AND t.movement = 'dispense' AND t.period BETWEEN ? AND ? AND d.generic_name = ? AND t.drug_id <> ?`,
    );
    const dispensed = sql(
      db,
      `SELECT coalesce(-sum(qty), 0) AS qty FROM ledger
        WHERE store_id = ? AND drug_id = ? AND movement = 'dispense' AND period BETWEEN ? AND ? AND business_date BETWEEN ? AND ?`,
    );
    const sum = (storeId: number, drugId: number, from: string, to: string) =>
      (dispensed.get(storeId, drugId, periodOf(from), periodOf(to), from, to) as { qty: number }).qty;
    for (const month of monthsOf(w.from, w.to)) {
      const span = monthSpan(month, w.to);
      for (const s of stores) {
        // The largest shortage of each drug in the month stands for it (one signal per pair and month).
        const found = new Map<string, Signal>();
        for (const b of shortages.all(month, s.storeId, span.first, span.last) as { drugId: number; date: string; qty: number; generic: string }[]) {
          if (b.qty < t.minShortage) continue;
          const heavyFrom = addDays(b.date, -29);
          const baseFrom = addDays(b.date, -119);
          const baseTo = addDays(b.date, -30);
          for (const a of siblings.all(s.storeId, periodOf(heavyFrom), periodOf(b.date), b.generic, b.drugId) as { drugId: number }[]) {
            const heavy = sum(s.storeId, a.drugId, heavyFrom, b.date);
            const base30 = sum(s.storeId, a.drugId, baseFrom, baseTo) / 3;
            if (heavy < t.minQty || heavy < t.minRatio * base30) continue;
            const fp = makeFingerprint('swap', s.clinicId, [a.drugId, b.drugId], month);
            const prev = found.get(fp);
            if (prev && prev.severity >= b.qty) continue;
            found.set(fp, {
              fingerprint: fp,
              ruleKey: 'swap',
              clinicId: s.clinicId,
              storeId: s.storeId,
              drugIds: [a.drugId, b.drugId],
              periodFrom: heavyFrom,
              periodTo: b.date,
              summary: `${b.date} 盘点盘亏 ${b.qty}（同通用名“${b.generic}”），而另一品规盘点前 30 天用药 ${heavy}，为基线 ${round2(base30)} 的 ${base30 > 0 ? round2(heavy / base30) : '∞'} 倍`,
              numbers: [
                { label: '乙药盘亏数量', value: b.qty, unit: '最小单位' },
                { label: '甲药盘点前 30 天用量', value: heavy, unit: '最小单位' },
                { label: '甲药基线（折合 30 天）', value: round2(base30), unit: '最小单位' },
                { label: '倍数', value: base30 > 0 ? round2(heavy / base30) : null, unit: '倍' },
              ],
              severity: b.qty,
              ledgerIds: [
                ...ledgerIds(db, s.storeId, a.drugId, ['dispense'], heavyFrom, b.date),
                ...ledgerIds(db, s.storeId, b.drugId, ['count_shortage'], b.date, b.date),
              ],
            });
          }
        }
        out.push(...found.values());
      }
    }
    return out;
  },
};
