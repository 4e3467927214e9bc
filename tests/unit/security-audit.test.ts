import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { AUDIT_COUNT_LIMIT } from '../../shared/contract/audit';
import { ADMIN_PASSWORD, createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';
import { seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier } from '../helpers/stock';

let hub: TestHub;
beforeEach(async () => {
  hub = await createTestHub();
});
afterEach(() => hub.close());

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('audit.list', () => {
  it('shows who did what, when, from where, to which record — newest first, with filters', async () => {
    const a = await createClinic(hub, 'C01', '东湖村卫生室');
    const b = await createClinic(hub, 'C02', '西岭村卫生室');
    const doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId: a.id });
    const doctorId = (await doctor.call('auth.me', {})).user.id;
    // On to the next business day (01:00 on 2026-03-03 China time), keeping both sessions alive.
    for (let i = 0; i < 2; i++) {
      hub.clock.advance(8 * 60 * 60 * 1000);
      await hub.admin.call('auth.me', {});
      await doctor.call('auth.me', {});
    }
    await hub.admin.call('clinics.update', { id: b.id, code: 'C02', name: '西岭村卫生室（新址）', village: null, address: null, phone: null, active: true });
    expect(await codeOf(doctor.call('clinics.get', { id: b.id }))).toBe('FORBIDDEN_CLINIC');

    const all = await hub.admin.call('audit.list', {});
    expect(all.total).toBe(all.rows.length);
    expect(all.rows.map((r) => r.id)).toEqual([...all.rows.map((r) => r.id)].sort((x, y) => y - x));
    const [denied, update] = all.rows;
    expect(denied).toMatchObject({
      username: 'cy01',
      displayName: 'cy01',
      role: 'village_doctor',
      clinicId: a.id,
      clinicName: '东湖村卫生室',
      method: 'clinics.get',
      methodSummary: expect.stringContaining('村卫生室'),
      outcome: 'denied',
      errorCode: 'FORBIDDEN_CLINIC',
      transport: 'internal',
      details: { input: { id: b.id } },
    });
    expect(update).toMatchObject({ username: 'admin', method: 'clinics.update', outcome: 'ok', target: `clinic:${b.id}`, ip: '127.0.0.1' });

    const byUser = await hub.admin.call('audit.list', { userId: doctorId });
    expect(new Set(byUser.rows.map((r) => r.username))).toEqual(new Set(['cy01']));
    expect(byUser.rows.map((r) => r.method)).toEqual(['clinics.get', 'auth.changePassword', 'auth.login']);

    expect((await hub.admin.call('audit.list', { clinicId: a.id })).rows.every((r) => r.clinicId === a.id)).toBe(true);
    expect((await hub.admin.call('audit.list', { method: 'clinics' })).rows.map((r) => r.method)).toEqual([
      'clinics.get',
      'clinics.update',
      'clinics.create',
      'clinics.create',
    ]);
    expect((await hub.admin.call('audit.list', { method: 'clinics.create' })).total).toBe(2);
    expect((await hub.admin.call('audit.list', { method: 'clinics%' })).total).toBe(0); // LIKE characters are literal
    expect((await hub.admin.call('audit.list', { outcome: 'denied' })).rows.map((r) => r.method)).toEqual(['clinics.get']);
    expect((await hub.admin.call('audit.list', { target: 'clinic' })).total).toBe(3);
    expect((await hub.admin.call('audit.list', { target: `clinic:${b.id}` })).total).toBe(2);

    // Dates are China business days: 2026-03-02 01:00Z is 09:00 on the 2nd; the next day's rows are on the 3rd.
    const second = await hub.admin.call('audit.list', { from: '2026-03-02', to: '2026-03-02' });
    const third = await hub.admin.call('audit.list', { from: '2026-03-03' });
    expect(second.total + third.total).toBe(all.total);
    expect(third.rows.map((r) => r.method)).toEqual(['clinics.get', 'clinics.update']);
    expect((await hub.admin.call('audit.list', { to: '2026-03-01' })).total).toBe(0);

    const page2 = await hub.admin.call('audit.list', { page: 2, pageSize: 2 });
    expect(page2.rows.map((r) => r.id)).toEqual(all.rows.slice(2, 4).map((r) => r.id));
    expect(page2.total).toBe(all.total);
  });

  it('counts a long log only up to a limit, and says so (ten years of writes are millions of rows)', async () => {
    const existing = (await hub.admin.call('audit.list', {})).total;
    // Rows as ten years of work leave them (inserted directly: the log is append-only, so this is its normal growth).
    hub.runtime.app.db
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO audit_log (at, user_id, username, role, ip, transport, method, outcome) SELECT '2026-03-02T01:00:00.000Z', NULL, 'cy01', 'village_doctor', '10.0.0.9', 'http', 'dispensing.create', 'ok' FROM n`,
      )
      .run(AUDIT_COUNT_LIMIT + 5 - existing);
    const first = await hub.admin.call('audit.list', { page: 1, pageSize: 50 });
    expect(first).toMatchObject({ total: AUDIT_COUNT_LIMIT, totalCapped: true });
    expect(first.rows).toHaveLength(50);
    // Paging on past the limit still finds the end: the count reaches just past the page asked for.
    const last = await hub.admin.call('audit.list', { page: 201, pageSize: 50 });
    expect(last).toMatchObject({ total: AUDIT_COUNT_LIMIT + 5, totalCapped: false });
    expect(last.rows).toHaveLength(5);
    // A filter that matches few is counted exactly.
    expect(await hub.admin.call('audit.list', { method: 'setup.initialize' })).toMatchObject({ total: 1, totalCapped: false });
  });

  it('never shows a password, even of the first administrator', async () => {
    await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
    const { rows } = await hub.admin.call('audit.list', { pageSize: 500 });
    const text = JSON.stringify(rows);
    for (const secret of [ADMIN_PASSWORD, 'Initial123', 'Changed123']) expect(text).not.toContain(secret);
    expect(rows.find((r) => r.method === 'users.create')?.details).toMatchObject({ input: { username: 'yaoku', initialPassword: '[已隐去]' } });
  });

  it('is for administrators only, and cannot be changed', async () => {
    const pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
    expect(await codeOf(pharmacist.call('audit.list', {}))).toBe('FORBIDDEN');
    expect(await codeOf(pharmacist.call('audit.deniedSummary', {}))).toBe('FORBIDDEN');
    expect(() => hub.runtime.app.db.prepare('UPDATE audit_log SET outcome = ?').run('ok')).toThrow(/append-only/);
    expect(() => hub.runtime.app.db.prepare('DELETE FROM audit_log WHERE id = 1').run()).toThrow(/append-only/);
  });
});

describe('targets', () => {
  it("name the document, and a hub user's work on a clinic's document is found under that clinic", async () => {
    const a = await createClinic(hub, 'C01', '东湖村卫生室');
    const pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
    const supplierId = seedSupplier(hub);
    const drug = seedDrug(hub, { supplierId, packSize: 24 });
    const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug, qty: 240 }]);
    const { receipt } = await pharmacist.call('receipts.create', {
      poId,
      lines: [{ poLineId: lineIds[0], batchNo: 'B1', expiryDate: '2028-01-31', qty: 240 }],
    });
    const [requisitionLineId] = seedApprovedRequisition(hub, a.id, [{ drug, qty: 24 }]);
    const delivery = await pharmacist.call('deliveries.create', { clinicId: a.id, lines: [{ requisitionLineId, qty: 24 }] });

    const { rows } = await hub.admin.call('audit.list', { clinicId: a.id });
    expect(rows.find((r) => r.method === 'deliveries.create')).toMatchObject({
      username: 'yaoku',
      clinicId: a.id,
      clinicName: '东湖村卫生室',
      target: `delivery:${delivery.id}`,
      targetLabel: delivery.docNo,
    });
    expect(rows.find((r) => r.method === 'clinics.create')).toMatchObject({ target: `clinic:${a.id}`, targetLabel: '东湖村卫生室' });
    const receiptRow = (await hub.admin.call('audit.list', { target: 'receipt' })).rows[0];
    expect(receiptRow).toMatchObject({ target: `receipt:${receipt.id}`, targetLabel: receipt.docNo, clinicId: null });
  });
});

describe('audit.deniedSummary', () => {
  it('counts repeated refusals per user and address', async () => {
    const a = await createClinic(hub, 'C01');
    const b = await createClinic(hub, 'C02');
    const doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId: a.id });
    for (let i = 0; i < 4; i++) await codeOf(doctor.call('clinics.get', { id: b.id }));
    await codeOf(doctor.call('users.list', {}));
    const stranger = new InternalClient(hub.runtime, '10.66.0.9');
    await codeOf(stranger.call('auth.login', { username: 'admin', password: 'Nope12345' }));
    const summary = await hub.admin.call('audit.deniedSummary', { days: 7 });
    expect(summary[0]).toMatchObject({ username: 'cy01', outcome: 'denied', count: 5 });
    expect(summary).toContainEqual(expect.objectContaining({ username: null, ip: '10.66.0.9', outcome: 'rejected', count: 1 }));
    hub.clock.advance(8 * 24 * 60 * 60 * 1000);
    const admin = new InternalClient(hub.runtime, '127.0.0.1');
    await admin.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(await admin.call('audit.deniedSummary', { days: 7 })).toEqual([]);
  });
});
