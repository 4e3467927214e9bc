import type ExcelJS from 'exceljs';
import { CATALOG_COLUMNS, columnLetter, type CatalogColumn, type ImportField } from '../../../shared/catalogColumns';
import { APPROVAL_NO_FORMS_TEXT, EXAMPLE_ROW_MARK } from '../../../shared/drugCodes';
import { LIST_FONT, textWidth } from '../list-workbook';
import { loadExcel } from '../excel';

/**
 * The catalog import's blank workbook (下载导入模板): the import's columns, required ones in red with a “*”
 * (the import drops the mark when it reads the header), drop-down lists where the import takes a closed set
 * of words, two example rows whose 药品代码 starts with 示例 (refused by name if left in, see nhsaCodeProblem),
 * and a 填写说明 sheet with each column's rules. The data sheet comes first: the import reads the first sheet
 * with a recognisable header.
 */

/** Rows given drop-down lists and the text format, enough for a hub's whole catalog. */
const TEMPLATE_ROWS = 3000;
const DATA_SHEET = '药品目录';
const RED = 'FFCF1322';
const GREY = 'FF8C8C8C';

/** The closed sets a person picks from; the import accepts these words (and a few synonyms, see import.ts). */
const CHOICES: Partial<Record<ImportField, readonly string[]>> = {
  insuranceClass: ['甲类', '乙类', '非医保'],
  essential: ['是', '否'],
  vbp: ['是', '否'],
  zeroMarkup: ['是', '否'],
  rx: ['处方', 'OTC'],
  active: ['启用', '停用'],
};

/** More than the mapping screen's hint says, where a person needs it to fill the column right. */
const RULES: Partial<Record<ImportField, string>> = {
  nhsaCode: '国家医保药品编码：X（西药）或 Z（中成药）开头，大写字母和数字，最多 50 位；已有的编码更新该药品，新的编码新增药品',
  genericName: '药品通用名，如 阿莫西林胶囊',
  dosageForm: '如 胶囊剂、片剂、注射剂',
  spec: '如 0.25g、10ml:0.5g',
  manufacturer: '生产企业或上市许可持有人全称',
  approvalNo: `照药品注册证书原样填写，不要自己加“国药准字”：${APPROVAL_NO_FORMS_TEXT}；可空`,
  insuranceClass: '甲类 / 乙类 / 非医保（空 = 非医保）',
  vbpPrice: '集采中选药品的中选价，元/包装，最多 4 位小数；集采填“是”时必填',
  tradeName: '可空',
};

/** Two drugs a person recognises, one of them an imported drug with a 2020-style approval number. */
const EXAMPLES: Partial<Record<ImportField, string | number>>[] = [
  {
    nhsaCode: 'XJ01CAA040E001010101445',
    genericName: '阿莫西林胶囊',
    dosageForm: '胶囊剂',
    spec: '0.25g',
    packSize: 24,
    baseUnit: '粒',
    packUnit: '盒',
    manufacturer: '石药集团中诺药业（石家庄）有限公司',
    approvalNo: '国药准字H20003263',
    insuranceClass: '甲类',
    essential: '是',
    vbp: '是',
    vbpBatch: '第七批',
    vbpPrice: 3.24,
    referencePrice: 9.8,
    rx: '处方',
    zeroMarkup: '是',
    hubMin: 240,
    hubMax: 1200,
    clinicMin: 24,
    clinicMax: 96,
    active: '启用',
  },
  {
    nhsaCode: 'XC10AAR058A001010179203',
    genericName: '瑞舒伐他汀钙片',
    tradeName: '可定',
    dosageForm: '片剂',
    spec: '10mg',
    packSize: 7,
    baseUnit: '片',
    packUnit: '盒',
    manufacturer: 'AstraZeneca UK Limited',
    approvalNo: '国药准字HJ20171044',
    insuranceClass: '乙类',
    essential: '否',
    vbp: '否',
    rx: '处方',
    zeroMarkup: '是',
    active: '启用',
  },
];

/** exceljs keeps a range's validation as one entry (written as one sqref); its typings know only cell.dataValidation. */
type WithRangeValidations = ExcelJS.Worksheet & { dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void } };

const isRequired = (c: CatalogColumn) => c.requiredForNew === true;

function ruleText(c: CatalogColumn): string {
  const choices = CHOICES[c.field];
  const rule = RULES[c.field] ?? c.hint ?? '';
  return choices && !RULES[c.field] ? `从下拉列表选择：${choices.join(' / ')}` : rule;
}

function dataSheet(wb: ExcelJS.Workbook): void {
  const ws = wb.addWorksheet(DATA_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  CATALOG_COLUMNS.forEach((c, i) => {
    const cell = ws.getCell(1, i + 1);
    cell.value = isRequired(c) ? `*${c.header}` : c.header;
    cell.font = { name: LIST_FONT, bold: true, color: { argb: isRequired(c) ? RED : 'FF000000' } };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF0F0F0' } };
    cell.note = `${isRequired(c) ? '新增药品必填。' : ''}${ruleText(c)}`;
    const widest = Math.max(textWidth(c.header) + 3, ...EXAMPLES.map((e) => textWidth(String(e[c.field] ?? ''))));
    ws.getColumn(i + 1).width = Math.min(40, Math.max(10, widest + 2));
  });
  ws.getRow(1).height = 32;
  EXAMPLES.forEach((example, n) => {
    const row = ws.getRow(2 + n);
    CATALOG_COLUMNS.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      const v = example[c.field];
      cell.value = c.field === 'nhsaCode' ? `${EXAMPLE_ROW_MARK}${v}` : (v ?? null);
      cell.font = { name: LIST_FONT, italic: true, color: { argb: GREY } };
    });
  });
  ws.getCell(2, 1).note = '示例行：请删除两行示例，或改成要导入的药品（去掉“示例”二字）；留着的示例行导入时会报错';
  CATALOG_COLUMNS.forEach((c, i) => {
    const choices = CHOICES[c.field];
    if (!choices) return;
    const letter = columnLetter(i + 1);
    (ws as WithRangeValidations).dataValidations.add(`${letter}2:${letter}${TEMPLATE_ROWS + 1}`, {
      type: 'list',
      allowBlank: true,
      formulae: [`"${choices.join(',')}"`],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: c.header,
      error: `请从下拉列表选择：${choices.join(' / ')}`,
    });
  });
}

function notesSheet(wb: ExcelJS.Workbook): void {
  const ws = wb.addWorksheet('填写说明', {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '3:3' },
  });
  ws.columns = [{ width: 8 }, { width: 24 }, { width: 10 }, { width: 70 }, { width: 36 }];
  ws.mergeCells(1, 1, 1, 5);
  const title = ws.getCell(1, 1);
  title.value = '药品目录导入模板 填写说明';
  title.font = { name: LIST_FONT, size: 16, bold: true };
  ws.getRow(1).height = 26;
  ws.mergeCells(2, 1, 2, 5);
  const intro = ws.getCell(2, 1);
  intro.value = `在“${DATA_SHEET}”表第 2 行起每行填一种药品；红色带 * 的列新增药品时必填；灰色的两行是示例，导入前请删除。`;
  intro.font = { name: LIST_FONT, size: 10 };
  intro.alignment = { wrapText: true, vertical: 'middle' };
  ws.getRow(2).height = 30;
  const head = ws.addRow(['列', '列名', '是否必填', '填写规则与可接受的写法', '也可用的列名']);
  head.eachCell((cell) => {
    cell.font = { name: LIST_FONT, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle' };
  });
  CATALOG_COLUMNS.forEach((c, i) => {
    const row = ws.addRow([columnLetter(i + 1), c.header, isRequired(c) ? '必填' : '可空', ruleText(c), c.aliases.join('、')]);
    row.eachCell((cell, col) => {
      cell.font = { name: LIST_FONT, color: col === 3 && isRequired(c) ? { argb: RED } : undefined };
      cell.alignment = { wrapText: true, vertical: 'top' };
    });
  });
  const thin = { style: 'thin' as const };
  for (let r = 3; r <= ws.rowCount; r++) for (let c = 1; c <= 5; c++) ws.getCell(r, c).border = { top: thin, left: thin, bottom: thin, right: thin };
}

/** The template as an .xlsx file. */
export async function catalogImportTemplate(): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  dataSheet(wb);
  notesSheet(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
