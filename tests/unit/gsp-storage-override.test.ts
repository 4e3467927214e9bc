import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { checkLedgerInvariants, ledgerChecksum } from '../../electron/domain/stock/ledger';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';
import { seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from '../helpers/stock';

/**
 * The storage-condition rule of issues (issue 21): a drug the destination clinic cannot keep as its label says
 * (冷藏 without an active 冷藏柜; 阴凉 without a 阴凉库 or 冷藏柜) is not issued without an override and a reason,
 * which the delivery line keeps (who, why) and the trace of the box shows.
 */
let hub: TestHub;
let pharmacist: InternalClient;
let clinicId: number;
let supplierId: number;
let insulin: SeedDrug;
let amox: SeedDrug;

const db = () => hub.runtime.app.db;
const INSULIN_BOX = '81234560000000000101';
const clinicStoreId = () => (sql(db(), "SELECT id FROM stores WHERE kind = 'clinic' AND clinic_id = ?").get(clinicId) as { id: number }).id;

beforeEach(async () => {
  hub = await createTestHub();
  clinicId = (await createClinic(hub, 'C01', '东湖村卫生室')).id;
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist', displayName: '周药师' });
  supplierId = seedSupplier(hub);
  insulin = seedDrug(hub, { name: '胰岛素注射液', packSize: 1, supplierId, packPrice: 45_000_000 });
  amox = seedDrug(hub, { name: '阿莫西林胶囊', packSize: 24, supplierId, packPrice: 12_500_000 });
  await pharmacist.call('gsp.saveSettings', { secondAcceptor: 'none', amTime: '09:00', pmTime: '15:00' });
  await pharmacist.call('gsp.setDrugStorage', { drugId: insulin.id, storageCondition: 'cold', specialControl: false });
  for (const drug of [insulin, amox]) {
    const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug, qty: 10 * drug.packSize }]);
    const cold = drug === insulin ? { arrivalTemp: 50, transportRecord: '冷藏箱 5.0 ℃', traceCodes: [INSULIN_BOX] } : {};
    await pharmacist.call('receipts.create', {
      poId,
      invoiceNo: 'FP001',
      lines: [{ poLineId: lineIds[0], batchNo: 'B1', expiryDate: '2028-06-30', qty: 10 * drug.packSize, ...cold }],
    });
  }
});
afterEach(async () => {
  expect(checkLedgerInvariants(db())).toEqual([]);
  await hub.close();
});

const issue = (lines: { requisitionLineId: number; qty: number; storageOverrideReason?: string; traceCodes?: string[] }[]) =>
  pharmacist.call('deliveries.create', { clinicId, lines });

describe('issuing a drug the clinic cannot keep', () => {
  it('is refused without an override, naming the line, and changes nothing', async () => {
    const [amoxLine, insulinLine] = seedApprovedRequisition(hub, clinicId, [
      { drug: amox, qty: 24 },
      { drug: insulin, qty: 2 },
    ]);
    const before = ledgerChecksum(db());
    const err = await issue([
      { requisitionLineId: amoxLine, qty: 24 },
      { requisitionLineId: insulinLine, qty: 2 },
    ]).catch((e) => e);
    expect(err.code).toBe('BUSINESS_RULE');
    expect(err.message).toContain('第 2 行 胰岛素注射液：东湖村卫生室没有启用的冷藏柜，不能按冷藏（2–8 ℃）保存');
    expect(err.message).toContain('请逐行填写原因');
    expect(err.issues).toEqual([{ path: 'lines.1.storageOverrideReason', message: expect.stringContaining('第 2 行 胰岛素注射液') }]);
    expect(ledgerChecksum(db())).toBe(before);
    expect((sql(db(), 'SELECT count(*) AS n FROM deliveries').get() as { n: number }).n).toBe(0);
    // The preview says so before the pharmacist submits.
    const preview = await pharmacist.call('deliveries.preview', { clinicId, lines: [{ requisitionLineId: insulinLine, qty: 2 }] });
    expect(preview.lines[0].storageMismatch).toBe('东湖村卫生室没有启用的冷藏柜，不能按冷藏（2–8 ℃）保存');
  });

  it('is accepted with a reason, which the line keeps (who, why) and the trace shows', async () => {
    const [amoxLine, insulinLine] = seedApprovedRequisition(hub, clinicId, [
      { drug: amox, qty: 24 },
      { drug: insulin, qty: 2 },
    ]);
    const delivery = await issue([
      { requisitionLineId: amoxLine, qty: 24, storageOverrideReason: '甲胰岛素专用，忽略' },
      { requisitionLineId: insulinLine, qty: 2, storageOverrideReason: '患者当天取走注射，村医以保温箱暂存', traceCodes: [INSULIN_BOX] },
    ]);
    const byDrug = (id: number) => delivery.lines.find((l) => l.drugId === id)!;
    expect(byDrug(insulin.id).storageOverride).toEqual({ reason: '患者当天取走注射，村医以保温箱暂存', byName: '周药师' });
    // A reason on a line whose drug fits is not an override and is not kept.
    expect(byDrug(amox.id).storageOverride).toBeNull();
    const stored = sql(db(), 'SELECT storage_override_reason AS reason, storage_override_by AS byId FROM delivery_lines WHERE drug_id = ?').get(insulin.id);
    expect(stored).toEqual({ reason: '患者当天取走注射，村医以保温箱暂存', byId: expect.any(Number) });
    expect((await pharmacist.call('deliveries.get', { id: delivery.id })).lines.find((l) => l.drugId === insulin.id)?.storageOverride?.reason).toBe(
      '患者当天取走注射，村医以保温箱暂存',
    );
    // The box's trace shows why it went to a clinic without a fridge, and who decided.
    const trace = await pharmacist.call('trace.lookup', { code: INSULIN_BOX });
    const issued = trace.events.find((e) => e.event === 'issue')!;
    expect(issued.storageOverride).toBe('患者当天取走注射，村医以保温箱暂存（周药师）');
    expect(trace.events.find((e) => e.event === 'receipt')!.storageOverride).toBeNull();
  });

  it('needs no override once the clinic has an active fridge; 阴凉 is kept by a 阴凉库 or a 冷藏柜', async () => {
    const fridge = await pharmacist.call('storage.saveArea', {
      storeId: clinicStoreId(),
      name: '冷藏柜',
      kind: 'cold',
      tempMin: 20,
      tempMax: 80,
      rhMin: 35,
      rhMax: 75,
      active: true,
    });
    await pharmacist.call('gsp.setDrugStorage', { drugId: amox.id, storageCondition: 'cool', specialControl: false });
    const [amoxLine, insulinLine] = seedApprovedRequisition(hub, clinicId, [
      { drug: amox, qty: 24 },
      { drug: insulin, qty: 1 },
    ]);
    const delivery = await issue([
      { requisitionLineId: amoxLine, qty: 24 },
      { requisitionLineId: insulinLine, qty: 1 },
    ]);
    expect(delivery.lines.every((l) => l.storageOverride === null)).toBe(true);
    // A fridge switched off no longer counts.
    await pharmacist.call('storage.saveArea', { ...fridge, active: false });
    const [again] = seedApprovedRequisition(hub, clinicId, [{ drug: amox, qty: 24 }]);
    const err = await issue([{ requisitionLineId: again, qty: 24 }]).catch((e) => e);
    expect(err.message).toContain('第 1 行 阿莫西林胶囊：东湖村卫生室没有启用的阴凉库或冷藏柜，不能按阴凉（≤ 20 ℃）保存');
  });
});
