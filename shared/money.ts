/**
 * Money and quantities are integers everywhere; conversion to text happens only here, at the edges.
 *
 * - Fen: an amount of money in fen (分, 1/100 yuan).
 * - BaseQty: a quantity in a drug's base unit (最小单位, e.g. 粒, 支).
 * - UnitPrice: the price of ONE base unit in micro-yuan (1 yuan = 1,000,000), fine enough that a
 *   pack price divided by its pack size loses less than a fen on any realistic line.
 *
 * Line amounts are rounded once, half away from zero, to the fen.
 */
export type Fen = number & { readonly __unit?: 'fen' };
export type BaseQty = number & { readonly __unit?: 'base-unit' };
export type UnitPrice = number & { readonly __unit?: 'micro-yuan-per-base-unit' };

export const MICRO_PER_YUAN = 1_000_000;
export const MICRO_PER_FEN = 10_000;

/** Integer division of a/b rounded half away from zero, computed exactly with BigInt. */
export function divRound(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError('division by zero');
  const negative = a < 0n !== b < 0n;
  const absA = a < 0n ? -a : a;
  const absB = b < 0n ? -b : b;
  const q = (absA * 2n + absB) / (2n * absB);
  return negative ? -q : q;
}

function assertSafeInt(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be a safe integer, got ${n}`);
}

/** quantity × unit price, rounded once to the fen. */
export function lineAmount(qty: BaseQty, price: UnitPrice): Fen {
  assertSafeInt(qty, 'qty');
  assertSafeInt(price, 'price');
  return Number(divRound(BigInt(qty) * BigInt(price), BigInt(MICRO_PER_FEN))) as Fen;
}

/** Amount of qty base units bought at a price per pack (micro-yuan per pack): exact, then rounded once. */
export function lineAmountFromPackPrice(qty: BaseQty, packPrice: UnitPrice, packSize: number): Fen {
  assertSafeInt(qty, 'qty');
  assertSafeInt(packPrice, 'packPrice');
  assertSafeInt(packSize, 'packSize');
  return Number(divRound(BigInt(qty) * BigInt(packPrice), BigInt(MICRO_PER_FEN) * BigInt(packSize))) as Fen;
}

/** Price of one base unit from a price per pack (both in micro-yuan), rounded half up. */
export function unitPriceFromPackPrice(packPrice: UnitPrice, packSize: number): UnitPrice {
  assertSafeInt(packPrice, 'packPrice');
  if (!Number.isSafeInteger(packSize) || packSize <= 0) throw new RangeError('packSize must be a positive integer');
  return Number(divRound(BigInt(packPrice), BigInt(packSize))) as UnitPrice;
}

export function packPriceFromUnitPrice(unitPrice: UnitPrice, packSize: number): UnitPrice {
  return (unitPrice * packSize) as UnitPrice;
}

/** Rounds a price (micro-yuan) to the fen, for display of pack prices that are whole fen. */
export function unitPriceToFen(price: UnitPrice): Fen {
  return Number(divRound(BigInt(price), BigInt(MICRO_PER_FEN))) as Fen;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 123456 → "1,234.56" */
export function formatFen(fen: Fen, opts: { grouping?: boolean } = {}): string {
  assertSafeInt(fen, 'fen');
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = String(Math.floor(abs / 100));
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}${opts.grouping === false ? yuan : groupThousands(yuan)}.${cents}`;
}

/** 520833 micro-yuan → "0.520833"; trailing zeros beyond `minDecimals` are dropped. */
export function formatUnitPrice(price: UnitPrice, minDecimals = 2): string {
  assertSafeInt(price, 'price');
  const sign = price < 0 ? '-' : '';
  const abs = Math.abs(price);
  const yuan = Math.floor(abs / MICRO_PER_YUAN);
  let frac = String(abs % MICRO_PER_YUAN).padStart(6, '0');
  while (frac.length > minDecimals && frac.endsWith('0')) frac = frac.slice(0, -1);
  return `${sign}${yuan}.${frac}`;
}

const DECIMAL = /^(-)?(\d{1,13})(?:\.(\d+))?$/;

function parseDecimal(text: string, decimals: number): number | null {
  // NFKC: full-width digits, point and comma from a Chinese IME left on ("１２．５０") read as typed.
  const m = DECIMAL.exec(text.normalize('NFKC').trim().replace(/,/g, ''));
  if (!m) return null;
  const frac = m[3] ?? '';
  if (frac.length > decimals) return null;
  const value = Number(m[2]) * 10 ** decimals + Number(frac.padEnd(decimals, '0') || '0');
  if (!Number.isSafeInteger(value)) return null;
  return m[1] ? -value : value;
}

/** "12.5" → 1250. Returns null for anything that is not a plain decimal with at most 2 places. */
export function parseYuanToFen(text: string): Fen | null {
  return parseDecimal(text, 2) as Fen | null;
}

/** "0.5208" → 520800. At most 6 decimal places. */
export function parseYuanToUnitPrice(text: string): UnitPrice | null {
  return parseDecimal(text, 6) as UnitPrice | null;
}

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const IN_GROUP = ['', '拾', '佰', '仟'];
const GROUPS = ['', '万', '亿', '万亿'];

/** Writes a 1–4 digit group; `needsLeadingZero`: a higher group exists, so a leading gap is written 零. */
function groupInWords(group: number, needsLeadingZero: boolean): string {
  let out = '';
  let pendingZero = needsLeadingZero && group < 1000;
  for (let pos = 3; pos >= 0; pos--) {
    const d = Math.floor(group / 10 ** pos) % 10;
    if (d === 0) {
      if (out !== '') pendingZero = true;
      continue;
    }
    if (pendingZero) out += '零';
    pendingZero = false;
    out += DIGITS[d] + IN_GROUP[pos];
  }
  return out;
}

/**
 * The amount in Chinese capital numerals as written on statements and cheques
 * (《支付结算办法》 rules): 壹仟贰佰叁拾肆元伍角陆分, 壹仟元整, 壹仟元零伍分, 伍角整, 零元整.
 */
export function amountInWords(fen: Fen): string {
  assertSafeInt(fen, 'fen');
  if (fen === 0) return '零元整';
  const sign = fen < 0 ? '负' : '';
  const abs = Math.abs(fen);
  let yuan = Math.floor(abs / 100);
  const jiao = Math.floor(abs / 10) % 10;
  const cent = abs % 10;

  let yuanText = '';
  const groups: number[] = [];
  while (yuan > 0) {
    groups.push(yuan % 10000);
    yuan = Math.floor(yuan / 10000);
  }
  for (let i = groups.length - 1; i >= 0; i--) {
    const g = groups[i];
    const higherExists = i < groups.length - 1;
    if (g === 0) continue;
    // A gap before this group (e.g. 壹万零伍拾) is written once as 零.
    yuanText += groupInWords(g, higherExists) + GROUPS[i];
  }

  let out = sign;
  if (yuanText) out += `${yuanText}元`;
  if (jiao === 0 && cent === 0) return `${out}整`;
  if (jiao === 0) {
    // 壹仟元零伍分; but 伍分 alone when there are no yuan.
    return `${out + (yuanText ? '零' : '') + DIGITS[cent]}分`;
  }
  if (yuanText && Math.floor(abs / 100) % 10 === 0) out += '零';
  out += `${DIGITS[jiao]}角`;
  return cent === 0 ? `${out}整` : `${out + DIGITS[cent]}分`;
}
