import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { checkLedgerInvariants } from '../../electron/domain/stock/ledger';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';
import { seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from '../helpers/stock';

/**
 * The box chain over the real handlers: a box is in one place at every instant, moves with the ledger posting
 * it goes with, cannot be dispensed before it arrived, and a second sale is recorded as evidence.
 */
let hub: TestHub;
let pharmacist: InternalClient;
let doctor: InternalClient;
let otherDoctor: InternalClient;
let clinicId: number;
let otherClinicId: number;
let supplierId: number;
let amox: SeedDrug;

const db = () => hub.runtime.app.db;
const GS = '\u001d';
const box = (n: number) => `812345600000000000${String(n).padStart(2, '0')}`;

beforeEach(async () => {
  hub = await createTestHub(); // 2026-03-02
  clinicId = (await createClinic(hub, 'C01', '东湖村卫生室')).id;
  otherClinicId = (await createClinic(hub, 'C02', '西岭村卫生室')).id;
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
  doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId });
  otherDoctor = await createUser(hub, { username: 'cy02', role: 'village_doctor', clinicId: otherClinicId });
  supplierId = seedSupplier(hub);
  amox = seedDrug(hub, { name: '阿莫西林胶囊', packSize: 10, supplierId, packPrice: 12_000_000 });
  sql(db(), "UPDATE drugs SET trace_prefix = '8123456', gtin = '06901234567892' WHERE id = ?").run(amox.id);
});
afterEach(async () => {
  expect(checkLedgerInvariants(db())).toEqual([]);
  expect(chainProblems()).toEqual([]);
  await hub.close();
});

/**
 * Replays every box's events: each move starts where the previous one ended and is dated no earlier, and the
 * register's place is where the last move ended. So at any instant each box has exactly one place.
 */
function chainProblems(): string[] {
  const problems: string[] = [];
  const events = sql(
    db(),
    `SELECT code, event, from_store_id AS fromStore, to_store_id AS toStore, business_date AS date FROM box_events
      WHERE anomaly IS NULL ORDER BY code, id`,
  ).all() as { code: string; event: string; fromStore: number | null; toStore: number | null; date: string }[];
  const last = new Map<string, { toStore: number | null; date: string }>();
  for (const e of events) {
    const prev = last.get(e.code);
    if (prev && e.event !== 'dispense_reversed' && e.event !== 'receipt_reversed') {
      if (prev.toStore !== e.fromStore) problems.push(`${e.code} ${e.event} from ${e.fromStore} but was at ${prev.toStore}`);
      if (e.date < prev.date) problems.push(`${e.code} ${e.event} dated ${e.date} before ${prev.date}`);
    }
    last.set(e.code, { toStore: e.event === 'receipt_reversed' ? null : e.toStore, date: e.date > (prev?.date ?? '') ? e.date : prev!.date });
  }
  for (const b of sql(db(), 'SELECT code, store_id AS storeId FROM trace_codes').all() as { code: string; storeId: number | null }[]) {
    if (last.get(b.code)?.toStore !== b.storeId) problems.push(`${b.code} register says ${b.storeId}, events say ${last.get(b.code)?.toStore}`);
  }
  return problems;
}

async function receive(lots: { batchNo: string; expiryDate: string; packs: number; codes: string[] }[], businessDate = '2026-02-25') {
  const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug: amox, qty: lots.reduce((n, l) => n + l.packs, 0) * amox.packSize }]);
  return pharmacist.call('receipts.create', {
    poId,
    invoiceNo: 'FP001',
    businessDate,
    lines: lots.map((l) => ({ poLineId: lineIds[0], batchNo: l.batchNo, expiryDate: l.expiryDate, qty: l.packs * amox.packSize, traceCodes: l.codes })),
  });
}

async function deliver(to: number, qty: number, codes: string[], businessDate = '2026-02-26') {
  const [lineId] = seedApprovedRequisition(hub, to, [{ drug: amox, qty }]);
  return pharmacist.call('deliveries.create', { clinicId: to, businessDate, lines: [{ requisitionLineId: lineId, qty, traceCodes: codes }] });
}

const where = (code: string) =>
  sql(db(), 'SELECT state, store_id AS storeId FROM trace_codes WHERE code = ?').get(code) as { state: string; storeId: number | null };
const storeOf = (kind: 'hub' | 'clinic' | 'transit', clinic?: number) =>
  (sql(db(), 'SELECT id FROM stores WHERE kind = ? AND clinic_id IS ?').get(kind, clinic ?? null) as { id: number }).id;

describe('the box chain', () => {
  it('moves each box from the supplier to the patient with the ledger, one place at a time', async () => {
    const { receipt } = await receive([
      { batchNo: 'B2026A', expiryDate: '2027-12-31', packs: 4, codes: [box(1), box(2), `]d201069012345678921727123110B2026A${GS}21SN0001`] },
    ]);
    expect(receipt.lines[0].traceCodes).toEqual(['010690123456789221SN0001', box(1), box(2)]);
    expect(where(box(1))).toEqual({ state: 'in_stock', storeId: storeOf('hub') });

    const delivery = await deliver(clinicId, 30, [box(1), '(01)06901234567892(21)SN0001']);
    expect(delivery.lines[0].boxes).toEqual([
      { code: box(1), state: 'in_transit' },
      { code: '010690123456789221SN0001', state: 'in_transit' },
    ]);
    expect(where(box(1))).toEqual({ state: 'in_transit', storeId: storeOf('transit', clinicId) });

    // Signed in full by scanning both boxes (the third pack is uncoded); a code not on the delivery is flagged.
    const signed = await doctor.call('deliveries.sign', {
      id: delivery.id,
      signDate: '2026-02-27',
      lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })),
      scannedCodes: [box(1), '(01)06901234567892(21)SN0001', box(77)],
    });
    expect(signed.traceNotices).toEqual([{ code: box(77), anomaly: 'foreign', message: `追溯码 ${box(77)} 不在本配送单上，卫生院也从未入库这个码` }]);
    expect(where(box(1))).toEqual({ state: 'in_stock', storeId: storeOf('clinic', clinicId) });
    expect(where('010690123456789221SN0001')).toEqual({ state: 'in_stock', storeId: storeOf('clinic', clinicId) });

    const sale = await doctor.call('dispensing.create', { businessDate: '2026-03-01', lines: [{ drugId: amox.id, qty: 10, traceCodes: [box(1)] }] });
    expect(sale.lines[0].traceCodes).toEqual([box(1)]);
    expect(sale.traceNotices).toEqual([]);
    expect(where(box(1))).toEqual({ state: 'dispensed', storeId: null });
    const events = sql(db(), 'SELECT event FROM box_events WHERE code = ? ORDER BY id').all(box(1)) as { event: string }[];
    expect(events.map((e) => e.event)).toEqual(['receipt', 'issue', 'sign', 'dispense']);
    // Every move names the ledger row it went with.
    expect(sql(db(), 'SELECT count(*) AS n FROM box_events WHERE code = ? AND ledger_id IS NULL').get(box(1))).toEqual({ n: 0 });

    // 追溯: the whole path with documents; the other clinic's doctor sees only the hub's part.
    const path = await pharmacist.call('trace.lookup', { code: ` ${box(1)}\r\n` });
    expect(path.box).toMatchObject({ state: 'dispensed', storeName: null, batchNo: 'B2026A' });
    expect(path.events.map((e) => [e.eventLabel, e.businessDate, e.clinicName])).toEqual([
      ['验收入库', '2026-02-25', null],
      ['出库配送（在途）', '2026-02-26', '东湖村卫生室'],
      ['村医签收', '2026-02-27', '东湖村卫生室'],
      ['用药登记（销售）', '2026-03-01', '东湖村卫生室'],
    ]);
    expect(path.events[0].supplierName).toBe('国药控股某市有限公司');
    expect((await otherDoctor.call('trace.lookup', { code: box(1) })).events.map((e) => e.eventLabel)).toEqual(['验收入库']);
    expect((await pharmacist.call('trace.lookup', { code: '(01)06901234567892(17)271231(10)B2026A' })).drug?.drugName).toBe('阿莫西林胶囊');

    // A reversal puts the box back on the clinic's shelf.
    await doctor.call('dispensing.reverse', { id: sale.id, reason: '录错病人' });
    expect(where(box(1))).toEqual({ state: 'in_stock', storeId: storeOf('clinic', clinicId) });
  });

  it('refuses a back-dated dispensing before the box arrived at the clinic', async () => {
    await receive([{ batchNo: 'B1', expiryDate: '2027-12-31', packs: 3, codes: [box(1)] }]);
    const delivery = await deliver(clinicId, 30, [box(1)], '2026-02-26');
    await doctor.call('deliveries.sign', { id: delivery.id, signDate: '2026-02-28', lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
    // Scanned box: the box itself says when it came.
    await expect(
      doctor.call('dispensing.create', { businessDate: '2026-02-27', lines: [{ drugId: amox.id, qty: 10, traceCodes: [box(1)] }] }),
    ).rejects.toMatchObject({
      code: 'BUSINESS_RULE',
      message: `追溯码 ${box(1)} 这盒药 2026-02-28 才到达（在当前位置），不能登记在更早的 2026-02-27`,
    });
    expect(where(box(1)).state).toBe('in_stock');
    await doctor.call('dispensing.create', { businessDate: '2026-02-28', lines: [{ drugId: amox.id, qty: 10, traceCodes: [box(1)] }] });
  });

  it('refuses a box still in transit at the counter, and a scanned box of another batch than FEFO at picking', async () => {
    await receive([
      { batchNo: 'EARLY', expiryDate: '2027-06-30', packs: 3, codes: [box(1), box(2)] },
      { batchNo: 'LATE', expiryDate: '2028-06-30', packs: 3, codes: [box(3)] },
    ]);
    const [lineId] = seedApprovedRequisition(hub, clinicId, [{ drug: amox, qty: 10 }]);
    await expect(
      pharmacist.call('deliveries.create', { clinicId, lines: [{ requisitionLineId: lineId, qty: 10, traceCodes: [box(3)] }] }),
    ).rejects.toMatchObject({
      code: 'BUSINESS_RULE',
      message: `阿莫西林胶囊：追溯码 ${box(3)} 是批号 LATE 的药；按先到期先出，本行应发批号 EARLY`,
    });
    expect(where(box(3)).storeId).toBe(storeOf('hub'));
    const delivery = await pharmacist.call('deliveries.create', { clinicId, lines: [{ requisitionLineId: lineId, qty: 10, traceCodes: [box(1)] }] });
    expect(delivery.lines[0].boxes).toEqual([{ code: box(1), state: 'in_transit' }]);
    await expect(doctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 1, traceCodes: [box(1)] }] })).rejects.toMatchObject({
      code: 'BUSINESS_RULE',
    });
  });

  it('records a second sale, a stray box, an unknown code and another drug’s code as evidence without refusing the patient', async () => {
    await receive([{ batchNo: 'B1', expiryDate: '2027-12-31', packs: 6, codes: [box(1), box(2), box(3)] }]);
    for (const [to, codes, who] of [
      [clinicId, [box(1), box(2)], doctor],
      [otherClinicId, [box(3)], otherDoctor],
    ] as const) {
      const d = await deliver(to, 30, [...codes]);
      await who.call('deliveries.sign', { id: d.id, signDate: '2026-02-27', lines: d.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
    }
    await doctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 10, traceCodes: [box(1)] }] });

    const other = await otherDoctor.call('dispensing.create', {
      lines: [{ drugId: amox.id, qty: 10, traceCodes: [box(1), box(2), box(90), '81234990000000000001'] }],
    });
    expect(other.traceNotices.map((n) => [n.code, n.anomaly])).toEqual([
      [box(1), 'duplicate_sale'],
      [box(2), 'stray'],
      [box(90), 'unknown'],
      ['81234990000000000001', 'mismatch'],
    ]);
    expect(other.traceNotices[0].message).toBe(`追溯码 ${box(1)} 这盒药已于 2026-03-02 在 东湖村卫生室售出，又被扫码销售（重复追溯码）`);
    // Evidence moves nothing: box 2 is still on the shelf at 东湖.
    expect(where(box(2))).toEqual({ state: 'in_stock', storeId: storeOf('clinic', clinicId) });
  });

  it('two clinics scanning the same box at once: one sells it, the other is told why', async () => {
    await receive([{ batchNo: 'B1', expiryDate: '2027-12-31', packs: 4, codes: [box(1)] }]);
    for (const [to, codes, who] of [
      [clinicId, [box(1)], doctor],
      [otherClinicId, [], otherDoctor],
    ] as const) {
      const d = await deliver(to, 20, [...codes]);
      await who.call('deliveries.sign', { id: d.id, signDate: '2026-02-27', lines: d.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
    }
    const [a, b] = await Promise.all([
      doctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 10, traceCodes: [box(1)] }] }),
      otherDoctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 10, traceCodes: [box(1)] }] }),
    ]);
    expect(a.traceNotices).toEqual([]);
    expect(b.traceNotices.map((n) => n.anomaly)).toEqual(['duplicate_sale']);
    expect(where(box(1))).toEqual({ state: 'dispensed', storeId: null });
  });

  it('a split box is opened by its first dispensing and used up by the later ones', async () => {
    await receive([{ batchNo: 'B1', expiryDate: '2027-12-31', packs: 2, codes: [box(1)] }]);
    const d = await deliver(clinicId, 20, [box(1)]);
    await doctor.call('deliveries.sign', { id: d.id, signDate: '2026-02-27', lines: d.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
    await doctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 4, traceCodes: [box(1)] }] });
    expect(where(box(1))).toEqual({ state: 'opened', storeId: storeOf('clinic', clinicId) });
    const second = await doctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 6, traceCodes: [box(1)] }] });
    expect(second.traceNotices).toEqual([]);
    expect(where(box(1))).toEqual({ state: 'dispensed', storeId: null });
  });

  it('a short line at sign-off keeps its unscanned boxes in transit until the hub settles them', async () => {
    await receive([{ batchNo: 'B1', expiryDate: '2027-12-31', packs: 3, codes: [box(1), box(2), box(3)] }]);
    const d = await deliver(clinicId, 30, [box(1), box(2), box(3)]);
    const signed = await doctor.call('deliveries.sign', {
      id: d.id,
      signDate: '2026-02-27',
      lines: d.lines.map((l) => ({ lineId: l.id, receivedQty: 20, reason: '少一盒' })),
      scannedCodes: [box(1), box(2)],
    });
    expect(signed.lines[0].boxes.map((b) => b.state)).toEqual(['in_stock', 'in_stock', 'in_transit']);
    await pharmacist.call('deliveries.resolve', { id: d.id, lineId: d.lines[0].id, resolution: 'returned_to_hub', note: '找到了' });
    expect(where(box(3))).toEqual({ state: 'in_stock', storeId: storeOf('hub') });
  });

  it('refuses a code of another product at receipt, and codes that disagree with the line’s batch', async () => {
    await expect(receive([{ batchNo: 'B1', expiryDate: '2027-12-31', packs: 2, codes: ['81299990000000000001'] }])).rejects.toMatchObject({
      code: 'VALIDATION',
      message: '第 1 行：追溯码 81299990000000000001 的前 7 位 8129999 与 阿莫西林胶囊 的追溯码前缀 8123456 不符，不是这个药品的码',
    });
    await expect(receive([{ batchNo: 'B1', expiryDate: '2027-12-31', packs: 2, codes: ['(01)06901234567892(10)B9(21)X1'] }])).rejects.toMatchObject({
      code: 'VALIDATION',
      message: '第 1 行：追溯码 010690123456789221X1 的批号 B9 与本行批号 B1 不符',
    });
    expect(sql(db(), 'SELECT count(*) AS n FROM box_events').get()).toEqual({ n: 0 });
  });

  it('turns the evidence into supervision signals, each with its numbers and a dismissal with reason', async () => {
    const director = await createUser(hub, { username: 'yz', role: 'admin' });
    await receive([{ batchNo: 'B1', expiryDate: '2027-12-31', packs: 6, codes: [box(1), box(2)] }]);
    const d = await deliver(clinicId, 20, [box(1), box(2)]);
    await doctor.call('deliveries.sign', { id: d.id, signDate: '2026-02-27', lines: d.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
    const o = await deliver(otherClinicId, 20, []);
    await otherDoctor.call('deliveries.sign', { id: o.id, signDate: '2026-02-27', lines: o.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
    await doctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 10, traceCodes: [box(1)] }] });
    await otherDoctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 10, traceCodes: [box(1), box(2), box(90), '81234990000000000001'] }] });

    const list = await director.call('supervision.signals', { from: '2026-03-01', to: '2026-03-02' });
    const byRule = Object.fromEntries(list.rows.map((r) => [r.ruleKey, r]));
    expect(Object.keys(byRule).sort()).toEqual(['codeswap', 'dupcode', 'outside', 'stray']);
    expect(list.rows.every((r) => r.clinicId === otherClinicId)).toBe(true);
    expect(byRule.dupcode.summary).toContain(box(1));
    expect(byRule.dupcode.numbers).toEqual([
      { label: '追溯码个数', value: 1, unit: '个' },
      { label: '扫码次数', value: 1, unit: '次' },
      { label: '涉及药品种数', value: 1, unit: '种' },
    ]);
    await director.call('supervision.dismiss', { fingerprint: byRule.dupcode.fingerprint, note: '核实：第一次登记录错了病人' });
    const after = await director.call('supervision.signals', { from: '2026-03-01', to: '2026-03-02' });
    expect(after.rows.map((r) => r.ruleKey).sort()).toEqual(['codeswap', 'outside', 'stray']);
    const audit = sql(db(), "SELECT count(*) AS n FROM audit_log WHERE method = 'supervision.dismiss' AND outcome = 'ok'").get() as { n: number };
    expect(audit.n).toBe(1);
  });

  it('puts the codes scanned at the counter on the 3505 sale rows and the 3506 reversal rows of the month', async () => {
    await receive([{ batchNo: 'B1', expiryDate: '2027-12-31', packs: 3, codes: [box(1), box(2)] }]);
    const d = await deliver(clinicId, 30, [box(1), box(2)]);
    await doctor.call('deliveries.sign', { id: d.id, signDate: '2026-02-27', lines: d.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
    const scanned = await doctor.call('dispensing.create', { visitNo: 'MZ001', lines: [{ drugId: amox.id, qty: 20, traceCodes: [box(1), box(2)] }] });
    await doctor.call('dispensing.create', { visitNo: 'MZ002', lines: [{ drugId: amox.id, qty: 5 }] });
    await doctor.call('dispensing.reverse', { id: scanned.id, reason: '录错病人' });
    const file = await pharmacist.call('insuranceExport.download', { period: '2026-03', storeId: storeOf('clinic', clinicId), format: 'json' });
    const upload = JSON.parse(Buffer.from(file.base64, 'base64').toString('utf8')) as Record<string, Record<string, unknown>[]>;
    const sales = upload['3505'].map((r) => [r.mdtrt_sn, r.sel_retn_cnt, r.drugtracinfo]);
    // Each scanned box was taken from its own batch in its own ledger row, so each sale row names its box.
    expect(sales).toEqual([
      ['MZ001', 10, [{ drug_trac_codg: box(1) }]],
      ['MZ001', 10, [{ drug_trac_codg: box(2) }]],
      ['MZ002', 5, []],
    ]);
    const codeOf = (r: Record<string, unknown>) => (r.drugtracinfo as { drug_trac_codg: string }[])[0]?.drug_trac_codg ?? '';
    expect(upload['3506'].sort((a, b) => codeOf(a).localeCompare(codeOf(b))).map((r) => [r.mdtrt_sn, r.drugtracinfo])).toEqual([
      ['MZ001', [{ drug_trac_codg: box(1) }]],
      ['MZ001', [{ drug_trac_codg: box(2) }]],
    ]);
  });
});
