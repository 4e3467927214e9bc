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
