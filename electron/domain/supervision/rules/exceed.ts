/**
 * 用药超出配送量: in a month, a clinic dispensed more of a drug than it held at the start of the month plus
 * what the hub delivered (signed for) in the month, net of returns. The ledger never lets stock go negative,
 * so the excess was covered by stock of another origin: count surpluses (盘盈) — drugs the hub never supplied.
 */
import type { ReadDb } from '../../../db/database';
import { makeFingerprint, type Thresholds } from '../../../../shared/supervision';
import { balancesAtStart } from '../../settlement/balances';
import { clinicStoreList, ledgerIds, LiveDays, monthSpan, monthsOf } from '../data';
import type { EvalWindow, Rule, Signal } from '../types';

const SUPPLY = ['issue_in', 'clinic_return_out'];

export const exceedRule: Rule = {
  key: 'exceed',
  title: '用药超出配送量',
  describe: (t) =>
    '按自然月统计：本月用药登记量 −（月初结存 + 本月配送签收量 − 本月退回中心库量）= 超出量。' +
    `超出量 ≥ ${t.minExcess}（最小单位）且占本月用药量 ≥ ${t.minSharePct}% 时报警：超出部分不是中心库配送的药品（只能来自盘盈等来源），需核实来源。`,
  evaluate(db: ReadDb, w: EvalWindow, t: Thresholds): Signal[] {
    const out: Signal[] = [];
    const stores = clinicStoreList(db, w.clinicId);
    const live = w.live ?? new LiveDays(db);
    const counted = new Set(['dispense', ...SUPPLY]);
    for (const month of monthsOf(w.from, w.to)) {
      const span = monthSpan(month, w.to);
      for (const s of stores) {
        // The month's opening balances of the store's drugs: the closing snapshot and the months since, in one read.
        const opening = balancesAtStart(db, month, s.storeId).balances.get(s.storeId);
        const byDrug = new Map<number, Record<string, number>>();
        for (const r of live.of(month, s.storeId, span.first, span.last)) {
          if (!counted.has(r.movement)) continue;
          let m = byDrug.get(r.drugId);
          if (!m) byDrug.set(r.drugId, (m = {}));
          m[r.movement] = (m[r.movement] ?? 0) + r.qty;
        }
        for (const [drugId, m] of byDrug) {
          const dispensed = -(m.dispense ?? 0);
          if (dispensed <= 0) continue;
          const supplied = (m.issue_in ?? 0) + (m.clinic_return_out ?? 0);
          const openingQty = opening?.get(drugId)?.qty ?? 0;
          const excess = dispensed - openingQty - supplied;
          if (excess < t.minExcess || excess * 100 < t.minSharePct * dispensed) continue;
          out.push({
            fingerprint: makeFingerprint('exceed', s.clinicId, [drugId], month),
            ruleKey: 'exceed',
            clinicId: s.clinicId,
            storeId: s.storeId,
            drugIds: [drugId],
            periodFrom: span.first,
            periodTo: span.last,
            summary: `${month} 用药 ${dispensed}，月初结存 ${openingQty}、配送签收净额 ${supplied}，超出 ${excess}（盘盈 ${m.count_surplus ?? 0}）`,
            numbers: [
              { label: '本月用药量', value: dispensed, unit: '最小单位' },
              { label: '月初结存', value: openingQty, unit: '最小单位' },
              { label: '配送签收净额', value: supplied, unit: '最小单位' },
              { label: '超出量', value: excess, unit: '最小单位' },
              { label: '本月盘盈', value: m.count_surplus ?? 0, unit: '最小单位' },
            ],
            severity: excess,
            ledgerIds: w.evidence === false ? [] : ledgerIds(db, s.storeId, drugId, ['dispense', 'count_surplus', ...SUPPLY], span.first, span.last),
          });
        }
      }
    }
    return out;
  },
};
