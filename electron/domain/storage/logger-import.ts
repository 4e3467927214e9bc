/**
 * Importing a hub area's temperature logger file (温湿度记录仪): read on the lib/sheets worker, the time,
 * temperature and humidity columns found by header (or as the user mapped them), every row checked. Every
 * logged row is kept (append-only, one per area and minute: the same file twice adds nothing). The row nearest
 * each am/pm slot's time (gsp settings), within two hours, becomes that slot's reading when the slot has none,
 * marked as taken from the logger. An out-of-range one follows the rule of a hand-written reading: it is written
 * only with the action taken (given per slot with the import); without one the slot stays empty and is listed.
 */
import { sql, type ReadDb, type WriteDb } from '../../db/database';
import { checkColumnMapping } from '../import-mapping';
import { AppError, notFound } from '../../errors';
import {
  columnLetter,
  columnName,
  dataRowsInSlices,
  FORMAT_LABELS,
  planSheets,
  readFieldCell,
  type ColumnMapping,
  type FieldSpec,
  type Sheet,
} from '../../lib/sheets';
import type { ReadableHub } from '../ports';
import type { ReceivedFile } from '../uploaded-file';
import type { LoggerMapping } from '../../../shared/contract/gsp';
import {
  LOGGER_COLUMN_BY_FIELD,
  LOGGER_COLUMNS,
  LOGGER_FIELDS,
  LOGGER_SLOT_WINDOW_MINUTES,
  parseLoggerHumidity,
  parseLoggerTemp,
  type LoggerField,
  type ReadingSlot,
} from '../../../shared/gsp';
import { parseDateTimeText } from '../../../shared/sheet-values';
import { gspSettings } from '../gsp/settings';
import { readUploadedWorkbook } from '../uploaded-workbook';

const MAX_ISSUES = 2000;

const SPECS: FieldSpec<LoggerField>[] = LOGGER_COLUMNS.map((c) => ({
  field: c.field,
  label: c.label,
  aliases: [c.label, ...c.aliases],
  expects: c.field === 'measuredAt' ? 'datetime' : 'number',
  validate:
    c.field === 'measuredAt'
      ? (v, text) => parseDateTimeText(typeof v === 'string' ? v : text).ok
      : c.field === 'temperature'
        ? (v, text) => parseLoggerTemp(typeof v === 'number' ? v : text) !== null
        : (v, text) => parseLoggerHumidity(typeof v === 'number' ? v : text) !== null,
  required: true,
}));

export interface LoggerFile {
  fileName: string;
  sha256: string;
  format: string;
  sheet: Sheet;
  headerRow: number;
  headers: { col: number; text: string }[];
  columns: Partial<Record<LoggerField, number>>;
  rows: number[];
}

export async function readLoggerFile(hub: ReadableHub, file: ReceivedFile, given: LoggerMapping | undefined): Promise<LoggerFile> {
  const read = await readUploadedWorkbook(hub, file);
  // One known header is enough: the user maps the other columns (a device's own names, T1/H1).
  const plan = planSheets(read.workbook, SPECS, { minFields: 1 });
  const first = plan.taken[0];
  const sheet = first?.sheet ?? read.workbook.sheets.find((s) => s.rowCount > 0);
  // Headers that name nothing known: the user's mapping reads the first row as the header.
  if (!sheet || (!first && !given)) {
    throw new AppError('VALIDATION', `${file.filename}：没有找到记录仪数据的表头。前 30 行中应有一行列名，如 时间、温度、湿度；或在列映射中指定各列`);
  }
  const base: ColumnMapping<LoggerField> = first?.mapping ?? {
    sheet: sheet.name,
    headerRow: 1,
    columns: {},
    choices: [],
    missingRequired: [...LOGGER_FIELDS],
    unknown: [],
    hiddenColumns: [],
  };
  const headerRow = first?.header.row ?? 1;
  const headers = first
    ? first.header.cells.map((c) => ({ col: c.col, text: c.text }))
    : Array.from({ length: sheet.columnCount }, (_, i) => ({ col: i + 1, text: sheet.text(1, i + 1).trim() })).filter((h) => h.text);
  const columns = given ? checkColumnMapping(sheet.columnCount, LOGGER_FIELDS, (f) => LOGGER_COLUMN_BY_FIELD[f].label, given) : { ...base.columns };
  const data = await dataRowsInSlices(sheet, { ...base, columns });
  return {
    fileName: file.filename,
    sha256: read.sha256,
    format: FORMAT_LABELS[read.workbook.format],
    sheet,
    headerRow,
    headers,
    columns,
    // An exact copy of a row is the same reading: counted once.
    rows: data.rows,
  };
}

const missingRequired = (file: LoggerFile) => LOGGER_FIELDS.filter((f) => file.columns[f] == null);

function assertMappable(file: LoggerFile): void {
  const missing = missingRequired(file);
  if (missing.length) {
    throw new AppError(
      'VALIDATION',
      `${file.fileName}：没有${missing.map((f) => `“${LOGGER_COLUMN_BY_FIELD[f].label}”`).join('、')}所在的列：请在列映射中指定`,
      missing.map((f) => ({ path: `mapping.${f}`, message: '必须指定' })),
    );
  }
}

export interface LoggerArea {
  id: number;
  name: string;
  tempMin: number;
  tempMax: number;
  rhMin: number;
  rhMax: number;
}

/** A hub area, active: a clinic's fridge has no logger import (its doctor writes the log by hand). */
export function loggerArea(db: ReadDb, areaId: number): LoggerArea {
  const area = sql(
    db,
    `SELECT a.id, a.name, a.temp_min AS tempMin, a.temp_max AS tempMax, a.rh_min AS rhMin, a.rh_max AS rhMax, a.active, s.clinic_id AS clinicId
       FROM storage_areas a JOIN stores s ON s.id = a.store_id WHERE a.id = ?`,
  ).get(areaId) as (LoggerArea & { active: number; clinicId: number | null }) | undefined;
  if (!area) throw notFound('储存区');
  if (area.clinicId !== null)
    throw new AppError('VALIDATION', `“${area.name}”是村卫生室的储存区：记录仪数据只能导入卫生院的储存区`, [
      { path: 'areaId', message: '请选择卫生院的储存区' },
    ]);
  if (!area.active) throw new AppError('BUSINESS_RULE', `储存区“${area.name}”已停用，不再记录`);
  return { id: area.id, name: area.name, tempMin: area.tempMin, tempMax: area.tempMax, rhMin: area.rhMin, rhMax: area.rhMax };
}

interface Outcome {
  row: number;
  action: 'new' | 'known' | 'error';
  measuredAt: string | null;
  temperature: number | null;
  humidity: number | null;
  inRange: boolean;
  knownId: number | null;
  issues: { column: string; reason: string }[];
}

/** 'YYYY-MM-DD HH:MM' in China time. */
const chinaMinute = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

function evaluate(db: ReadDb, area: LoggerArea, file: LoggerFile, now: Date): Outcome[] {
  const header = (f: LoggerField) => {
    const col = file.columns[f]!;
    return columnName(col, file.headers.find((h) => h.col === col)?.text ?? LOGGER_COLUMN_BY_FIELD[f].label);
  };
  const nowMinute = chinaMinute(now);
  const existing = sql(db, 'SELECT id, temperature, humidity FROM logger_readings WHERE area_id = ? AND measured_at = ?');
  const seen = new Map<string, number>();
  return file.rows.map((row) => {
    const issues: Outcome['issues'] = [];
    const cell = (f: LoggerField) => {
      const c = readFieldCell(file.sheet, row, file.columns[f]!, { expects: f === 'measuredAt' ? 'datetime' : 'number' });
      if (c.problem) issues.push({ column: header(f), reason: c.problem });
      else if (c.text.trim() === '') issues.push({ column: header(f), reason: '不能为空' });
      else return c;
      return null;
    };
    let measuredAt: string | null = null;
    const at = cell('measuredAt');
    if (at) {
      const parsed = parseDateTimeText(typeof at.value === 'string' ? at.value : at.text.trim());
      if (!parsed.ok || !parsed.value) issues.push({ column: header('measuredAt'), reason: `“${at.text.trim()}”不是日期时间（应如 2026-03-01 08:00）` });
      else if (parsed.value.slice(0, 16) > nowMinute) issues.push({ column: header('measuredAt'), reason: `${parsed.value.slice(0, 16)} 晚于现在` });
      else measuredAt = parsed.value.slice(0, 16);
    }
    let temperature: number | null = null;
    const t = cell('temperature');
    if (t) {
      temperature = parseLoggerTemp(typeof t.value === 'number' ? t.value : t.text.trim());
      if (temperature === null || temperature < -500 || temperature > 600) {
        issues.push({ column: header('temperature'), reason: `“${t.text.trim()}”不是温度（℃，如 5.2；应在 −50 至 60 ℃ 之间）` });
        temperature = null;
      }
    }
    let humidity: number | null = null;
    const h = cell('humidity');
    if (h) {
      humidity = parseLoggerHumidity(typeof h.value === 'number' ? h.value : h.text.trim());
      if (humidity === null) issues.push({ column: header('humidity'), reason: `“${h.text.trim()}”不是相对湿度（%RH，0–100，如 56）` });
    }
    let knownId: number | null = null;
    if (measuredAt && temperature !== null && humidity !== null) {
      const earlier = seen.get(measuredAt);
      if (earlier !== undefined) issues.push({ column: header('measuredAt'), reason: `与第 ${earlier} 行是同一分钟 ${measuredAt}：每分钟只能有一个读数` });
      else seen.set(measuredAt, row);
      const before = existing.get(area.id, measuredAt) as { id: number; temperature: number; humidity: number } | undefined;
      if (before && (before.temperature !== temperature || before.humidity !== humidity)) {
        issues.push({
          column: header('measuredAt'),
          reason: `${measuredAt} 已导入过不同的读数（温度 ${before.temperature / 10} ℃、湿度 ${before.humidity}%）：读数只增不改`,
        });
      } else if (before) knownId = before.id;
    }
    const inRange =
      temperature !== null &&
      humidity !== null &&
      temperature >= area.tempMin &&
      temperature <= area.tempMax &&
      humidity >= area.rhMin &&
      humidity <= area.rhMax;
    const action = issues.length ? 'error' : knownId !== null ? 'known' : 'new';
    return { row, action, measuredAt, temperature, humidity, inRange, knownId, issues };
  });
}

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

export interface SlotChoice {
  readingDate: string;
  slot: ReadingSlot;
  measuredAt: string;
  temperature: number;
  humidity: number;
  inRange: boolean;
  status: 'fill' | 'needsAction' | 'taken';
  outcome: Outcome;
}

/**
 * For each day and slot the file covers, the row nearest the slot's time within the window (the earlier of two
 * equally near), and what becomes of it: a slot that has a reading already keeps it.
 */
function chooseSlots(db: ReadDb, area: LoggerArea, outcomes: Outcome[]): SlotChoice[] {
  const times = gspSettings(db);
  const best = new Map<string, { outcome: Outcome; distance: number }>();
  for (const o of outcomes) {
    if (o.action === 'error') continue;
    const date = o.measuredAt!.slice(0, 10);
    const at = minutesOf(o.measuredAt!.slice(11, 16));
    for (const slot of ['am', 'pm'] as const) {
      const distance = Math.abs(at - minutesOf(slot === 'am' ? times.amTime : times.pmTime));
      if (distance > LOGGER_SLOT_WINDOW_MINUTES) continue;
      const key = `${date}|${slot}`;
      const current = best.get(key);
      if (!current || distance < current.distance || (distance === current.distance && o.measuredAt! < current.outcome.measuredAt!)) {
        best.set(key, { outcome: o, distance });
      }
    }
  }
  const hasReading = sql(
    db,
    `SELECT 1 FROM env_readings r WHERE r.area_id = ? AND r.reading_date = ? AND r.slot = ?
       AND NOT EXISTS (SELECT 1 FROM env_readings x WHERE x.corrects_id = r.id)`,
  );
  return [...best.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, { outcome: o }]) => {
      const [readingDate, slot] = key.split('|') as [string, ReadingSlot];
      const status = hasReading.get(area.id, readingDate, slot) ? 'taken' : o.inRange ? 'fill' : 'needsAction';
      return { readingDate, slot, measuredAt: o.measuredAt!, temperature: o.temperature!, humidity: o.humidity!, inRange: o.inRange, status, outcome: o };
    });
}

const issuesOf = (file: LoggerFile, outcomes: Outcome[]) =>
  outcomes.flatMap((o) => o.issues.map((i) => ({ sheet: file.sheet.name, row: o.row, column: i.column, reason: i.reason }))).slice(0, MAX_ISSUES);

const slotOut = ({ outcome: _o, ...s }: SlotChoice) => s;

function counts(outcomes: Outcome[]) {
  const valid = outcomes.filter((o) => o.action !== 'error');
  const times = valid.map((o) => o.measuredAt!).sort();
  return {
    new: outcomes.filter((o) => o.action === 'new').length,
    known: outcomes.filter((o) => o.action === 'known').length,
    error: outcomes.filter((o) => o.action === 'error').length,
    outOfRange: valid.filter((o) => !o.inRange).length,
    firstAt: times[0] ?? null,
    lastAt: times[times.length - 1] ?? null,
  };
}

export function previewLogger(db: ReadDb, area: LoggerArea, file: LoggerFile, now: Date) {
  const outcomes = missingRequired(file).length ? [] : evaluate(db, area, file, now);
  const n = counts(outcomes);
  const fieldOf = new Map<number, LoggerField>();
  const mapping: LoggerMapping = {};
  for (const f of LOGGER_FIELDS) {
    if (file.columns[f] == null) continue;
    fieldOf.set(file.columns[f]!, f);
    mapping[f] = file.columns[f]!;
  }
  return {
    areaId: area.id,
    areaName: area.name,
    format: file.format,
    sheet: file.sheet.name,
    headerRow: file.headerRow,
    mapping,
    missingRequired: missingRequired(file),
    columns: file.headers.map((h) => ({
      index: h.col,
      letter: columnLetter(h.col),
      header: h.text,
      field: fieldOf.get(h.col) ?? null,
      samples: file.rows
        .slice(0, 3)
        .map((r) => file.sheet.text(r, h.col).trim())
        .filter(Boolean),
    })),
    totalRows: file.rows.length,
    newRows: n.new,
    knownRows: n.known,
    errorRows: n.error,
    outOfRangeRows: n.outOfRange,
    firstAt: n.firstAt,
    lastAt: n.lastAt,
    errors: issuesOf(file, outcomes),
    slots: chooseSlots(db, area, outcomes).map(slotOut),
  };
}

/** Writes the import inside the caller's write transaction: the file's new rows and the slots they fill. */
export function commitLogger(
  db: WriteDb,
  ctx: { userId: number; now: Date },
  area: LoggerArea,
  file: LoggerFile,
  opts: { mode: 'all' | 'cleanRowsOnly'; actions: { readingDate: string; slot: ReadingSlot; action: string }[] },
) {
  assertMappable(file);
  const outcomes = evaluate(db, area, file, ctx.now);
  const n = counts(outcomes);
  if (file.rows.length === 0) throw new AppError('VALIDATION', `${file.fileName}：表头下面没有读数`);
  if (n.error > 0 && opts.mode === 'all') {
    const issues = issuesOf(file, outcomes);
    const first = issues[0];
    throw new AppError(
      'VALIDATION',
      `文件中有 ${n.error} 行有错误，整个文件未导入，没有任何改动。请修正后重新导入，或选择“只导入无错误的行”。第一处：第 ${first.row} 行 ${first.column}：${first.reason}`,
      issues.slice(0, 50).map((i) => ({ path: `第${i.row}行·${i.column}`, message: i.reason })),
    );
  }
  if (n.new + n.known === 0) throw new AppError('VALIDATION', '文件中没有无错误的读数，未导入任何数据');
  const actionOf = new Map(opts.actions.map((a) => [`${a.readingDate}|${a.slot}`, a.action.trim()]));
  const slots = chooseSlots(db, area, outcomes);
  const filling = slots.filter((s) => s.status === 'fill' || (s.status === 'needsAction' && actionOf.get(`${s.readingDate}|${s.slot}`)));
  const awaitingAction = slots.filter((s) => s.status === 'needsAction' && !actionOf.get(`${s.readingDate}|${s.slot}`)).map(slotOut);
  const summary = { added: n.new, known: n.known, skippedRows: n.error, slotsFilled: filling.length, awaitingAction };
  // The same file again (and no new action given): nothing to record; the audit log keeps the attempt.
  if (n.new === 0 && filling.length === 0) return { importId: null, ...summary };

  const at = ctx.now.toISOString();
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO logger_imports (area_id, file_name, sha256, rows_new, rows_known, slots_filled, imported_by, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(area.id, file.fileName.slice(0, 200), file.sha256, n.new, n.known, filling.length, ctx.userId, at);
  const importId = Number(lastInsertRowid);
  const insert = sql(db, 'INSERT INTO logger_readings (area_id, measured_at, temperature, humidity, in_range, import_id) VALUES (?, ?, ?, ?, ?, ?)');
  const idOf = new Map<Outcome, number>();
  for (const o of outcomes) {
    if (o.action === 'known') idOf.set(o, o.knownId!);
    if (o.action !== 'new') continue;
    idOf.set(o, Number(insert.run(area.id, o.measuredAt, o.temperature, o.humidity, o.inRange ? 1 : 0, importId).lastInsertRowid));
  }
  const reading = sql(
    db,
    `INSERT INTO env_readings (area_id, reading_date, slot, read_at, temperature, humidity, in_range, action, recorded_by, recorded_at, logger_reading_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const s of filling) {
    const action = s.inRange ? null : actionOf.get(`${s.readingDate}|${s.slot}`)!;
    reading.run(
      area.id,
      s.readingDate,
      s.slot,
      s.measuredAt.slice(11, 16),
      s.temperature,
      s.humidity,
      s.inRange ? 1 : 0,
      action,
      ctx.userId,
      at,
      idOf.get(s.outcome),
    );
  }
  return { importId, ...summary };
}
