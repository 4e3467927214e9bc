/**
 * Tallies of the temperature and humidity log over a span of days, for supervision: per storage area, the live
 * readings out of range and the slots nobody read (a day counts from the day the area was created). Days are
 * whole days before `missedBefore`: a slot of the day still under way is not missed yet.
 */
import { sql, type ReadDb } from '../../db/database';
import { addDays, periodBounds } from '../../../shared/dates';
import { READING_SLOTS, type AreaKind, type ReadingSlot } from '../../../shared/gsp';

export interface StoreArea {
  id: number;
  storeId: number;
  clinicId: number | null;
  name: string;
  kind: AreaKind;
  createdOn: string;
}

export interface AreaTally {
  area: StoreArea;
  outOfRange: { readingId: number; date: string; slot: ReadingSlot; temperature: number; humidity: number; action: string | null }[];
  missed: { date: string; slot: ReadingSlot }[];
}

export function activeAreas(db: ReadDb, storeIds: number[], kinds?: readonly AreaKind[]): StoreArea[] {
  if (storeIds.length === 0) return [];
  const rows = sql(
    db,
    `SELECT a.id, a.store_id AS storeId, s.clinic_id AS clinicId, a.name, a.kind, substr(a.created_at, 1, 10) AS createdOn
       FROM storage_areas a JOIN stores s ON s.id = a.store_id
      WHERE a.active = 1 AND a.store_id IN (${storeIds.map(() => '?').join(',')}) ORDER BY a.store_id, a.name`,
  ).all(...storeIds) as StoreArea[];
  return kinds ? rows.filter((a) => kinds.includes(a.kind)) : rows;
}

export function tallyArea(db: ReadDb, area: StoreArea, from: string, to: string, missedBefore: string): AreaTally {
  const live = sql(
    db,
    `SELECT r.id, r.reading_date AS date, r.slot, r.temperature, r.humidity, r.in_range AS inRange, r.action FROM env_readings r
      WHERE r.area_id = ? AND r.reading_date BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM env_readings x WHERE x.corrects_id = r.id)`,
  ).all(area.id, from, to) as { id: number; date: string; slot: ReadingSlot; temperature: number; humidity: number; inRange: number; action: string | null }[];
  const read = new Set(live.map((r) => `${r.date}:${r.slot}`));
  const missed: AreaTally['missed'] = [];
  for (let d = from > area.createdOn ? from : area.createdOn; d <= to && d < missedBefore; d = addDays(d, 1)) {
    for (const slot of READING_SLOTS) if (!read.has(`${d}:${slot}`)) missed.push({ date: d, slot });
  }
  return {
    area,
    outOfRange: live
      .filter((r) => r.inRange !== 1)
      .map((r) => ({ readingId: r.id, date: r.date, slot: r.slot, temperature: r.temperature, humidity: r.humidity, action: r.action })),
    missed,
  };
}

/**
 * Missed and out-of-range readings of every clinic's active areas, per month of [first, last] (三保 dashboard):
 * what the hub's supervisor looks at first, with each area's counts to drill down to its log.
 */
export function clinicLogFigures(db: ReadDb, clinics: { clinicId: number; storeId: number }[], periods: string[], first: string, last: string, today: string) {
  const areas = activeAreas(
    db,
    clinics.map((c) => c.storeId),
  );
  return clinics.map((c) => {
    const mine = areas.filter((a) => a.storeId === c.storeId);
    const months = periods.map((period) => {
      const month = periodBounds(period);
      const from = month.first > first ? month.first : first;
      const to = month.last < last ? month.last : last;
      const tallies = mine.map((a) => tallyArea(db, a, from, to, today));
      return {
        period,
        outOfRange: tallies.reduce((n, t) => n + t.outOfRange.length, 0),
        missed: tallies.reduce((n, t) => n + t.missed.length, 0),
        areas: tallies.map((t) => ({ areaId: t.area.id, areaName: t.area.name, outOfRange: t.outOfRange.length, missed: t.missed.length })),
      };
    });
    return {
      clinicId: c.clinicId,
      areaCount: mine.length,
      hasFridge: mine.some((a) => a.kind === 'cold'),
      outOfRange: months.reduce((n, m) => n + m.outOfRange, 0),
      missed: months.reduce((n, m) => n + m.missed, 0),
      months,
    };
  });
}
