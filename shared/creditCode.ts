/**
 * 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from a 31-character set
 * (digits and upper-case letters except I, O, Z, S, V).
 *   1     registration authority (1 机构编制, 5 民政, 9 工商, Y 其他 …)
 *   2     organisation type
 *   3–8   administrative division code (digits)
 *   9–17  organisation code
 *   18    check character: weights 3^(i-1) mod 31 over the first 17, C18 = 31 - (Σ mod 31), 31 → 0.
 */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Upper-case, no spaces: how codes are stored and compared. */
export function normalizeCreditCode(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** The 18th character for the first 17, or null when they contain a character outside the set. */
export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_CHARSET.indexOf(first17[i]);
    if (v < 0) return null;
    sum += v * WEIGHTS[i];
  }
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31];
}

/** Why a (normalised) code is not valid, in Chinese; null when it is. */
export function creditCodeProblem(code: string): string | null {
  if (code.length !== 18) return `统一社会信用代码应为 18 位，当前为 ${code.length} 位`;
  const bad = [...code].find((c) => !CREDIT_CODE_CHARSET.includes(c));
  if (bad) return `统一社会信用代码不能包含“${bad}”（不使用 I、O、Z、S、V）`;
  if (!/^\d{6}$/.test(code.slice(2, 8))) return '统一社会信用代码第 3–8 位应为行政区划代码（数字）';
  const check = creditCodeCheckChar(code.slice(0, 17));
  if (check !== code[17]) return '统一社会信用代码校验位不正确，请核对营业执照';
  return null;
}

export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(normalizeCreditCode(code)) === null;
}
