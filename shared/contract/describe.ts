import { z } from 'zod';

/**
 * Words for docs/api.md, kept in the schemas (zod `.describe()`), so an integrator reads units and rules
 * without reading code. A description set on a shared building block (common.ts) travels with every use
 * of it: zod 4 keeps the metadata on schemas derived by checks (`.max()`, `.min()`, `.regex()`), and
 * z.toJSONSchema shows an optional or nullable field with its inner schema's description.
 */

/** The description a schema carries, looking through optional/nullable/default wrappers and pipes. */
export function descriptionOf(schema: z.ZodType): string | undefined {
  if (schema.description) return schema.description;
  const def = schema._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
  if (def.innerType) return descriptionOf(def.innerType);
  if (def.type === 'pipe' && def.in) return descriptionOf(def.in);
  return undefined;
}

/**
 * A field's own words in front of the rules its building block carries (`.describe()` alone would
 * replace them): about(id, '村卫生室') reads "村卫生室；编号 (id)：系统分配的正整数".
 */
export function about<T extends z.ZodType>(schema: T, words: string): T {
  const base = descriptionOf(schema);
  return schema.describe(base ? `${words}；${base}` : words);
}

/** "取值：`draft` 草稿，`submitted` 待审核": every value of an enum with its meaning. */
export function valuesText(labels: Record<string, string>): string {
  return `取值：${Object.entries(labels)
    .map(([value, label]) => `\`${value}\` ${label}`)
    .join('，')}`;
}

const int = () => z.number().int();
const words = (what: string, unit: string, more?: string) => `${what} [${unit}]${more ? `；${more}` : ''}`;

/**
 * Output fields that state their unit the same way everywhere. `more` adds a rule, and must say what
 * null means when the field is nullable (a test checks that every nullable field does).
 */
export const out = {
  /** A record's id, as other methods take it. */
  id: (what: string, more?: string) => int().describe(words(what, '编号 id', more)),
  /** An integer that is neither a count, a quantity nor money (a line number, a position). */
  int: (what: string) => int().describe(what),
  /** A whole number that counts things (not base units, not money). */
  count: (what: string, more?: string) => int().describe(words(what, '个数', more)),
  /** Base units (最小单位), never packs. */
  qty: (what: string, more?: string) => int().describe(words(what, '最小单位 base units', more)),
  /** Integer fen (分). */
  fen: (what: string, more?: string) => int().describe(words(what, '分 fen', more)),
  /** Integer micro-yuan for one pack (包装单位). */
  packPrice: (what: string, more?: string) => int().describe(words(what, '百万分之一元 micro-yuan，每包装单位 per pack', more)),
  /** Integer micro-yuan for one base unit (最小单位). */
  unitCost: (what: string, more?: string) => int().describe(words(what, '百万分之一元 micro-yuan，每最小单位 per base unit', more)),
  /** Basis points: 10000 = 100 %. */
  bp: (what: string, more?: string) => int().describe(words(what, '万分比 basis points，10000 = 100%', more)),
  /** A calendar day in China time. */
  date: (what: string, more?: string) => z.string().describe(words(what, "'YYYY-MM-DD'，中国时间", more)),
  /** An instant. */
  instant: (what: string, more?: string) => z.string().describe(words(what, 'ISO 8601 时刻 UTC', more)),
  /** An accounting month. */
  period: (what: string, more?: string) => z.string().describe(words(what, "'YYYY-MM'", more)),
  /** A document number as printed, e.g. QL-202603-0007. */
  docNo: (what: string, prefix: string, more?: string) => z.string().describe(words(what, `单据号：${prefix}-年月-当月序号，如 ${prefix}-202603-0007`, more)),
  text: (what: string) => z.string().describe(what),
  flag: (what: string) => z.boolean().describe(what),
};

/** A drug as rows show it; on documents these are the values when the document was made (a snapshot). */
export const drugOut = {
  drugId: out.id('药品'),
  drugName: out.text('药品通用名'),
  nhsaCode: out.text('医保药品编码（国家医保药品代码，X 或 Z 开头）'),
  spec: out.text('规格，如 0.25g'),
  dosageForm: out.text('剂型，如 胶囊剂'),
  manufacturer: out.text('生产企业'),
  packUnit: out.text('包装单位，如 盒'),
  baseUnit: out.text('最小单位，如 粒；数量都以它计'),
  packSize: z.number().int().describe('转换比：每包装单位含多少最小单位（≥ 1），如 24'),
  vbp: out.flag('集采中选药品'),
  essential: out.flag('国家基本药物'),
};
