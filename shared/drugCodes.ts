/**
 * Codes that identify a drug, validated the same way by the forms, the API and the workbook import.
 *
 * - 医保药品编码 (NHSA drug code): upper-case letters and digits, first letter X (西药 western
 *   medicine) or Z (中成药 Chinese patent medicine), at most 50 characters, e.g. XJ01CAA040A001010101445.
 * - 批准文号 (or the 注册证号 an imported drug carries instead), kept exactly as the authority wrote it — see
 *   APPROVAL_NO_FORMS. A bare "H20140345" is an 进口药品注册证号, not a 国药准字 with its prefix left off.
 * - 药品追溯码前缀: the first 7 digits of the 20-digit traceability code, naming the product.
 */
export const NHSA_CODE_RE = /^[XZ][A-Z0-9]{1,49}$/;
/**
 * The official forms of a drug's approval number. 国药准字: H 化学药 / Z 中药 / S 生物制品 / J 进口分包装, older
 * B 保健药品 / F 药用辅料 / T 体外诊断试剂, and since 2020 HJ/ZJ/SJ (境外生产) and HC/ZC/SC (港澳台生产).
 * 进口药品注册证号: H/Z/S + 8 digits (X and BH/BZ/BS in older certificates). 医药产品注册证号 (港澳台):
 * HC/ZC/SC + 8 digits.
 */
export const APPROVAL_NO_FORMS = [
  {
    name: '国药准字',
    re: /^国药准字(?:[HZSJBFT]|[HZS][JC])\d{8}$/,
    pattern: '国药准字 + H/Z/S/J（或 HJ/HC/ZJ/ZC/SJ/SC，旧的 B/F/T）+ 8 位数字',
    example: '国药准字H20003263、国药准字HJ20171044',
  },
  { name: '进口药品注册证号', re: /^(?:[HZSX]|B[HZS])\d{8}$/, pattern: 'H/Z/S（旧证 X、BH）+ 8 位数字', example: 'H20140345' },
  { name: '医药产品注册证号', re: /^[HZS]C\d{8}$/, pattern: 'HC/ZC/SC + 8 位数字', example: 'HC20200001' },
] as const;
/** Any one of the forms. */
export const APPROVAL_NO_RE = new RegExp(APPROVAL_NO_FORMS.map((f) => f.re.source).join('|'));
export const TRACE_PREFIX_RE = /^\d{7}$/;

/** Full-width characters folded, spaces removed, letters upper-cased. */
export function normalizeCode(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** How the import template marks its example rows: their 药品代码 starts with it. */
export const EXAMPLE_ROW_MARK = '示例';

export function nhsaCodeProblem(code: string): string | null {
  if (code === '') return '请填写医保药品编码';
  if (code.startsWith(EXAMPLE_ROW_MARK)) return '这是导入模板中的示例行：请删除该行，或改成要导入的药品（去掉“示例”二字）';
  if (code.length > 50) return `医保药品编码不能超过 50 个字符（当前 ${code.length} 个）`;
  if (!/^[XZ]/.test(code)) return '医保药品编码应以 X（西药）或 Z（中成药）开头';
  if (!/^[A-Z0-9]+$/.test(code)) return '医保药品编码只能包含大写字母和数字';
  if (code.length < 2) return '医保药品编码过短';
  return null;
}

const FULL_WIDTH_ASCII = /[\uFF01-\uFF5E]/g;

/**
 * "国药准字 h２００３２６３" as typed becomes "国药准字H20003263": full-width letters and digits folded, spaces
 * removed, letters upper-cased, and nothing else — no prefix is ever added or dropped.
 */
export function normalizeApprovalNo(text: string): string {
  return text
    .replace(FULL_WIDTH_ASCII, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000]+/g, '')
    .toUpperCase();
}

/** Which official form the (normalised) number has; null when none. */
export function approvalNoForm(no: string): (typeof APPROVAL_NO_FORMS)[number]['name'] | null {
  return APPROVAL_NO_FORMS.find((f) => f.re.test(no))?.name ?? null;
}

/** What every accepted form looks like, for messages and help texts. */
export const APPROVAL_NO_FORMS_TEXT = APPROVAL_NO_FORMS.map((f) => `${f.name} ${f.pattern}（如 ${f.example}）`).join('；');

export function approvalNoProblem(no: string): string | null {
  if (approvalNoForm(no)) return null;
  return `批准文号“${no}”不是已知的格式，应照证书原样填写：${APPROVAL_NO_FORMS_TEXT}`;
}

export function tracePrefixProblem(prefix: string): string | null {
  return TRACE_PREFIX_RE.test(prefix) ? null : '追溯码前缀应为 7 位数字';
}
