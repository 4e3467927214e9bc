import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { ADMIN_PASSWORD, createTestHub, createUser, type TestHub } from '../helpers/runtime';
import { createHttpHub, sessionCookie } from '../helpers/http';
import { validCreditCode } from '../helpers/catalog';

let hub: TestHub;
let pharmacist: InternalClient;
let supplierId: number;

const HEADERS = [
  '药品代码',
  '注册名称',
  '商品名称',
  '注册剂型',
  '注册规格',
  '最小包装数量',
  '最小制剂单位',
  '最小包装单位',
  '药品企业',
  '批准文号',
  '甲乙类',
  '基本药物',
  '集采',
  '集采批次',
  '中选价格(元/包装)',
  '默认配送企业',
  '中心库下限(最小单位)',
  '中心库上限(最小单位)',
  '追溯码前缀',
];
type Row = (string | number | null)[];
/** A column of HEADERS as messages name it: letter and header. */
const col = (header: string) => `${String.fromCharCode(65 + HEADERS.indexOf(header))} 列（${header}）`;

async function workbook(rows: Row[], headers: string[] = HEADERS, opts: { title?: string; sheet?: string } = {}) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(opts.sheet ?? '药品');
  if (opts.title) ws.addRow([opts.title]);
  ws.addRow(headers);
  for (const r of rows) ws.addRow(r);
  const data = Buffer.from(await wb.xlsx.writeBuffer());
  return { filename: '药品目录.xlsx', base64: data.toString('base64') };
}

const amoxicillin: Row = [
  'XJ01CAA040E001010101445',
  '阿莫西林胶囊',
  null,
  '胶囊剂',
  '0.25g',
  24,
  '粒',
  '盒',
  '石药集团中诺药业（石家庄）有限公司',
  '国药准字H20003263',
  '甲类',
  '是',
  '是',
  '第七批',
  3.24,
  '湖南国康医药有限公司',
  240,
  960,
  '8123456',
];
const nifedipine: Row = [
  'XC08CAN087A006010100123',
  '硝苯地平缓释片(Ⅱ)',
  null,
  '缓释片',
  '20mg',
  30,
  '片',
  '盒',
  '华润双鹤药业股份有限公司',
  'H11020927',
  '甲',
  '是',
  '是',
  '第三批',
  '3.90',
  null,
  300,
  1500,
  null,
];
const ibuprofen: Row = [
  'xm01aeb015e001010100341',
  '布洛芬缓释胶囊',
  '芬必得',
  '胶囊剂',
  '0.3g',
  20,
  '粒',
  '盒',
  '中美天津史克制药有限公司',
  '国药准字H10900089',
  '甲类',
  '是',
  '否',
  null,
  null,
  '湖南国康医药有限公司',
  null,
  null,
  null,
];

/** Everything an import could change, to compare before and after. */
function snapshot() {
  const db = hub.runtime.app.db;
  return {
    drugs: db.prepare('SELECT * FROM drugs ORDER BY id').all(),
    names: db.prepare('SELECT count(*) AS n FROM search_names').get(),
    terms: db.prepare('SELECT count(*) AS n FROM search_terms').get(),
  };
}

beforeEach(async () => {
  hub = await createTestHub();
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
  supplierId = (await pharmacist.call('suppliers.create', { name: '湖南国康医药有限公司', creditCode: validCreditCode('91430100MA4L7K2X3') })).id;
});
afterEach(() => hub.close());

describe('catalog import: a malformed workbook', () => {
  const bad: Row[] = [
    amoxicillin,
    ['YJ01CAA040E001010101446', '阿莫西林胶囊', null, '胶囊剂', '0.5g', 24, '粒', '盒', '某药业', null, '甲类', '是', '否', null, null, null, null, null, null],
    [
      'XJ01CAA040E001010101447',
      '阿莫西林胶囊',
      null,
      '胶囊剂',
      '0.5g',
      24,
      '粒',
      '盒',
      '某药业',
      '国药准字H2000326',
      '甲类',
      '是',
      '否',
      null,
      null,
      null,
      null,
      null,
      null,
    ],
    [
      'XJ01CAA040E001010101448',
      '阿莫西林胶囊',
      null,
      '胶囊剂',
      '0.5g',
      '二十四',
      '粒',
      '盒',
      '某药业',
      null,
      '丁类',
      '是',
      '否',
      null,
      null,
      null,
      null,
      null,
      null,
    ],
    [
      'XJ01CAA040E001010101445',
      '阿莫西林胶囊',
      null,
      '胶囊剂',
      '0.25g',
      24,
      '粒',
      '盒',
      '另一药业',
      null,
      '甲类',
      '是',
      '否',
      null,
      null,
      null,
      null,
      null,
      null,
    ],
    ['XJ01CAA040E001010101449', null, null, '胶囊剂', '0.5g', 24, '粒', '盒', '某药业', null, '甲类', '是', '否', null, null, null, null, null, null],
    [
      'XJ01CAA040E001010101450',
      '阿莫西林胶囊',
      null,
      '胶囊剂',
      '0.5g',
      24,
      '粒',
      '盒',
      '某药业',
      null,
      '甲类',
      '是',
      '否',
      '第七批',
      // biome-ignore lint/suspicious/noApproximativeNumericConstant: a price typed with four decimals, not π
      3.1416,
      null,
      null,
      null,
      null,
    ],
    [
      'XJ01CAA040E001010101451',
      '阿莫西林胶囊',
      null,
      '胶囊剂',
      '0.5g',
      24,
      '粒',
      '盒',
      '某药业',
      null,
      '甲类',
      '是',
      '是',
      '第七批',
      // biome-ignore lint/suspicious/noApproximativeNumericConstant: a price typed with five decimals, not π
      3.14159,
      '不存在的医药公司',
      500,
      100,
      '12345',
    ],
    nifedipine,
  ];

  const expected = [
    { row: 3, column: col('药品代码'), reason: /应以 X（西药）或 Z（中成药）开头/ },
    { row: 4, column: col('批准文号'), reason: /8 位数字/ },
    { row: 5, column: col('最小包装数量'), reason: /^“二十四”不是数字/ },
    { row: 5, column: col('甲乙类'), reason: /无法识别“丁类”/ },
    { row: 6, column: col('药品代码'), reason: /与第 2 行的药品代码重复/ },
    { row: 7, column: col('注册名称'), reason: /通用名不能为空/ },
    { row: 8, column: col('集采批次'), reason: /非集采药品不应填写集采批次/ },
    { row: 8, column: col('中选价格(元/包装)'), reason: /非集采药品不应填写中选价格/ },
    { row: 9, column: col('中选价格(元/包装)'), reason: /最多保留 4 位小数/ },
    { row: 9, column: col('默认配送企业'), reason: /“不存在的医药公司”未登记/ },
    { row: 9, column: col('中心库上限(最小单位)'), reason: /上限不能小于下限/ },
    { row: 9, column: col('追溯码前缀'), reason: /7 位数字/ },
  ];

  it('reports every problem with row, column and reason, and changes nothing', async () => {
    const file = await workbook(bad);
    const before = snapshot();
    const preview = await pharmacist.call('catalog.importPreview', { file });
    expect(preview.totalRows).toBe(9);
    expect(preview.headerRow).toBe(1);
    expect(preview.missingRequired).toEqual([]);
    expect(preview.mapping).toMatchObject({ nhsaCode: 1, genericName: 2, packSize: 6, insuranceClass: 11, vbpPrice: 15, defaultSupplier: 16 });
    expect(preview.newCount).toBe(2);
    expect(preview.errorRowCount).toBe(7);
    expect(preview.errorCount).toBe(expected.length);
    expect(preview.errors).toHaveLength(expected.length);
    expected.forEach((e, i) => {
      expect(preview.errors[i], JSON.stringify(e)).toMatchObject({ row: e.row, column: e.column });
      expect(preview.errors[i].reason).toMatch(e.reason);
    });
    // Errors first in the preview rows, so the screen shows them.
    expect(preview.rows.slice(0, 7).every((r) => r.action === 'error')).toBe(true);
    expect(snapshot()).toEqual(before);
  });

  it("refuses the whole file with mode 'all': nothing is imported", async () => {
    const file = await workbook(bad);
    const before = snapshot();
    const preview = await pharmacist.call('catalog.importPreview', { file });
    const err = await pharmacist.call('catalog.importCommit', { file, mapping: preview.mapping, mode: 'all' }).catch((e) => e);
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toMatch(/7 行共 12 处错误，整个文件未导入/);
    expect(err.issues[0]).toEqual({ path: `药品·第3行·${col('药品代码')}`, message: expect.stringMatching(/“YJ01CAA040E001010101446”：.*开头/) });
    expect(snapshot()).toEqual(before);
    const audited = hub.runtime.app.db.prepare("SELECT count(*) AS n FROM audit_log WHERE method = 'catalog.importCommit' AND outcome = 'ok'").get() as {
      n: number;
    };
    expect(audited.n).toBe(0);
  });

  it('imports only the clean rows when asked to, knowingly', async () => {
    const file = await workbook(bad);
    const preview = await pharmacist.call('catalog.importPreview', { file });
    const result = await pharmacist.call('catalog.importCommit', { file, mapping: preview.mapping, mode: 'cleanRowsOnly' });
    expect(result).toMatchObject({ created: 2, updated: 0, unchanged: 0, skippedRows: 7, errorCount: 12 });
    const list = await pharmacist.call('catalog.list', { status: 'all' });
    expect(list.rows.map((d) => d.nhsaCode).sort()).toEqual(['XC08CAN087A006010100123', 'XJ01CAA040E001010101445']);
    const amx = list.rows.find((d) => d.genericName === '阿莫西林胶囊')!;
    expect(amx).toMatchObject({
      packSize: 24,
      baseUnit: '粒',
      packUnit: '盒',
      approvalNo: '国药准字H20003263',
      insuranceClass: 'A',
      essential: true,
      vbp: true,
      vbpBatch: '第七批',
      vbpPrice: 3_240_000,
      defaultSupplierId: supplierId,
      hubMin: 240,
      hubMax: 960,
      tracePrefix: '8123456',
      active: true,
    });
    const nif = list.rows.find((d) => d.nhsaCode === 'XC08CAN087A006010100123')!;
    // Kept as written: a bare H + 8 digits is an 进口药品注册证号's form, no 国药准字 is made up for it.
    expect(nif).toMatchObject({ approvalNo: 'H11020927', vbpPrice: 3_900_000, defaultSupplierId: null });
    // Imported drugs are searchable at once.
    expect((await pharmacist.call('catalog.search', { q: 'xbdp' })).map((h) => h.id)).toEqual([nif.id]);
    const audit = hub.runtime.app.db.prepare("SELECT target, details FROM audit_log WHERE method = 'catalog.importCommit' AND outcome = 'ok'").get() as {
      target: string;
      details: string;
    };
    expect(audit.target).toBe('catalog-import:药品目录.xlsx');
    expect(JSON.parse(audit.details)).toMatchObject({ mode: 'cleanRowsOnly', created: 2, skippedRows: 7 });
    expect(audit.details).not.toContain('UEsDB'); // the file itself is not in the audit log
  });

  it('refuses a clean-rows import when no row is clean', async () => {
    const file = await workbook([bad[1]]);
    const preview = await pharmacist.call('catalog.importPreview', { file });
    await expect(pharmacist.call('catalog.importCommit', { file, mapping: preview.mapping, mode: 'cleanRowsOnly' })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/没有无错误的行/),
    });
  });
});

describe('catalog import: updates by NHSA code', () => {
  it('updates changed drugs, leaves unchanged ones, and keeps what unmapped columns would have said', async () => {
    const first = await workbook([amoxicillin, nifedipine, ibuprofen]);
    const p1 = await pharmacist.call('catalog.importPreview', { file: first });
    expect(p1).toMatchObject({ newCount: 3, updatedCount: 0, unchangedCount: 0, errorCount: 0 });
    await pharmacist.call('catalog.importCommit', { file: first, mapping: p1.mapping, mode: 'all' });

    // The national database's own file: only its columns, a new spec for nifedipine, the code in lower case.
    const national = [
      '药品代码',
      '注册名称',
      '商品名称',
      '注册剂型',
      '注册规格',
      '最小包装数量',
      '最小制剂单位',
      '最小包装单位',
      '药品企业',
      '批准文号',
      '甲乙类',
    ];
    const second = await workbook(
      [
        amoxicillin.slice(0, 11),
        [...nifedipine.slice(0, 4), '20mg（缓释）', ...nifedipine.slice(5, 11)],
        [String(ibuprofen[0]).toLowerCase(), ...ibuprofen.slice(1, 11)],
        ['XR05CBA123A001010100777', '盐酸氨溴索片', '沐舒坦', '片剂', '30mg', 20, '片', '盒', '上海勃林格殷格翰药业有限公司', '国药准字H20030110', '乙类'],
      ],
      national,
      { title: '国家医保药品分类与代码（2026年3月）' },
    );
    const p2 = await pharmacist.call('catalog.importPreview', { file: second });
    expect(p2.headerRow).toBe(2);
    expect(p2).toMatchObject({ newCount: 1, updatedCount: 1, unchangedCount: 2, errorCount: 0 });
    expect(p2.rows.find((r) => r.action === 'update')).toMatchObject({ nhsaCode: 'XC08CAN087A006010100123', changes: ['规格'] });
    const result = await pharmacist.call('catalog.importCommit', { file: second, mapping: p2.mapping, mode: 'all' });
    expect(result).toMatchObject({ created: 1, updated: 1, unchanged: 2 });

    const list = await pharmacist.call('catalog.list', { status: 'all' });
    expect(list.total).toBe(4);
    const nif = list.rows.find((d) => d.nhsaCode === 'XC08CAN087A006010100123')!;
    expect(nif.spec).toBe('20mg（缓释）');
    // Hub columns missing from the national file keep their values.
    expect(nif).toMatchObject({ vbp: true, vbpBatch: '第三批', vbpPrice: 3_900_000, hubMin: 300, hubMax: 1500, essential: true });
    // Re-importing the same file changes nothing.
    const p3 = await pharmacist.call('catalog.importPreview', { file: second });
    expect(p3).toMatchObject({ newCount: 0, updatedCount: 0, unchangedCount: 4 });
  });

  it('will not change the pack of a drug that already has stock history', async () => {
    const first = await workbook([amoxicillin]);
    const p1 = await pharmacist.call('catalog.importPreview', { file: first });
    await pharmacist.call('catalog.importCommit', { file: first, mapping: p1.mapping, mode: 'all' });
    const drug = (await pharmacist.call('catalog.list', {})).rows[0];
    hub.runtime.app.db
      .prepare("INSERT INTO lots (drug_id, batch_no, expiry_date, unit_cost, created_at) VALUES (?, 'B1', '2028-01-01', 135000, '2026-03-01T00:00:00Z')")
      .run(drug.id);
    const changed = await workbook([[...amoxicillin.slice(0, 5), 36, ...amoxicillin.slice(6)]]);
    const p2 = await pharmacist.call('catalog.importPreview', { file: changed });
    expect(p2.errors).toEqual([{ sheet: '药品', row: 2, column: col('最小包装数量'), reason: expect.stringMatching(/已有请领、采购或入库记录/) }]);
  });
});

describe('catalog import: columns and files', () => {
  it('lets the user map columns the file names differently', async () => {
    const headers = ['编码', '名称', '剂型', '规格', '转换系数', '小单位', '大单位', '厂家'];
    const file = await workbook([['XJ01DBA001A001010100002', '头孢氨苄胶囊', '胶囊剂', '0.25g', 24, '粒', '盒', '山东鲁抗医药股份有限公司']], headers);
    // Only 剂型, 规格 and 厂家 are recognised: the code column must be chosen by hand.
    await expect(pharmacist.call('catalog.importPreview', { file })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/医保药品编码/),
    });
    const mapping = { nhsaCode: 1, genericName: 2, dosageForm: 3, spec: 4, packSize: 5, baseUnit: 6, packUnit: 7, manufacturer: 8 };
    const preview = await pharmacist.call('catalog.importPreview', { file, mapping });
    expect(preview).toMatchObject({ newCount: 1, errorCount: 0, missingRequired: [] });
    expect(preview.columns.map((c) => c.header)).toEqual(headers);
    expect(preview.columns[0]).toMatchObject({ index: 1, letter: 'A', samples: ['XJ01DBA001A001010100002'] });
    await expect(pharmacist.call('catalog.importPreview', { file, mapping: { ...mapping, spec: 3 } })).rejects.toMatchObject({
      message: expect.stringMatching(/C 列同时对应了“剂型”和“规格”/),
    });
  });

  it('says which required column is missing for new drugs', async () => {
    const file = await workbook([['XJ01DBA001A001010100002', '头孢氨苄胶囊']], ['药品代码', '注册名称']);
    const preview = await pharmacist.call('catalog.importPreview', { file });
    expect(preview.missingRequired).toEqual(['dosageForm', 'spec', 'packSize', 'baseUnit', 'packUnit', 'manufacturer']);
    expect(preview.errors.map((e) => e.column)).toEqual(['注册剂型', '注册规格', '最小包装数量', '最小制剂单位', '最小包装单位', '药品企业']);
    expect(preview.errors[0].reason).toBe('新增药品必须有剂型（没有对应的列）');
  });

  it('refuses files that are not spreadsheets, or broken, or have no header, in Chinese naming the file', async () => {
    const brokenXls = { filename: '目录.xls', base64: Buffer.from('D0CF11E0A1B11AE1', 'hex').toString('base64') };
    await expect(pharmacist.call('catalog.importPreview', { file: brokenXls })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/^目录\.xls：/),
    });
    const garbage = { filename: 'x.xlsx', base64: Buffer.from('PK\x03\x04garbage').toString('base64') };
    await expect(pharmacist.call('catalog.importPreview', { file: garbage })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/^x\.xlsx：/),
    });
    const noHeader = await workbook([['a', 'b']], ['甲', '乙']);
    await expect(pharmacist.call('catalog.importPreview', { file: noHeader })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/没有找到表头/),
    });
  });

  it('exports a workbook that imports back unchanged', async () => {
    const first = await workbook([amoxicillin, nifedipine, ibuprofen]);
    const p1 = await pharmacist.call('catalog.importPreview', { file: first });
    await pharmacist.call('catalog.importCommit', { file: first, mapping: p1.mapping, mode: 'all' });
    const finance = await createUser(hub, { username: 'caiwu', role: 'finance' });
    const exported = await finance.call('catalog.export', {});
    expect(exported.filename).toBe('药品目录-20260302.xlsx');
    const back = await pharmacist.call('catalog.importPreview', { file: { filename: exported.filename, base64: exported.base64 } });
    expect(back).toMatchObject({ totalRows: 3, newCount: 0, updatedCount: 0, unchangedCount: 3, errorCount: 0, missingRequired: [] });
    // Every column of the export is recognised.
    expect(back.columns.every((c) => Object.values(back.mapping).includes(c.index))).toBe(true);
  });

  it('is for pharmacists and administrators only', async () => {
    const file = await workbook([amoxicillin]);
    const finance = await createUser(hub, { username: 'caiwu', role: 'finance' });
    await expect(finance.call('catalog.importPreview', { file })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(finance.call('catalog.importCommit', { file, mapping: { nhsaCode: 1 }, mode: 'all' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('catalog import over HTTP', () => {
  it('accepts workbooks larger than the default 1 MiB body limit', async () => {
    const http = await createHttpHub();
    try {
      const cookie = sessionCookie((await http.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD })).headers);
      const rows: Row[] = [];
      let seed = 7;
      const noise = () => Array.from({ length: 200 }, () => ((seed = (seed * 48271) % 2147483647) % 36).toString(36)).join('');
      for (let i = 0; i < 6000; i++) {
        rows.push([
          `XJ01CAA040E0010101${String(i).padStart(5, '0')}`,
          `阿莫西林胶囊${i % 50}`,
          null,
          '胶囊剂',
          '0.25g',
          24,
          '粒',
          '盒',
          `第${i % 30}制药有限公司`,
          null,
          '甲类',
          '是',
          '否',
          null,
          null,
          null,
          null,
          null,
          null,
          noise(),
        ]);
      }
      // A column the import does not know (备注) is simply not imported.
      const file = await workbook(rows, [...HEADERS, '备注']);
      expect(file.base64.length).toBeGreaterThan(1024 * 1024);
      const res = await http.post('catalog.importPreview', { file }, { cookie });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ totalRows: 6000, newCount: 6000, errorCount: 0 });
      // Other methods keep the small limit.
      const big = await http.post('catalog.search', { q: 'x'.repeat(1024 * 1024 + 10) }, { cookie });
      expect(big.status).toBe(413);
    } finally {
      await http.close();
    }
  });
});
