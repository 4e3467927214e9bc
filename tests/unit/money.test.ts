import { describe, expect, it } from 'vitest';
import {
  amountInWords,
  divRound,
  formatFen,
  formatUnitPrice,
  lineAmount,
  lineAmountFromPackPrice,
  parseYuanToFen,
  parseYuanToUnitPrice,
  unitPriceFromPackPrice,
} from '../../shared/money';

describe('amount in words (大写金额)', () => {
  it.each([
    [0, '零元整'],
    [123456, '壹仟贰佰叁拾肆元伍角陆分'],
    [100000, '壹仟元整'],
    [100100, '壹仟零壹元整'],
    [100005, '壹仟元零伍分'],
    [5, '伍分'],
    [50, '伍角整'],
    [150, '壹元伍角整'],
    [105, '壹元零伍分'],
    [1000, '壹拾元整'],
    [168032, '壹仟陆佰捌拾元零叁角贰分'],
    [10700053, '壹拾万柒仟元零伍角叁分'],
    [10001000, '壹拾万零壹拾元整'],
    [100000000, '壹佰万元整'],
    [1000000, '壹万元整'],
    [1100000, '壹万壹仟元整'],
    [1005000, '壹万零伍拾元整'],
    [10000000100, '壹亿零壹元整'],
    [10000010000, '壹亿零壹佰元整'],
    [-12345, '负壹佰贰拾叁元肆角伍分'],
  ])('%i fen → %s', (fen, words) => {
    expect(amountInWords(fen)).toBe(words);
  });
});

describe('integer money arithmetic', () => {
  it('rounds half away from zero exactly', () => {
    expect(divRound(5n, 2n)).toBe(3n);
    expect(divRound(-5n, 2n)).toBe(-3n);
    expect(divRound(4n, 3n)).toBe(1n);
  });

  it('rounds a line once, to the fen', () => {
    // 24 tablets at 0.520833 yuan = 12.499992 yuan → 12.50
    expect(lineAmount(24, 520833)).toBe(1250);
    expect(lineAmount(-24, 520833)).toBe(-1250);
    expect(lineAmount(0, 999999)).toBe(0);
  });

  it('prices whole packs exactly even when the unit price is not exact', () => {
    // 1000 boxes of 24 at 12.50 yuan a box is exactly 12,500.00 yuan.
    expect(lineAmountFromPackPrice(24000, 12_500_000, 24)).toBe(1_250_000);
    expect(unitPriceFromPackPrice(12_500_000, 24)).toBe(520833);
  });

  it('refuses non-integers', () => {
    expect(() => lineAmount(1.5, 100)).toThrow(RangeError);
    expect(() => unitPriceFromPackPrice(100, 0)).toThrow(RangeError);
  });

  it('parses and formats decimal text without floating point', () => {
    expect(parseYuanToFen('12.5')).toBe(1250);
    expect(parseYuanToFen('1,234.56')).toBe(123456);
    expect(parseYuanToFen('0.1')).toBe(10);
    expect(parseYuanToFen('1.234')).toBeNull();
    expect(parseYuanToFen('abc')).toBeNull();
    expect(parseYuanToFen('1e3')).toBeNull();
    // Full-width digits, point and comma from a Chinese IME read as typed.
    expect(parseYuanToFen('１，２３４．５６')).toBe(123456);
    expect(parseYuanToUnitPrice('０.５２')).toBe(520000);
    expect(parseYuanToUnitPrice('0.520833')).toBe(520833);
    expect(parseYuanToUnitPrice('0.5208331')).toBeNull();
    expect(formatFen(123456)).toBe('1,234.56');
    expect(formatFen(-5)).toBe('-0.05');
    expect(formatUnitPrice(520833)).toBe('0.520833');
    expect(formatUnitPrice(12_500_000)).toBe('12.50');
  });
});
