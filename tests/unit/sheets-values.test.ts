import { describe, expect, it } from 'vitest';
import {
  foldWidth,
  headerKey,
  isEmptyMarker,
  normalizeCode,
  normalizeText,
  parseDateText,
  parseDateTimeText,
  parseDecimalText,
  parseInsuranceClass,
  parseWholeNumber,
  stripInvisible,
} from '../../shared/sheet-values';

/** Issue 18 item 7: the values a person calls valid, each with what it is read as and what the preview says. */
describe('whole numbers as people write them (包装数量)', () => {
  const unit = { unit: '粒', packUnit: '盒' };
  it.each([
    ['２４', {}, 24, ['全角字符已改为半角']],
    ['24.0', {}, 24, ['去掉了末尾的“.0”']],
    ['24.00', {}, 24, ['去掉了末尾的“.00”']],
    ['1,000', {}, 1000, ['去掉了千位分隔符']],
    ['1，000', {}, 1000, ['全角字符已改为半角', '去掉了千位分隔符']],
    ['24片', { unit: '片' }, 24, ['去掉了单位“片”（与最小单位相同）']],
    ['24粒/盒', unit, 24, ['去掉了“粒/盒”（与最小单位、包装单位相同）']],
    ['２４粒／盒', unit, 24, ['全角字符已改为半角', '去掉了“粒/盒”（与最小单位、包装单位相同）']],
    [' 24 ', {}, 24, []],
    [24, {}, 24, []],
    [23.999999999999996, {}, 24, []],
  ] as const)('%j → %j', (input, opts, value, notes) => {
    expect(parseWholeNumber(input, opts)).toEqual({ ok: true, value, notes });
  });

  it.each([
    ['24片', unit, '“24片”中的单位“片”与最小单位“粒”不一致'],
    ['24粒/瓶', unit, '“24粒/瓶”中的单位“粒/瓶”与最小单位“粒”不一致'],
    ['24片', {}, '“24片”不是数字'],
    ['24.5', {}, '“24.5”应为整数'],
    [24.5, {}, '“24.5”应为整数'],
    ['1,00', {}, '“1,00”不是数字'],
    ['二十四', {}, '“二十四”不是数字'],
  ] as const)('refuses %j, quoting it', (input, opts, reason) => {
    expect(parseWholeNumber(input, opts)).toMatchObject({ ok: false, reason });
  });

  it.each(['null', 'NULL', '无', '—', '——', '-', 'N/A', '#N/A', '／'])('reads the empty marker %j as empty and says so', (marker) => {
    expect(parseWholeNumber(marker)).toEqual({ ok: true, value: null, notes: [`“${marker}”按空值处理`] });
  });

  it('reads an empty cell as empty without a note', () => {
    expect(parseWholeNumber(null)).toEqual({ ok: true, value: null, notes: [] });
    expect(parseWholeNumber('  ')).toEqual({ ok: true, value: null, notes: [] });
  });
});

describe('decimals as exact text (prices, temperatures)', () => {
  it.each([
    ['１２.５', '12.5', ['全角字符已改为半角']],
    ['12.50', '12.50', []],
    ['1,234.5', '1234.5', ['去掉了千位分隔符']],
    ['¥12.5', '12.5', ['去掉了货币符号“¥”']],
    ['￥12.5', '12.5', ['去掉了货币符号“￥”']],
    ['12.5元', '12.5', ['去掉了单位“元”']],
    ['.5', '0.5', []],
    ['-3.2', '-3.2', []],
    [12.5, '12.5', []],
    [0.1 + 0.2, '0.3', []],
  ] as const)('%j → %j', (input, value, notes) => {
    expect(parseDecimalText(input)).toEqual({ ok: true, value, notes });
  });

  it('accepts 元 per the pack unit only when it is the drug’s', () => {
    expect(parseDecimalText('12.5元/盒', { packUnit: '盒' })).toMatchObject({ ok: true, value: '12.5' });
    expect(parseDecimalText('12.5元/瓶', { packUnit: '盒' })).toMatchObject({ ok: false, reason: '“12.5元/瓶”不是数字' });
  });
});

describe('甲乙类 as national, provincial and HIS files write it', () => {
  it.each([
    ['Ａ', 'A', ['全角字符已改为半角']],
    ['甲', 'A', []],
    ['甲类', 'A', []],
    ['医保甲类', 'A', ['“医保甲类”读作甲类']],
    ['甲类药品', 'A', ['“甲类药品”读作甲类']],
    ['乙类(限工伤)', 'B', ['括号中的“限工伤”未导入']],
    ['乙类（限二线用药）', 'B', ['括号中的“限二线用药”未导入']],
    ['B', 'B', []],
    ['丙类', 'none', []],
    ['自费', 'none', []],
    ['01', 'A', ['按医保收费项目等级代码“01”读作甲类']],
    ['02', 'B', ['按医保收费项目等级代码“02”读作乙类']],
  ] as const)('%j → %j', (input, value, notes) => {
    expect(parseInsuranceClass(input)).toEqual({ ok: true, value, notes });
  });

  it('leaves an empty marker to the caller and refuses what it cannot read, quoting it', () => {
    expect(parseInsuranceClass('-')).toEqual({ ok: true, value: null, notes: ['“-”按空值处理'] });
    expect(parseInsuranceClass('丁类')).toMatchObject({ ok: false, reason: '无法识别“丁类”：应为 甲类、乙类，非医保药品留空' });
  });
});

describe('codes', () => {
  it.each([
    ['ＸＪ01CAA040A001010101445', 'XJ01CAA040A001010101445', ['全角字符已改为半角']],
    ['国药准字Ｈ20003263', '国药准字H20003263', ['全角字符已改为半角']],
    ['XJ01CAA040A001010101445\u200b', 'XJ01CAA040A001010101445', ['去掉了看不见的字符（零宽字符、BOM 或控制字符）']],
    ['\uFEFF国药准字Z20003263', '国药准字Z20003263', ['去掉了看不见的字符（零宽字符、BOM 或控制字符）']],
    ['xj01 caa040', 'XJ01CAA040', ['去掉了编码中的空格', '小写字母已改为大写']],
    [6901234, '6901234', []],
  ] as const)('%j → %j', (input, value, notes) => {
    expect(normalizeCode(input)).toEqual({ ok: true, value, notes });
  });

  it('refuses a code Excel has already changed (more than 15 digits, or shown in scientific notation)', () => {
    // biome-ignore lint/correctness/noPrecisionLoss: a code Excel already rounded: the precision loss is what the test is about
    expect(normalizeCode(81234567890123450000)).toMatchObject({ ok: false, reason: expect.stringContaining('超过 15 位数字') });
    expect(normalizeCode('8.12346E+19')).toMatchObject({ ok: false, reason: expect.stringContaining('科学计数法') });
  });
});

describe('names keep what the maker printed', () => {
  it('folds full-width letters and digits but not Ⅱ, µ, ㎎ or Chinese punctuation (no NFKC)', () => {
    expect(normalizeText('维Ｃ银翘片Ⅱ')).toEqual({ value: '维C银翘片Ⅱ', notes: ['全角字符已改为半角'] });
    expect(normalizeText('µ-滴剂')).toEqual({ value: 'µ-滴剂', notes: [] });
    expect(normalizeText('阿莫西林胶囊（0.25g）')).toEqual({ value: '阿莫西林胶囊（0.25g）', notes: [] });
    expect(normalizeText('维生素B12注射液 0.5㎎')).toEqual({ value: '维生素B12注射液 0.5㎎', notes: [] });
    expect('Ⅱ'.normalize('NFKC')).toBe('II'); // what full NFKC would have done
  });

  it('turns the ideographic space into a space, strips invisible characters, merges runs of spaces', () => {
    expect(normalizeText('　复方丹参片　')).toEqual({ value: '复方丹参片', notes: [] });
    expect(normalizeText('复方\u3000丹参片')).toEqual({ value: '复方 丹参片', notes: ['全角空格或不换行空格已改为普通空格'] });
    expect(normalizeText('复方\u200b丹参片')).toEqual({ value: '复方丹参片', notes: ['去掉了看不见的字符（零宽字符、BOM 或控制字符）'] });
    expect(normalizeText('某药业\n（分厂）')).toEqual({ value: '某药业 （分厂）', notes: ['多个空格或换行已合并为一个空格'] });
  });

  it.each(['null', '无', '—', 'N/A'])('reads %j as empty', (marker) => {
    expect(normalizeText(marker)).toEqual({ value: null, notes: [`“${marker}”按空值处理`] });
  });
});

describe('dates and times', () => {
  it.each([
    ['2026-03-01', '2026-03-01', []],
    ['2026/3/1', '2026-03-01', ['“2026/3/1”读作 2026-03-01']],
    ['2026.3.1', '2026-03-01', ['“2026.3.1”读作 2026-03-01']],
    ['2026年3月1日', '2026-03-01', ['“2026年3月1日”读作 2026-03-01']],
    ['20260301', '2026-03-01', ['“20260301”读作 2026-03-01']],
    ['２０２６-03-01', '2026-03-01', ['全角字符已改为半角']],
  ] as const)('date %j → %j', (input, value, notes) => {
    expect(parseDateText(input)).toEqual({ ok: true, value, notes });
  });

  it('refuses days that do not exist', () => {
    expect(parseDateText('2026-02-29')).toMatchObject({ ok: false, reason: '“2026-02-29”不是日期（应如 2026-03-01）' });
    expect(parseDateText('2028-02-29')).toMatchObject({ ok: true, value: '2028-02-29' });
  });

  it.each([
    ['2026-03-01 08:00:00', '2026-03-01 08:00:00'],
    ['2026/3/1 9:00', '2026-03-01 09:00:00'],
    ['2026-03-01T08:30', '2026-03-01 08:30:00'],
  ])('date-time %j → %j', (input, value) => {
    expect(parseDateTimeText(input)).toMatchObject({ ok: true, value });
  });
});

describe('building blocks', () => {
  it('fold widths and strip invisible characters, saying so', () => {
    expect(foldWidth('Ａ１　')).toEqual({ value: 'A1 ', notes: ['全角字符已改为半角', '全角空格或不换行空格已改为普通空格'] });
    expect(stripInvisible('\uFEFFa\u200db')).toEqual({ value: 'ab', notes: ['去掉了看不见的字符（零宽字符、BOM 或控制字符）'] });
    expect(isEmptyMarker(' n/a ')).toBe(true);
    expect(isEmptyMarker('无菌')).toBe(false);
  });

  it('compare headers without widths, spaces, units in brackets, required marks or colons', () => {
    expect(headerKey('* 中选价格（元/盒）：')).toBe('中选价格');
    expect(headerKey('中选价格(元/包装)')).toBe('中选价格');
    expect(headerKey('ｍｅｄ_list_codg')).toBe('MED_LIST_CODG');
    expect(headerKey('药品\u200b代码')).toBe('药品代码');
  });
});
