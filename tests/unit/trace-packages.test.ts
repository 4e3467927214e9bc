import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { checkLedgerInvariants } from '../../electron/domain/stock/ledger';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';
import { seedApprovedRequisition, seedSentOrder, type SeedDrug } from '../helpers/stock';
import { seedCodedAmox } from '../helpers/trace';

/**
 * Cartons (大码) and middle packs (中码): the supplier's association file imported through the real handlers, and
 * a carton scanned at receipt or at picking standing for its boxes, expanded on the server in the posting.
 */
let hub: TestHub;
let pharmacist: InternalClient;
let clinicId: number;
let supplierId: number;
let amox: SeedDrug;

const db = () => hub.runtime.app.db;
const box = (n: number) => `812345600000000${String(n).padStart(5, '0')}`;
const CARTON = '81234569900000000001';
const MIDDLE_A = '81234568800000000001';
const MIDDLE_B = '81234568800000000002';

beforeEach(async () => {
  hub = await createTestHub(); // 2026-03-02
  clinicId = (await createClinic(hub, 'C01', '东湖村卫生室')).id;
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
  ({ supplierId, amox } = seedCodedAmox(hub));
});
afterEach(async () => {
  expect(checkLedgerInvariants(db())).toEqual([]);
  expect(chainProblems()).toEqual([]);
  await hub.close();
});

/** Each box's moves start where the previous one ended, and the register's place is where the last one ended. */
function chainProblems(): string[] {
  const problems: string[] = [];
  const events = sql(
    db(),
    'SELECT code, event, from_store_id AS fromStore, to_store_id AS toStore FROM box_events WHERE anomaly IS NULL ORDER BY code, id',
  ).all() as {
    code: string;
    event: string;
    fromStore: number | null;
    toStore: number | null;
  }[];
  const last = new Map<string, number | null>();
  for (const e of events) {
    if (last.has(e.code) && last.get(e.code) !== e.fromStore) problems.push(`${e.code} ${e.event} from ${e.fromStore} but was at ${last.get(e.code)}`);
    last.set(e.code, e.toStore);
  }
  for (const b of sql(db(), 'SELECT code, store_id AS storeId FROM trace_codes').all() as { code: string; storeId: number | null }[]) {
    if (last.get(b.code) !== b.storeId) problems.push(`${b.code} register says ${b.storeId}, events say ${last.get(b.code)}`);
  }
  return problems;
}

type Row = (string | number | null)[];
async function xlsx(rows: Row[], headers: string[] = ['大码', '小码', '包装层级'], title?: string) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('关联关系');
  if (title) ws.addRow([title]);
  ws.addRow(headers);
  for (const r of rows) ws.addRow(r);
  return { filename: '关联关系.xlsx', base64: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') };
}
const csv = (text: string) => ({ filename: '关联关系.csv', base64: Buffer.from(text, 'utf8').toString('base64') });

/** A carton of two middle packs of two boxes each (boxes 1–4), as a distributor's file lists it. */
const cartonRows: Row[] = [
  [CARTON, MIDDLE_A, '大码'],
  [CARTON, MIDDLE_B, '大码'],
  [MIDDLE_A, box(1), '中码'],
  [MIDDLE_A, box(2), '中码'],
  [MIDDLE_B, box(3), '中码'],
  [MIDDLE_B, box(4), '中码'],
];
const linkCount = () => (sql(db(), 'SELECT count(*) AS n FROM trace_packages').get() as { n: number }).n;
const where = (code: string) =>
  sql(db(), 'SELECT t.state, s.kind FROM trace_codes t LEFT JOIN stores s ON s.id = t.store_id WHERE code = ?').get(code) as
    | { state: string; kind: string | null }
    | undefined;

async function receive(packs: number, codes: string[]) {
  const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug: amox, qty: packs * amox.packSize }]);
  return pharmacist.call('receipts.create', {
    poId,
    invoiceNo: 'FP001',
    businessDate: '2026-02-25',
    lines: [{ poLineId: lineIds[0], batchNo: 'B2026A', expiryDate: '2027-12-31', qty: packs * amox.packSize, traceCodes: codes }],
  });
}
async function deliver(packs: number, codes: string[]) {
  const [lineId] = seedApprovedRequisition(hub, clinicId, [{ drug: amox, qty: packs * amox.packSize }]);
  return pharmacist.call('deliveries.create', {
    clinicId,
    businessDate: '2026-02-26',
    lines: [{ requisitionLineId: lineId, qty: packs * amox.packSize, traceCodes: codes }],
  });
}

describe('importing the code association file', () => {
  it('finds the columns by their headers, counts the levels, and imports once', async () => {
    const file = await xlsx(cartonRows, ['大码', '小码', '包装层级'], '国药控股湖南有限公司 追溯码关联关系');
    const preview = await pharmacist.call('trace.packagesPreview', { supplierId, file });
    expect(preview.headerRow).toBe(2);
    expect(preview.mapping).toEqual({ parentCode: 1, childCode: 2, level: 3 });
    expect(preview).toMatchObject({ totalRows: 6, newLinks: 6, knownLinks: 0, errorRows: 0, cartons: 1, middlePacks: 2, boxes: 4 });
    expect(linkCount()).toBe(0); // a preview writes nothing

    const done = await pharmacist.call('trace.packagesImport', { supplierId, file });
    expect(done).toMatchObject({ added: 6, known: 0, cartons: 1, middlePacks: 2, boxes: 4 });
    expect(done.importId).not.toBeNull();
    expect(sql(db(), 'SELECT level FROM trace_packages WHERE child_code = ?').get(box(1))).toEqual({ level: 2 });

    // The same file again changes nothing; so does a CSV with the same links under national field names.
    expect(await pharmacist.call('trace.packagesImport', { supplierId, file })).toMatchObject({ importId: null, added: 0, known: 6 });
    const again = csv(`parent_code,child_code\n${cartonRows.map((r) => `${r[0]},${r[1]}`).join('\n')}\n`);
    expect(await pharmacist.call('trace.packagesImport', { file: again })).toMatchObject({ importId: null, added: 0, known: 6 });
    expect(linkCount()).toBe(6);
    expect((sql(db(), 'SELECT count(*) AS n FROM trace_package_imports').get() as { n: number }).n).toBe(1);
  });

  it('infers a parent level from the file when there is no level column', async () => {
    await pharmacist.call('trace.packagesImport', { file: csv(`上级码,下级码\n${cartonRows.map((r) => `${r[0]},${r[1]}`).join('\n')}\n`) });
    const levels = sql(db(), 'SELECT DISTINCT parent_code AS code, level FROM trace_packages ORDER BY parent_code').all();
    expect(levels).toEqual([
      { code: MIDDLE_A, level: 2 },
      { code: MIDDLE_B, level: 2 },
      { code: CARTON, level: 3 },
    ]);
  });

  it('refuses hostile rows one by one, naming row and column, and imports nothing', async () => {
    await pharmacist.call('trace.packagesImport', { file: await xlsx([[CARTON, box(1), '大码']]) });
    const file = await xlsx([
      [CARTON, box(2), '大码'], // row 2: fine
      [MIDDLE_A, box(1), '中码'], // row 3: box 1 is already in CARTON (imported before)
      [MIDDLE_A, box(2), '中码'], // row 4: box 2 is in CARTON on row 2
      [MIDDLE_A, '', '中码'], // row 5: empty child
      [MIDDLE_A, 'abc', '中码'], // row 6: not a code
      [MIDDLE_A, 8.123456e19, '中码'], // row 7: Excel rounded a 20-digit number
      [MIDDLE_A, box(5), '小码'], // row 8: a box is not a parent's level
      [box(6), box(6), '中码'], // row 9: packed in itself
      [MIDDLE_B, CARTON, '中码'], // row 10: with row 11, each packed in the other
      [CARTON, MIDDLE_B, '大码'], // row 11
    ]);
    const preview = await pharmacist.call('trace.packagesPreview', { file });
    const reasons = (row: number) => preview.errors.filter((e) => e.row === row).map((e) => `${e.column}：${e.reason}`);
    expect(reasons(2)).toEqual([]);
    expect(reasons(3)).toEqual([`B 列（小码）：下级码 ${box(1)} 已属于 ${CARTON}（以前导入的关联），一个码只能装在一个上级码里`]);
    expect(reasons(4)).toEqual([`B 列（小码）：下级码 ${box(2)} 在第 2 行属于 ${CARTON}，这一行又属于 ${MIDDLE_A}：一个码只能装在一个上级码里`]);
    expect(reasons(5)).toEqual(['B 列（小码）：不能为空']);
    expect(reasons(6)[0]).toMatch(/^B 列（小码）：“abc”太短，不是追溯码/);
    expect(reasons(7)[0]).toMatch(/^B 列（小码）：.*超过 15 位数字，Excel 已改动了末几位/);
    expect(reasons(8)).toEqual(['C 列（包装层级）：“小码”不是上级码的层级：应为 大码（3）或 中码（2）']);
    expect(reasons(9)).toEqual(['B 列（小码）：下级码与上级码相同']);
    expect(reasons(10)).toEqual([`B 列（小码）：${CARTON} 是 ${MIDDLE_B} 的上级码，不能又装在它里面`]);
    expect(preview.errorRows).toBe(9);

    await expect(pharmacist.call('trace.packagesImport', { file })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: `文件中有 9 行有错误，整个文件未导入，没有任何改动。第一处：第 3 行 B 列（小码）：下级码 ${box(1)} 已属于 ${CARTON}（以前导入的关联），一个码只能装在一个上级码里`,
    });
    expect(linkCount()).toBe(1);
  });

  it('refuses what is not a spreadsheet, and a registered box named as a carton', async () => {
    await expect(
      pharmacist.call('trace.packagesPreview', { file: { filename: '关联.xlsx', base64: Buffer.from('MZ\x90\x00binary').toString('base64') } }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringMatching(/^关联\.xlsx：这是一个 Windows 程序/) });
    await receive(1, [box(9)]);
    const preview = await pharmacist.call('trace.packagesPreview', { file: await xlsx([[box(9), box(10), '大码']]) });
    expect(preview.errors.map((e) => e.reason)).toEqual([`${box(9)} 是卫生院已登记的一盒药的追溯码（小码），不能作为大码或中码`]);
  });
});

describe('a carton scanned', () => {
  beforeEach(async () => {
    await pharmacist.call('trace.packagesImport', { supplierId, file: await xlsx(cartonRows) });
  });

  it('at receipt registers each of its boxes, and the line counts boxes', async () => {
    const { receipt } = await receive(5, [CARTON, box(7)]);
    expect(receipt.lines[0].traceCodes).toEqual([box(1), box(2), box(3), box(4), box(7)]);
    expect(where(box(3))).toEqual({ state: 'in_stock', kind: 'hub' });
    expect(where(CARTON)).toBeUndefined(); // the carton is not a box

    // Five codes for four accepted boxes: the carton counts as its four boxes.
    await expect(receive(4, [MIDDLE_A, MIDDLE_B, box(8)])).rejects.toMatchObject({ message: '第 1 行：追溯码 5 个，多于收货的 4 盒' });
    // A box scanned with its carton is a repeat.
    await expect(receive(5, [box(11), MIDDLE_A, box(1)])).rejects.toMatchObject({
      message: `第 1 行：追溯码 ${box(1)} 重复扫码（大码/中码 ${MIDDLE_A} 中已含这一盒）`,
    });

    const lookup = await pharmacist.call('trace.lookup', { code: CARTON });
    expect(lookup.drug?.drugName).toBe('阿莫西林胶囊');
    expect(lookup.package).toMatchObject({
      level: 3,
      children: [
        { code: MIDDLE_A, level: 2 },
        { code: MIDDLE_B, level: 2 },
      ],
      boxCount: 4,
      atHubCount: 4,
    });
    expect(lookup.package!.boxes[0]).toEqual({
      code: box(1),
      registered: true,
      atHub: true,
      state: 'in_stock',
      storeName: expect.any(String),
      batchNo: 'B2026A',
    });
    expect((await pharmacist.call('trace.lookup', { code: box(1) })).packedIn).toEqual([
      { code: MIDDLE_A, level: 2 },
      { code: CARTON, level: 3 },
    ]);
  });

  it('at picking puts on the delivery the boxes still at the hub, once', async () => {
    await receive(4, [CARTON]);
    const first = await deliver(1, [box(2)]); // the carton is opened at the hub: one box goes alone
    expect(where(box(2))).toEqual({ state: 'in_transit', kind: 'transit' });

    const lookup = await pharmacist.call('trace.lookup', { code: CARTON });
    expect(lookup.package).toMatchObject({ boxCount: 4, atHubCount: 3 });

    const second = await deliver(3, [CARTON]);
    expect(second.lines[0].boxes.map((b) => b.code)).toEqual([box(1), box(3), box(4)]);
    for (const n of [1, 3, 4]) expect(where(box(n))).toEqual({ state: 'in_transit', kind: 'transit' });
    // Box 2 left with the first delivery and was not moved again: one place at a time.
    const issues = sql(db(), "SELECT doc_id AS docId FROM box_events WHERE code = ? AND event = 'issue'").all(box(2));
    expect(issues).toEqual([{ docId: first.id }]);

    await expect(deliver(1, [MIDDLE_A])).rejects.toMatchObject({
      code: 'BUSINESS_RULE',
      message: `阿莫西林胶囊：中码 ${MIDDLE_A} 的 2 盒都已不在中心药库，不能扫它出库`,
    });
  });

  it('at picking counts its boxes against the line', async () => {
    await receive(4, [CARTON]);
    await expect(deliver(2, [CARTON])).rejects.toMatchObject({ message: expect.stringContaining('扫码的盒数多于整盒数') });
    expect(where(box(1))).toEqual({ state: 'in_stock', kind: 'hub' });
  });
});
