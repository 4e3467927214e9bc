/**
 * 冷链药品在冷藏柜异常的一周里发出: a clinic dispensed a cold-chain drug (冷藏 or 冷冻) in a week its fridge was out
 * of range or not read (or it has no active fridge at all: nothing kept the drug cold that anyone recorded).
 * The patient may have received a spoiled drug; the hub checks the fridge, the log and the boxes left.
 * One signal per clinic and ISO week; its figure is excursions + missed slots, so it reopens when more appear.
 */
import type { ReadDb } from '../../../db/database';
import { sql } from '../../../db/database';
import { addDays } from '../../../../shared/dates';
import { formatTemp, READING_SLOT_LABELS } from '../../../../shared/gsp';
import { makeFingerprint, type Thresholds } from '../../../../shared/supervision';
import { activeAreas, tallyArea } from '../../storage/figures';
import { clinicStoreList, maxDate, minDate, mondayOf, monthsOf } from '../data';
import type { EvalWindow, Rule, Signal } from '../types';

/** Slots in a week with no fridge at all: two a day. */
const SLOTS_PER_WEEK = 14;

export const coldChainRule: Rule = {
  key: 'coldchain',
  title: '冷藏柜异常周发出冷链药品',
  describe: (t) =>
    `按周（周一至周日）统计：村卫生室登记了冷藏或冷冻药品的用药（≥ ${t.minLines} 条），而同一周本室冷藏柜的温湿度记录超出范围 ≥ ${t.minOutOfRange} 次，或缺记 ≥ ${t.minMissed} 个时段（每天上午、下午各一次；当天的缺记次日计入），或本室没有启用的冷藏柜时报警。`,
  evaluate(db: ReadDb, w: EvalWindow, t: Thresholds): Signal[] {
    const out: Signal[] = [];
    // The cold-chain drugs' rows only, sought per drug in ledger_card (store, drug, month): a few drugs of the month's
    // thousands of rows. One read per store and month, split into weeks here.
    const dispensed = sql(
      db,
      `SELECT g.id, g.business_date AS date, g.drug_id AS drugId FROM ledger g INDEXED BY ledger_card
         JOIN dispensings d ON d.id = g.doc_id AND g.doc_type = 'dispensing'
        WHERE g.store_id = ? AND g.drug_id IN (SELECT id FROM drugs WHERE storage_condition IN ('cold', 'frozen')) AND g.period = ?
          AND g.movement = 'dispense' AND g.business_date BETWEEN ? AND ? AND g.reverses_id IS NULL AND d.status = 'posted'
        ORDER BY g.id`,
    );
    const firstMonday = mondayOf(w.from);
    for (const s of clinicStoreList(db, w.clinicId)) {
      const fridges = activeAreas(db, [s.storeId], ['cold']);
      const byWeek = new Map<string, { id: number; date: string; drugId: number }[]>();
      for (const m of monthsOf(firstMonday, w.to)) {
        for (const line of dispensed.all(s.storeId, m, maxDate(firstMonday, `${m}-01`), minDate(w.to, `${m}-31`)) as {
          id: number;
          date: string;
          drugId: number;
        }[]) {
          const monday = mondayOf(line.date);
          const week = byWeek.get(monday);
          if (week) week.push(line);
          else byWeek.set(monday, [line]);
        }
      }
      for (let monday = firstMonday; monday <= w.to; monday = addDays(monday, 7)) {
        // like the weekly spike rule: a week that began before the window counts from its Monday
        const lines = byWeek.get(monday) ?? [];
        if (lines.length === 0 || lines.length < t.minLines) continue;
        // The whole week is judged, not only the part inside the window: a week is one signal.
        const weekEnd = addDays(monday, 6);
        const tallies = fridges.map((a) => tallyArea(db, a, monday, weekEnd, w.to));
        const excursions = tallies.flatMap((x) => x.outOfRange);
        const missed = fridges.length === 0 ? SLOTS_PER_WEEK : tallies.reduce((n, x) => n + x.missed.length, 0);
        const noFridge = fridges.length === 0;
        if (!noFridge && excursions.length < t.minOutOfRange && missed < t.minMissed) continue;
        const drugs = [...new Set(lines.map((l) => l.drugId))].sort((a, b) => a - b);
        const why = noFridge
          ? '本室没有启用的冷藏柜'
          : [
              excursions.length
                ? `冷藏柜超出范围 ${excursions.length} 次（${excursions.map((e) => `${e.date.slice(5)} ${READING_SLOT_LABELS[e.slot]} ${formatTemp(e.temperature)}`).join('、')}）`
                : '',
              missed ? `缺记 ${missed} 个时段` : '',
            ]
              .filter(Boolean)
              .join('，');
        out.push({
          fingerprint: makeFingerprint('coldchain', s.clinicId, [], monday),
          ruleKey: 'coldchain',
          clinicId: s.clinicId,
          storeId: s.storeId,
          drugIds: drugs,
          periodFrom: monday,
          periodTo: weekEnd,
          summary: `${monday} 这一周登记冷链药品用药 ${lines.length} 条（${drugs.length} 种药品），${why}`,
          numbers: [
            { label: '冷链药品用药条数', value: lines.length, unit: '条' },
            { label: '冷藏柜超出范围次数', value: excursions.length, unit: '次' },
            { label: '冷藏柜缺记时段', value: missed, unit: '个' },
          ],
          severity: excursions.length + missed,
          ledgerIds: lines.map((l) => l.id),
        });
      }
    }
    return out;
  },
};
