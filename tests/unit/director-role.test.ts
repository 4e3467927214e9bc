import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/errors';
import { api, type AnyMethod, type MethodName } from '../../shared/contract';
import { sql } from '../../electron/db/database';
import { createSimHub, type SimHub } from '../helpers/settlement';
import { createUser } from '../helpers/runtime';
import { stockClinic } from '../helpers/stocktake';
import { businessChecksum } from '../security/checksum';
import type { InternalClient } from '../../electron/api/internal';

/** Writes a signed-in person makes to their own session or password only: the director keeps them. */
const OWN_ACCOUNT = new Set<string>(['auth.login', 'auth.logout', 'auth.logoutAll', 'auth.changePassword', 'setup.initialize']);

const allows = (spec: AnyMethod, role: 'finance' | 'director') => spec.access === 'public' || spec.access === 'authenticated' || spec.access.includes(role);

describe('院长 (director) in the contract', () => {
  it('reads everything finance reads and writes nothing but their own session and password', () => {
    const entries = Object.entries(api) as [MethodName, AnyMethod][];
    const unreadable = entries.filter(([, s]) => !s.write && allows(s, 'finance') && !allows(s, 'director')).map(([n]) => n);
    const writable = entries.filter(([n, s]) => s.write && allows(s, 'director') && !OWN_ACCOUNT.has(n)).map(([n]) => n);
    expect(unreadable).toEqual([]);
    expect(writable).toEqual([]);
  });
});

let sim: SimHub;
let director: InternalClient;
beforeEach(async () => {
  sim = await createSimHub('2026-01-05');
  director = await createUser(sim.hub, { username: 'yuanzhang', role: 'director', displayName: '刘院长' });
});
afterEach(() => sim.hub.close());

async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('the call was not refused');
}

describe('院长 (director) on a real hub', () => {
  it('is made by the admin, signs in and reads the hub: 三保看板, settlements, stock, the logs, the workbench', async () => {
    const me = await director.call('auth.me', {});
    expect(me.user).toMatchObject({ role: 'director', clinicId: null, displayName: '刘院长' });
    const [clinic] = sim.clinics;
    const drug = sim.drugs[0];
    await stockClinic(sim.hub, { pharmacist: sim.as('yaoku'), doctor: sim.as(clinic.doctor) }, clinic.id, drug.supplierId, [
      { drug, lots: [{ batchNo: 'YZ1', expiryDate: '2027-06-30', qty: 5 * drug.packSize }] },
    ]);
    const onHand = await director.call('stock.onHand', { storeId: clinic.storeId });
    expect(onHand.rows.map((r) => r.qty)).toEqual([5 * drug.packSize]);
    const dashboard = await director.call('supervision.dashboard', { from: '2026-01', to: '2026-01' });
    expect(dashboard).toBeTruthy();
    expect((await director.call('statements.clinics', { period: '2026-01' })).rows.length).toBeGreaterThan(0);
    expect(await director.call('stocktakes.list', {})).toEqual([]);
    expect((await director.call('storage.areas', {})).length).toBeGreaterThanOrEqual(0);
    sim.hub.clock.set('2026-02-02T02:00:00.000Z');
    expect(Object.fromEntries((await sim.as('yuanzhang').call('workbench.todos', {})).items.map((i) => [i.key, i.count]))).toMatchObject({ period_close: 1 });
  });

  it('is refused every write with FORBIDDEN in Chinese, and nothing changes', async () => {
    const db = sim.hub.runtime.app.db;
    const [clinic] = sim.clinics;
    const drug = sim.drugs[0];
    const before = businessChecksum(db);
    const attempts: [MethodName, unknown][] = [
      ['periods.close', { period: '2026-01', acknowledgeWarnings: true }],
      ['payments.create', { supplierId: drug.supplierId, amount: 100, paidOn: '2026-01-05', method: 'transfer', reference: null, note: null }],
      [
        'requisitions.submit',
        { submitToken: 'yz-req-00001', clinicId: clinic.id, lines: [{ drugId: drug.id, qty: 24, enteredIn: 'pack', note: null }], note: null },
      ],
      ['stocktakes.create', { kind: 'full', storeId: clinic.storeId, counterMode: 'onsite', blind: true }],
      ['storage.record', { areaId: 1, date: '2026-01-05', slot: 'am', time: '09:00', temperature: 200, humidity: 50, action: null }],
      ['supervision.dismiss', { ruleKey: 'stock_out', clinicId: clinic.id, drugId: drug.id, period: '2026-01', reason: '院长试试' }],
      ['users.create', { username: 'x1', initialPassword: 'Initial123', displayName: 'x', role: 'finance', clinicId: null }],
    ];
    for (const [method, input] of attempts) {
      const r = await refusal(director.call(method, input as never));
      expect(r, method).toEqual({ code: 'FORBIDDEN', message: '院长账号只能查看，不能办理或修改任何单据和设置' });
    }
    expect(businessChecksum(db)).toBe(before);
    const denied = sql(db, "SELECT count(*) AS n FROM audit_log WHERE username = 'yuanzhang' AND outcome = 'denied'").get() as { n: number };
    expect(denied.n).toBe(attempts.length);
  });

  it('sees a blind count being counted without its book figures, like every hub reader who is not counting', async () => {
    const [clinic] = sim.clinics;
    const drug = sim.drugs[0];
    const pharmacist = sim.as('yaoku');
    await stockClinic(sim.hub, { pharmacist, doctor: sim.as(clinic.doctor) }, clinic.id, drug.supplierId, [
      { drug, lots: [{ batchNo: 'YZ2', expiryDate: '2027-06-30', qty: 7 * drug.packSize }] },
    ]);
    const opened = await pharmacist.call('stocktakes.create', { kind: 'full', storeId: clinic.storeId, counterMode: 'onsite', blind: true });
    const sheet = await director.call('stocktakes.get', { id: opened.id });
    expect(sheet.bookVisible).toBe(false);
    expect(sheet.lines.map((l) => [l.bookQtyAtStart, l.bookQty, l.variance])).toEqual(sheet.lines.map(() => [null, null, null]));
    expect(JSON.stringify(sheet)).not.toContain(String(7 * drug.packSize));
    expect((await director.call('stocktakes.list', {})).map((s) => s.id)).toEqual([opened.id]);
  });
});
