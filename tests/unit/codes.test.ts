import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar, creditCodeProblem, isValidCreditCode, normalizeCreditCode } from '../../shared/creditCode';
import { approvalNoProblem, nhsaCodeProblem, normalizeApprovalNo, normalizeCode } from '../../shared/drugCodes';
import { formatPack, formatQty } from '../../shared/units';
import { columnLetter, fieldForHeader, normalizeHeader } from '../../shared/catalogColumns';
import { drugInput } from '../../shared/contract/catalog';
import { creditCode } from '../../shared/contract/suppliers';

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts real codes', () => {
    // Published codes of well-known companies.
    for (const code of ['91110000710925462X', '9144030071526726XG', '91330100716105852F', '91110000802100433B']) {
      expect(creditCodeProblem(code), code).toBeNull();
    }
  });

  it('computes the check character from the weights 3^(i-1) mod 31', () => {
    expect(creditCodeCheckChar('91110000710925462')).toBe('X');
    expect(creditCodeCheckChar('91330100716105852')).toBe('F');
    expect(creditCodeCheckChar('9133010071610585')).toBeNull();
    expect(creditCodeCheckChar('9133010071610585I')).toBeNull();
  });

  it('rejects a wrong check character, a wrong length, letters outside the set and a bad division code', () => {
    expect(creditCodeProblem('91110000710925462Y')).toMatch(/校验位不正确/);
    expect(creditCodeProblem('91110000710925462')).toMatch(/应为 18 位，当前为 17 位/);
    expect(creditCodeProblem('91110000710925462XX')).toMatch(/当前为 19 位/);
    expect(creditCodeProblem('9111000071092546IX')).toMatch(/不能包含“I”/);
    expect(creditCodeProblem('91AB0000710925462X')).toMatch(/行政区划代码/);
    // Every single-character typo is caught.
    const good = '91110000710925462X';
    for (let i = 0; i < 18; i++) {
      const typo = good.slice(0, i) + (good[i] === '1' ? '2' : '1') + good.slice(i + 1);
      expect(isValidCreditCode(typo), typo).toBe(false);
    }
  });

  it('normalises what people type (spaces, lower case, full-width)', () => {
    expect(normalizeCreditCode(' 9111 0000 7109 2546 2x ')).toBe('91110000710925462X');
    expect(normalizeCreditCode('９１１１００００７１０９２５４６２Ｘ')).toBe('91110000710925462X');
    expect(creditCode.parse('91110000710925462x')).toBe('91110000710925462X');
    const bad = creditCode.safeParse('91110000710925462Y');
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].message).toMatch(/校验位不正确/);
  });
});

describe('NHSA drug code and approval number', () => {
  it('accepts X and Z codes of upper-case letters and digits, up to 50 characters', () => {
    for (const code of ['XJ01CAA040E001010101445', 'ZA12AAF0119010104040', 'X1', `X${'9'.repeat(49)}`]) expect(nhsaCodeProblem(code), code).toBeNull();
  });

  it('explains what is wrong', () => {
    expect(nhsaCodeProblem('')).toMatch(/请填写/);
    expect(nhsaCodeProblem('YJ01CA')).toMatch(/应以 X（西药）或 Z（中成药）开头/);
    expect(nhsaCodeProblem('XJ01-CA')).toMatch(/只能包含大写字母和数字/);
    expect(nhsaCodeProblem(`X${'9'.repeat(50)}`)).toMatch(/不能超过 50 个字符/);
    expect(nhsaCodeProblem('X')).toMatch(/过短/);
  });

  it('normalises lower case and full-width input before validating', () => {
    expect(normalizeCode(' xj01caa040 ')).toBe('XJ01CAA040');
    expect(normalizeCode('ＸＪ０１')).toBe('XJ01');
  });

  it('accepts every official form of approval number exactly as written', () => {
    const asWritten = [
      '国药准字H20003263', // 化学药
      '国药准字Z20025001', // 中药
      '国药准字S10980012', // 生物制品
      '国药准字J20150111', // 进口分包装
      '国药准字B20020001', // 旧的保健药品
      '国药准字HJ20171044', // 境外生产（2020 年起）
      '国药准字ZJ20200003',
      '国药准字SJ20210011',
      '国药准字HC20200001', // 港澳台生产
      '国药准字ZC20200002',
      '国药准字SC20210005',
      'H20140345', // 进口药品注册证号
      'Z20130012',
      'S20180021',
      'X19990123', // 旧的进口药品注册证号
      'BH20100015',
      'HC20200001', // 医药产品注册证号（港澳台）
      'ZC20160008',
      'SC20170011',
    ];
    for (const no of asWritten) {
      expect(normalizeApprovalNo(no), no).toBe(no);
      expect(approvalNoProblem(no), no).toBeNull();
    }
  });

  it('folds full-width characters, spaces and case only, never adding a prefix', () => {
    expect(normalizeApprovalNo('h20140345')).toBe('H20140345');
    expect(normalizeApprovalNo('国药准字 Z20025001')).toBe('国药准字Z20025001');
    expect(normalizeApprovalNo('国药准字ＨＪ２０１７１０４４')).toBe('国药准字HJ20171044');
    expect(normalizeApprovalNo('\u3000hc 2020 0001 ')).toBe('HC20200001');
  });

  it('refuses a number of no known form, quoting it and naming the forms', () => {
    for (const no of [
      '国药准字H2000326',
      '国药准字X20003263',
      '国药准字HX20171044',
      '国药准字H200032631',
      'HJ20171044',
      'A20140345',
      '20003263',
      '国械注准20153141234',
      '进口药品注册证号H20140345',
    ]) {
      const problem = approvalNoProblem(normalizeApprovalNo(no));
      expect(problem, no).toContain(`“${normalizeApprovalNo(no)}”`);
      expect(problem, no).toMatch(/国药准字.*进口药品注册证号.*医药产品注册证号/);
    }
  });

  it('applies the cross-field rules in the drug schema', () => {
    const base = {
      nhsaCode: 'XJ01CA1',
      genericName: '阿莫西林胶囊',
      dosageForm: '胶囊剂',
      spec: '0.25g',
      packUnit: '盒',
      baseUnit: '粒',
      packSize: 24,
      manufacturer: '某药业',
      insuranceClass: 'A' as const,
    };
    expect(drugInput.safeParse(base).success).toBe(true);
    const bad = drugInput.safeParse({ ...base, vbp: false, vbpBatch: '第七批', hubMin: 100, hubMax: 10 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['vbpBatch', '非集采药品不应填写集采批次'],
      ['hubMax', '中心库库存上限不能小于下限'],
    ]);
    expect(drugInput.safeParse({ ...base, tracePrefix: '12345' }).error!.issues[0].message).toBe('追溯码前缀应为 7 位数字');
  });
});

describe('quantities in packs and base units', () => {
  it('writes whole packs and the loose remainder', () => {
    expect(formatQty(78, 24, '盒', '粒')).toBe('3盒6粒');
    expect(formatQty(72, 24, '盒', '粒')).toBe('3盒');
    expect(formatQty(6, 24, '盒', '粒')).toBe('6粒');
    expect(formatQty(0, 24, '盒', '粒')).toBe('0盒');
    expect(formatQty(-30, 24, '盒', '粒')).toBe('-1盒6粒');
    expect(formatQty(5, 1, '瓶', '瓶')).toBe('5瓶');
    expect(formatQty(5, 1, '支', '支')).toBe('5支');
    expect(() => formatQty(1.5, 24, '盒', '粒')).toThrow(RangeError);
    expect(() => formatQty(1, 0, '盒', '粒')).toThrow(RangeError);
    expect(formatPack(24, '盒', '粒')).toBe('24粒/盒');
    expect(formatPack(1, '盒', '片')).toBe('1片/盒');
    expect(formatPack(1, '瓶', '瓶')).toBe('瓶');
  });
});

describe('catalog workbook columns', () => {
  it('recognises national and hub column names, with units and full-width brackets', () => {
    expect(fieldForHeader('药品代码')).toBe('nhsaCode');
    expect(fieldForHeader('注册名称')).toBe('genericName');
    expect(fieldForHeader('最小包装数量')).toBe('packSize');
    expect(fieldForHeader(' 中选价格（元/包装） ')).toBe('vbpPrice');
    expect(fieldForHeader('甲乙类')).toBe('insuranceClass');
    expect(fieldForHeader('备注')).toBeNull();
    expect(normalizeHeader('中心库下限(最小单位)')).toBe('中心库下限');
    expect(columnLetter(1)).toBe('A');
    expect(columnLetter(26)).toBe('Z');
    expect(columnLetter(27)).toBe('AA');
  });
});
