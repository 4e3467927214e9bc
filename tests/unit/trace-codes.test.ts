import { describe, expect, it } from 'vitest';
import { gtinCheckDigitOk, normalizeGtin, parseBoxCode, parseTraceCode, productMismatch } from '../../shared/traceCodes';

const GS = '\u001d';
/** What zxing-wasm reads from a GS1 DataMatrix printed by bwip-js (see notes/libraries.md), and what scanners type. */
const BOX = { gtin: '06901234567892', batchNo: 'B2026A', expiryDate: '2027-12-31', serial: 'SN0001' };

function ok(raw: string) {
  const r = parseTraceCode(raw);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}
function problem(raw: string) {
  const r = parseTraceCode(raw);
  if (r.ok) throw new Error(`accepted ${JSON.stringify(r.value)}`);
  return r.message;
}

describe('trace codes: 码上放心 20 digits', () => {
  it('reads the product prefix and keeps the code as printed, whatever its first digit', () => {
    expect(ok('81234560000000000001')).toMatchObject({ kind: 'mssf', code: '81234560000000000001', prefix: '8123456' });
    expect(ok('30512340000000000099')).toMatchObject({ kind: 'mssf', prefix: '3051234' });
  });
  it('folds full-width digits and strips the scanner’s spaces and line end', () => {
    expect(ok(' ８１２３４５６００００００００００００１\r\n').code).toBe('81234560000000000001');
  });
  it('checks the prefix against the drug and says which digits differ', () => {
    const drug = { drugName: '阿莫西林胶囊', tracePrefix: '8123456', gtin: null };
    expect(productMismatch(ok('81234560000000000001'), drug)).toBeNull();
    expect(productMismatch(ok('81234570000000000001'), drug)).toBe(
      '追溯码 81234570000000000001 的前 7 位 8123457 与 阿莫西林胶囊 的追溯码前缀 8123456 不符，不是这个药品的码',
    );
    expect(productMismatch(ok('81234570000000000001'), { ...drug, tracePrefix: null })).toBeNull();
  });
});

describe('trace codes: GS1 element strings', () => {
  const forms = {
    'DataMatrix, ]d2 and GS': `]d201069012345678921727123110B2026A${GS}21SN0001`,
    'GS1-128, ]C1 and GS': `]C101069012345678921727123110B2026A${GS}21SN0001`,
    'leading GS for FNC1': `${GS}01069012345678921727123110B2026A${GS}21SN0001`,
    'HRI parentheses': '(01)06901234567892(17)271231(10)B2026A(21)SN0001',
    'HRI behind ]d2': ']d2(01)06901234567892(17)271231(10)B2026A(21)SN0001',
    'no separator, variable field last': '01069012345678921727123121SN0001',
  };
  for (const [name, raw] of Object.entries(forms)) {
    it(`reads ${name}`, () => {
      const v = ok(raw);
      expect(v.kind).toBe('gs1');
      expect(v.gtin).toBe(BOX.gtin);
      expect(v.serial).toBe(BOX.serial);
      expect(v.expiryDate).toBe(BOX.expiryDate);
      expect(v.code).toBe('010690123456789221SN0001');
      if (name !== 'no separator, variable field last') expect(v.batchNo).toBe(BOX.batchNo);
    });
  }
  it('reads production date and DD = 00 as the month’s last day', () => {
    expect(ok('(01)06901234567892(11)260100(17)280200(10)L1(21)7')).toMatchObject({ mfgDate: '2026-01-31', expiryDate: '2028-02-29', batchNo: 'L1' });
  });
  it('a GS1 code without a serial names a product and batch, not a box', () => {
    expect(ok('(01)06901234567892(17)271231(10)B2026A').code).toBeNull();
    const box = parseBoxCode('(01)06901234567892(17)271231(10)B2026A');
    expect(box.ok).toBe(false);
    expect(box.ok ? '' : box.message).toMatch(/没有序列号/);
  });
  it('refuses a wrong check digit, a bad date and an unknown AI in Chinese', () => {
    expect(problem('(01)06901234567893(21)SN1')).toMatch(/校验位不对/);
    expect(problem('(01)06901234567892(17)271332(21)SN1')).toMatch(/有效期（AI 17） 271332 的月份不对/);
    expect(problem(`]d20106901234567892240AB${GS}21SN1`)).toMatch(/不支持的应用标识符 24/);
  });
  it('matches the GTIN kept in the catalog', () => {
    const drug = { drugName: '布洛芬缓释胶囊', tracePrefix: null, gtin: '06901234567892' };
    expect(productMismatch(ok('(01)06901234567892(21)A1'), drug)).toBeNull();
    expect(productMismatch(ok('(01)06901234567885(21)A1'), drug)).toMatch(/商品条码 06901234567885 与 布洛芬缓释胶囊 的商品条码 06901234567892 不符/);
  });
  it('normalises GTIN-13 to 14 digits and checks it', () => {
    expect(normalizeGtin('6901234567892')).toEqual({ gtin: '06901234567892' });
    expect(normalizeGtin('6901234567893')).toEqual({ problem: '商品条码 GTIN 6901234567893 的校验位不对，请核对是否输错' });
    expect(gtinCheckDigitOk('96385074')).toBe(true);
  });
});

describe('trace codes: manufacturers’ codes and garbage', () => {
  it('keeps a manufacturer’s code of up to 100 characters as text', () => {
    const long = `HRB-2026/${'A1'.repeat(45)}`;
    expect(long.length).toBeLessThanOrEqual(100);
    expect(ok(long)).toMatchObject({ kind: 'maker', code: long });
    expect(ok('ZJ2026-000123-XY')).toMatchObject({ kind: 'maker', code: 'ZJ2026-000123-XY' });
  });
  it('refuses garbage with a Chinese message', () => {
    expect(problem('')).toBe('请扫描或输入追溯码');
    expect(problem('X'.repeat(101))).toBe('追溯码不能超过 100 个字符（当前 101 个）');
    expect(problem('阿莫西林')).toMatch(/不是追溯码：追溯码只含字母、数字和符号/);
    expect(problem('12345')).toMatch(/太短/);
    expect(problem('6901234567892')).toMatch(/是商品条码（GTIN），不是追溯码/);
  });
});
