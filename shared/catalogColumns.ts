/**
 * Columns of a catalog workbook. The first group carries the column names of the national drug code
 * database (国家医保药品分类与代码数据库) so its downloads import as they are; the rest are the hub's own.
 * Export writes `header`; import recognises `header` and every alias (compared after normalizeHeader).
 */
export const IMPORT_FIELDS = [
  'nhsaCode',
  'genericName',
  'tradeName',
  'dosageForm',
  'spec',
  'packSize',
  'baseUnit',
  'packUnit',
  'manufacturer',
  'approvalNo',
  'insuranceClass',
  'essential',
  'vbp',
  'vbpBatch',
  'vbpPrice',
  'referencePrice',
  'rx',
  'zeroMarkup',
  'defaultSupplier',
  'hubMin',
  'hubMax',
  'clinicMin',
  'clinicMax',
  'tracePrefix',
  'gtin',
  'active',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export interface CatalogColumn {
  field: ImportField;
  /** Column name written by export (national names for the national fields). */
  header: string;
  /** What the field is, for the mapping screen. */
  label: string;
  aliases: string[];
  /** Must be filled in for a row that adds a new drug. */
  requiredForNew?: boolean;
  /** A hint on the accepted values, shown in the mapping screen. */
  hint?: string;
}

export const CATALOG_COLUMNS: CatalogColumn[] = [
  {
    field: 'nhsaCode',
    header: '药品代码',
    label: '医保药品编码',
    aliases: ['医保药品编码', '医保药品代码', '国家医保药品编码', '医保编码', '药品编码', '医保代码'],
    requiredForNew: true,
    hint: 'X 或 Z 开头，大写字母和数字',
  },
  {
    field: 'genericName',
    header: '注册名称',
    label: '通用名',
    aliases: ['通用名', '通用名称', '药品名称', '药品通用名', '医保药品名称', '品名'],
    requiredForNew: true,
  },
  { field: 'tradeName', header: '商品名称', label: '商品名', aliases: ['商品名'] },
  { field: 'dosageForm', header: '注册剂型', label: '剂型', aliases: ['剂型', '实际剂型', '医保剂型'], requiredForNew: true },
  { field: 'spec', header: '注册规格', label: '规格', aliases: ['规格', '实际规格', '药品规格'], requiredForNew: true },
  {
    field: 'packSize',
    header: '最小包装数量',
    label: '包装数量（每包装含最小单位数）',
    aliases: ['包装数量', '转换比', '包装系数'],
    requiredForNew: true,
    hint: '正整数，如每盒 24 粒填 24',
  },
  {
    field: 'baseUnit',
    header: '最小制剂单位',
    label: '最小单位',
    aliases: ['最小单位', '制剂单位', '最小计量单位'],
    requiredForNew: true,
    hint: '如 粒、片、支',
  },
  { field: 'packUnit', header: '最小包装单位', label: '包装单位', aliases: ['包装单位'], requiredForNew: true, hint: '如 盒、瓶、袋' },
  {
    field: 'manufacturer',
    header: '药品企业',
    label: '生产企业',
    aliases: ['生产企业', '生产厂家', '生产企业名称', '厂家', '上市许可持有人'],
    requiredForNew: true,
  },
  {
    field: 'approvalNo',
    header: '批准文号',
    label: '批准文号',
    aliases: ['国药准字', '批准文号/注册证号'],
    hint: '照证书原样：国药准字H20003263、国药准字HJ20171044、H20140345、HC20200001',
  },
  {
    field: 'insuranceClass',
    header: '甲乙类',
    label: '医保类别',
    aliases: ['医保类别', '医保甲乙类', '甲乙分类', '医保分类'],
    hint: '甲类 / 乙类 / 空（非医保）',
  },
  { field: 'essential', header: '基本药物', label: '基本药物', aliases: ['国家基本药物', '基药', '是否基药', '是否基本药物'], hint: '是 / 否' },
  { field: 'vbp', header: '集采', label: '集采中选', aliases: ['集采药品', '是否集采', '国家集采', '集采中选', '带量采购'], hint: '是 / 否' },
  { field: 'vbpBatch', header: '集采批次', label: '集采批次', aliases: ['批次', '中选批次'], hint: '如 第七批' },
  {
    field: 'vbpPrice',
    header: '中选价格(元/包装)',
    label: '中选价格（元/包装）',
    aliases: ['中选价格', '中选价', '集采中选价', '集采价格'],
    hint: '元，最多 4 位小数',
  },
  {
    field: 'referencePrice',
    header: '集采前参考价(元/包装)',
    label: '集采前参考价（元/包装）',
    aliases: ['集采前参考价', '参考价', '集采前价格', '原价'],
    hint: '元，最多 4 位小数',
  },
  { field: 'rx', header: '处方类别', label: '处方药 / OTC', aliases: ['处方药', '处方/OTC', '处方分类', 'OTC'], hint: '处方 / OTC' },
  { field: 'zeroMarkup', header: '零差率', label: '零差率', aliases: ['零加成', '是否零差率'], hint: '是 / 否' },
  {
    field: 'defaultSupplier',
    header: '默认配送企业',
    label: '默认配送企业',
    aliases: ['配送企业', '供应商', '默认供应商'],
    hint: '企业名称或统一社会信用代码，须已在“配送企业”中登记',
  },
  { field: 'hubMin', header: '中心库下限(最小单位)', label: '中心库库存下限（最小单位）', aliases: ['中心库下限', '药库下限'], hint: '非负整数，按最小单位' },
  { field: 'hubMax', header: '中心库上限(最小单位)', label: '中心库库存上限（最小单位）', aliases: ['中心库上限', '药库上限'], hint: '非负整数，按最小单位' },
  {
    field: 'clinicMin',
    header: '村室下限(最小单位)',
    label: '村卫生室库存下限（最小单位）',
    aliases: ['村室下限', '卫生室下限', '村卫生室下限'],
    hint: '非负整数，按最小单位',
  },
  {
    field: 'clinicMax',
    header: '村室上限(最小单位)',
    label: '村卫生室库存上限（最小单位）',
    aliases: ['村室上限', '卫生室上限', '村卫生室上限'],
    hint: '非负整数，按最小单位',
  },
  { field: 'tracePrefix', header: '追溯码前缀', label: '追溯码前缀', aliases: ['药品追溯码前缀', '追溯码前7位'], hint: '7 位数字' },
  { field: 'gtin', header: '商品条码', label: '商品条码（GTIN）', aliases: ['GTIN', '条形码', '商品条形码', '国际条码'], hint: '8、12、13 或 14 位数字' },
  { field: 'active', header: '状态', label: '状态', aliases: ['启用状态', '是否启用'], hint: '启用 / 停用' },
];

export const COLUMN_BY_FIELD: Record<ImportField, CatalogColumn> = Object.fromEntries(CATALOG_COLUMNS.map((c) => [c.field, c])) as Record<
  ImportField,
  CatalogColumn
>;

/**
 * Header text as compared: full-width folded, spaces, any bracketed unit and a required-mark '*' removed
 * ('中选价格（元）' → '中选价格', '*药品代码' → '药品代码').
 */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/^\*+|\*+$/g, '')
    .replace(/\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .toUpperCase();
}

const HEADER_INDEX = new Map<string, ImportField>();
for (const c of CATALOG_COLUMNS) {
  for (const name of [c.header, ...c.aliases]) HEADER_INDEX.set(normalizeHeader(name), c.field);
}

/** The field a column header names, if any. */
export function fieldForHeader(header: string): ImportField | null {
  return HEADER_INDEX.get(normalizeHeader(header)) ?? null;
}

/** Spreadsheet column letters: 1 → A, 27 → AA. */
export function columnLetter(index: number): string {
  let s = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** The national batches of volume-based procurement, for pickers (free text is allowed too). */
export const VBP_BATCHES = ['第一批', '第二批', '第三批', '第四批', '第五批', '第六批', '第七批', '第八批', '第九批', '第十批', '第十一批'];

export { INSURANCE_CLASS_LABELS } from './contract/requisitions';
