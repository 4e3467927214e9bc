/**
 * 休息日用药: dispensing booked on a day the clinic is closed (its weekly rest days and holidays, set by the
 * hub). A clinic without a schedule is open every day, so the rule stays quiet until one is configured.
 */
import type { ReadDb } from '../../../db/database';
import { sql } from '../../../db/database';
import { rows as selectRows, given, sql as query } from '../../../db/sql';
import { periodOf } from '../../../../shared/dates';
import { isoWeekday, makeFingerprint, type Thresholds } from '../../../../shared/supervision';
import { clinicStoreList, monthSpan, monthsOf } from '../data';
import type { EvalWindow, Rule, Signal } from '../types';

export interface ClinicSchedule {
  restWeekdays: number[];
  holidays: Set<string>;
}

export function clinicSchedules(db: ReadDb, clinicId: number | null): Map<number, ClinicSchedule> {
  const out = new Map<number, ClinicSchedule>();
  const ofClinic = query.where(given(clinicId, (id) => query`clinic_id = ${id}`));
  for (const r of selectRows<{ clinicId: number; rest: string }>(
    db,
    query`SELECT clinic_id AS clinicId, rest_weekdays AS rest FROM clinic_schedules ${ofClinic}`,
  )) {
    out.set(r.clinicId, { restWeekdays: r.rest ? r.rest.split(',').map(Number) : [], holidays: new Set() });
  }
  for (const r of selectRows<{ clinicId: number; date: string }>(db, query`SELECT clinic_id AS clinicId, date FROM clinic_holidays ${ofClinic}`)) {
    let s = out.get(r.clinicId);
    if (!s) out.set(r.clinicId, (s = { restWeekdays: [], holidays: new Set() }));
    s.holidays.add(r.date);
  }
  return out;
}

export function isClosed(s: ClinicSchedule | undefined, date: string): boolean {
  return !!s && (s.restWeekdays.includes(isoWeekday(date)) || s.holidays.has(date));
}

export const closedRule: Rule = {
  key: 'closed',
  title: '休息日用药',
  describe: (t) => `按自然月统计：村卫生室在其设置的每周休息日或节假日登记用药（业务日期），记录 ≥ ${t.minLines} 条时报警。未设置休息日的卫生室不评估。`,
  evaluate(db: ReadDb, w: EvalWindow, t: Thresholds): Signal[] {
    const out: Signal[] = [];
    const schedules = clinicSchedules(db, w.clinicId);
    const rows = sql(
      db,
      `SELECT g.id, g.business_date AS date, g.drug_id AS drugId FROM ledger g JOIN dispensings d ON d.id = g.doc_id AND g.doc_type = 'dispensing'
        WHERE g.period = ? AND g.store_id = ? AND g.movement = 'dispense' AND g.business_date BETWEEN ? AND ? AND g.reverses_id IS NULL AND d.status = 'posted'
        ORDER BY g.id`,
    );
    for (const s of clinicStoreList(db, w.clinicId)) {
      const schedule = schedules.get(s.clinicId);
      if (!schedule || (schedule.restWeekdays.length === 0 && schedule.holidays.size === 0)) continue;
      for (const month of monthsOf(w.from, w.to)) {
        const span = monthSpan(month, w.to);
        const hits = (rows.all(periodOf(span.first), s.storeId, span.first, span.last) as { id: number; date: string; drugId: number }[]).filter((r) =>
          isClosed(schedule, r.date),
        );
        if (hits.length < t.minLines) continue;
        const days = [...new Set(hits.map((h) => h.date))].sort();
        const drugs = [...new Set(hits.map((h) => h.drugId))].sort((a, b) => a - b);
        out.push({
          fingerprint: makeFingerprint('closed', s.clinicId, [], month),
          ruleKey: 'closed',
          clinicId: s.clinicId,
          storeId: s.storeId,
          drugIds: drugs,
          periodFrom: span.first,
          periodTo: span.last,
          summary: `${month} 有 ${days.length} 个休息日登记了用药：${days.join('、')}，共 ${hits.length} 条记录、${drugs.length} 种药品`,
          numbers: [
            { label: '休息日天数', value: days.length, unit: '天' },
            { label: '用药记录条数', value: hits.length, unit: '条' },
            { label: '涉及药品种数', value: drugs.length, unit: '种' },
          ],
          severity: hits.length,
          ledgerIds: hits.map((h) => h.id),
        });
      }
    }
    return out;
  },
};
