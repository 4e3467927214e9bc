/**
 * 药品追溯码的包装层级 (大码 / 中码 / 小码): a carton's code stands for the middle packs or boxes packed in it, as
 * the supplier's code association file (关联关系, sent with the 随货同行单) says. Shared by the import, the scan
 * boxes and the docs. The saleable unit is the 小码 (a box); only boxes move in the books.
 */

/** A parent's packaging level, as the 码上放心 platform numbers them (1 = 小码, the box, is never a parent). */
export const PACKAGE_LEVELS = [3, 2] as const;
export type PackageLevel = (typeof PACKAGE_LEVELS)[number];
export const PACKAGE_LEVEL_LABELS: Record<PackageLevel, string> = { 3: '大码（箱）', 2: '中码（中包）' };
export const PACKAGE_LEVEL_SHORT: Record<PackageLevel, string> = { 3: '大码', 2: '中码' };

export const PACKAGE_FIELDS = ['parentCode', 'childCode', 'level'] as const;
export type PackageField = (typeof PACKAGE_FIELDS)[number];

export interface PackageColumn {
  field: PackageField;
  label: string;
  /** Field names of the platform's association export, preferred when several columns match. */
  national: string[];
  aliases: string[];
  required?: boolean;
}

export const PACKAGE_COLUMNS: PackageColumn[] = [
  {
    field: 'parentCode',
    label: '上级码',
    national: ['parent_code', 'parentCode', 'pack_code'],
    aliases: ['上级码', '父码', '大码', '箱码', '包装码', '上级追溯码', '父级追溯码', '大码追溯码', '上级包装码'],
    required: true,
  },
  {
    field: 'childCode',
    label: '下级码',
    national: ['child_code', 'childCode', 'drug_trac_codg'],
    aliases: ['下级码', '子码', '小码', '盒码', '下级追溯码', '子级追溯码', '小码追溯码', '追溯码', '药品追溯码', '单品码'],
    required: true,
  },
  {
    field: 'level',
    label: '上级码层级',
    national: ['pack_level', 'parent_level'],
    aliases: ['上级码层级', '包装层级', '包装级别', '上级层级', '上级码级别', '父码级别', '层级', '级别'],
  },
];

export const PACKAGE_COLUMN_BY_FIELD = Object.fromEntries(PACKAGE_COLUMNS.map((c) => [c.field, c])) as Record<PackageField, PackageColumn>;

/** What people write for a parent's level: 大码, 箱, 3, 三级 / 中码, 中包, 2, 二级. null = not a parent's level. */
export function readPackageLevel(text: string): PackageLevel | null {
  const t = text.normalize('NFKC').replace(/\s+/g, '');
  if (/^(3|三级?|大码|大包装?|箱|箱码|整箱|外箱|三级码)$/.test(t)) return 3;
  if (/^(2|二级?|中码|中包装?|中盒|二级码)$/.test(t)) return 2;
  return null;
}
