/**
 * What people type into spreadsheets, read as they meant it. Shared by the main process (imports) and the
 * browser (the preview can say what was changed): each normaliser returns the value and notes, in Chinese,
 * of every change it made beyond trimming ASCII spaces; a value it cannot read is a reason quoting the value.
 *
 * Never full NFKC on names: it turns Ⅱ into II, µ into μ and ㎎ into mg, changing what the maker printed on the
 * box. Only full-width ASCII letters, digits and a few symbols are folded in text; codes and numbers fold all
 * full-width ASCII.
 */

/** A cell's value as the sheet reader gives it (dates already as 'YYYY-MM-DD'). */
export type CellInput = string | number | boolean | null | undefined;

export interface Normalized<T> {
  value: T;
  notes: string[];
}

export type Parsed<T> = { ok: true; value: T; notes: string[] } | { ok: false; reason: string; notes: string[] };

const ok = <T>(value: T, notes: string[]): Parsed<T> => ({ ok: true, value, notes });
const fail = <T>(reason: string, notes: string[]): Parsed<T> => ({ ok: false, reason, notes });

// Zero-width characters, the BOM, the soft hyphen, bidi controls and C0 controls other than tab and line breaks.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be stripped
const INVISIBLE = /[\u200B-\u200F\u2060-\u2064\uFEFF\u00AD\u180E\u202A-\u202E\u2066-\u2069\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const FULL_WIDTH_ASCII = /[\uFF01-\uFF5E]/g;
// In text only letters, digits and symbols that Chinese typography does not use in full width are folded:
// （）：，；！？【】 stay as typed.
const FULL_WIDTH_IN_TEXT = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF05\uFF0B\uFF0D\uFF0E\uFF0F\uFF0A\uFF1D\uFF03\uFF06\uFF20\uFF3F]/g;
const FULL_WIDTH_IN_TEXT_ONE = new RegExp(FULL_WIDTH_IN_TEXT.source);
const FOLDED_WORTH_A_NOTE = /[\uFF01-\uFF07\uFF0A-\uFF5E]/;
const WIDE_SPACES = /[\u3000\u00A0\u2002-\u200A\u202F\u205F]/g;

const fromFullWidth = (ch: string) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0);

const NOTE_INVISIBLE = '去掉了看不见的字符（零宽字符、BOM 或控制字符）';
const NOTE_FULL_WIDTH = '全角字符已改为半角';
const NOTE_WIDE_SPACE = '全角空格或不换行空格已改为普通空格';

/** Zero-width characters, BOMs and control characters removed. */
export function stripInvisible(text: string): Normalized<string> {
  const value = text.replace(INVISIBLE, '');
  return { value, notes: value === text ? [] : [NOTE_INVISIBLE] };
}

/** Every full-width ASCII character folded to ASCII and the ideographic (and no-break) space to a space. */
export function foldWidth(text: string): Normalized<string> {
  const notes: string[] = [];
  let value = text.replace(FULL_WIDTH_ASCII, fromFullWidth);
  if (value !== text) notes.push(NOTE_FULL_WIDTH);
  const spaced = value.replace(WIDE_SPACES, ' ');
  if (spaced !== value) notes.push(NOTE_WIDE_SPACE);
  value = spaced;
  return { value, notes };
}

/** The words people put in a cell to mean "nothing here". */
const EMPTY_MARKERS = new Set(['NULL', 'NONE', '无', '—', '——', '-', '--', '－', 'N/A', '#N/A', '/', '／', '\\']);

/** True for null, 无, —, -, N/A and the like (compared after trimming, case-insensitively). */
export function isEmptyMarker(text: string): boolean {
  return EMPTY_MARKERS.has(text.trim().toUpperCase());
}

const emptyNote = (raw: string) => `“${raw.trim()}”按空值处理`;

/** The cell as text before any field's own reading: invisible characters out, widths folded, trimmed. */
function prepared(input: CellInput, fold: 'all' | 'text'): Normalized<string> & { raw: string } {
  if (input === null || input === undefined) return { value: '', notes: [], raw: '' };
  const raw = typeof input === 'string' ? input : String(input);
  const stripped = stripInvisible(raw);
  const notes = [...stripped.notes];
  let value = stripped.value;
  // Full-width brackets are ordinary Chinese punctuation ('乙类（限工伤）'): folding them is not worth a note.
  if ((fold === 'all' ? FOLDED_WORTH_A_NOTE : FULL_WIDTH_IN_TEXT_ONE).test(value)) notes.push(NOTE_FULL_WIDTH);
  value = fold === 'all' ? value.replace(FULL_WIDTH_ASCII, fromFullWidth) : value.replace(FULL_WIDTH_IN_TEXT, fromFullWidth);
  const spaced = value.replace(WIDE_SPACES, ' ');
  // Spaces trimmed off the ends are not worth a note; one inside the text is.
  if (spaced.trim() !== value.trim()) notes.push(NOTE_WIDE_SPACE);
  return { value: spaced.trim(), notes, raw: raw.trim() };
}

/**
 * Names, specifications, units, makers: invisible characters out, full-width letters and digits folded, runs of
 * spaces (and line breaks inside a cell) made one space. Null for an empty cell or an empty marker.
 */
export function normalizeText(input: CellInput): Normalized<string | null> {
  const p = prepared(input, 'text');
  if (p.value === '') return { value: null, notes: p.notes };
  if (isEmptyMarker(p.value)) return { value: null, notes: [emptyNote(p.raw)] };
  const value = p.value.replace(/\s+/g, ' ');
  return { value, notes: value === p.value ? p.notes : [...p.notes, '多个空格或换行已合并为一个空格'] };
}

/** Excel keeps 15 significant digits: a longer number in a cell has already lost its last digits. */
const EXACT_DIGITS = 15;

/**
 * Codes (医保编码, 批准文号, 追溯码, 批号): everything folded, every space removed, letters upper-cased. A number
 * cell is read as its digits; one of more than 15 digits (or a code shown as 6.90123E+19) has been changed by
 * Excel and is refused rather than imported wrong.
 */
export function normalizeCode(input: CellInput): Parsed<string | null> {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || !Number.isInteger(input)) return fail(`“${input}”不是编码（带有小数）`, []);
    if (Math.abs(input) >= 10 ** EXACT_DIGITS) {
      return fail(`“${input}”超过 15 位数字，Excel 已改动了末几位：请把该列设为“文本”格式后重新填写`, []);
    }
    return ok(String(input), []);
  }
  if (typeof input === 'boolean') return fail(`“${input ? 'TRUE' : 'FALSE'}”不是编码`, []);
  const p = prepared(input, 'all');
  if (p.value === '') return ok(null, p.notes);
  if (isEmptyMarker(p.value)) return ok(null, [emptyNote(p.raw)]);
  if (/^\d+(\.\d+)?E\+\d+$/i.test(p.value)) {
    return fail(`“${p.value}”是科学计数法，编码的末几位已经丢失：请把该列设为“文本”格式后重新填写`, p.notes);
  }
  const notes = [...p.notes];
  if (/\s/.test(p.value)) notes.push('去掉了编码中的空格');
  if (/[a-z]/.test(p.value)) notes.push('小写字母已改为大写');
  return ok(p.value.replace(/\s+/g, '').toUpperCase(), notes);
}

export interface UnitOptions {
  /** The drug's base unit (最小单位, e.g. 粒): "24粒" is read as 24. */
  unit?: string | null;
  /** Its pack unit (包装单位, e.g. 盒): "24粒/盒" is read as 24. */
  packUnit?: string | null;
}

const NUMBER_AND_REST = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d+|(?=\.\d))(?:\.(\d+))?\s*(.*)$/;

/** Splits "1,000.50元" into its parts; notes for thousands separators. */
function splitNumber(text: string): { sign: string; whole: string; fraction: string; rest: string; notes: string[] } | null {
  const m = NUMBER_AND_REST.exec(text);
  if (!m) return null;
  const whole = m[2] === '' ? '0' : m[2];
  const notes = whole.includes(',') ? ['去掉了千位分隔符'] : [];
  return { sign: m[1], whole: whole.replaceAll(',', ''), fraction: m[3] ?? '', rest: m[4], notes };
}

/** The unit text after a number, when it is the expected unit ("片", or "粒/盒" for unit 粒 and pack 盒). */
function unitSuffixNote(rest: string, opts: UnitOptions): string | null {
  const unit = opts.unit?.trim();
  const pack = opts.packUnit?.trim();
  if (!unit) return null;
  if (rest === unit) return `去掉了单位“${unit}”（与最小单位相同）`;
  if (pack && (rest === `${unit}/${pack}` || rest === `${unit}每${pack}`)) return `去掉了“${rest}”（与最小单位、包装单位相同）`;
  return null;
}

/**
 * A whole number as people write it: "２４", "24.0", "1,000", "24片" and "24粒/盒" (when the unit and pack unit are
 * those given) are 24, 24, 1000, 24 and 24, each with a note; null for an empty cell or marker.
 */
export function parseWholeNumber(input: CellInput, opts: UnitOptions = {}): Parsed<number | null> {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return fail(`“${input}”不是数字`, []);
    const rounded = Math.round(input);
    // A number cell computed as 23.999999999999996 is 24 to a person.
    if (Math.abs(input - rounded) > 1e-9 * Math.max(1, Math.abs(input))) return fail(`“${Number(input.toPrecision(EXACT_DIGITS))}”应为整数`, []);
    return ok(rounded, []);
  }
  if (typeof input === 'boolean') return fail(`“${input ? 'TRUE' : 'FALSE'}”不是数字`, []);
  const p = prepared(input, 'all');
  if (p.value === '') return ok(null, p.notes);
  if (isEmptyMarker(p.value)) return ok(null, [emptyNote(p.raw)]);
  const parts = splitNumber(p.value);
  if (!parts) return fail(`“${p.value}”不是数字`, p.notes);
  const notes = [...p.notes, ...parts.notes];
  if (parts.fraction !== '') {
    if (/[^0]/.test(parts.fraction)) return fail(`“${p.value}”应为整数`, notes);
    notes.push(`去掉了末尾的“.${parts.fraction}”`);
  }
  if (parts.rest !== '') {
    const note = unitSuffixNote(parts.rest, opts);
    if (!note) {
      const unit = opts.unit?.trim();
      return fail(unit ? `“${p.value}”中的单位“${parts.rest}”与最小单位“${unit}”不一致` : `“${p.value}”不是数字`, notes);
    }
    notes.push(note);
  }
  const value = Number(parts.whole);
  if (!Number.isSafeInteger(value)) return fail(`“${p.value}”过大`, notes);
  return ok(parts.sign === '-' ? -value : value, notes);
}

/**
 * A decimal (a price, a temperature) as canonical text for the exact parsers (money.ts): "１２.５", "1,234.5",
 * "¥12.5", "12.5元" and, with a pack unit, "12.5元/盒". Text, not a float: money never passes through floating point.
 */
export function parseDecimalText(input: CellInput, opts: { packUnit?: string | null } = {}): Parsed<string | null> {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return fail(`“${input}”不是数字`, []);
    // Excel shows 15 significant digits: 0.30000000000000004 in the file is 0.3 on the screen.
    const text = String(Number(input.toPrecision(EXACT_DIGITS)));
    if (/e/i.test(text)) return fail(`“${text}”过大或过小`, []);
    return ok(text, []);
  }
  if (typeof input === 'boolean') return fail(`“${input ? 'TRUE' : 'FALSE'}”不是数字`, []);
  const p = prepared(input, 'all');
  if (p.value === '') return ok(null, p.notes);
  if (isEmptyMarker(p.value)) return ok(null, [emptyNote(p.raw)]);
  const notes = [...p.notes];
  let text = p.value;
  const currency = /^(¥|￥|RMB|CNY)\s*/i.exec(text);
  if (currency) {
    text = text.slice(currency[0].length);
    notes.push(`去掉了货币符号“${currency[1]}”`);
  }
  const parts = splitNumber(text);
  if (!parts) return fail(`“${p.value}”不是数字`, notes);
  notes.push(...parts.notes);
  if (parts.rest !== '') {
    const pack = opts.packUnit?.trim();
    if (parts.rest === '元' || (pack && (parts.rest === `元/${pack}` || parts.rest === `元每${pack}`))) notes.push(`去掉了单位“${parts.rest}”`);
    else return fail(`“${p.value}”不是数字`, notes);
  }
  return ok(`${parts.sign === '-' ? '-' : ''}${parts.whole}${parts.fraction ? `.${parts.fraction}` : ''}`, notes);
}

export type InsuranceClass = 'A' | 'B' | 'none';

const CLASS_WORDS: Record<string, InsuranceClass> = Object.assign(Object.create(null) as Record<string, InsuranceClass>, {
  甲: 'A',
  甲类: 'A',
  A: 'A',
  A类: 'A',
  乙: 'B',
  乙类: 'B',
  B: 'B',
  B类: 'B',
  丙: 'none',
  丙类: 'none',
  自费: 'none',
  非医保: 'none',
  全自费: 'none',
});
// NHSA 收费项目等级 (chrgitm_lv) codes, as settlement and catalog files from the national platform carry them.
const NHSA_CLASS_CODES: Record<string, InsuranceClass> = Object.assign(Object.create(null) as Record<string, InsuranceClass>, {
  '01': 'A',
  '1': 'A',
  '02': 'B',
  '2': 'B',
  '03': 'none',
  '3': 'none',
});
const CLASS_LABEL: Record<InsuranceClass, string> = { A: '甲类', B: '乙类', none: '非医保（丙类/自费）' };

/**
 * 甲乙类 as written in national, provincial and HIS files: "Ａ", "甲", "医保甲类", "甲类药品", "乙类(限工伤)" (the
 * bracketed restriction is noted, not imported), the NHSA level codes 01/02/03. Null for an empty cell or marker:
 * whether that means 非医保 is the caller's choice.
 */
export function parseInsuranceClass(input: CellInput): Parsed<InsuranceClass | null> {
  const p = prepared(typeof input === 'number' ? String(input) : input, 'all');
  if (p.value === '') return ok(null, p.notes);
  if (isEmptyMarker(p.value)) return ok(null, [emptyNote(p.raw)]);
  const notes = [...p.notes];
  let text = p.value.replace(/\s+/g, '').toUpperCase();
  const bracket = /^(.+?)[(（[【](.*)[)）\]】]$/.exec(text);
  if (bracket) {
    text = bracket[1];
    if (bracket[2]) notes.push(`括号中的“${bracket[2]}”未导入`);
  }
  const code = NHSA_CLASS_CODES[text];
  if (code) return ok(code, [...notes, `按医保收费项目等级代码“${text}”读作${CLASS_LABEL[code]}`]);
  const word = text.replace(/^(国家|基本)?医保/, '').replace(/(药品|药)$/, '');
  const value = CLASS_WORDS[word];
  if (!value) return fail(`无法识别“${p.value}”：应为 甲类、乙类，非医保药品留空`, notes);
  if (word !== text) notes.push(`“${p.value}”读作${CLASS_LABEL[value]}`);
  return ok(value, notes);
}

const isCalendarDate = (y: number, m: number, d: number) => {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= days;
};
const pad2 = (n: number | string) => String(n).padStart(2, '0');
const DATE_FORMS = [/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/, /^(\d{4})年(\d{1,2})月(\d{1,2})日?/, /^(\d{4})(\d{2})(\d{2})(?!\d)/];

/** Splits a date (2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日, 20260301) off the front of text. */
function leadingDate(text: string): { date: string; rest: string } | null {
  for (const re of DATE_FORMS) {
    const m = re.exec(text);
    if (!m) continue;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!isCalendarDate(y, mo, d)) return null;
    return { date: `${m[1]}-${pad2(mo)}-${pad2(d)}`, rest: text.slice(m[0].length) };
  }
  return null;
}

/** A calendar date as 'YYYY-MM-DD' from the forms people use (a date cell already arrives in that form). */
export function parseDateText(input: CellInput): Parsed<string | null> {
  if (typeof input === 'number' || typeof input === 'boolean') return fail(`“${input}”不是日期`, []);
  const p = prepared(input, 'all');
  if (p.value === '') return ok(null, p.notes);
  if (isEmptyMarker(p.value)) return ok(null, [emptyNote(p.raw)]);
  const found = leadingDate(p.value);
  if (found?.rest.trim() !== '') return fail(`“${p.value}”不是日期（应如 2026-03-01）`, p.notes);
  return ok(found.date, found.date === p.value ? p.notes : [...p.notes, `“${p.value}”读作 ${found.date}`]);
}

/** A date and time as 'YYYY-MM-DD HH:mm:ss' (a temperature logger's 2026/3/1 9:00, 2026-03-01T08:00:00). */
export function parseDateTimeText(input: CellInput): Parsed<string | null> {
  if (typeof input === 'number' || typeof input === 'boolean') return fail(`“${input}”不是日期时间`, []);
  const p = prepared(input, 'all');
  if (p.value === '') return ok(null, p.notes);
  if (isEmptyMarker(p.value)) return ok(null, [emptyNote(p.raw)]);
  const found = leadingDate(p.value);
  const time = found && /^(?:\s+|T)(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$/.exec(found.rest);
  if (!found || !time || Number(time[1]) > 23 || Number(time[2]) > 59 || Number(time[3] ?? 0) > 59) {
    return fail(`“${p.value}”不是日期时间（应如 2026-03-01 08:00）`, p.notes);
  }
  const value = `${found.date} ${pad2(time[1])}:${time[2]}:${time[3] ?? '00'}`;
  return ok(value, value === p.value ? p.notes : [...p.notes, `“${p.value}”读作 ${value}`]);
}

/**
 * A column header as compared with known names: all widths folded, spaces, invisible characters and a bracketed
 * unit removed, a required-mark '*' and a trailing colon dropped, letters upper-cased
 * ('* 中选价格（元/盒）：' → '中选价格', 'med_list_codg' → 'MED_LIST_CODG').
 */
export function headerKey(text: CellInput): string {
  if (text === null || text === undefined) return '';
  return String(text)
    .replace(INVISIBLE, '')
    .replace(FULL_WIDTH_ASCII, fromFullWidth)
    .replace(WIDE_SPACES, ' ')
    .replace(/\s+/g, '')
    .replace(/[(（[【][^)）\]】]*[)）\]】]/g, '')
    .replace(/^\*+|\*+$/g, '')
    .replace(/[:：]$/, '')
    .toUpperCase();
}
