/** Stocktakes (盘点) and random spot checks (随机抽查): names and rules shared by the server and the screens. */

export const STOCKTAKE_KINDS = ['full', 'spot'] as const;
export type StocktakeKind = (typeof STOCKTAKE_KINDS)[number];
export const STOCKTAKE_KIND_LABELS: Record<StocktakeKind, string> = { full: '全面盘点', spot: '随机抽查' };

export const COUNTER_MODES = ['onsite', 'self'] as const;
export type CounterMode = (typeof COUNTER_MODES)[number];
export const COUNTER_MODE_LABELS: Record<CounterMode, string> = { onsite: '药库人员现场盘点', self: '村医自盘' };

export const STOCKTAKE_STATUSES = ['counting', 'submitted', 'approved', 'cancelled'] as const;
export type StocktakeStatus = (typeof STOCKTAKE_STATUSES)[number];
export const STOCKTAKE_STATUS_LABELS: Record<StocktakeStatus, string> = {
  counting: '盘点中',
  submitted: '待审核',
  approved: '已审核过账',
  cancelled: '已作废',
};

/** Why a counted lot differs from the book. Given by the reviewer when approving. */
export const VARIANCE_REASONS = ['damaged', 'expired_unreported', 'unrecorded_dispensing', 'over_recorded', 'count_error', 'other'] as const;
export type VarianceReason = (typeof VARIANCE_REASONS)[number];
export const VARIANCE_REASON_LABELS: Record<VarianceReason, string> = {
  damaged: '破损',
  expired_unreported: '过期未报损',
  unrecorded_dispensing: '发药未登记',
  over_recorded: '登记多于实发',
  count_error: '计数/记账错误',
  other: '其他',
};

/**
 * What a screen or a file shows instead of a book figure withheld during a blind count (the figure is null
 * and its row says `bookHidden`): the counter does not see the book of what is being counted.
 */
export const BOOK_HIDDEN_TEXT = '盲盘中，审核后可见';

/** Largest number of drugs one spot check may draw. */
export const MAX_SPOT_SAMPLE = 50;

/**
 * Weight of a drug in a spot-check draw: every drug held can be drawn, high-value and fast-moving ones
 * more often. Square roots damp the money so that a few expensive drugs do not take every draw.
 *   weight = 100 + ⌊√(book value in fen)⌋ + 2 × ⌊√(dispensed value in fen over the window)⌋
 */
export const SELECTION_WEIGHT_BASE = 100;
export const SELECTION_DISPENSE_FACTOR = 2;
/** Months of dispensing before the current one that count as "recent" (plus the current month so far). */
export const SELECTION_WINDOW_MONTHS = 3;
/** The draw's method in words, for people: 'mulberry32/weighted-draw-v1' reads "加权随机抽取（第 1 版）". */
export function selectionMethodText(algorithm: string): string {
  const version = /-v(\d+)$/.exec(algorithm)?.[1];
  return `按权重随机抽取${version ? `（第 ${version} 版）` : ''}`;
}

export const SELECTION_RULE_TEXT =
  '抽样权重 = 100 + √库存金额(分) + 2 × √近 3 个月及本月用药金额(分)（均取整）。每种在库药品都可能被抽到，金额高、用量大的药品被抽中的机会更大。';

/** How the book figure of a line is taken, and so how movements during a count are handled. */
export const COUNT_RULE_TEXT =
  '账面数以“录入该行数量的那一刻”的库存为准：录入前已登记的用药、签收等已从账面扣除或计入，差异 = 实盘数 − 录入时账面数。' +
  '盘点期间可以照常发药和登记，但请清点一种药后立即录入；清点与录入之间如又发了这种药，请先登记用药再录入。' +
  '未签收的配送药品不在本室账上，请先签收或单独放置、不要计入。审核人可以看到盘点开始到每行录入之间发生的每一笔收发。';
