/**
 * Importing a clinic's insurance settlement details (2204/2207 exports): the NHSA field codes and the Chinese
 * headers clients print are both mapped; quantities become base units (by the unit column, or by the price
 * when there is none); the same file twice changes nothing; a reversal (negative quantity) takes back the
 * line it names, in the same file or an earlier one; a refused import changes nothing; non-drug rows stay out;
 * a village doctor imports for their own clinic only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../../electron/db/database';
import { tableChecksums, changedTables } from '../security/checksum';
import { createSettlementHub, csvOf, fileOf, nhsaCsv, stockClinic, type SettlementHub } from '../helpers/reconciliation';

let h: SettlementHub;
const db = () => h.hub.runtime.app.db;
const errorOf = async (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: { code: string; message: string; issues?: unknown }) => ({ code: e.code, message: e.message }),
  );

beforeEach(async () => {
  h = await createSettlementHub();
  await stockClinic(h, 0, h.drugs.amox, 240, 'B2601');
  await stockClinic(h, 0, h.drugs.ibu, 200, 'B2602');
});
afterEach(() => h.hub.close());

const lines = () =>
  sql(
    db(),
    'SELECT line_key AS k, mdtrt_id AS visit, drug_id AS drugId, qty, amount, business_date AS date, reverses_id AS reverses, psn_name AS name FROM settlement_lines ORDER BY id',
  ).all() as {
    k: string;
    visit: string;
    drugId: number | null;
    qty: number | null;
    amount: number;
    date: string;
    reverses: number | null;
    name: string | null;
  }[];

const DAY = [
  {
    sn: 'FD001',
    visit: 'MD20260316001',
    time: '2026-03-16 09:12:00',
    code: 'XJ01CAA040A001010100001',
    name: '阿莫西林胶囊',
    cnt: 24,
    pric: '0.12',
    amount: '2.88',
  },
  {
    sn: 'FD002',
    visit: 'MD20260316001',
    time: '2026-03-16 09:12:00',
    code: 'XM01AEB090E001010100002',
    name: '布洛芬缓释胶囊',
    cnt: 1,
    pric: '9.80',
    amount: '9.80',
  },
  // A treatment fee of the same visit: not stock.
  { sn: 'FD003', visit: 'MD20260316001', time: '2026-03-16 09:12:00', code: '001102000010000', name: '一般诊疗费', cnt: 1, pric: '10', amount: '10.00' },
  {
    sn: 'FD004',
    visit: 'MD20260316002',
    time: '2026-03-16 10:40:00',
    code: 'XJ01CAA040A001010100001',
    name: '阿莫西林胶囊',
    cnt: 12,
    pric: '0.12',
    amount: '1.44',
  },
];

describe('settlement import', () => {
  it('maps the NHSA field codes, reads counts as base units by the price, and leaves treatment fees out', async () => {
    const doctor = h.as('cy01');
    const file = fileOf('2204-20260316.csv', nhsaCsv(DAY));
    const preview = await doctor.call('reconciliation.importPreview', { file });
    expect(preview.missingRequired).toEqual([]);
    expect(preview.mapping).toMatchObject({ feedetlSn: 1, mdtrtId: 3, feeTime: 10, medListCodg: 11, cnt: 14, pric: 15, amount: 16, psnName: 6, certno: 8 });
    expect(preview).toMatchObject({ newLines: 3, knownLines: 0, nonDrugRows: 1, errorRows: 0, firstDate: '2026-03-16', lastDate: '2026-03-16' });
    expect(preview.personal).toEqual({ names: 4, certnos: 4, psnNos: 4 });
    // The preview never shows a name or an ID number in full.
    expect(JSON.stringify(preview)).not.toContain('赵某某');
    expect(JSON.stringify(preview)).not.toContain('430102195001011234');
    const ibu = preview.rows.find((r) => r.row === 3)!;
    expect(ibu).toMatchObject({ action: 'new', qty: 20, unitName: '盒', unitInferred: true, amount: 980 });
    expect(preview.notes.some((n) => n.reason.includes('数量按“盒”计'))).toBe(true);
    expect(lines()).toEqual([]); // the preview wrote nothing

    const result = await doctor.call('reconciliation.importCommit', { file, mapping: preview.mapping, mode: 'all' });
    expect(result).toMatchObject({ added: 3, known: 0, nonDrugRows: 1, reversals: 0 });
    expect(lines().map((l) => [l.k, l.qty, l.amount])).toEqual([
      ['sn:FD001', 24, 288],
      ['sn:FD002', 20, 980],
      ['sn:FD004', 12, 144],
    ]);
  });

  it('maps the Chinese headers a client prints, with a unit column and a title above the header', async () => {
    const headers = ['就诊ID', '结算ID', '项目编码', '项目名称', '数量', '单位', '单价', '金额', '费用发生时间', '开单医生', '姓名'];
    const text = `东湖村卫生室 门诊统筹结算明细\r\n${csvOf(headers, [
      ['MD1', 'ST1', 'XJ01CAA040A001010100001', '阿莫西林胶囊', 1, '盒', '2.88', '2.88', '2026/3/16 9:05', '王建国', '钱某'],
      ['MD1', 'ST1', 'XM01AEB090E001010100002', '布洛芬缓释胶囊', 10, '粒', '0.49', '4.90', '2026/3/16 9:05', '王建国', '钱某'],
    ])}合计,,,,,,,7.78,,,\r\n`;
    const preview = await h.as('cy01').call('reconciliation.importPreview', { file: fileOf('结算明细.csv', text) });
    expect(preview.mapping).toMatchObject({
      mdtrtId: 1,
      setlId: 2,
      medListCodg: 3,
      itemName: 4,
      cnt: 5,
      unit: 6,
      pric: 7,
      amount: 8,
      feeTime: 9,
      doctorName: 10,
      psnName: 11,
    });
    expect(preview.ignored.map((r) => r.label)).toEqual(['合计行']);
    expect(preview.rows.map((r) => [r.qty, r.unitName, r.unitInferred, r.feeTime])).toEqual([
      [24, '盒', false, '2026-03-16 09:05:00'],
      [10, '粒', false, '2026-03-16 09:05:00'],
    ]);
    // Without a feedetl_sn the line is known again by what it says: the same file twice adds nothing.
    const file = fileOf('结算明细.csv', text);
    await h.as('cy01').call('reconciliation.importCommit', { file, mapping: preview.mapping, mode: 'all' });
    const again = await h.as('cy01').call('reconciliation.importCommit', { file, mapping: preview.mapping, mode: 'all' });
    expect(again).toMatchObject({ importId: null, added: 0, known: 2 });
  });

  it('imports the same file twice without any change', async () => {
    const file = fileOf('2204.csv', nhsaCsv(DAY));
    const preview = await h.as('cy01').call('reconciliation.importPreview', { file });
    await h.as('cy01').call('reconciliation.importCommit', { file, mapping: preview.mapping, mode: 'all' });
    const before = tableChecksums(db());
    const second = await h.as('cy01').call('reconciliation.importPreview', { file });
    expect(second).toMatchObject({ newLines: 0, knownLines: 3, nonDrugRows: 1 });
    expect(second.rows.filter((r) => r.action !== 'non_drug').every((r) => r.action === 'known')).toBe(true);
    const result = await h.as('cy01').call('reconciliation.importCommit', { file, mapping: second.mapping, mode: 'all' });
    expect(result).toMatchObject({ importId: null, added: 0, known: 3 });
    expect(changedTables(before, tableChecksums(db()))).toEqual([]);
  });

  it('takes back a settled line with a reversal (negative quantity), in the same file or a later one', async () => {
    let doctor = h.as('cy01');
    const first = [DAY[0], DAY[3]];
    let preview = await doctor.call('reconciliation.importPreview', { file: fileOf('a.csv', nhsaCsv(first)) });
    await doctor.call('reconciliation.importCommit', { file: fileOf('a.csv', nhsaCsv(first)), mapping: preview.mapping, mode: 'all' });
    // The next day the client cancels the settlement of visit 002 (撤销): the same line, negative, naming it.
    h.on('2026-03-17');
    doctor = h.as('cy01');
    const reversal = {
      sn: 'FD004-R',
      init: 'FD004',
      visit: 'MD20260316002',
      time: '2026-03-17 08:30:00',
      code: 'XJ01CAA040A001010100001',
      cnt: -12,
      pric: '0.12',
      amount: '-1.44',
    };
    // And within one file: a line settled and reversed the same day, with no serial to name it (matched by visit, drug and quantity).
    const sameFile = [
      { visit: 'MD20260317009', time: '2026-03-17 09:00:00', code: 'XM01AEB090E001010100002', cnt: 10, pric: '0.49', amount: '4.90' },
      { visit: 'MD20260317009', time: '2026-03-17 09:03:00', code: 'XM01AEB090E001010100002', cnt: -10, pric: '0.49', amount: '-4.90' },
    ];
    const text = nhsaCsv([reversal, ...sameFile]);
    preview = await doctor.call('reconciliation.importPreview', { file: fileOf('b.csv', text) });
    expect(preview).toMatchObject({ newLines: 3, reversalLines: 2, errorRows: 0 });
    await doctor.call('reconciliation.importCommit', { file: fileOf('b.csv', text), mapping: preview.mapping, mode: 'all' });
    const all = lines();
    const original = all.find((l) => l.k === 'sn:FD004')!;
    const taken = all.find((l) => l.k === 'sn:FD004-R')!;
    // The reversal counts on the day of the line it takes back.
    expect(taken).toMatchObject({ qty: -12, amount: -144, date: '2026-03-16' });
    expect(taken.reverses).toBe((sql(db(), "SELECT id FROM settlement_lines WHERE line_key = 'sn:FD004'").get() as { id: number }).id);
    expect(original.date).toBe('2026-03-16');
    const pair = all.filter((l) => l.visit === 'MD20260317009');
    expect(pair.map((l) => l.qty)).toEqual([10, -10]);
    expect(pair[1].reverses).not.toBeNull();

    // The day's reconciliation nets the reversal: visit 002's 12 粒 no longer count as settled.
    const day = await doctor.call('reconciliation.clinic', { from: '2026-03-16', to: '2026-03-16' });
    expect(day.rows.find((r) => r.drugId === h.drugs.amox.id)).toMatchObject({ settledQty: 24, settledAmount: 288, settledLines: 3 });

    // A reversal of a line already reversed is refused, and names the row.
    const twice = nhsaCsv([{ ...reversal, sn: 'FD004-R2' }]);
    const refused = await doctor.call('reconciliation.importPreview', { file: fileOf('c.csv', twice) });
    expect(refused.errors).toEqual([expect.objectContaining({ row: 2, reason: '原费用明细 FD004 已经冲正过' })]);
  });

  it('refuses a file with an error as a whole, changing nothing, and says where', async () => {
    const bad = [
      ...DAY,
      { sn: 'FD005', visit: 'MD20260316003', time: '2026-03-16 11:00:00', code: 'XJ01CAA040A001010100001', cnt: 'x', pric: '0.12', amount: '1.20' },
    ];
    const file = fileOf('bad.csv', nhsaCsv(bad));
    const preview = await h.as('cy01').call('reconciliation.importPreview', { file });
    expect(preview.errors).toEqual([{ sheet: 'Sheet1', row: 6, column: 'N 列（cnt）', reason: '“x”不是数字' }]);
    const before = tableChecksums(db());
    const err = await errorOf(h.as('cy01').call('reconciliation.importCommit', { file, mapping: preview.mapping, mode: 'all' }));
    expect(err?.code).toBe('VALIDATION');
    expect(err?.message).toContain('第 6 行 N 列（cnt）：“x”不是数字');
    expect(changedTables(before, tableChecksums(db()))).toEqual([]);
    // Knowingly only the clean rows.
    const clean = await h.as('cy01').call('reconciliation.importCommit', { file, mapping: preview.mapping, mode: 'cleanRowsOnly' });
    expect(clean).toMatchObject({ added: 3, skippedRows: 1 });
  });

  it('refuses a line that says something else than the one imported before, and files that are not spreadsheets', async () => {
    const file = fileOf('a.csv', nhsaCsv(DAY));
    const preview = await h.as('cy01').call('reconciliation.importPreview', { file });
    await h.as('cy01').call('reconciliation.importCommit', { file, mapping: preview.mapping, mode: 'all' });
    const changed = nhsaCsv([{ ...DAY[0], cnt: 48, amount: '5.76' }]);
    const p = await h.as('cy01').call('reconciliation.importPreview', { file: fileOf('b.csv', changed) });
    expect(p.errors[0].reason).toContain('与已导入的结算明细不一致');
    const pdf = await errorOf(h.as('cy01').call('reconciliation.importPreview', { file: fileOf('x.xls', Buffer.from('%PDF-1.7 not a sheet')) }));
    expect(pdf?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(pdf?.message).toMatch(/^x\.xls：/);
    const noHeader = await errorOf(h.as('cy01').call('reconciliation.importPreview', { file: fileOf('x.csv', 'a,b,c\r\n1,2,3\r\n') }));
    expect(noHeader?.message).toContain('没有找到结算明细的表头');
  });

  it('keeps a village doctor to their own clinic', async () => {
    const file = fileOf('a.csv', nhsaCsv(DAY));
    const err = await errorOf(h.as('cy02').call('reconciliation.importPreview', { clinicId: h.clinics[0].id, file }));
    expect(err?.code).toBe('FORBIDDEN_CLINIC');
    const mine = await h.as('cy02').call('reconciliation.importPreview', { file });
    expect(mine.clinicId).toBe(h.clinics[1].id);
    // A hub user names the clinic.
    const hub = await errorOf(h.as('yaoku').call('reconciliation.importPreview', { file }));
    expect(hub?.code).toBe('VALIDATION');
  });
});
