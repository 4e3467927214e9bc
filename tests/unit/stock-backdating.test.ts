/**
 * Stock is valid at every instant, and back-dating (补录) is a deliberate, bounded act:
 * - a posting dated D finds the stock at D and leaves every later balance of its lot at or above zero
 *   (the audit's D1: a dispensing dated 02-27 for goods that reached the clinic on 03-06; a delivery dated
 *   before its receipt), with a refusal that says since when the stock is there;
 * - first-expiry-first takes what was there at D and is still there after, skipping lots expired at D;
 * - the data check, the pre-close check and `npm run integrity` find a lot negative at an earlier date;
 * - back-dating past the hub's limit is refused; back-dated rows are marked on the stock card and in the audit log;
 * - D6: an expired batch cannot be received by back-dating the receipt;
 * - D9: a clinic's return keeps the date it was given and posts on it, or is refused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { checkLedgerInvariants, ledgerChecksum } from '../../electron/domain/stock/ledger';
import { runIntegrityCheck } from '../../electron/domain/system/integrity';
import { createClinic, createTestHub, createUser, ManualClock, type TestHub } from '../helpers/runtime';
import { seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from '../helpers/stock';

let hub: TestHub;
let clinicId: number;
let supplierId: number;
let amox: SeedDrug;
let stores: { hub: number; clinic: number };

const db = () => hub.runtime.app.db;
const as = (username: string) => InternalClient.asUser(hub.runtime, username);
const errorOf = async (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: { code: string; message: string }) => ({ code: e.code, message: e.message }),
  );
/** Moves the clock to 10:00 China time of a day. */
const on = (day: string) => hub.clock.set(`${day}T02:00:00.000Z`);

beforeEach(async () => {
  hub = await createTestHub({ clock: new ManualClock(new Date('2026-03-06T02:00:00.000Z')) });
  clinicId = (await createClinic(hub, 'C01', '东湖村卫生室')).id;
  await createUser(hub, { username: 'yaoku', role: 'pharmacist', displayName: '周药师' });
  await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId, displayName: '王建国' });
  await createUser(hub, { username: 'caiwu', role: 'finance' });
  supplierId = seedSupplier(hub);
  amox = seedDrug(hub, { name: '阿莫西林胶囊', packSize: 24, supplierId, packPrice: 12_500_000 });
  const rows = sql(db(), 'SELECT id, kind, clinic_id AS clinicId FROM stores').all() as { id: number; kind: string; clinicId: number | null }[];
  stores = { hub: rows.find((s) => s.kind === 'hub')!.id, clinic: rows.find((s) => s.kind === 'clinic' && s.clinicId === clinicId)!.id };
});
afterEach(async () => {
  expect(checkLedgerInvariants(db())).toEqual([]);
  await hub.close();
});

async function receive(batchNo: string, qty: number, opts: { businessDate?: string; expiryDate?: string } = {}) {
  const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug: amox, qty }]);
  return as('yaoku').call('receipts.create', {
    poId,
    invoiceNo: `FP-${batchNo}`,
    businessDate: opts.businessDate,
    lines: [{ poLineId: lineIds[0], batchNo, expiryDate: opts.expiryDate ?? '2028-06-30', qty }],
  });
}

async function deliver(qty: number, businessDate?: string) {
  const [lineId] = seedApprovedRequisition(hub, clinicId, [{ drug: amox, qty }]);
  return as('yaoku').call('deliveries.create', { clinicId, businessDate, lines: [{ requisitionLineId: lineId, qty }] });
}

async function deliverAndSign(qty: number, date?: string) {
  const delivery = await deliver(qty, date);
  return as('cy01').call('deliveries.sign', { id: delivery.id, signDate: date, lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
}

const lotId = (batchNo: string) => (sql(db(), 'SELECT id FROM lots WHERE batch_no = ?').get(batchNo) as { id: number }).id;

describe('a posting dated D finds the stock at D', () => {
  it('refuses a dispensing dated before the goods reached the clinic, saying when they came (D1)', async () => {
    await receive('B123', 48);
    await deliverAndSign(48);
    const before = ledgerChecksum(db());
    const refused = await errorOf(as('cy01').call('dispensing.create', { businessDate: '2026-02-27', lines: [{ drugId: amox.id, qty: 15 }] }));
    expect(refused).toEqual({
      code: 'INSUFFICIENT_STOCK',
      message: '库存不足：阿莫西林胶囊（0.25g）2 月 27 日需要 15，可用 0（批号 B123 3 月 6 日才配送到本室）',
    });
    expect(ledgerChecksum(db())).toBe(before);
    expect(db().prepare('SELECT count(*) AS n FROM dispensings').get()).toEqual({ n: 0 });
    // Dated the day the goods came, or later, it goes through.
    await as('cy01').call('dispensing.create', { businessDate: '2026-03-06', lines: [{ drugId: amox.id, qty: 15 }] });
  });

  it('refuses a delivery dated before the receipt, and a write-off dated before the stock came', async () => {
    on('2026-03-08');
    await receive('H1', 48, { businessDate: '2026-03-04' });
    const refused = await errorOf(deliver(24, '2026-03-03'));
    expect(refused).toEqual({ code: 'INSUFFICIENT_STOCK', message: '库存不足：阿莫西林胶囊（0.25g）3 月 3 日需要 24，可用 0（批号 H1 3 月 4 日才验收入库）' });
    await deliverAndSign(24, '2026-03-05');

    const w = await as('yaoku').call('writeoffs.create', {
      storeId: stores.clinic,
      reasonCode: 'damaged',
      reason: null,
      lines: [{ lotId: lotId('H1'), qty: 5 }],
    });
    expect(await errorOf(as('yaoku').call('writeoffs.decide', { id: w.id, approve: true, note: null, businessDate: '2026-03-04' }))).toEqual({
      code: 'INSUFFICIENT_STOCK',
      message: '库存不足：阿莫西林胶囊（0.25g） 批号 H1 3 月 5 日才配送到本室，3 月 4 日可用 0，需要 5',
    });
    await as('yaoku').call('writeoffs.decide', { id: w.id, approve: true, note: null, businessDate: '2026-03-05' });
  });

  it('never takes what later postings used: a back-dated outflow is bounded by every later balance', async () => {
    on('2026-03-01');
    await receive('B1', 48);
    await deliverAndSign(48);
    on('2026-03-05');
    await as('cy01').call('dispensing.create', { lines: [{ drugId: amox.id, qty: 40 }] });
    on('2026-03-06');
    // On 03-03 the clinic held 48, but 40 of them were dispensed on 03-05: a late entry for 03-03 can take 8.
    expect(await errorOf(as('cy01').call('dispensing.create', { businessDate: '2026-03-03', lines: [{ drugId: amox.id, qty: 10 }] }))).toEqual({
      code: 'INSUFFICIENT_STOCK',
      message: '库存不足：阿莫西林胶囊（0.25g）3 月 3 日需要 10，可用 8（批号 B1 3 月 3 日结存 48，但其后已有出库，3 月 5 日只剩 8）',
    });
    const ret = await errorOf(
      as('cy01').call('returns.create', {
        kind: 'clinic_to_hub',
        reasonCode: 'overstock',
        reason: null,
        businessDate: '2026-03-02',
        lines: [{ lotId: lotId('B1'), qty: 9 }],
      }),
    );
    expect(ret).toEqual({ code: 'INSUFFICIENT_STOCK', message: '阿莫西林胶囊 批号 B1 只有 8粒，不能处理 9粒' });
    await as('cy01').call('dispensing.create', { businessDate: '2026-03-03', lines: [{ drugId: amox.id, qty: 8 }] });
    expect((sql(db(), 'SELECT qty FROM stock_balances WHERE store_id = ? AND lot_id = ?').get(stores.clinic, lotId('B1')) as { qty: number }).qty).toBe(0);
  });

  it('allocates first-expiry-first from what was there at the date: lots not yet there are skipped, lots expired since are usable', async () => {
    on('2026-03-01');
    await receive('E1', 24, { expiryDate: '2026-03-04' }); // expires before today (03-06), valid on 03-03
    await receive('L1', 24, { expiryDate: '2028-01-31' });
    on('2026-03-05');
    await receive('N1', 24, { expiryDate: '2027-01-31' }); // expires before L1, but came on 03-05
    on('2026-03-06');
    // Dated 03-03: N1 was not there yet, E1 was still valid and expires first.
    const late = await deliver(30, '2026-03-03');
    expect(late.lines.map((l) => [l.batchNo, l.qty])).toEqual([
      ['E1', 24],
      ['L1', 6],
    ]);
    // Today E1 would be expired anyway, and N1 (here now) comes before L1.
    const today = await deliver(10);
    expect(today.lines.map((l) => [l.batchNo, l.qty])).toEqual([['N1', 10]]);
  });
});

describe('back-dating is bounded', () => {
  it('refuses dates past the limit (default 7 days), which the pharmacist or administrator can change', async () => {
    await receive('B1', 48, { businessDate: '2026-02-27' }); // 7 days back: allowed
    expect(await errorOf(receive('B2', 48, { businessDate: '2026-02-26' }))).toEqual({
      code: 'BUSINESS_RULE',
      message:
        '业务日期 2026-02-26 早于补录期限：最多补录 7 天以内的业务（2 月 27 日及以后）。补录期限由管理员或药库管理员在“系统管理 → 系统设置 → 记账规则”中设定',
    });
    expect(await as('cy01').call('system.postingRules', {})).toEqual({ maxBackdateDays: 7 });
    expect(await errorOf(as('cy01').call('system.updatePostingRules', { maxBackdateDays: 30 }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(as('caiwu').call('system.updatePostingRules', { maxBackdateDays: 30 }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(as('yaoku').call('system.updatePostingRules', { maxBackdateDays: 91 }))).toMatchObject({ code: 'VALIDATION' });
    expect(await as('yaoku').call('system.updatePostingRules', { maxBackdateDays: 10 })).toEqual({ maxBackdateDays: 10 });
    const audit = db().prepare("SELECT target, details FROM audit_log WHERE method = 'system.updatePostingRules' AND outcome = 'ok'").get() as {
      target: string;
      details: string;
    };
    expect(audit.target).toBe('settings:posting');
    expect(JSON.parse(audit.details)).toMatchObject({ maxBackdateDays: { from: 7, to: 10 } });
    await receive('B2', 48, { businessDate: '2026-02-26' });
    // Zero: today only.
    await as('admin').call('system.updatePostingRules', { maxBackdateDays: 0 });
    expect(await errorOf(as('cy01').call('dispensing.create', { businessDate: '2026-03-05', lines: [{ drugId: amox.id, qty: 1 }] }))).toMatchObject({
      code: 'BUSINESS_RULE',
      message: expect.stringContaining('不允许补录以前日期的业务'),
    });
  });

  it('marks back-dated rows on the stock card (补录, with the day recorded) and in the audit log', async () => {
    on('2026-03-02');
    await receive('B1', 48);
    await deliverAndSign(48);
    on('2026-03-04');
    await as('cy01').call('dispensing.create', { lines: [{ drugId: amox.id, qty: 10 }] });
    on('2026-03-06');
    await as('cy01').call('dispensing.create', { businessDate: '2026-03-03', lines: [{ drugId: amox.id, qty: 5 }] });
    await as('cy01').call('dispensing.create', { lines: [{ drugId: amox.id, qty: 1 }] });

    const card = await as('cy01').call('stock.card', { storeId: stores.clinic, drugId: amox.id, from: '2026-03-01', to: '2026-03-06' });
    // In the ledger's order: the late entry for 03-03 sits before 03-04's, with the balance of that moment.
    expect(card.rows.map((r) => [r.businessDate, r.movement, r.qty, r.balanceQty, r.backdated, r.recordedOn])).toEqual([
      ['2026-03-02', 'issue_in', 48, 48, false, '2026-03-02'],
      ['2026-03-03', 'dispense', -5, 43, true, '2026-03-06'],
      ['2026-03-04', 'dispense', -10, 33, false, '2026-03-04'],
      ['2026-03-06', 'dispense', -1, 32, false, '2026-03-06'],
    ]);
    const details = (
      db().prepare("SELECT details FROM audit_log WHERE method = 'dispensing.create' AND outcome = 'ok' ORDER BY id").all() as { details: string }[]
    ).map((r) => JSON.parse(r.details).backdated ?? null);
    expect(details).toEqual([null, { businessDate: '2026-03-03', recordedOn: '2026-03-06' }, null]);
  });
});

describe('found after the fact', () => {
  it('the data check, the pre-close check and the integrity report find a lot negative at an earlier date', async () => {
    on('2026-02-27');
    await receive('B1', 24);
    on('2026-03-06');
    await receive('B123', 48);
    await deliverAndSign(48);
    expect(runIntegrityCheck(db(), { dbFile: hub.runtime.app.dbFile, now: hub.clock.now() }).ok).toBe(true);
    // What the old code let through: a dispensing of 15 dated 02-27, before the goods came on 03-06 (planted
    // here by raw SQL), with the matching +15 later so that today's balance and every monthly sum still agree.
    const lot = lotId('B123');
    const plant = db().prepare(
      `INSERT INTO ledger (store_id, drug_id, lot_id, movement, qty, unit_cost, amount, doc_type, doc_id, business_date, period, user_id, created_at)
       VALUES (?, ?, ?, 'dispense', ?, 520833, ?, 'dispensing', 999, ?, ?, 1, '2026-03-10T02:00:00.000Z')`,
    );
    plant.run(stores.clinic, amox.id, lot, -15, -781, '2026-02-27', '2026-02');
    plant.run(stores.clinic, amox.id, lot, 15, 781, '2026-03-06', '2026-03');
    db().prepare("INSERT INTO stock_period_totals VALUES (?, ?, '2026-02', 'dispense', -15, -781)").run(stores.clinic, amox.id);
    db().prepare("INSERT INTO stock_period_totals VALUES (?, ?, '2026-03', 'dispense', 15, 781)").run(stores.clinic, amox.id);

    const report = runIntegrityCheck(db(), { dbFile: hub.runtime.app.dbFile, now: hub.clock.now() });
    expect(report.checks.filter((c) => !c.ok).map((c) => [c.key, c.problems])).toEqual([
      ['ledger.runningNegative', ['东湖村卫生室 阿莫西林胶囊 0.25g 批号 B123：2026-02-27 起结存为负（最低 -15）']],
    ]);
    expect(checkLedgerInvariants(db())).toEqual([
      {
        check: '任何日期都无负库存（每个库房 × 批次的逐笔结存，按业务日期和记账顺序）',
        detail: '东湖村卫生室 阿莫西林胶囊 0.25g 批号 B123：2026-02-27 起结存为负（最低 -15）',
      },
    ]);
    const admin = await as('admin').call('system.integrityCheck', {});
    expect(admin.ok).toBe(false);

    const checks = await as('caiwu').call('periods.checks', { period: '2026-02' });
    const books = checks.checks.find((c) => c.key === 'books')!;
    expect(books).toMatchObject({ ok: false, severity: 'block' });
    expect(books.items).toEqual([
      {
        label: '有批次在某一日的结存为负（补录的业务早于到货，或多于当时的库存）',
        detail: '东湖村卫生室 阿莫西林胶囊 0.25g 批号 B123：2026-02-27 起结存为负（最低 -15）',
        link: null,
      },
    ]);
    expect(await errorOf(as('caiwu').call('periods.close', { period: '2026-02', acknowledgeWarnings: true }))).toMatchObject({ code: 'BUSINESS_RULE' });

    // Undo the planted rows (the ledger is append-only: drop its guard for the test's own rows) for afterEach.
    db().exec('DROP TRIGGER ledger_append_only_delete');
    db().prepare('DELETE FROM ledger WHERE doc_id = 999').run();
    db().prepare("DELETE FROM stock_period_totals WHERE movement = 'dispense' AND store_id = ?").run(stores.clinic);
  });
});

describe('receipts and returns keep to their dates', () => {
  it('refuses a batch expired by today even when the receipt is back-dated (D6)', async () => {
    const refused = await errorOf(receive('X1', 24, { businessDate: '2026-03-01', expiryDate: '2026-03-05' }));
    expect(refused).toEqual({ code: 'BUSINESS_RULE', message: '第 1 行 阿莫西林胶囊 批号 X1 已过期（有效期至 2026-03-05），不能入库' });
    expect(db().prepare('SELECT count(*) AS n FROM lots').get()).toEqual({ n: 0 });
    // Expiring today is not yet expired (and is warned about as near expiry).
    const ok = await receive('X2', 24, { businessDate: '2026-03-01', expiryDate: '2026-03-06' });
    expect(ok.warnings).toHaveLength(1);
  });

  it("posts a clinic's return on the date the doctor gave, when the hub accepts it days later (D9)", async () => {
    on('2026-03-02');
    await receive('B1', 48);
    await deliverAndSign(48);
    on('2026-03-06');
    const ret = await as('cy01').call('returns.create', {
      kind: 'clinic_to_hub',
      reasonCode: 'overstock',
      reason: null,
      businessDate: '2026-03-03',
      lines: [{ lotId: lotId('B1'), qty: 12 }],
    });
    expect(ret).toMatchObject({ status: 'submitted', businessDate: '2026-03-03' });
    expect(ret.docNo).toMatch(/^TH-202603-/);
    // A date before the stock came, or past the limit, is refused when the doctor submits it.
    expect(
      await errorOf(
        as('cy01').call('returns.create', {
          kind: 'clinic_to_hub',
          reasonCode: 'overstock',
          reason: null,
          businessDate: '2026-03-01',
          lines: [{ lotId: lotId('B1'), qty: 1 }],
        }),
      ),
    ).toEqual({
      code: 'INSUFFICIENT_STOCK',
      message: '阿莫西林胶囊 批号 B1 3 月 2 日才配送到本室，3 月 1 日可用 0，不能处理 1粒',
    });
    expect(
      await errorOf(
        as('cy01').call('returns.create', {
          kind: 'clinic_to_hub',
          reasonCode: 'overstock',
          reason: null,
          businessDate: '2026-02-26',
          lines: [{ lotId: lotId('B1'), qty: 1 }],
        }),
      ),
    ).toMatchObject({
      code: 'BUSINESS_RULE',
      message: expect.stringContaining('早于补录期限'),
    });
    expect(
      await errorOf(
        as('cy01').call('returns.create', {
          kind: 'clinic_to_hub',
          reasonCode: 'overstock',
          reason: null,
          businessDate: '2026-03-07',
          lines: [{ lotId: lotId('B1'), qty: 1 }],
        }),
      ),
    ).toMatchObject({
      code: 'BUSINESS_RULE',
      message: expect.stringContaining('晚于今天'),
    });
    on('2026-03-12'); // 9 days after the date, 6 after the doctor gave it: within the limit as given
    expect(await errorOf(as('yaoku').call('returns.decide', { id: ret.id, accept: true, note: null, businessDate: '2026-03-12' }))).toEqual({
      code: 'BUSINESS_RULE',
      message: `退货单 ${ret.docNo} 的业务日期是 2026-03-03（提交时填写），不能改为 2026-03-12；日期有误请驳回，由村医重新提交`,
    });
    const posted = await as('yaoku').call('returns.decide', { id: ret.id, accept: true, note: null });
    expect(posted).toMatchObject({ status: 'posted', businessDate: '2026-03-03' });
    const rows = sql(db(), "SELECT movement, qty, business_date AS d FROM ledger WHERE doc_type = 'return' ORDER BY id").all();
    expect(rows).toEqual([
      { movement: 'clinic_return_out', qty: -12, d: '2026-03-03' },
      { movement: 'clinic_return_in', qty: 12, d: '2026-03-03' },
    ]);

    // Without a date, a return posts on the day the hub accepts it, as before.
    const undated = await as('cy01').call('returns.create', {
      kind: 'clinic_to_hub',
      reasonCode: 'overstock',
      reason: null,
      lines: [{ lotId: lotId('B1'), qty: 2 }],
    });
    expect(undated.businessDate).toBeNull();
    on('2026-03-13');
    expect(await as('yaoku').call('returns.decide', { id: undated.id, accept: true, note: null })).toMatchObject({ businessDate: '2026-03-13' });
  });
});
