/**
 * 追溯码 rules: what scanning at the counter recorded as evidence (box_events.anomaly, written by the dispensing
 * handler in stock/boxes.ts). One signal per clinic and month per rule; its figure is the number of codes, so a
 * dismissed month reopens when more such codes are scanned in it. Entries reversed since count no more.
 */
import type { ReadDb } from '../../../db/database';
import { sql } from '../../../db/database';
import { makeFingerprint, type RuleKey, type Thresholds } from '../../../../shared/supervision';
import type { BoxAnomaly } from '../../../../shared/traceCodes';
import { clinicStoreList, monthSpan, monthsOf } from '../data';
import type { EvalWindow, Rule, Signal } from '../types';

interface TraceRuleSpec {
  key: RuleKey;
  anomaly: BoxAnomaly;
  title: string;
  what: string;
}

function traceRule(spec: TraceRuleSpec): Rule {
  return {
    key: spec.key,
    title: spec.title,
    describe: (t) =>
      `按自然月统计：村卫生室用药登记时扫到的追溯码中，${spec.what}的码 ≥ ${t.minCodes} 个时报警（每个码的说明见信号详情；已冲销的用药登记不计）。`,
    evaluate(db: ReadDb, w: EvalWindow, t: Thresholds): Signal[] {
      const out: Signal[] = [];
      const rows = sql(
        db,
        `SELECT e.code, e.drug_id AS drugId, e.ledger_id AS ledgerId, e.business_date AS date, e.note
           FROM box_events e JOIN dispensings d ON d.id = e.doc_id AND e.doc_type = 'dispensing'
          WHERE e.anomaly = ? AND e.clinic_id = ? AND e.business_date BETWEEN ? AND ? AND d.status = 'posted'
          ORDER BY e.id`,
      );
      for (const s of clinicStoreList(db, w.clinicId)) {
        for (const month of monthsOf(w.from, w.to)) {
          const span = monthSpan(month, w.to);
          const hits = rows.all(spec.anomaly, s.clinicId, span.first, span.last) as {
            code: string;
            drugId: number;
            ledgerId: number | null;
            date: string;
            note: string;
          }[];
          const codes = [...new Set(hits.map((h) => h.code))];
          if (codes.length < t.minCodes) continue;
          const drugs = [...new Set(hits.map((h) => h.drugId))].sort((a, b) => a - b);
          const shown = codes.slice(0, 3).join('、');
          out.push({
            fingerprint: makeFingerprint(spec.key, s.clinicId, [], month),
            ruleKey: spec.key,
            clinicId: s.clinicId,
            storeId: s.storeId,
            drugIds: drugs,
            periodFrom: span.first,
            periodTo: span.last,
            summary: `${month} ${s.name}扫到 ${codes.length} 个${spec.what}的追溯码（${shown}${codes.length > 3 ? ' 等' : ''}），涉及 ${drugs.length} 种药品、${hits.length} 次扫码。${hits[0].note}`,
            numbers: [
              { label: '追溯码个数', value: codes.length, unit: '个' },
              { label: '扫码次数', value: hits.length, unit: '次' },
              { label: '涉及药品种数', value: drugs.length, unit: '种' },
            ],
            severity: codes.length,
            ledgerIds: [...new Set(hits.map((h) => h.ledgerId).filter((id): id is number => id !== null))],
          });
        }
      }
      return out;
    },
  };
}

export const dupCodeRule = traceRule({ key: 'dupcode', anomaly: 'duplicate_sale', title: '重复追溯码', what: '已销售、报损或退货后又被扫码销售' });
export const strayRule = traceRule({ key: 'stray', anomaly: 'stray', title: '串货（码未配送到本室）', what: '从未配送到本室' });
export const outsideRule = traceRule({ key: 'outside', anomaly: 'unknown', title: '体外采购（码未入库）', what: '卫生院从未入库' });
export const codeSwapRule = traceRule({ key: 'codeswap', anomaly: 'mismatch', title: '码与药品不符', what: '所属药品与登记药品不符' });
