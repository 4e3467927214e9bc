/**
 * Supervision (三保监管): the anomaly rules' keys, names and thresholds, shared by the engine and the screens.
 * Rules run on the ledger on demand; each rule's thresholds have defaults here and may be overridden by the
 * hub (supervision_thresholds). Signals name their own week or month so a dismissal sticks to them.
 */

/** Rules over the ledger (each measured for precision and recall on generated histories with planted cases). */
export const LEDGER_RULE_KEYS = ['spike', 'exceed', 'swap', 'round', 'closed', 'shortage'] as const;
/** Rules over what scanning trace codes at the counter recorded (stock/boxes.ts): each case is a scanned code. */
export const TRACE_RULE_KEYS = ['dupcode', 'stray', 'outside', 'codeswap', 'expired', 'unissued'] as const;
/** Rules over the GSP records: what the temperature and humidity log says of the stores that dispensed. */
export const GSP_RULE_KEYS = ['coldchain'] as const;
/**
 * Rules over the imported settlement details against the book (reconciliation/): what the fund paid for that
 * never left the shelf (虚开), one drug settled and another given in a visit (串换), more settled than held.
 */
export const RECON_RULE_KEYS = ['notgiven', 'visitswap', 'overstock'] as const;
export const RULE_KEYS = [...LEDGER_RULE_KEYS, ...TRACE_RULE_KEYS, ...GSP_RULE_KEYS, ...RECON_RULE_KEYS] as const;
export type RuleKey = (typeof RULE_KEYS)[number];

export interface ThresholdParam {
  key: string;
  label: string;
  unit: string;
  min: number;
  max: number;
  /** Whole numbers only (counts, quantities, fen). */
  integer: boolean;
  default: number;
}

const p = (key: string, label: string, unit: string, def: number, min: number, max: number, integer = true): ThresholdParam => ({
  key,
  label,
  unit,
  min,
  max,
  integer,
  default: def,
});

export const RULE_PARAMS: Record<RuleKey, readonly ThresholdParam[]> = {
  spike: [
    p('zThreshold', '稳健 Z 值下限', '', 3.5, 1, 50, false),
    p('minRatio', '本周用量至少为历史中位数的倍数', '倍', 3, 1, 100, false),
    p('minQty', '本周用量下限', '最小单位', 20, 1, 1_000_000),
    p('historyWeeks', '对比历史周数', '周', 12, 4, 52),
    p('minActiveWeeks', '历史中至少有用药的周数', '周', 6, 1, 52),
  ],
  exceed: [p('minExcess', '超出数量下限', '最小单位', 10, 1, 1_000_000), p('minSharePct', '超出部分占用药量比例下限', '%', 10, 1, 100)],
  swap: [
    p('minShortage', '同通用名药品盘亏数量下限', '最小单位', 10, 1, 1_000_000),
    p('minRatio', '盘点前 30 天用量至少为此前基线的倍数', '倍', 1.5, 1, 100, false),
    p('minQty', '盘点前 30 天用量下限', '最小单位', 20, 1, 1_000_000),
  ],
  round: [
    p('roundBase', '整数基数（数量为其倍数视为整数）', '最小单位', 10, 2, 10_000),
    p('minRepeats', '同一整数数量重复次数下限', '次', 5, 2, 1000),
    p('minSharePct', '占该药当月登记笔数比例下限', '%', 40, 1, 100),
  ],
  closed: [p('minLines', '休息日用药记录条数下限', '条', 1, 1, 1000)],
  shortage: [
    p('lookbackMonths', '回看月数', '月', 6, 1, 24),
    p('minTimes', '同一药品盘亏次数下限', '次', 2, 1, 100),
    p('minSharePct', '占本室盘亏金额比例下限', '%', 50, 1, 100),
    p('minAmount', '盘亏金额下限', '分', 2000, 0, 1e10),
  ],
  dupcode: [p('minCodes', '每月追溯码个数下限', '个', 1, 1, 1000)],
  stray: [p('minCodes', '每月追溯码个数下限', '个', 1, 1, 1000)],
  outside: [p('minCodes', '每月追溯码个数下限', '个', 1, 1, 1000)],
  codeswap: [p('minCodes', '每月追溯码个数下限', '个', 1, 1, 1000)],
  coldchain: [
    p('minLines', '该周冷链药品用药条数下限', '条', 1, 1, 10_000),
    p('minOutOfRange', '该周冷藏柜超出范围次数下限', '次', 1, 1, 14),
    p('minMissed', '该周冷藏柜缺记时段下限', '个', 2, 1, 14),
  ],
  notgiven: [
    p('minQty', '当月已结算未发药数量下限', '最小单位', 10, 1, 1_000_000),
    p('minAmount', '当月已结算未发药金额下限', '分', 100, 0, 1e10),
    p('graceDays', '发药登记晚于（或早于）结算的宽限天数', '天', 3, 0, 14),
  ],
  visitswap: [
    p('minVisits', '当月同一对药品串换的就诊次数下限', '次', 1, 1, 1000),
    p('minAmount', '被结算药品的结算金额下限（0 = 不论金额）', '分', 0, 0, 1e10),
    p('graceDays', '同一就诊的发药登记与结算相隔天数上限', '天', 3, 0, 14),
  ],
  overstock: [p('minQty', '当月超出库存的结算数量下限', '最小单位', 1, 1, 1_000_000), p('graceDays', '配送签收晚于结算登记的宽限天数', '天', 1, 0, 14)],
  expired: [p('minCodes', '每月追溯码个数下限', '个', 1, 1, 1000), p('graceDays', '过期后宽限天数（超过才算）', '天', 0, 0, 365)],
  unissued: [p('minCodes', '每月追溯码个数下限', '个', 1, 1, 1000)],
};

export const RULE_TITLES: Record<RuleKey, string> = {
  spike: '用药量突增',
  exceed: '用药超出配送量',
  swap: '串换嫌疑',
  round: '整数数量重复登记',
  closed: '休息日用药',
  shortage: '盘亏集中于少数药品',
  dupcode: '重复追溯码',
  stray: '串货（码未配送到本室）',
  outside: '体外采购（码未入库）',
  codeswap: '码与药品不符',
  coldchain: '冷藏柜异常周发出冷链药品',
  notgiven: '已结算未发药',
  visitswap: '就诊内结算与发药不符',
  overstock: '结算量超出库存',
  expired: '过期药盒用药',
  unissued: '签收到未配送的码',
};

export type Thresholds = Record<string, number>;

export function defaultThresholds(rule: RuleKey): Thresholds {
  return Object.fromEntries(RULE_PARAMS[rule].map((x) => [x.key, x.default]));
}

/** ISO weekday names, 1 = Monday. */
export const WEEKDAY_LABELS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'] as const;

/** ISO weekday (1 = Monday … 7 = Sunday) of a 'YYYY-MM-DD' date. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Catalog share target: catalog drugs ≥ 70% of what is bought. */
export const CATALOG_TARGET_BP = 7000;

/** Signal fingerprint: rule, clinic, drugs and the signal's own week ('YYYY-MM-DD', a Monday) or month ('YYYY-MM'). */
export function makeFingerprint(rule: RuleKey, clinicId: number, drugIds: number[], period: string): string {
  return `${rule}:${clinicId}:${drugIds.join('-')}:${period}`;
}

export function parseFingerprint(fp: string): { rule: RuleKey; clinicId: number; drugIds: number[]; period: string } | null {
  const m = /^([a-z]+):(\d+):([\d-]*):(\d{4}-\d{2}(?:-\d{2})?)$/.exec(fp);
  if (!m || !(RULE_KEYS as readonly string[]).includes(m[1])) return null;
  return { rule: m[1] as RuleKey, clinicId: Number(m[2]), drugIds: m[3] ? m[3].split('-').map(Number) : [], period: m[4] };
}
