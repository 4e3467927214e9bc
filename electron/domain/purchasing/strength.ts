/**
 * The strength of one base unit read from a drug's specification (规格), so that two drugs can be compared
 * dose for dose: "0.25g" and "250mg" are the same, "0.25g" and "0.5g" are not, "2ml:0.3g" is 0.3 g in 2 ml.
 *
 * Specifications are free text (see electron/demo/catalog-data.ts): "0.25g", "5mg*28片", "2ml:0.3g",
 * "1%:10g", "0.375g(2:1)", "3ml:300单位", "复方". Every amount (number + unit of mass, volume, activity or
 * percent) is rewritten exactly in one unit per dimension; everything else is kept as written. Two specs
 * state the same strength when the rewritten texts are equal. A spec without any amount ("复方") states no
 * strength at all, and is never taken as equal to anything: comparing it would be a guess.
 */

/** Units a spec may use, with the power of ten that takes them to the dimension's one unit. */
const UNITS: { names: string[]; canonical: string; exp: number }[] = [
  { names: ['kg'], canonical: 'g', exp: 3 },
  { names: ['mg'], canonical: 'g', exp: -3 },
  { names: ['μg', 'µg', 'ug', 'mcg'], canonical: 'g', exp: -6 },
  { names: ['g', '克'], canonical: 'g', exp: 0 },
  { names: ['ml', '毫升'], canonical: 'ml', exp: 0 },
  { names: ['l', '升'], canonical: 'ml', exp: 3 },
  { names: ['万单位', '万u'], canonical: '单位', exp: 4 },
  { names: ['单位', 'u'], canonical: '单位', exp: 0 },
  // International units are kept apart from 单位: a catalog that writes one or the other is not proof they agree.
  { names: ['万iu'], canonical: 'iu', exp: 4 },
  { names: ['iu'], canonical: 'iu', exp: 0 },
  { names: ['%'], canonical: '%', exp: 0 },
];

const UNIT_BY_NAME = new Map(UNITS.flatMap((u) => u.names.map((n) => [n, u] as const)));
// Longest names first, so "mg" is not read as "m" + "g" and "万单位" not as "万" + "单位".
const UNIT_PATTERN = [...UNIT_BY_NAME.keys()]
  .sort((a, b) => b.length - a.length)
  .map((n) => n.replace(/[%]/g, '\\$&'))
  .join('|');
const AMOUNT = new RegExp(`(\\d+(?:\\.\\d+)?)(${UNIT_PATTERN})(?![a-z])`, 'g');

const FULL_WIDTH: Record<string, string> = { '：': ':', '（': '(', '）': ')', '×': '*', '＊': '*', '／': '/', '％': '%', '．': '.' };

/** The spec as compared: half-width punctuation, no spaces, lower-case Latin units. */
function normalize(spec: string): string {
  let s = '';
  for (const ch of spec.trim()) {
    const code = ch.charCodeAt(0);
    // Full-width digits and Latin letters (ＡＢ０１) to their half-width forms.
    const half = code >= 0xff10 && code <= 0xff5a ? String.fromCharCode(code - 0xfee0) : ch;
    s += FULL_WIDTH[half] ?? half;
  }
  return (
    s
      .replace(/\s+/g, '')
      .replace(/[A-Za-z]+/g, (w) => w.toLowerCase())
      // "0.25gx24粒": a Latin x between an amount and a count is the multiplication sign.
      .replace(/(?<=[\d%a-zμµ\u4e00-\u9fff)])x(?=\d)/g, '*')
  );
}

/** A decimal as mantissa × 10^exp with no trailing zeros in the mantissa: exact, no floating point. */
function decimalKey(digits: string, exp: number): string {
  const [whole, frac = ''] = digits.split('.');
  let mantissa = (whole + frac).replace(/^0+(?=\d)/, '');
  let e = exp - frac.length;
  if (/^0+$/.test(mantissa)) return '0';
  while (mantissa.endsWith('0')) {
    mantissa = mantissa.slice(0, -1);
    e += 1;
  }
  return `${mantissa}e${e}`;
}

export type Strength = { comparable: true; key: string } | { comparable: false; why: string };

/**
 * The strength of one base unit. A trailing count of base units ("*24粒", "×28片/盒") is the pack, not the
 * strength, and is dropped; any other count (e.g. "×60吸" of an inhaler counted in 支) stays part of it.
 */
export function strengthOf(spec: string, baseUnit: string): Strength {
  let s = normalize(spec);
  const base = normalize(baseUnit);
  const pack = s.match(/\*(\d+)([^\d*:()/]+)(\/[^\d]*)?$/);
  if (pack && pack[2] === base) s = s.slice(0, pack.index);
  let amounts = 0;
  const key = s.replace(AMOUNT, (_all, digits: string, unit: string) => {
    amounts += 1;
    const u = UNIT_BY_NAME.get(unit)!;
    return `[${decimalKey(digits, u.exp)}${u.canonical}]`;
  });
  if (amounts === 0) return { comparable: false, why: `规格“${spec}”没有写明含量` };
  return { comparable: true, key };
}

export interface SubstitutableDrug {
  genericName: string;
  dosageForm: string;
  spec: string;
  baseUnit: string;
}

/**
 * Whether `to` may replace `from` count for count in base units: same generic name, dosage form, base unit
 * and strength per base unit. Returns null when it may, else the reason in words.
 */
export function substitutionRefusal(from: SubstitutableDrug, to: SubstitutableDrug): string | null {
  if (from.genericName !== to.genericName || from.dosageForm !== to.dosageForm) {
    return `通用名或剂型不同（${from.genericName}${from.dosageForm} ≠ ${to.genericName}${to.dosageForm}）`;
  }
  if (from.baseUnit !== to.baseUnit) return `最小单位不同（${from.baseUnit} ≠ ${to.baseUnit}），数量无法按最小单位换算`;
  const a = strengthOf(from.spec, from.baseUnit);
  const b = strengthOf(to.spec, to.baseUnit);
  if (!a.comparable || !b.comparable) return `${!a.comparable ? a.why : (b as { why: string }).why}，无法确认每${from.baseUnit}剂量相同`;
  if (a.key !== b.key) return `每${from.baseUnit}含量不同（${from.spec} ≠ ${to.spec}），替换会改变剂量`;
  return null;
}
