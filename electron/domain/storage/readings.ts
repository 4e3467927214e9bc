/**
 * Temperature and humidity log (温湿度记录) of every storage area, twice a day. Readings are append-only, like
 * the ledger: a correction is a new row pointing at the one it replaces, and the replaced row stays on the
 * printed sheet's list of corrections. A reading out of the area's range must say what was done about it; it
 * stays an open issue (workbench) until a later reading of the area is back in range. A slot whose time has
 * passed (plus two hours' grace) without a reading is a missed reading.
 */
import type { HandlerContext, WriteContext } from '../context';
import { assertClinicAccess, clinicScope } from '../scope';
import { sql, type ReadDb } from '../../db/database';
import { row as selectRow, rows as selectRows, given, sql as query } from '../../db/sql';
import { AppError, notFound } from '../../errors';
import type { MethodOutput, ParsedInput } from '../../../shared/contract';
import { addDays, periodBounds } from '../../../shared/dates';
import { type AreaKind, formatTemp, READING_SLOT_LABELS, type ReadingSlot } from '../../../shared/gsp';
import { gspSettings } from '../gsp/settings';

/** How far back a reading may be entered (a forgotten paper note typed in later), in days. */
const BACKFILL_DAYS = 7;
/** Grace after a slot's time before it counts as missed, in minutes. */
const GRACE_MINUTES = 120;

const AREA_SELECT = query`SELECT a.id, a.store_id AS storeId, s.name AS storeName, s.clinic_id AS clinicId, a.name, a.kind,
    a.temp_min AS tempMin, a.temp_max AS tempMax, a.rh_min AS rhMin, a.rh_max AS rhMax, a.active, a.created_at AS createdAt
  FROM storage_areas a JOIN stores s ON s.id = a.store_id LEFT JOIN clinics c ON c.id = s.clinic_id`;

interface AreaRow {
  id: number;
  storeId: number;
  storeName: string;
  clinicId: number | null;
  name: string;
  kind: AreaKind;
  tempMin: number;
  tempMax: number;
  rhMin: number;
  rhMax: number;
  active: number | boolean;
  createdAt: string;
}

const toArea = ({ createdAt: _c, ...a }: AreaRow) => ({ ...a, active: a.active === 1 || a.active === true });

function loadArea(ctx: HandlerContext, areaId: number): AreaRow {
  const area = selectRow<AreaRow>(ctx.db, query`${AREA_SELECT} WHERE a.id = ${areaId}`);
  if (!area) throw notFound('储存区');
  assertClinicAccess(ctx, area.clinicId);
  return area;
}

export function listAreas(ctx: HandlerContext, input: ParsedInput<'storage.areas'>) {
  const clinicId = clinicScope(ctx);
  const filters = query.where([
    ...given(clinicId, (id) => query`s.clinic_id = ${id}`),
    ...given(input.storeId, (id) => query`a.store_id = ${id}`),
    query`(s.clinic_id IS NULL OR c.active = 1)`,
  ]);
  return selectRows<AreaRow>(ctx.db, query`${AREA_SELECT} ${filters} ORDER BY s.clinic_id IS NOT NULL, c.code, a.name`).map(toArea);
}

export function saveArea(ctx: WriteContext, input: ParsedInput<'storage.saveArea'>) {
  const db = ctx.db;
  const store = sql(db, 'SELECT kind FROM stores WHERE id = ?').get(input.storeId) as { kind: string } | undefined;
  if (!store) throw notFound('库房');
  if (store.kind === 'transit') throw new AppError('VALIDATION', '在途库房没有储存区', [{ path: 'storeId', message: '请选择中心药库或村卫生室' }]);
  const clash = sql(db, 'SELECT id FROM storage_areas WHERE store_id = ? AND name = ? AND id <> ?').get(input.storeId, input.name, input.id ?? 0);
  if (clash) throw new AppError('DUPLICATE', `该库房已有名为“${input.name}”的储存区`, [{ path: 'name', message: '名称重复' }]);
  let areaId = input.id;
  if (areaId === undefined) {
    const { lastInsertRowid } = sql(
      db,
      'INSERT INTO storage_areas (store_id, name, kind, temp_min, temp_max, rh_min, rh_max, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(input.storeId, input.name, input.kind, input.tempMin, input.tempMax, input.rhMin, input.rhMax, input.active ? 1 : 0, ctx.now.toISOString());
    areaId = Number(lastInsertRowid);
  } else {
    const before = loadArea(ctx, areaId);
    if (before.storeId !== input.storeId) throw new AppError('VALIDATION', '储存区不能移到另一个库房', [{ path: 'storeId', message: '不能更换库房' }]);
    // Earlier readings keep the verdict they were given (in_range is stored with each), so a new range
    // never rewrites the log.
    sql(db, 'UPDATE storage_areas SET name = ?, kind = ?, temp_min = ?, temp_max = ?, rh_min = ?, rh_max = ?, active = ? WHERE id = ?').run(
      input.name,
      input.kind,
      input.tempMin,
      input.tempMax,
      input.rhMin,
      input.rhMax,
      input.active ? 1 : 0,
      areaId,
    );
  }
  ctx.audit.target = `storage_area:${areaId}`;
  return toArea(loadArea(ctx, areaId));
}

/** 'HH:MM' in China time. */
function chinaClock(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(11, 16);
}

function minutes(clock: string): number {
  return Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
}

export function currentSlot(now: Date): ReadingSlot {
  return minutes(chinaClock(now)) < 13 * 60 ? 'am' : 'pm';
}

const READING_SELECT = `SELECT r.id, r.area_id AS areaId, r.reading_date AS readingDate, r.slot, r.read_at AS readAt, r.temperature, r.humidity,
    r.in_range AS inRange, r.action, r.corrects_id AS correctsId, r.correction_reason AS correctionReason, u.display_name AS recordedByName,
    r.recorded_at AS recordedAt, r.logger_reading_id IS NOT NULL AS fromLogger,
    EXISTS (SELECT 1 FROM env_readings x WHERE x.corrects_id = r.id) AS corrected
  FROM env_readings r JOIN users u ON u.id = r.recorded_by`;

/** A row of READING_SELECT (SQLite gives its flags as 0 / 1). */
interface ReadingRow {
  id: number;
  areaId: number;
  readingDate: string;
  slot: ReadingSlot;
  readAt: string;
  temperature: number;
  humidity: number;
  inRange: number;
  action: string | null;
  correctsId: number | null;
  correctionReason: string | null;
  recordedByName: string;
  recordedAt: string;
  fromLogger: number;
  corrected: number;
}

const toReading = ({ corrected: _c, ...r }: ReadingRow) => ({ ...r, inRange: r.inRange === 1, fromLogger: r.fromLogger === 1 });

export function recordReading(ctx: WriteContext, input: ParsedInput<'storage.record'>) {
  const db = ctx.db;
  const area = loadArea(ctx, input.areaId);
  if (!area.active) throw new AppError('BUSINESS_RULE', `储存区“${area.name}”已停用，不再记录`);
  const date = input.readingDate ?? ctx.today;
  if (date > ctx.today) throw new AppError('VALIDATION', `日期 ${date} 晚于今天`, [{ path: 'readingDate', message: '不能晚于今天' }]);
  if (date < addDays(ctx.today, -BACKFILL_DAYS)) {
    throw new AppError('VALIDATION', `只能补记 ${BACKFILL_DAYS} 天内的温湿度（${date} 已超过）`, [
      { path: 'readingDate', message: `最多补记 ${BACKFILL_DAYS} 天` },
    ]);
  }
  const slot = input.slot ?? currentSlot(ctx.now);
  const current = sql(db, `${READING_SELECT} WHERE r.area_id = ? AND r.reading_date = ? AND r.slot = ? AND NOT corrected`).get(area.id, date, slot) as
    | ReadingRow
    | undefined;
  if (input.correctsId !== undefined) {
    if (!input.correctionReason) throw new AppError('VALIDATION', '更正记录请写明更正原因', [{ path: 'correctionReason', message: '请填写更正原因' }]);
    if (!current || current.id !== input.correctsId) {
      throw new AppError('INVALID_STATE', '要更正的记录不是该储存区这一时段的有效记录（可能已被更正）');
    }
  } else if (current) {
    throw new AppError('DUPLICATE', `${area.name} ${date} ${READING_SLOT_LABELS[slot]}已有记录；如有错误请更正该记录`);
  }
  const inRange = input.temperature >= area.tempMin && input.temperature <= area.tempMax && input.humidity >= area.rhMin && input.humidity <= area.rhMax;
  if (!inRange && !input.action) {
    throw new AppError(
      'VALIDATION',
      `${area.name}温度 ${formatTemp(input.temperature)}、湿度 ${input.humidity}% 超出范围（${formatTemp(area.tempMin)}–${formatTemp(area.tempMax)}，${area.rhMin}–${area.rhMax}%），请填写采取的措施`,
      [{ path: 'action', message: '超出范围，请填写采取的措施' }],
    );
  }
  const settings = gspSettings(db);
  // Read now, or (entered later from a paper note, or the other half of the day) at the slot's usual time.
  const readAt = date === ctx.today && slot === currentSlot(ctx.now) ? chinaClock(ctx.now) : slot === 'am' ? settings.amTime : settings.pmTime;
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO env_readings (area_id, reading_date, slot, read_at, temperature, humidity, in_range, action, corrects_id, correction_reason, recorded_by, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    area.id,
    date,
    slot,
    readAt,
    input.temperature,
    input.humidity,
    inRange ? 1 : 0,
    input.action,
    input.correctsId ?? null,
    input.correctsId !== undefined ? input.correctionReason : null,
    ctx.user.id,
    ctx.now.toISOString(),
  );
  ctx.audit.target = `storage_area:${area.id}`;
  ctx.audit.clinicId = area.clinicId;
  return toReading(sql(db, `${READING_SELECT} WHERE r.id = ?`).get(Number(lastInsertRowid)) as ReadingRow);
}

/** Whether a slot of a day had passed (with grace) at `now`. */
function slotPassed(date: string, slot: ReadingSlot, today: string, nowClock: string, times: { amTime: string; pmTime: string }): boolean {
  if (date < today) return true;
  if (date > today) return false;
  return minutes(nowClock) > minutes(slot === 'am' ? times.amTime : times.pmTime) + GRACE_MINUTES;
}

function effectiveReadings(db: ReadDb, areaId: number, from: string, to: string): ReadingRow[] {
  return sql(db, `${READING_SELECT} WHERE r.area_id = ? AND r.reading_date BETWEEN ? AND ? ORDER BY r.reading_date, r.slot, r.id`).all(
    areaId,
    from,
    to,
  ) as ReadingRow[];
}

type Cell = { reading: ReturnType<typeof toReading> | null; missed: boolean };

/** Each day's two cells from `from` to `to` (never before the area existed, never after today). */
function dayCells(db: ReadDb, area: AreaRow, from: string, to: string, today: string, now: Date) {
  const times = gspSettings(db);
  const nowClock = chinaClock(now);
  const all = effectiveReadings(db, area.id, from, to);
  const live = all.filter((r) => !r.corrected);
  const created = area.createdAt.slice(0, 10);
  const days: { date: string; am: Cell; pm: Cell }[] = [];
  for (let d = from; d <= to && d <= today; d = addDays(d, 1)) {
    const cell = (slot: ReadingSlot): Cell => {
      const reading = live.find((r) => r.readingDate === d && r.slot === slot);
      return { reading: reading ? toReading(reading) : null, missed: !reading && d >= created && slotPassed(d, slot, today, nowClock, times) };
    };
    days.push({ date: d, am: cell('am'), pm: cell('pm') });
  }
  return { days, corrections: all.filter((r) => r.corrected).map(toReading) };
}

export function areaLog(ctx: HandlerContext, input: ParsedInput<'storage.log'>) {
  const area = loadArea(ctx, input.areaId);
  const { first, last } = periodBounds(input.period);
  const { days, corrections } = dayCells(ctx.db, area, first, last, ctx.today, ctx.now);
  const cells = days.flatMap((d) => [d.am, d.pm]);
  return {
    area: toArea(area),
    days,
    corrections,
    outOfRange: cells.filter((c) => c.reading && !c.reading.inRange).length,
    missed: cells.filter((c) => c.missed).length,
  };
}

/** What is open for the areas a caller sees: excursions not yet followed by a reading in range, and missed slots. */
export function storageToday(ctx: HandlerContext, input: ParsedInput<'storage.today'>): MethodOutput<'storage.today'> {
  const clinicId = clinicScope(ctx, input.clinicId);
  const filters = query.where([query`a.active = 1`, ...given(clinicId, (id) => query`s.clinic_id = ${id}`), query`(s.clinic_id IS NULL OR c.active = 1)`]);
  const areas = selectRows<AreaRow>(ctx.db, query`${AREA_SELECT} ${filters} ORDER BY s.clinic_id IS NOT NULL, c.code, a.name`).filter(
    (a) => clinicId === null || a.clinicId === clinicId,
  );
  const from = addDays(ctx.today, -(BACKFILL_DAYS - 1));
  const issues: MethodOutput<'storage.today'>['issues'] = [];
  const rows = areas.map((area) => {
    const { days } = dayCells(ctx.db, area, from, ctx.today, ctx.today, ctx.now);
    const cells = days.flatMap((d) => [
      { date: d.date, slot: 'am' as const, ...d.am },
      { date: d.date, slot: 'pm' as const, ...d.pm },
    ]);
    const base = { areaId: area.id, areaName: area.name, storeName: area.storeName, clinicId: area.clinicId };
    cells.forEach((c, i) => {
      if (c.missed) issues.push({ kind: 'missed', ...base, readingDate: c.date, slot: c.slot, detail: `${READING_SLOT_LABELS[c.slot]}未记录` });
      const r = c.reading;
      if (r && !r.inRange && !cells.slice(i + 1).some((later) => later.reading?.inRange)) {
        issues.push({
          kind: 'out_of_range',
          ...base,
          readingDate: c.date,
          slot: c.slot,
          detail: `温度 ${formatTemp(r.temperature)}、湿度 ${r.humidity}%（范围 ${formatTemp(area.tempMin)}–${formatTemp(area.tempMax)}，${area.rhMin}–${area.rhMax}%）；措施：${r.action ?? ''}`,
        });
      }
    });
    const today = days[days.length - 1] ?? { am: { reading: null, missed: false }, pm: { reading: null, missed: false } };
    return { ...toArea(area), am: today.am, pm: today.pm };
  });
  return { date: ctx.today, currentSlot: currentSlot(ctx.now), areas: rows, issues };
}
