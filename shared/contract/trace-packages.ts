import { z } from 'zod';
import { defineMethod } from './define';
import { fileInputAbout, id } from './common';
import { about, out, valuesText } from './describe';
import { PACKAGE_COLUMNS, PACKAGE_FIELDS, PACKAGE_LEVEL_LABELS, PACKAGE_LEVELS } from '../tracePackages';

/**
 * 大码/中码关联: the supplier's code association file (parent → child codes, sent with the 随货同行单) imported
 * so that scanning a carton at receipt or at picking moves all of its boxes. The hub's pharmacist imports it.
 */

const HUB = ['admin', 'pharmacist'] as const;
const WORKBOOK_BYTES = 64 * 1024 * 1024;

const FIELD_TEXT = valuesText(
  Object.fromEntries(PACKAGE_COLUMNS.map((c) => [c.field, `${c.label}（${[...c.national, ...c.aliases.slice(0, 4)].join('、')}）`])),
);
export const packageField = z.enum(PACKAGE_FIELDS).describe(`关联文件的字段。${FIELD_TEXT}`);
export const packageMapping = z
  .partialRecord(packageField, z.number().int().min(1).max(16_384).nullable())
  .describe(
    '列映射 { 字段: 列号 }，列号 1 = A 列；省略或 null = 文件中没有该字段。parentCode（上级码）、childCode（下级码）必须映射，level（上级码层级）可省略；一列只能对应一个字段',
  );
export type PackageMapping = z.infer<typeof packageMapping>;

const LEVEL_TEXT = valuesText(Object.fromEntries(PACKAGE_LEVELS.map((l) => [String(l), PACKAGE_LEVEL_LABELS[l]])));
export const packageLevel = z
  .union([z.literal(3), z.literal(2)])
  .describe(`上级码的包装层级。${LEVEL_TEXT}；文件没有层级列时：本身装在别的码里的为中码（2），否则为大码（3）`);

const importSource = {
  supplierId: about(id.optional(), '提供这份文件的配送企业（记在导入记录上）；省略 = 不注明'),
  file: fileInputAbout('配送企业随货提供的追溯码关联关系：Excel（.xlsx、.xls、WPS .et）、OpenDocument 或 CSV（UTF-8 或 GBK），最大 64 MiB'),
  mapping: about(packageMapping.optional(), '省略 = 按表头自动识别（上级码/大码/父码、下级码/小码/子码、包装层级）'),
};

export const packageIssue = z.object({
  sheet: out.text('工作表名称'),
  row: out.int('行号，与 Excel 中显示的一致'),
  column: out.text('列：如“B 列（下级码）”'),
  reason: out.text('原因（中文）'),
});

const rowAction = z
  .enum(['new', 'known', 'error'])
  .describe(`该行的结果。${valuesText({ new: '新的关联（将导入）', known: '已导入过（不变）', error: '有错误' })}`);

export const packagePreview = z.object({
  format: out.text('读出的文件格式，如 Excel 工作簿（.xlsx）'),
  sheet: out.text('导入的工作表'),
  headerRow: out.int('表头所在的行号'),
  mapping: about(packageMapping, '使用的列映射（未给 mapping 时为按表头自动识别的结果）'),
  columns: z
    .array(
      z.object({
        index: out.int('列号，1 = A 列'),
        letter: out.text('列字母'),
        header: out.text('表头文字'),
        field: packageField.nullable().describe(`对应的字段；null = 不导入。${FIELD_TEXT}`),
      }),
    )
    .describe('表头的每一列'),
  totalRows: out.count('表头下的数据行'),
  newLinks: out.count('将导入的新关联'),
  knownLinks: out.count('已导入过、不变的关联（同一文件再导入一次时全部是这种）'),
  errorRows: out.count('有错误的行；> 0 时整个文件不能导入'),
  cartons: out.count('文件中的大码个数'),
  middlePacks: out.count('文件中的中码个数'),
  boxes: out.count('文件中的小码（盒）个数'),
  errors: z.array(packageIssue).describe('错误明细（行、列、原因），最多 2000 条'),
  duplicates: z.array(z.object({ row: out.int('行号'), sameAs: out.int('与之完全相同的前一行') })).describe('与前面某行完全相同的行（只算一次）'),
  rows: z
    .array(
      z.object({
        row: out.int('Excel 行号'),
        action: rowAction,
        parentCode: out.text('上级码（统一写法）；null = 读不出').nullable(),
        childCode: out.text('下级码（统一写法）；null = 读不出').nullable(),
        level: packageLevel.nullable().describe(`上级码的层级。${LEVEL_TEXT}；null = 有错误`),
        reasons: z.array(z.string()).describe('错误原因（action = error 时）'),
      }),
    )
    .describe('样例行，最多 200 行，有错误的在前'),
});

export const packageImportResult = z.object({
  importId: out.id('导入记录', 'null = 文件中没有新的关联（全部已导入过），什么也没有改动').nullable(),
  added: out.count('新导入的关联'),
  known: out.count('已导入过、未改动的关联'),
  cartons: out.count('文件中的大码个数'),
  middlePacks: out.count('文件中的中码个数'),
  boxes: out.count('文件中的小码（盒）个数'),
});

export const tracePackagesApi = {
  'trace.packagesPreview': defineMethod({
    summary: '导入大码/中码关联（配送企业随货提供的追溯码关联关系）的预览：识别列、统计新增/已导入、列出每一处错误（行、列、原因）。不修改数据',
    access: HUB,
    write: false,
    maxBodyBytes: WORKBOOK_BYTES,
    maxUploadBytes: WORKBOOK_BYTES,
    input: z.object(importSource),
    output: packagePreview,
  }),
  'trace.packagesImport': defineMethod({
    summary:
      '导入大码/中码关联：有任何错误则整个文件不导入（400 VALIDATION，消息指明行和列）；已导入过的关联不变（同一文件再导入一次不改动任何数据）；一个下级码只能属于一个上级码',
    access: HUB,
    write: true,
    maxBodyBytes: WORKBOOK_BYTES,
    maxUploadBytes: WORKBOOK_BYTES,
    input: z.object(importSource),
    output: packageImportResult,
  }),
};
