/**
 * GSP words and ranges shared by the handlers, the contract and the pages: storage conditions, why goods were
 * refused at acceptance, the acceptance conclusion, storage areas and their default ranges. Temperatures are
 * integer tenths of a degree Celsius (25.3 ℃ = 253), so a range check never meets floating point.
 */

export const STORAGE_CONDITIONS = ['room', 'cool', 'cold', 'frozen'] as const;
export type StorageCondition = (typeof STORAGE_CONDITIONS)[number];
export const STORAGE_CONDITION_LABELS: Record<StorageCondition, string> = {
  room: '常温（10–30 ℃）',
  cool: '阴凉（≤ 20 ℃）',
  cold: '冷藏（2–8 ℃）',
  frozen: '冷冻（−25 至 −10 ℃）',
};
export const STORAGE_CONDITION_SHORT: Record<StorageCondition, string> = { room: '常温', cool: '阴凉', cold: '冷藏', frozen: '冷冻' };

/** Conditions that travel by cold chain: arrival temperature and transport record are part of the acceptance. */
export const COLD_CHAIN: readonly StorageCondition[] = ['cold', 'frozen'];

/** The temperature a drug stored so must arrive and stay at, in tenths of ℃ (null: no bound on that side). */
export const CONDITION_RANGE: Record<StorageCondition, { min: number | null; max: number }> = {
  room: { min: 100, max: 300 },
  cool: { min: null, max: 200 },
  cold: { min: 20, max: 80 },
  frozen: { min: -250, max: -100 },
};

export function inConditionRange(condition: StorageCondition, tenths: number): boolean {
  const r = CONDITION_RANGE[condition];
  return tenths <= r.max && (r.min === null || tenths >= r.min);
}

export const REJECT_REASONS = ['damaged', 'short_expiry', 'batch_mismatch', 'cold_chain', 'note_mismatch', 'other'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];
export const REJECT_REASON_LABELS: Record<RejectReason, string> = {
  damaged: '破损',
  short_expiry: '效期不足',
  batch_mismatch: '批号不符',
  cold_chain: '冷链断链',
  note_mismatch: '随货单不符',
  other: '其他',
};

export const CONCLUSIONS = ['pass', 'fail', 'pending'] as const;
export type Conclusion = (typeof CONCLUSIONS)[number];
export const CONCLUSION_LABELS: Record<Conclusion, string> = { pass: '合格', fail: '不合格', pending: '待处理' };

/** Where quarantined goods wait: 不合格品 (refused) or 待处理 (in doubt). */
export const QUARANTINE_STATUS_LABELS = { fail: '不合格品', pending: '待处理' } as const;

export const AREA_KINDS = ['room', 'cool', 'cold'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];
export const AREA_KIND_LABELS: Record<AreaKind, string> = { room: '常温库', cool: '阴凉库', cold: '冷藏柜' };
/** The ranges a new area starts with (GSP): temperature in tenths of ℃, relative humidity in %. */
export const AREA_DEFAULT_RANGES: Record<AreaKind, { tempMin: number; tempMax: number; rhMin: number; rhMax: number }> = {
  room: { tempMin: 100, tempMax: 300, rhMin: 35, rhMax: 75 },
  cool: { tempMin: 0, tempMax: 200, rhMin: 35, rhMax: 75 },
  cold: { tempMin: 20, tempMax: 80, rhMin: 35, rhMax: 75 },
};

export const READING_SLOTS = ['am', 'pm'] as const;
export type ReadingSlot = (typeof READING_SLOTS)[number];
export const READING_SLOT_LABELS: Record<ReadingSlot, string> = { am: '上午', pm: '下午' };

/** "25.3 ℃" from tenths. */
export function formatTemp(tenths: number): string {
  const sign = tenths < 0 ? '−' : '';
  const a = Math.abs(tenths);
  return `${sign}${Math.floor(a / 10)}.${a % 10} ℃`;
}

/** Tenths of ℃ from what a person typed ("5", "5.2", "-18.5"); null when it is not a temperature. */
export function parseTemp(text: string): number | null {
  const m = /^\s*([-−]?)(\d{1,2})(?:\.(\d))?\s*$/.exec(text);
  if (!m) return null;
  const tenths = Number(m[2]) * 10 + Number(m[3] ?? 0);
  return m[1] ? -tenths : tenths;
}

/** A temperature logger's file (温湿度记录仪导出): the columns found by header, editable like the catalog import's. */
export const LOGGER_FIELDS = ['measuredAt', 'temperature', 'humidity'] as const;
export type LoggerField = (typeof LOGGER_FIELDS)[number];
export interface LoggerColumn {
  field: LoggerField;
  label: string;
  aliases: readonly string[];
}
export const LOGGER_COLUMNS: readonly LoggerColumn[] = [
  { field: 'measuredAt', label: '时间', aliases: ['记录时间', '时间', '采集时间', '测量时间', '日期时间', 'time', 'datetime', 'timestamp', 'date time'] },
  { field: 'temperature', label: '温度', aliases: ['温度', '温度值', '温度℃', 'temperature', 'temp', 'temperature℃', 'temp℃'] },
  { field: 'humidity', label: '湿度', aliases: ['湿度', '湿度值', '相对湿度', '湿度%RH', 'humidity', 'rh', '%rh', 'humidity%rh'] },
];
export const LOGGER_COLUMN_BY_FIELD = Object.fromEntries(LOGGER_COLUMNS.map((c) => [c.field, c])) as Record<LoggerField, LoggerColumn>;

/** How far from a slot's time (gsp settings amTime / pmTime) a logged row may stand in for that slot, in minutes. */
export const LOGGER_SLOT_WINDOW_MINUTES = 120;

/**
 * Tenths of ℃ from a logger's cell ("5.2", "5.2℃", "-18.5 °C", 5.2); null when it is not a temperature.
 * A second decimal (some loggers write 5.25) is rounded half away from zero to tenths.
 */
export function parseLoggerTemp(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? roundTenths(value * 10) : null;
  const t = value
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/(℃|°C|°c|C)$/, '')
    .replace('−', '-');
  if (!/^-?\d{1,2}(\.\d{1,2})?$/.test(t)) return null;
  return roundTenths(Number(t) * 10);
}

/** Relative humidity in whole % from a logger's cell ("56", "56.4%RH", 56.4); null when it is not one. */
export function parseLoggerHumidity(value: string | number): number | null {
  let n: number;
  if (typeof value === 'number') n = value;
  else {
    const t = value
      .normalize('NFKC')
      .replace(/\s+/g, '')
      .replace(/%?(RH|rh)?$/, '');
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(t)) return null;
    n = Number(t);
  }
  if (!Number.isFinite(n) || n < 0 || n > 100) return null;
  return Math.round(n);
}

function roundTenths(x: number): number {
  // 5.25 × 10 is 52.49999…: round the decimal text, not the float.
  const r = Math.sign(x) * Math.round(Math.abs(Number(x.toFixed(6))));
  return Object.is(r, -0) ? 0 : r;
}
