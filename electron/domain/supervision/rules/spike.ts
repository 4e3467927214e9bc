/**
 * 用药量突增: a clinic's weekly dispensing of a drug far above its own history, by robust z-score.
 * Weeks are calendar weeks (Monday–Sunday); the last week of the window counts up to the window's end.
 */
import type { ReadDb } from '../../../db/database';
import { addDays, daysBetween } from '../../../../shared/dates';
import { makeFingerprint, type Thresholds } from '../../../../shared/supervision';
import { clinicStoreList, ledgerIds, minDate, mondayOf, robustZ, round2, weeklyDispensing } from '../data';
import type { EvalWindow, Rule, Signal } from '../types';

export const spikeRule: Rule = {
  key: 'spike',
  title: '用药量突增',
  describe: (t) =>
    `按自然周统计村卫生室每种药品的用药登记量，与本室该药此前 ${t.historyWeeks} 周中有用药的各周周用量比较（无用药的周多为断货，不计入）：稳健 Z 值 = 0.6745 ×（本周用量 − 历史中位数）÷ 绝对中位差（MAD）。` +
    `当 Z ≥ ${t.zThreshold}、本周用量 ≥ 历史中位数的 ${t.minRatio} 倍且 ≥ ${t.minQty}（最小单位）时报警；历史中有用药的周少于 ${t.minActiveWeeks} 周的药品不评估。` +
    'MAD 为 0 时以平均绝对偏差 × 1.2533 代替。',
  evaluate(db: ReadDb, w: EvalWindow, t: Thresholds): Signal[] {
    const stores = clinicStoreList(db, w.clinicId);
    const firstWeek = mondayOf(w.from);
    const histFrom = addDays(firstWeek, -7 * t.historyWeeks);
    const nWeeks = Math.floor(daysBetween(histFrom, w.to) / 7) + 1;
    const series = new Map<string, number[]>(); // storeId:drugId → weekly qty
    for (const r of weeklyDispensing(db, stores, histFrom, w.to, { live: w.live })) {
      const s = new Array<number>(nWeeks).fill(0);
      for (const [week, qty] of r.weeks) s[week] += qty;
      series.set(`${r.storeId}:${r.drugId}`, s);
    }
    const clinicOf = new Map(stores.map((s) => [s.storeId, s.clinicId]));
    const out: Signal[] = [];
    for (const [k, weeks] of series) {
      const [storeId, drugId] = k.split(':').map(Number);
      for (let i = t.historyWeeks; i < nWeeks; i++) {
        const x = weeks[i];
        if (x < t.minQty) continue;
        // Weeks without any dispensing (often the drug was out of stock) say nothing of the usual rate.
        const history = weeks.slice(i - t.historyWeeks, i).filter((v) => v > 0);
        if (history.length < t.minActiveWeeks) continue;
        const { median, mad, z } = robustZ(x, history);
        if (x < t.minRatio * Math.max(median, 1)) continue;
        if (z !== null && z < t.zThreshold) continue;
        const weekStart = addDays(histFrom, 7 * i);
        const weekEnd = minDate(addDays(weekStart, 6), w.to);
        const clinicId = clinicOf.get(storeId)!;
        out.push({
          fingerprint: makeFingerprint('spike', clinicId, [drugId], weekStart),
          ruleKey: 'spike',
          clinicId,
          storeId,
          drugIds: [drugId],
          periodFrom: weekStart,
          periodTo: weekEnd,
          summary: `${weekStart} 起一周用药 ${x}，为此前有用药各周中位数 ${round2(median)} 的 ${round2(x / Math.max(median, 1))} 倍，稳健 Z 值 ${z === null ? '∞' : round2(z)}`,
          numbers: [
            { label: '本周用量', value: x, unit: '最小单位' },
            { label: '历史周用量中位数', value: round2(median), unit: '最小单位' },
            { label: '绝对中位差 MAD', value: round2(mad), unit: '最小单位' },
            { label: '稳健 Z 值', value: z === null ? null : round2(z), unit: '' },
            { label: '倍数', value: round2(x / Math.max(median, 1)), unit: '倍' },
          ],
          severity: x,
          ledgerIds: w.evidence === false ? [] : ledgerIds(db, storeId, drugId, ['dispense'], weekStart, weekEnd),
        });
      }
    }
    return out;
  },
};
