import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import type { WriteDb } from '../../electron/db/database';
import { checkLedgerInvariants, ledgerChecksum } from '../../electron/domain/stock/ledger';
import { createSimHub, type SimHub } from '../helpers/settlement';
import { seedApprovedRequisition, seedSentOrder } from '../helpers/stock';
import { monthFactsSettled } from '../../electron/domain/month-facts/background';
import { BOOKS_CHECK_KEY, ledgerMark, runPreCloseChecks } from '../../electron/domain/settlement/checks';
import type { PreCloseCheckResult } from '../../shared/contract/settlement';

let sim: SimHub;
let db: WriteDb;
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code: string }) => e.code,
  );
const errorOf = async (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: { code: string; message: string; issues?: { path: string; message: string }[] }) => e,
  );

/** Moves the clock to 10:00 China time on a day and signs everyone in again. */
function on(date: string) {
  sim.hub.clock.set(`${date}T02:00:00.000Z`);
  return {
    admin: sim.as('admin'),
    pharmacist: sim.as('yaoku'),
    finance: sim.as('caiwu'),
    doctor: sim.as('cy01'),
    otherDoctor: sim.as('cy02'),
  };
}

async function receive(pharmacist: InternalClient, packs: number, invoiceNo = 'FP0001') {
  const drug = sim.drugs[0]; // 阿莫西林胶囊 24粒/盒 ¥12.50, from the first supplier
  const { poId, lineIds } = seedSentOrder(sim.hub, drug.supplierId, [{ drug, qty: packs * drug.packSize, packPrice: drug.packPrice }]);
  return pharmacist.call('receipts.create', {
    poId,
    invoiceNo,
    invoiceDate: null,
    lines: [{ poLineId: lineIds[0], batchNo: `A${packs}`, expiryDate: '2028-06-30', qty: packs * drug.packSize }],
  });
}

async function deliver(pharmacist: InternalClient, qty: number) {
  const [lineId] = seedApprovedRequisition(sim.hub, sim.clinics[0].id, [{ drug: sim.drugs[0], qty }]);
  return pharmacist.call('deliveries.create', { clinicId: sim.clinics[0].id, lines: [{ requisitionLineId: lineId, qty }] });
}

/** January: goods received, issued, signed, dispensed; a delivery left in transit and a write-off pending at month end. */
async function january() {
  let u = on('2026-01-05');
  await receive(u.pharmacist, 10);
  u = on('2026-01-06');
  const d1 = await deliver(u.pharmacist, 48);
  await u.doctor.call('deliveries.sign', { id: d1.id, lines: d1.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
  u = on('2026-01-07');
  const dispensing = await u.doctor.call('dispensing.create', { lines: [{ drugId: sim.drugs[0].id, qty: 20 }] });
  u = on('2026-01-20');
  const inTransit = await deliver(u.pharmacist, 24);
  u = on('2026-01-25');
  const lot = (await u.doctor.call('stock.lots', { storeId: sim.clinics[0].storeId, drugId: sim.drugs[0].id }))[0];
  const writeoff = await u.doctor.call('writeoffs.create', {
    storeId: sim.clinics[0].storeId,
    reasonCode: 'damaged',
    reason: '药瓶破损',
    lines: [{ lotId: lot.lotId, qty: 2 }],
  });
  return { dispensing, inTransit, writeoff, lotId: lot.lotId };
}

beforeEach(async () => {
  sim = await createSimHub('2026-01-05');
  db = sim.hub.runtime.app.db;
});
afterEach(async () => {
  expect(checkLedgerInvariants(db)).toEqual([]);
  await sim.hub.close();
});

describe('period close (月结)', () => {
  it('lists blockers and warnings with their rules, and refuses a month that has not ended', async () => {
    await january();
    const u = on('2026-01-31');
    const checks = await u.finance.call('periods.checks', { period: '2026-01' });
    expect(checks.canClose).toBe(false);
    const byKey = Object.fromEntries(checks.checks.map((c) => [c.key, c]));
    expect(byKey.period_ended).toMatchObject({ ok: false, severity: 'block' });
    expect(byKey.books).toMatchObject({ ok: true, severity: 'block' });
    expect(byKey.deliveries_in_transit).toMatchObject({ ok: false, severity: 'warn', count: 1 });
    expect(byKey.deliveries_in_transit.items[0].label).toContain('东湖村卫生室');
    expect(byKey.writeoffs_pending).toMatchObject({ ok: false, severity: 'warn', count: 1 });
    expect(byKey.orders_open.ok).toBe(true);
    for (const c of checks.checks) expect(c.rule.length).toBeGreaterThan(10);

    const err = await errorOf(u.pharmacist.call('periods.close', { period: '2026-01', acknowledgeWarnings: true }));
    expect(err).toMatchObject({ code: 'BUSINESS_RULE' });
    expect(err!.message).toContain('尚未结束');
    expect(db.prepare('SELECT count(*) AS n FROM period_events').get()).toEqual({ n: 0 });
    // A refused close leaves no backup behind.
    expect(db.prepare("SELECT count(*) AS n FROM backups WHERE reason = 'before-close'").get()).toEqual({ n: 0 });
  });

  it('reads the month’s checks on the long-read worker before its backup, and checks the books again in its transaction once a row of the month came', async () => {
    await january();
    const u = on('2026-02-02');
    const app = sim.hub.runtime.app;
    const answered = app.longReads.answered;
    await u.pharmacist.call('periods.close', { period: '2026-01', acknowledgeWarnings: true });
    expect(app.longReads.answered).toBe(answered + 1);
    await u.admin.call('periods.reopen', { period: '2026-01', reason: '测试：账务检查的复用' });

    // A monthly total that no longer equals its ledger rows: the books check finds it.
    const total = db.prepare("SELECT store_id AS s, drug_id AS d, movement AS m FROM stock_period_totals WHERE period = '2026-01' LIMIT 1").get() as {
      s: number;
      d: number;
      m: string;
    };
    const tamper = (by: number) =>
      db
        .prepare("UPDATE stock_period_totals SET qty = qty + ? WHERE period = '2026-01' AND store_id = ? AND drug_id = ? AND movement = ?")
        .run(by, total.s, total.d, total.m);
    tamper(1);
    try {
      const books = (checks: PreCloseCheckResult[]) => checks.find((c) => c.key === BOOKS_CHECK_KEY)!;
      const fresh = books(runPreCloseChecks(db, '2026-01', '2026-02-02'));
      expect(fresh).toMatchObject({ ok: false, severity: 'block' });
      const passedBefore = { ...fresh, ok: true, items: [], count: 0, message: '通过' };
      // No ledger row since the earlier check: its result stands (the transaction does not read the month again).
      expect(books(runPreCloseChecks(db, '2026-01', '2026-02-02', { ledgerMark: ledgerMark(db), result: passedBefore }))).toEqual(passedBefore);
      // Rows of a later month came after it (February's receipt): the month's books cannot have changed; it stands.
      const markBefore = ledgerMark(db);
      await receive(u.pharmacist, 1, 'FP0201');
      expect(ledgerMark(db)).toBeGreaterThan(markBefore);
      expect(books(runPreCloseChecks(db, '2026-01', '2026-02-02', { ledgerMark: markBefore, result: passedBefore }))).toEqual(passedBefore);
      // A row of the month itself came after it (as a back-dated posting would): the books are read again, and the
      // close would be refused.
      const lastOfJanuary = (db.prepare("SELECT max(id) AS id FROM ledger WHERE period = '2026-01'").get() as { id: number }).id;
      expect(books(runPreCloseChecks(db, '2026-01', '2026-02-02', { ledgerMark: lastOfJanuary - 1, result: passedBefore }))).toEqual(fresh);
      const refused = await errorOf(u.pharmacist.call('periods.close', { period: '2026-01', acknowledgeWarnings: true }));
      expect(refused).toMatchObject({ code: 'BUSINESS_RULE' });
      expect(refused!.message).toContain('账务一致');
    } finally {
      tamper(-1);
    }
  });

  it('closes only with warnings acknowledged, snapshots the month, and then refuses every posting dated in it', async () => {
    const jan = await january();
    let u = on('2026-02-02');
    const before = ledgerChecksum(db);
    const unacknowledged = await errorOf(u.pharmacist.call('periods.close', { period: '2026-01' }));
    expect(unacknowledged).toMatchObject({ code: 'BUSINESS_RULE' });
    expect(unacknowledged!.message).toContain('未签收的配送单 1 项');
    expect(db.prepare("SELECT count(*) AS n FROM periods WHERE status = 'closed'").get()).toEqual({ n: 0 });

    const event = await u.pharmacist.call('periods.close', { period: '2026-01', acknowledgeWarnings: true, note: '1月月结' });
    expect(event).toMatchObject({ period: '2026-01', action: 'close', userName: '周药师', reason: '1月月结' });
    expect(event.warnings).toEqual(expect.arrayContaining(['未签收的配送单：1 项', '待审批的报损：1 项']));
    const statement = await u.finance.call('statements.clinic', { period: '2026-01', clinicId: sim.clinics[0].id });
    expect(statement).toMatchObject({ closed: true, closedByName: '周药师', closingSource: 'snapshot', balanced: true });
    expect(event.summary).toMatchObject({ dispensedValue: statement.amountDue, clinicsClosingValue: statement.totals.closing, purchasedValue: 12_500 });
    expect(statement.amountDue).toBe(1042); // 20 capsules at 0.520833 yuan, rounded once
    // A verified backup was taken just before, and the close names it.
    expect(event.backupFile).toMatch(/before-close/);
    const backup = db.prepare('SELECT reason, verified, note FROM backups WHERE file_name = ?').get(event.backupFile);
    expect(backup).toEqual({ reason: 'before-close', verified: 1, note: '2026-01 月结前' });
    const audit = db.prepare("SELECT target, outcome FROM audit_log WHERE method = 'periods.close'").all();
    expect(audit).toEqual([{ target: 'period:2026-01', outcome: 'ok' }]);
    expect(ledgerChecksum(db)).toBe(before);

    // February is open for business; every way of writing into January is refused, clearly, and changes nothing.
    await receive(u.pharmacist, 1, 'FP0002');
    const afterFebruaryReceipt = ledgerChecksum(db);
    expect(afterFebruaryReceipt).not.toBe(before);
    const drug = sim.drugs[0];
    const { poId, lineIds } = seedSentOrder(sim.hub, drug.supplierId, [{ drug, qty: 24 }]);
    const results = [];
    for (const attempt of [
      () =>
        u.pharmacist.call('receipts.create', {
          poId,
          businessDate: '2026-01-31',
          lines: [{ poLineId: lineIds[0], batchNo: 'X1', expiryDate: '2028-01-01', qty: 24 }],
        }),
      () => u.doctor.call('dispensing.create', { businessDate: '2026-01-30', lines: [{ drugId: drug.id, qty: 1 }] }),
      () => u.doctor.call('dispensing.reverse', { id: jan.dispensing.id, reason: '登记错误' }),
      () => u.pharmacist.call('writeoffs.decide', { id: jan.writeoff.id, approve: true, note: null, businessDate: '2026-01-31' }),
      () =>
        u.doctor.call('deliveries.sign', {
          id: jan.inTransit.id,
          signDate: '2026-01-31',
          lines: jan.inTransit.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })),
        }),
      () => u.finance.call('payments.create', { supplierId: sim.suppliers[0], payDate: '2026-01-31', voucherNo: '记-01-99', amount: 100 }),
      // A month with no business before the latest close is closed with it.
      () => u.doctor.call('dispensing.create', { businessDate: '2025-12-31', lines: [{ drugId: drug.id, qty: 1 }] }),
    ]) {
      results.push(await errorOf(attempt()));
    }
    for (const r of results) expect(r, JSON.stringify(r)).toMatchObject({ code: 'PERIOD_CLOSED' });
    expect(results[0]!.message).toContain('2026年1月已结账');
    expect(results[6]!.message).toContain('2025年12月已结账（已结账至2026年1月）');
    expect(ledgerChecksum(db)).toBe(afterFebruaryReceipt);
    expect(db.prepare('SELECT count(*) AS n FROM supplier_payments').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT status FROM writeoffs WHERE id = ?').get(jan.writeoff.id)).toEqual({ status: 'pending' });

    // What carries forward is settled in February: the delivery is signed, the write-off approved, today.
    u = on('2026-02-03');
    await u.doctor.call('deliveries.sign', { id: jan.inTransit.id, lines: jan.inTransit.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
    await u.pharmacist.call('writeoffs.decide', { id: jan.writeoff.id, approve: true, note: null });
    const feb = await u.finance.call('statements.clinic', { period: '2026-02', clinicId: sim.clinics[0].id });
    expect(feb).toMatchObject({ openingSource: 'snapshot', closed: false });
    expect(feb.totals.opening).toBe(statement.totals.closing);
    expect(feb.rows[0].cells[0].qty).toBe(24); // received in February, when signed
    expect(feb.rows[0].cells[3].qty).toBe(2); // written off in February, when approved
  });

  it('closes months in order and reopens only the latest, by an administrator with a reason, all kept in history', async () => {
    const jan = await january();
    let u = on('2026-02-02');
    await u.finance.call('periods.close', { period: '2026-01', acknowledgeWarnings: true });
    const firstSnapshot = db.prepare('SELECT count(*) AS n FROM period_closings').get() as { n: number };
    u = on('2026-02-10');
    await u.doctor.call('dispensing.create', { lines: [{ drugId: sim.drugs[0].id, qty: 3 }] });
    u = on('2026-03-02');

    expect(await codeOf(u.pharmacist.call('periods.reopen', { period: '2026-01', reason: '补录漏记的报损' }))).toBe('FORBIDDEN');
    expect(await codeOf(u.finance.call('periods.reopen', { period: '2026-01', reason: '补录漏记的报损' }))).toBe('FORBIDDEN');
    expect(await codeOf(u.admin.call('periods.reopen', { period: '2026-01', reason: '' }))).toBe('VALIDATION');
    expect(await codeOf(u.admin.call('periods.reopen', { period: '2026-02', reason: '补录漏记的报损' }))).toBe('INVALID_STATE');
    const reopened = await u.admin.call('periods.reopen', { period: '2026-01', reason: '补录漏记的报损单' });
    expect(reopened).toMatchObject({ action: 'reopen', reason: '补录漏记的报损单', userName: '管理员' });
    const audit = db.prepare("SELECT target, details FROM audit_log WHERE method = 'periods.reopen' AND outcome = 'ok'").get() as {
      target: string;
      details: string;
    };
    expect(audit.target).toBe('period:2026-01');
    expect(audit.details).toContain('补录漏记的报损单');
    expect(db.prepare("SELECT status, reopen_reason AS r FROM periods WHERE period = '2026-01'").get()).toEqual({ status: 'open', r: '补录漏记的报损单' });
    const denied = db.prepare("SELECT count(*) AS n FROM audit_log WHERE method = 'periods.reopen' AND outcome = 'denied'").get() as { n: number };
    expect(denied.n).toBe(2);

    // February cannot close while January, which has business, is open.
    const checks = await u.finance.call('periods.checks', { period: '2026-02' });
    expect(checks.checks.find((c) => c.key === 'earlier_open')).toMatchObject({ ok: false, items: [{ label: '2026年1月有业务，尚未结账' }] });
    expect(await codeOf(u.finance.call('periods.close', { period: '2026-02', acknowledgeWarnings: true }))).toBe('BUSINESS_RULE');
    const list = await u.finance.call('periods.list', {});
    expect(list.rows.map((r) => [r.period, r.status, r.canClose, r.canReopen])).toEqual([
      ['2026-03', 'open', false, false],
      ['2026-02', 'open', false, false],
      ['2026-01', 'open', true, false],
    ]);

    // January is open again: the forgotten write-off goes into it, and it closes a second time.
    await u.pharmacist.call('writeoffs.decide', { id: jan.writeoff.id, approve: true, note: '补录', businessDate: '2026-01-25' });
    const second = await u.finance.call('periods.close', { period: '2026-01', acknowledgeWarnings: true });
    const statement = await u.finance.call('statements.clinic', { period: '2026-01', clinicId: sim.clinics[0].id });
    expect(statement.rows[0].cells[3]).toMatchObject({ qty: 2 });
    expect(statement.closingSource).toBe('snapshot');
    expect(second.summary!.clinicsClosingValue).toBe(statement.totals.closing);
    // The first close's snapshot is kept alongside the second.
    expect((db.prepare('SELECT count(DISTINCT event_id) AS n FROM period_closings').get() as { n: number }).n).toBe(2);
    expect((db.prepare('SELECT count(*) AS n FROM period_closings').get() as { n: number }).n).toBeGreaterThan(firstSnapshot.n);

    await u.finance.call('periods.close', { period: '2026-02', acknowledgeWarnings: true });
    expect(await codeOf(u.admin.call('periods.reopen', { period: '2026-01', reason: '再次补录' }))).toBe('BUSINESS_RULE');
    const history = await u.finance.call('periods.history', {});
    expect(history.map((e) => `${e.period} ${e.action}`)).toEqual(['2026-02 close', '2026-01 close', '2026-01 reopen', '2026-01 close']);
    expect(() => db.prepare("UPDATE period_events SET reason = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM period_closings').run()).toThrow(/append-only/);
  });

  it('blocks a close when the books do not reconcile; statements after a close read its snapshot, not history', async () => {
    await january();
    let u = on('2026-02-02');
    await u.finance.call('periods.close', { period: '2026-01', acknowledgeWarnings: true });
    u = on('2026-02-12');
    await u.doctor.call('dispensing.create', { lines: [{ drugId: sim.drugs[0].id, qty: 4 }] });
    const feb = await u.finance.call('statements.clinic', { period: '2026-02', clinicId: sim.clinics[0].id });

    // Damage the monthly totals of January behind the ledger's back (they are not append-only).
    db.prepare("UPDATE stock_period_totals SET qty = qty + 5, amount = amount + 300 WHERE period = '2026-01' AND movement = 'dispense'").run();
    // February's statement starts from January's snapshot, so it is unaffected.
    expect(await u.finance.call('statements.clinic', { period: '2026-02', clinicId: sim.clinics[0].id })).toEqual(feb);

    // Damage February's totals: the close refuses and says why.
    db.prepare("UPDATE stock_period_totals SET amount = amount + 1 WHERE period = '2026-02' AND movement = 'dispense'").run();
    u = on('2026-03-02');
    const checks = await u.finance.call('periods.checks', { period: '2026-02' });
    const books = checks.checks.find((c) => c.key === 'books')!;
    expect(books.ok).toBe(false);
    expect(books.items.map((i) => i.label)).toEqual(['2026年2月的库存月汇总与台账不一致', '期末结存结转后与当前库存不一致']);
    const err = await errorOf(u.finance.call('periods.close', { period: '2026-02', acknowledgeWarnings: true }));
    expect(err).toMatchObject({ code: 'BUSINESS_RULE' });
    expect(err!.message).toContain('账务一致');
    // Put the books right again for the afterEach invariant check.
    db.prepare("UPDATE stock_period_totals SET amount = amount - 1 WHERE period = '2026-02' AND movement = 'dispense'").run();
    db.prepare("UPDATE stock_period_totals SET qty = qty - 5, amount = amount - 300 WHERE period = '2026-01' AND movement = 'dispense'").run();
  });

  it("waits for a count begun in the month: the stocktake module's check blocks until it is approved or cancelled", async () => {
    await january();
    let u = on('2026-01-28');
    const count = await u.pharmacist.call('stocktakes.create', { kind: 'spot', clinicId: sim.clinics[0].id, sampleSize: 1, counterMode: 'self', blind: true });
    u = on('2026-02-02');
    const checks = await u.finance.call('periods.checks', { period: '2026-01' });
    expect(checks.checks.map((c) => c.key).slice(0, 4)).toEqual(['period_ended', 'earlier_open', 'books', 'stocktakes_open']);
    expect(checks.checks[3]).toMatchObject({ severity: 'block', items: [{ label: `${count.docNo} 东湖村卫生室`, link: `/stocktake/${count.id}` }] });
    expect(checks).toMatchObject({ canClose: false, blockers: 1 });
    expect(await codeOf(u.finance.call('periods.close', { period: '2026-01', acknowledgeWarnings: true }))).toBe('BUSINESS_RULE');
    await u.pharmacist.call('stocktakes.cancel', { id: count.id, reason: '村医外出，改日再盘' });
    expect(await codeOf(u.finance.call('periods.close', { period: '2026-01', acknowledgeWarnings: true }))).toBe('ok');
  });
});

describe('payments (付款登记)', () => {
  it('records payments, refuses duplicates, is idempotent, and corrects by reversal, never by edit', async () => {
    const u0 = on('2026-01-05');
    await receive(u0.pharmacist, 10, 'FP-A1'); // ¥125.00 owed to the first supplier
    const u = on('2026-01-15');
    const supplierId = sim.suppliers[0];
    const first = await u.finance.call('payments.create', {
      supplierId,
      payDate: '2026-01-15',
      voucherNo: '记-0115',
      amount: 10_000,
      method: 'transfer',
      note: '1月货款',
      clientToken: 'pay-0001-abcdef',
    });
    expect(first.warnings).toEqual([]);
    expect(first.payment).toMatchObject({ amount: 10_000, voucherNo: '记-0115', createdByName: '孙会计', reversedById: null });
    const again = await u.finance.call('payments.create', {
      supplierId,
      payDate: '2026-01-15',
      voucherNo: '记-0115',
      amount: 10_000,
      clientToken: 'pay-0001-abcdef',
    });
    expect(again.payment.id).toBe(first.payment.id);
    const dup = await errorOf(u.finance.call('payments.create', { supplierId, payDate: '2026-01-15', voucherNo: '记-0115', amount: 10_000 }));
    expect(dup).toMatchObject({ code: 'DUPLICATE', issues: [{ path: 'voucherNo' }] });
    expect(await codeOf(u.finance.call('payments.create', { supplierId, payDate: '2026-01-16', voucherNo: '记-0116', amount: 10 }))).toBe('BUSINESS_RULE'); // tomorrow
    expect(await codeOf(u.pharmacist.call('payments.create', { supplierId, payDate: '2026-01-15', voucherNo: '记-0117', amount: 10 }))).toBe('FORBIDDEN');
    expect(await codeOf(u.finance.call('payments.create', { supplierId, payDate: '2026-01-15', voucherNo: '记-0118', amount: 0 }))).toBe('VALIDATION');
    const over = await u.finance.call('payments.create', { supplierId, payDate: '2026-01-15', voucherNo: '记-0119', amount: 5_000 });
    expect(over.warnings[0]).toContain('多付 ¥25.00');

    const reversal = await u.finance.call('payments.reverse', { id: over.payment.id, reason: '重复付款，已退回' });
    expect(reversal).toMatchObject({ amount: -5_000, reversesId: over.payment.id, reverseReason: '重复付款，已退回', payDate: '2026-01-15' });
    expect(await codeOf(u.finance.call('payments.reverse', { id: over.payment.id, reason: '再冲一次' }))).toBe('INVALID_STATE');
    expect(await codeOf(u.finance.call('payments.reverse', { id: reversal.id, reason: '冲销冲销' }))).toBe('INVALID_STATE');
    // Once reversed, the same voucher can be entered again with the right amount.
    await u.finance.call('payments.create', { supplierId, payDate: '2026-01-15', voucherNo: '记-0119', amount: 2_500 });
    expect(() => db.prepare('UPDATE supplier_payments SET amount = 1').run()).toThrow(/append-only/);

    const st = await u.finance.call('statements.supplier', { supplierId, period: '2026-01' });
    expect(st.totals).toEqual({ received: 12_500, returned: 0, net: 12_500, paid: 12_500, closing: 0 });
    expect(st.payments.map((p) => p.amount)).toEqual([10_000, 5_000, -5_000, 2_500]);
    expect(st.invoices).toEqual([
      {
        invoiceNo: 'FP-A1',
        invoiceDate: null,
        amount: 12_500,
        receipts: [expect.objectContaining({ kind: 'receipt', amount: 12_500, businessDate: '2026-01-05' })],
      },
    ]);

    // A payment of a closed month is reversed in an open one.
    let v = on('2026-02-02');
    await v.finance.call('periods.close', { period: '2026-01', acknowledgeWarnings: true });
    expect(await codeOf(v.finance.call('payments.reverse', { id: first.payment.id, reason: '银行退票', payDate: '2026-01-31' }))).toBe('PERIOD_CLOSED');
    v = on('2026-02-05');
    const late = await v.finance.call('payments.reverse', { id: first.payment.id, reason: '银行退票' });
    expect(late).toMatchObject({ payDate: '2026-02-05', amount: -10_000 });
    const feb = await v.finance.call('statements.supplier', { supplierId, period: '2026-02' });
    expect(feb).toMatchObject({ opening: 0, openingSource: 'snapshot', totals: { paid: -10_000, closing: 10_000 } });
  });
});

describe('who sees which statement', () => {
  it('a village doctor sees and exports only their own clinic', async () => {
    await january();
    const u = on('2026-01-31');
    const own = await u.doctor.call('statements.clinic', { period: '2026-01' });
    expect(own.clinic!.id).toBe(sim.clinics[0].id);
    expect(own.amountDue).toBe(1042);
    expect(await codeOf(u.doctor.call('statements.clinic', { period: '2026-01', clinicId: sim.clinics[1].id }))).toBe('FORBIDDEN_CLINIC');
    expect(await codeOf(u.otherDoctor.call('statements.export', { kind: 'clinic', period: '2026-01', clinicId: sim.clinics[0].id }))).toBe('FORBIDDEN_CLINIC');
    expect((await u.doctor.call('statements.export', { kind: 'clinic', period: '2026-01' })).filename).toContain('东湖村卫生室');
    expect(await codeOf(u.doctor.call('statements.export', { kind: 'hub', period: '2026-01' }))).toBe('FORBIDDEN');
    expect(await codeOf(u.doctor.call('statements.hub', { period: '2026-01' }))).toBe('FORBIDDEN');
    expect(await codeOf(u.doctor.call('statements.clinics', { period: '2026-01' }))).toBe('FORBIDDEN');
    expect(await codeOf(u.doctor.call('periods.checks', { period: '2026-01' }))).toBe('FORBIDDEN');
    expect(await codeOf(u.finance.call('statements.clinic', { period: '2026-01' }))).toBe('VALIDATION');
    expect(await codeOf(u.finance.call('statements.clinic', { period: '2026-13', clinicId: sim.clinics[0].id }))).toBe('VALIDATION');
  });
});

describe('demo settlement helpers', () => {
  it('pay last month’s balances and close months through the real handlers', async () => {
    const { demoCloseMonth, demoPaySuppliers } = await import('../../electron/demo/settlement');
    await january();
    on('2026-02-03');
    const event = await demoCloseMonth(sim.hub.runtime, '2026-01');
    expect(event).toMatchObject({ period: '2026-01', action: 'close', userName: '孙会计' });
    on('2026-02-10');
    const payments = await demoPaySuppliers(sim.hub.runtime, { payDate: '2026-02-10' });
    expect(payments).toEqual([expect.objectContaining({ supplierId: sim.suppliers[0], amount: 12_500, voucherNo: '记-202602-001', note: '支付1月货款' })]);
    const st = await sim.as('caiwu').call('statements.supplier', { supplierId: sim.suppliers[0], period: '2026-02' });
    expect(st.totals.closing).toBe(0);
  });
});

describe('a hub upgraded from before settlement', () => {
  it('keeps its closed January readable, and closes February with a snapshot', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { Runtime } = await import('../../electron/runtime');
    const { InternalClient } = await import('../../electron/api/internal');
    const { ManualClock, tempDir } = await import('../helpers/runtime');
    const { FIXTURE_PASSWORD, LOT_UNIT_COST } = await import('../fixtures/fixture-data');
    const dataDir = tempDir();
    fs.copyFileSync(path.resolve(import.meta.dirname, '../fixtures/db/v5.sqlite'), path.join(dataDir, 'santong.sqlite'));
    const runtime = new Runtime({ dataDir, clock: new ManualClock(new Date('2026-03-02T02:00:00.000Z')), validateOutputs: true });
    try {
      const admin = new InternalClient(runtime, '127.0.0.1');
      await admin.call('auth.login', { username: 'admin', password: FIXTURE_PASSWORD });
      const jan = await admin.call('statements.clinic', { period: '2026-01', clinicId: 1 });
      // Closed on v4, before close events: closed, figures from the ledger.
      expect(jan).toMatchObject({ closed: true, closedAt: null, openingSource: 'ledger', closingSource: 'ledger', balanced: true });
      expect(jan.rows.map((r) => [r.drugName, r.cells[0].qty, r.closing!.qty])).toEqual([['阿莫西林胶囊', 96, 96]]);
      const feb = await admin.call('statements.clinic', { period: '2026-02', clinicId: 1 });
      expect(feb.amountDue).toBe((30 * LOT_UNIT_COST) / 10_000);
      const list = await admin.call('periods.list', {});
      expect(list.rows.find((r) => r.period === '2026-01')).toMatchObject({ status: 'closed', explicit: true, canReopen: true, closeCount: 0 });
      const event = await admin.call('periods.close', { period: '2026-02', acknowledgeWarnings: true });
      expect(event.summary).toMatchObject({ dispensedValue: feb.amountDue, clinicsClosingValue: feb.totals.closing });
      const closed = await admin.call('statements.clinic', { period: '2026-02', clinicId: 1 });
      expect(closed).toMatchObject({ closingSource: 'snapshot', totals: feb.totals });
    } finally {
      runtime.close();
      await monthFactsSettled();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
