/**
 * Codes that identify a drug, validated the same way by the forms, the API and the workbook import.
 *
 * - 医保药品编码 (NHSA drug code): upper-case letters and digits, first letter X (西药 western
 *   medicine) or Z (中成药 Chinese patent medicine), at most 50 characters, e.g. XJ01CAA040A001010101445.
 * - 批准文号: 国药准字 + H (化学药) / Z (中成药) / S (生物制品) / J (进口分包装) + 8 digits.
 * - 药品追溯码前缀: the first 7 digits of the 20-digit traceability code, naming the product.
 */
export const NHSA_CODE_RE = /^[XZ][A-Z0-9]{1,49}$/;
export const APPROVAL_NO_RE = /^国药准字[HZSJ]\d{8}$/;
export const TRACE_PREFIX_RE = /^\d{7}$/;

/** Full-width characters folded, spaces removed, letters upper-cased. */
export function normalizeCode(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

export function nhsaCodeProblem(code: string): string | null {
  if (code === '') return '请填写医保药品编码';
  if (code.length > 50) return `医保药品编码不能超过 50 个字符（当前 ${code.length} 个）`;
  if (!/^[XZ]/.test(code)) return '医保药品编码应以 X（西药）或 Z（中成药）开头';
  if (!/^[A-Z0-9]+$/.test(code)) return '医保药品编码只能包含大写字母和数字';
  if (code.length < 2) return '医保药品编码过短';
  return null;
}

/** Accepts "国药准字 h20003263" as typed; returns the normalised number or a Chinese problem. */
export function normalizeApprovalNo(text: string): string {
  const t = normalizeCode(text);
  return /^[HZSJ]\d{8}$/.test(t) ? `国药准字${t}` : t;
}

export function approvalNoProblem(no: string): string | null {
  if (APPROVAL_NO_RE.test(no)) return null;
  return '批准文号格式应为“国药准字”+ H/Z/S/J + 8 位数字，如 国药准字H20003263';
}

export function tracePrefixProblem(prefix: string): string | null {
  return TRACE_PREFIX_RE.test(prefix) ? null : '追溯码前缀应为 7 位数字';
}
