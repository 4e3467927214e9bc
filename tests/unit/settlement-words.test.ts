import { describe, expect, it } from 'vitest';
import { amountInWords } from '../../shared/money';

/**
 * 大写金额 on statements, by the rules of 《支付结算办法》 (附一 正确填写票据和结算凭证的基本规定):
 * a zero between digits is written 零; several zeros in a row are one 零; whole yuan end in 整; no 整 after 分.
 * Where the rules allow either, the convention here is: a zero in the 万 place followed by a non-zero 千 is
 * not written (壹拾万柒仟元, 壹亿壹仟元), while a zero in the 元 place followed by a non-zero 角 is
 * (伍拾元零叁角, 壹仟陆佰捌拾元零叁角贰分 — the regulation's own example).
 */
describe('amount in words for statements', () => {
  it.each([
    // zeros in the middle
    [100_501, '壹仟零伍元零壹分'],
    [400_950, '肆仟零玖元伍角整'],
    [600_714, '陆仟零柒元壹角肆分'], // regulation example ¥6,007.14
    [140_950, '壹仟肆佰零玖元伍角整'], // regulation example ¥1,409.50
    [10_000_100, '壹拾万零壹元整'],
    [100_000_100, '壹佰万零壹元整'],
    [1_000_050_000, '壹仟万零伍佰元整'],
    [1_234_000_056_789, '壹佰贰拾叁亿肆仟万零伍佰陆拾柒元捌角玖分'],
    [10_000_100_000, '壹亿壹仟元整'], // 万位 and the zeros before 仟: one 零 may be left out
    // whole yuan: 整
    [100, '壹元整'],
    [1_000_000, '壹万元整'],
    [10_000_000_000, '壹亿元整'],
    [123_400, '壹仟贰佰叁拾肆元整'],
    // jiao only / jiao and yuan
    [10, '壹角整'],
    [90, '玖角整'],
    [5_030, '伍拾元零叁角整'],
    [120, '壹元贰角整'],
    // fen only / fen after a zero jiao
    [1, '壹分'],
    [9, '玖分'],
    [11, '壹角壹分'],
    [101, '壹元零壹分'],
    [100_001, '壹仟元零壹分'],
    [1_000_009, '壹万元零玖分'],
    // the issue's own example
    [123_456, '壹仟贰佰叁拾肆元伍角陆分'],
    [0, '零元整'],
  ])('%i fen → %s', (fen, words) => {
    expect(amountInWords(fen)).toBe(words);
  });

  it('never writes 整 after 分, and every statement total has words', () => {
    for (let fen = 0; fen < 20_000; fen += 7) {
      const words = amountInWords(fen);
      expect(words.endsWith('分') && words.includes('整')).toBe(false);
      expect(words).toMatch(/^[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+$/);
      expect(fen % 100 === 0 ? words.endsWith('元整') : true).toBe(true);
    }
  });
});
