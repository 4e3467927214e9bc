/**
 * 追溯码 rules: what scanning recorded as evidence (box_events.anomaly, written by the dispensing and sign-off
 * handlers, see stock/boxes.ts), and boxes dispensed past their expiry. One signal per clinic and month per rule;
 * its figure is the number of codes, so a dismissed month reopens when more such codes are scanned in it. Entries
 * reversed since count no more.
 */
import type { ReadDb } from '../../../db/database';
import { sql } from '../../../db/database';
import { makeFingerprint, type RuleKey, type Thresholds } from '../../../../shared/supervision';
import type { BoxAnomaly } from '../../../../shared/traceCodes';
import { clinicStoreList, monthSpan, monthsOf } from '../data';
import type { EvalWindow, Rule, Signal } from '../types';

interface TraceRuleSpec {
  key: RuleKey;
  title: string;
  what: string;
  /** Where the codes were scanned, for the rule text. */
  where?: string;
  /**
   * The scans that are evidence, one row each (code, drugId, ledgerId, date, note), with @clinic, the month's
   * @first and @last day and the thresholds' @grace days.
   */
  hits: string;
}

/** Scans the counter recorded with an anomaly, on dispensings not reversed since. */
const anomalyAtCounter = (anomaly: BoxAnomaly) =>
  `SELECT e.code, e.drug_id AS drugId, e.ledger_id AS ledgerId, e.business_date AS date, e.note
     FROM box_events e JOIN dispensings d ON d.id = e.doc_id AND e.doc_type = 'dispensing'
    WHERE e.anomaly = '${anomaly}' AND e.clinic_id = @clinic AND e.business_date BETWEEN @first AND @last AND d.status = 'posted'
    ORDER BY e.id`;

function traceRule(spec: TraceRuleSpec): Rule {
  return {
    key: spec.key,
    title: spec.title,
    describe: (t) =>
      `按自然月统计：村卫生室${spec.where ?? '用药登记时扫到'}的追溯码中，${spec.what}的码 ≥ ${t.minCodes} 个时报警（每个码的说明见信号详情；已冲销的用药登记不计）。`,
    evaluate(db: ReadDb, w: EvalWindow, t: Thresholds): Signal[] {
      const out: Signal[] = [];
      const rows = sql(db, spec.hits);
      for (const s of clinicStoreList(db, w.clinicId)) {
        for (const month of monthsOf(w.from, w.to)) {
          const span = monthSpan(month, w.to);
          const hits = rows.all({ clinic: s.clinicId, first: span.first, last: span.last, grace: t.graceDays ?? 0 }) as {
            code: string;
            drugId: number | null;
            ledgerId: number | null;
            date: string;
            note: string;
          }[];
          const codes = [...new Set(hits.map((h) => h.code))];
          if (codes.length < t.minCodes) continue;
          // A code scanned at sign-off may name no drug the hub knows (drug_id NULL): it counts, but names no drug.
          const drugs = [...new Set(hits.map((h) => h.drugId).filter((id): id is number => id !== null))].sort((a, b) => a - b);
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

export const dupCodeRule = traceRule({
  key: 'dupcode',
  title: '重复追溯码',
  what: '已销售、报损或退货后又被扫码销售',
  hits: anomalyAtCounter('duplicate_sale'),
});
export const strayRule = traceRule({ key: 'stray', title: '串货（码未配送到本室）', what: '从未配送到本室', hits: anomalyAtCounter('stray') });
export const outsideRule = traceRule({ key: 'outside', title: '体外采购（码未入库）', what: '卫生院从未入库', hits: anomalyAtCounter('unknown') });
export const codeSwapRule = traceRule({ key: 'codeswap', title: '码与药品不符', what: '所属药品与登记药品不符', hits: anomalyAtCounter('mismatch') });

/**
 * A box used on a patient after its expiry (有效期至 is the last day it may be used). Read from the boxes the
 * dispensing moved (scanned, or named as the opened box), so the date is the box's own batch's, not a guess.
 */
export const expiredRule = traceRule({
  key: 'expired',
  title: '过期药盒用药',
  what: '用药日期已过该盒有效期',
  hits: `SELECT e.code, e.drug_id AS drugId, e.ledger_id AS ledgerId, e.business_date AS date,
                printf('追溯码 %s 这盒药（批号 %s）有效期至 %s，%s 仍用于病人（过期 %d 天）', e.code, l.batch_no, l.expiry_date, e.business_date,
                       CAST(julianday(e.business_date) - julianday(l.expiry_date) AS INTEGER)) AS note
           FROM box_events e JOIN dispensings d ON d.id = e.doc_id AND e.doc_type = 'dispensing' JOIN lots l ON l.id = e.lot_id
          WHERE e.event = 'dispense' AND e.anomaly IS NULL AND e.clinic_id = @clinic AND e.business_date BETWEEN @first AND @last AND d.status = 'posted'
            AND julianday(e.business_date) - julianday(l.expiry_date) > @grace
          ORDER BY e.id`,
});

/**
 * A box the village doctor scanned at sign-off that the hub never issued to this clinic (not on the delivery,
 * and never on an earlier one to it): goods that came from elsewhere, mixed into the delivery. 'stray' does not
 * cover it: that rule reads the counter's scans, this one the sign-off's ('foreign').
 */
export const unissuedRule = traceRule({
  key: 'unissued',
  title: '签收到未配送的码',
  what: '卫生院从未配送给本室、却在签收时扫到',
  where: '签收配送单时扫到',
  hits: `SELECT e.code, e.drug_id AS drugId, e.ledger_id AS ledgerId, e.business_date AS date, e.note
           FROM box_events e
          WHERE e.anomaly = 'foreign' AND e.doc_type = 'delivery' AND e.clinic_id = @clinic AND e.business_date BETWEEN @first AND @last
            AND NOT EXISTS (SELECT 1 FROM box_events i WHERE i.code = e.code AND i.event = 'issue' AND i.anomaly IS NULL AND i.clinic_id = e.clinic_id
                                                      AND i.id < e.id)
          ORDER BY e.id`,
});
