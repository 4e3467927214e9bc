import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { evaluateRules } from '../../electron/domain/supervision/engine';
import { checkLedgerInvariants } from '../../electron/domain/stock/ledger';
import { addDays } from '../../shared/dates';
import { GSP_RULE_KEYS, makeFingerprint } from '../../shared/supervision';
import { ADMIN_PASSWORD, createClinic, createTestHub, createUser, ManualClock, type TestHub } from '../helpers/runtime';
import { seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from '../helpers/stock';

/**
 * The cold-chain rule (issue 21) on four weeks of six clinics, every reading, delivery and dispensing made through
 * the handlers. Planted: a week with a fridge excursion, or two missed slots, or no fridge at all, in which the
 * clinic dispensed insulin. Controls: the same fridge trouble with only room-temperature drugs dispensed, one
 * missed slot, a fridge out of range with no dispensing, an excursion typed by mistake and corrected. Precision
 * and recall are printed; the rule must find every plant and nothing else.
 */
type Scenario = 'excursion' | 'missed2' | 'excursionNoCold' | 'missed1' | 'normal' | 'quiet' | 'corrected' | 'noFridgeCold' | 'noFridgeRoom';
const WEEKS = ['2026-02-02', '2026-02-09', '2026-02-16', '2026-02-23'];
const PLAN: Scenario[][] = [
  ['excursion', 'normal', 'missed2', 'excursionNoCold'],
  ['normal', 'missed1', 'excursion', 'quiet'],
  ['missed2', 'excursionNoCold', 'normal', 'excursion'],
  ['quiet', 'excursion', 'missed1', 'corrected'],
  ['missed1', 'normal', 'excursionNoCold', 'missed2'],
  ['noFridgeCold', 'noFridgeRoom', 'noFridgeCold', 'noFridgeRoom'],
];
const PLANTED: Scenario[] = ['excursion', 'missed2', 'noFridgeCold'];

let hub: TestHub;
const clinicIds: number[] = [];
const plants: string[] = [];

const chinaMorning = (d: string) => `${d}T01:00:00.000Z`;
const chinaAfternoon = (d: string) => `${d}T07:00:00.000Z`;

beforeAll(async () => {
  hub = await createTestHub({ clock: new ManualClock(new Date(chinaMorning('2026-02-01'))) });
  const pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist', displayName: '周药师' });
  await pharmacist.call('gsp.saveSettings', { secondAcceptor: 'none', amTime: '09:00', pmTime: '15:00' });
  const supplierId = seedSupplier(hub);
  const insulin = seedDrug(hub, { name: '胰岛素注射液', packSize: 1, supplierId, packPrice: 45_000_000 });
  const amox = seedDrug(hub, { name: '阿莫西林胶囊', packSize: 24, supplierId, packPrice: 12_500_000 });
  await pharmacist.call('gsp.setDrugStorage', { drugId: insulin.id, storageCondition: 'cold', specialControl: false });
  const receive = async (drug: SeedDrug, qty: number, cold: Record<string, unknown>) => {
    const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug, qty }]);
    await pharmacist.call('receipts.create', {
      poId,
      invoiceNo: 'FP1',
      lines: [{ poLineId: lineIds[0], batchNo: 'B1', expiryDate: '2028-06-30', qty, ...cold }],
    });
  };
  await receive(insulin, 6 * 20, { arrivalTemp: 50, transportRecord: '冷藏箱 5.0 ℃' });
  await receive(amox, 6 * 20 * 24, {});

  const doctors: InternalClient[] = [];
  const fridges: (number | null)[] = [];
  for (let i = 0; i < PLAN.length; i++) {
    const clinicId = (await createClinic(hub, `C0${i + 1}`, `第${i + 1}村卫生室`)).id;
    clinicIds.push(clinicId);
    doctors.push(await createUser(hub, { username: `cy0${i + 1}`, role: 'village_doctor', clinicId }));
    const storeId = (sql(hub.runtime.app.db, "SELECT id FROM stores WHERE kind = 'clinic' AND clinic_id = ?").get(clinicId) as { id: number }).id;
    const hasFridge = PLAN[i][0] !== 'noFridgeCold';
    fridges.push(
      hasFridge
        ? (await pharmacist.call('storage.saveArea', { storeId, name: '冷藏柜', kind: 'cold', tempMin: 20, tempMax: 80, rhMin: 35, rhMax: 75, active: true }))
            .id
        : null,
    );
    const lines = seedApprovedRequisition(hub, clinicId, [
      { drug: insulin, qty: 20 },
      { drug: amox, qty: 20 * 24 },
    ]);
    const override = hasFridge ? {} : { storageOverrideReason: '患者自备保温箱' };
    const delivery = await pharmacist.call('deliveries.create', {
      clinicId,
      lines: [
        { requisitionLineId: lines[0], qty: 20, ...override },
        { requisitionLineId: lines[1], qty: 20 * 24 },
      ],
    });
    await doctors[i].call('deliveries.sign', { id: delivery.id, lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
  }

  for (const [w, monday] of WEEKS.entries()) {
    for (let day = 0; day < 7; day++) {
      const d = addDays(monday, day);
      hub.clock.set(chinaMorning(d));
      // Sessions end after 12 idle hours: each doctor signs in again every morning.
      for (const [i, doctor] of doctors.entries()) await doctor.call('auth.login', { username: `cy0${i + 1}`, password: 'Changed123' });
      for (const slot of ['am', 'pm'] as const) {
        hub.clock.set(slot === 'am' ? chinaMorning(d) : chinaAfternoon(d));
        for (let i = 0; i < PLAN.length; i++) {
          const scenario = PLAN[i][w];
          const doctor = doctors[i];
          const fridge = fridges[i];
          if (fridge !== null) {
            const missed = (scenario === 'missed2' && day === 1) || (scenario === 'missed1' && day === 1 && slot === 'am');
            const troubled = ['excursion', 'excursionNoCold', 'quiet', 'corrected'].includes(scenario) && day === 2 && slot === 'am';
            if (!missed) {
              const reading = await doctor.call('storage.record', {
                areaId: fridge,
                readingDate: d,
                slot,
                temperature: troubled ? 112 : 45,
                humidity: 55,
                action: troubled ? '冷藏柜门未关严，已关好，药品移入保温箱' : null,
              });
              if (scenario === 'corrected' && troubled) {
                await doctor.call('storage.record', {
                  areaId: fridge,
                  readingDate: d,
                  slot,
                  temperature: 42,
                  humidity: 55,
                  correctsId: reading.id,
                  correctionReason: '把 4.2 输成了 11.2',
                });
              }
            }
          }
          if (slot === 'pm' && day === 3) {
            const cold = !['excursionNoCold', 'quiet', 'noFridgeRoom'].includes(scenario);
            if (scenario !== 'quiet') await doctor.call('dispensing.create', { lines: [{ drugId: cold ? insulin.id : amox.id, qty: cold ? 1 : 12 }] });
          }
        }
      }
    }
  }
  hub.clock.set(chinaMorning('2026-03-02'));
  for (let i = 0; i < PLAN.length; i++)
    for (const [w, monday] of WEEKS.entries()) if (PLANTED.includes(PLAN[i][w])) plants.push(makeFingerprint('coldchain', clinicIds[i], [], monday));
}, 240_000);
afterAll(() => hub?.close());

describe('the cold-chain rule on planted weeks', () => {
  it('finds every planted week and nothing else (precision and recall)', () => {
    expect(checkLedgerInvariants(hub.runtime.app.db)).toEqual([]);
    const signals = evaluateRules(hub.runtime.app.db, { from: WEEKS[0], to: '2026-03-02', clinicId: null }, GSP_RULE_KEYS);
    const expected = new Set(plants);
    const tp = signals.filter((s) => expected.has(s.fingerprint)).length;
    const table = {
      coldchain: {
        plants: expected.size,
        signals: signals.length,
        tp,
        fp: signals.length - tp,
        fn: expected.size - tp,
        precision: signals.length ? tp / signals.length : 1,
        recall: expected.size ? tp / expected.size : 1,
      },
    };
    console.table(table);
    for (const s of signals.filter((x) => !expected.has(x.fingerprint))) console.log(`extra ${s.fingerprint}: ${s.summary}`);
    expect(expected.size).toBe(9);
    expect(table.coldchain.recall).toBe(1);
    expect(table.coldchain.precision).toBe(1);
  });

  it('says why in Chinese with the figures, and points at the dispensing rows', () => {
    const signals = evaluateRules(hub.runtime.app.db, { from: WEEKS[0], to: '2026-03-02', clinicId: clinicIds[0] }, GSP_RULE_KEYS);
    const excursion = signals.find((s) => s.periodFrom === WEEKS[0])!;
    expect(excursion.summary).toBe('2026-02-02 这一周登记冷链药品用药 1 条（1 种药品），冷藏柜超出范围 1 次（02-04 上午 11.2 ℃）');
    expect(excursion.ledgerIds).toHaveLength(1);
    const missed = signals.find((s) => s.periodFrom === WEEKS[2])!;
    expect(missed.summary).toContain('缺记 2 个时段');
    const noFridge = evaluateRules(hub.runtime.app.db, { from: WEEKS[0], to: '2026-03-02', clinicId: clinicIds[5] }, GSP_RULE_KEYS);
    expect(noFridge.map((s) => s.summary)).toEqual([
      '2026-02-02 这一周登记冷链药品用药 1 条（1 种药品），本室没有启用的冷藏柜',
      '2026-02-16 这一周登记冷链药品用药 1 条（1 种药品），本室没有启用的冷藏柜',
    ]);
  });

  it('is quiet with thresholds raised past every case', () => {
    const signals = evaluateRules(hub.runtime.app.db, { from: WEEKS[0], to: '2026-03-02', clinicId: clinicIds[0] }, GSP_RULE_KEYS, {
      coldchain: { minLines: 5, minOutOfRange: 1, minMissed: 2 },
    });
    expect(signals).toEqual([]);
  });

  it("counts each clinic's missed and out-of-range readings per month on the 三保 dashboard, per area", async () => {
    await hub.admin.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    const board = await hub.admin.call('supervision.dashboard', { from: '2026-02', to: '2026-02' });
    const byCode = Object.fromEntries(board.storageLog.clinics.map((c) => [c.clinicCode, c]));
    // C01: excursions on 02-04 and 02-25; missed: 02-01 (the fridge's first day, nobody read it) and 02-17 both slots.
    expect(byCode.C01).toMatchObject({ outOfRange: 2, missed: 4, hasFridge: true, areaCount: 1 });
    expect(byCode.C01.months[0].areas).toEqual([{ areaId: expect.any(Number), areaName: '冷藏柜', outOfRange: 2, missed: 4 }]);
    // C04's excursion of the last week was a typing mistake, corrected: it no longer counts.
    expect(byCode.C04).toMatchObject({ outOfRange: 2, missed: 3 });
    expect(byCode.C06).toMatchObject({ outOfRange: 0, missed: 0, hasFridge: false, areaCount: 0 });
  });
});
