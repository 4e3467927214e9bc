/**
 * 应采尽采 without a silent dose change (D5 of issue 15): a requisition line is switched to a 集采 drug only when
 * one base unit of it holds the same strength; the base-unit count stays and only the packs change.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { strengthOf, substitutionRefusal } from '../../electron/domain/purchasing/strength';
import { createTestHub, type TestHub } from '../helpers/runtime';
import { addDrug, addSupplier, approvedRequisition, purchasingWorld, token, type PurchasingWorld } from '../helpers/purchasing';

const same = (a: string, b: string, baseUnit = '粒') => {
  const x = strengthOf(a, baseUnit);
  const y = strengthOf(b, baseUnit);
  return x.comparable && y.comparable && x.key === y.key;
};

describe('strength per base unit read from the spec', () => {
  it('reads the same amount written in other units or with the pack count', () => {
    expect(same('0.25g', '250mg')).toBe(true);
    expect(same('1.0g', '1g')).toBe(true);
    expect(same('0.25g*24粒', '0.25g')).toBe(true);
    expect(same('5mg*7片', '5mg×28片/盒', '片')).toBe(true);
    expect(same('0.25ｇ x 12粒', '250 mg')).toBe(true);
    expect(same('100ml:0.5g', '100ml：500mg', '瓶')).toBe(true);
    expect(same('50μg', '0.05mg', '片')).toBe(true);
    expect(same('0.375g(2:1)', '0.375g（2:1）', '片')).toBe(true);
  });

  it('tells other strengths apart, including the amount a base unit holds', () => {
    expect(same('0.25g', '0.5g')).toBe(false);
    expect(same('2ml:0.3g', '4ml:0.6g', '支')).toBe(false);
    expect(same('1%:10g', '1%:15g', '支')).toBe(false);
    expect(same('0.375g(2:1)', '0.375g(4:1)', '片')).toBe(false);
    // An inhaler counted in 支: the doses per 支 are part of its strength, not its pack.
    expect(same('160μg/4.5μg×60吸', '160μg/4.5μg×120吸', '支')).toBe(false);
    expect(same('3ml:300单位', '3ml:300IU', '支')).toBe(false);
  });

  it('finds no strength in a spec without an amount, and never calls two of them equal', () => {
    expect(strengthOf('复方', '片')).toEqual({ comparable: false, why: '规格“复方”没有写明含量' });
    const drug = { genericName: '复方甘草片', dosageForm: '片剂', spec: '复方', baseUnit: '片' };
    expect(substitutionRefusal(drug, { ...drug })).toContain('无法确认每片剂量相同');
  });
});

describe('switching a requisition line to a 集采 drug', () => {
  let hub: TestHub;
  let w: PurchasingWorld;
  let supplier: number;
  beforeEach(async () => {
    hub = await createTestHub();
    w = await purchasingWorld(hub);
    supplier = addSupplier(w.db, '国药控股湖南有限公司');
  });
  afterEach(() => hub.close());

  const amoxicillin = (spec: string, packSize: number, vbp: boolean) =>
    addDrug(w.db, {
      name: '阿莫西林胶囊',
      form: '胶囊剂',
      spec,
      packSize,
      baseUnit: '粒',
      packUnit: '盒',
      vbp,
      vbpPrice: vbp ? 3_240_000 : null,
      supplierId: supplier,
      packPrice: vbp ? 3_240_000 : 9_800_000,
    });

  async function submitted(drugId: number, qty: number, enteredIn: 'pack' | 'base' = 'pack') {
    const r = await w.clinicA.doctor.call('requisitions.submit', { submitToken: token(), note: null, lines: [{ drugId, qty, enteredIn, note: null }] });
    return w.pharmacist.call('requisitions.get', { id: r.id });
  }

  it('refuses a 集采 drug of another strength with the reason, and offers none (24 粒 of 0.25 g never become 24 粒 of 0.5 g)', async () => {
    const requested = amoxicillin('0.25g', 24, false);
    const double = amoxicillin('0.5g', 24, true);
    const r = await submitted(requested, 24);
    expect(r.lines[0].vbpSuggestion).toBeNull();
    await expect(w.pharmacist.call('requisitions.switchToVbp', { lineIds: [r.lines[0].id], vbpDrugId: double })).rejects.toMatchObject({
      code: 'BUSINESS_RULE',
      message: expect.stringContaining('每粒含量不同（0.25g ≠ 0.5g）'),
    });
    const after = await w.pharmacist.call('requisitions.get', { id: r.id });
    expect(after.lines[0]).toMatchObject({ drugId: requested, spec: '0.25g', requestedQty: 24, originalDrug: null });
  });

  it('refuses when the spec states no strength to compare', async () => {
    const requested = addDrug(w.db, { name: '复方甘草片', form: '片剂', spec: '复方', packSize: 100, baseUnit: '片', packUnit: '瓶' });
    const vbp = addDrug(w.db, { name: '复方甘草片', form: '片剂', spec: '复方', packSize: 100, baseUnit: '片', packUnit: '瓶', vbp: true });
    const r = await submitted(requested, 100);
    await expect(w.pharmacist.call('requisitions.switchToVbp', { lineIds: [r.lines[0].id], vbpDrugId: vbp })).rejects.toMatchObject({
      code: 'BUSINESS_RULE',
      message: expect.stringContaining('没有写明含量'),
    });
  });

  it('keeps the base units when the pack differs: 1 盒 of 24 粒 becomes 2 盒 of 12 粒, and shows both', async () => {
    const requested = amoxicillin('0.25g*24粒', 24, false);
    const vbp = amoxicillin('250mg*12粒', 12, true);
    amoxicillin('0.5g', 24, true); // another strength: never offered
    const r = await submitted(requested, 24);
    const s = r.lines[0].vbpSuggestion!;
    expect(s.qty).toBe(24);
    expect(s.alternatives.map((a) => a.drugId)).toEqual([vbp]);
    expect(s.alternatives[0]).toMatchObject({ packSize: 12, packUnit: '盒', baseUnit: '粒' });

    await w.pharmacist.call('requisitions.switchToVbp', { lineIds: [r.lines[0].id], vbpDrugId: vbp });
    const after = await w.clinicA.doctor.call('requisitions.get', { id: r.id });
    expect(after.lines[0]).toMatchObject({
      drugId: vbp,
      requestedQty: 24,
      packSize: 12,
      enteredIn: 'pack',
      originalDrug: { drugId: requested, spec: '0.25g*24粒', packSize: 24, packUnit: '盒' },
    });
    const audit = w.db.prepare("SELECT details FROM audit_log WHERE method = 'requisitions.switchToVbp' AND outcome = 'ok'").get() as { details: string };
    expect(audit.details).toContain('1盒（24粒） → 2盒（24粒）');
  });

  it('shows a quantity that is not whole packs of the new drug in base units; the order rounds it up to whole packs', async () => {
    const requested = amoxicillin('0.25g', 12, false);
    const vbp = amoxicillin('0.25g', 24, true);
    const id = await approvedRequisition(w, w.clinicA.doctor, [{ drugId: requested, qty: 36 }]);
    const r = await w.pharmacist.call('requisitions.get', { id });
    await w.pharmacist.call('requisitions.switchToVbp', { lineIds: [r.lines[0].id], vbpDrugId: vbp });
    const after = await w.pharmacist.call('requisitions.get', { id });
    expect(after.lines[0]).toMatchObject({ drugId: vbp, requestedQty: 36, approvedQty: 36, enteredIn: 'base' });
    const plan = await w.pharmacist.call('aggregation.preview', { requisitionIds: [id], hubReplenishment: false });
    expect(plan.orders[0].lines[0]).toMatchObject({ drugId: vbp, clinicQty: 36, orderQty: 48 });
  });
});
