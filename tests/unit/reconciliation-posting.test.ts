/**
 * 一次录入: posting dispensing from imported settlement lines keeps every stock rule (stock at the posting's own
 * date, stock valid at every later moment, first-expiry-first, closed months, the back-dating limit), lists
 * the lines that cannot post with the reason, and posts the lines chosen all together or not at all.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../../electron/db/database';
import { checkLedgerInvariants, ledgerChecksum } from '../../electron/domain/stock/ledger';
import { changedTables, tableChecksums } from '../security/checksum';
import { createSettlementHub, fee, importFees, stockClinic, type SettlementHub } from '../helpers/reconciliation';

let h: SettlementHub;
const db = () => h.hub.runtime.app.db;
const DAY = '2026-03-16';
const BOX = '81234560000000000021';

beforeEach(async () => {
  h = await createSettlementHub({ day: '2026-03-10' });
  // Two lots of 阿莫西林 at the clinic: one expiring sooner (FEFO takes it first), one whose box the settlement names.
  await stockClinic(h, 0, h.drugs.amox, 48, 'A-SOON', { expiryDate: '2027-01-31' });
  await stockClinic(h, 0, h.drugs.amox, 48, 'A-LATE', { expiryDate: '2028-06-30', traceCodes: [BOX] });
  await stockClinic(h, 0, h.drugs.amoxB, 36, 'B-ONLY');
  h.on('2026-03-12');
  await stockClinic(h, 0, h.drugs.ibu, 100, 'I-0312'); // arrives on the 12th
  h.on(DAY);
});
afterEach(async () => {
  expect(checkLedgerInvariants(db())).toEqual([]);
  await h.hub.close();
});

const DAY_FEES = () => [
  fee('V1', `${DAY} 09:00:00`, h.drugs.amox, 24, 120_000, { sn: 'P1' }),
  fee('V2', `${DAY} 09:30:00`, h.drugs.amox, 12, 120_000, { sn: 'P2', codes: BOX }),
  fee('V2', `${DAY} 09:30:00`, h.drugs.ibu, 20, 490_000, { sn: 'P3' }),
  { sn: 'P4', visit: 'V3', time: `${DAY} 10:00:00`, code: 'ZA01BAA0001010100001', name: '板蓝根颗粒', cnt: 1, pric: '15', amount: '15.00' },
  fee('V4', `${DAY} 10:30:00`, h.drugs.amoxB, 40, 200_000, { sn: 'P5' }), // 36 on the shelf
];

describe('posting dispensing from settlement lines', () => {
  it('reviews without writing, listing what cannot post and why', async () => {
    await importFees(h, 0, DAY_FEES());
    const before = ledgerChecksum(db());
    const review = await h.as('cy01').call('reconciliation.postingPreview', { date: DAY });
    expect(ledgerChecksum(db())).toBe(before);
    expect(sql(db(), 'SELECT count(*) AS n FROM dispensings').get()).toEqual({ n: 0 });
    const by = (sn: string) => review.lines.find((l) => l.lineId === lineId(sn))!;
    expect(by('P1')).toMatchObject({ canPost: true, qty: 24, lots: [{ batchNo: 'A-SOON', qty: 24 }], amount: 288 });
    // The box the settlement names is taken from its own lot, ahead of first-expiry-first.
    expect(by('P2')).toMatchObject({ canPost: true, lots: [{ batchNo: 'A-LATE', qty: 12 }] });
    expect(by('P3')).toMatchObject({ canPost: true, lots: [{ batchNo: 'I-0312', qty: 20 }] });
    expect(by('P4').canPost).toBe(false);
    expect(by('P4').reason).toContain('药品目录中没有医保编码 ZA01BAA0001010100001');
    expect(by('P5').canPost).toBe(false);
    expect(by('P5').reason).toMatch(/^库存不足：阿莫西林胶囊.*需要 40，可用 36/);
    expect(review).toMatchObject({ postable: 3, entries: 2, amount: 288 + 144 + 980 });
  });

  it('posts the lines chosen together, one entry per visit, or none when any cannot', async () => {
    await importFees(h, 0, DAY_FEES());
    const ids = ['P1', 'P2', 'P3', 'P4', 'P5'].map(lineId);
    const before = tableChecksums(db());
    // A line that cannot post refuses the whole posting: nothing is half posted.
    await expect(h.as('cy01').call('reconciliation.post', { date: DAY, lineIds: ids })).rejects.toMatchObject({ code: 'BUSINESS_RULE' });
    const stock = await h
      .as('cy01')
      .call('reconciliation.post', { date: DAY, lineIds: [lineId('P1'), lineId('P5')] })
      .catch((e) => e);
    expect(stock.code).toBe('INSUFFICIENT_STOCK');
    expect(stock.message).toContain('全部未登记');
    expect(changedTables(before, tableChecksums(db()))).toEqual([]);

    const posted = await h.as('cy01').call('reconciliation.post', { date: DAY, lineIds: ids.slice(0, 3), clientToken: 'post-2026-03-16-a' });
    expect(posted).toMatchObject({ lines: 3, amount: 288 + 144 + 980 });
    expect(posted.dispensingIds).toHaveLength(2);
    const entries = sql(db(), 'SELECT visit_no AS visit, business_date AS date, total_amount AS total, rx_no AS rx FROM dispensings ORDER BY id').all();
    expect(entries).toEqual([
      { visit: 'V1', date: DAY, total: 288, rx: 'CFV1' },
      { visit: 'V2', date: DAY, total: 144 + 980, rx: 'CFV2' },
    ]);
    // The day is reconciled: what was posted matches what was settled.
    const r = await h.as('cy01').call('reconciliation.clinic', { from: DAY, to: DAY });
    expect(r.rows.find((x) => x.drugId === h.drugs.amox.id)).toMatchObject({ settledQty: 36, dispensedQty: 36, kinds: [] });
    expect(r.rows.find((x) => x.drugId === h.drugs.ibu.id)).toMatchObject({ settledQty: 20, dispensedQty: 20, kinds: [] });

    // A retried submit returns the same entries; the lines are no longer waiting.
    const again = await h.as('cy01').call('reconciliation.post', { date: DAY, lineIds: ids.slice(0, 3), clientToken: 'post-2026-03-16-a' });
    expect(again).toEqual(posted);
    await expect(h.as('cy01').call('reconciliation.post', { date: DAY, lineIds: ids.slice(0, 1) })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const review = await h.as('cy01').call('reconciliation.postingPreview', { date: DAY });
    expect(review.lines.map((l) => l.lineId)).toEqual([lineId('P4'), lineId('P5')]);
  });

  it('finds the stock at the posting’s own date, not today', async () => {
    // 布洛芬 reached the clinic on the 12th: a settlement of the 11th cannot post, one of the 13th can.
    await importFees(h, 0, [
      fee('W1', '2026-03-11 09:00:00', h.drugs.ibu, 10, 490_000, { sn: 'E1' }),
      fee('W2', '2026-03-13 09:00:00', h.drugs.ibu, 10, 490_000, { sn: 'E2' }),
    ]);
    const early = await h.as('cy01').call('reconciliation.postingPreview', { date: '2026-03-11' });
    expect(early.lines[0].canPost).toBe(false);
    expect(early.lines[0].reason).toContain('库存不足');
    expect(early.lines[0].reason).toContain('3 月 12 日');
    const late = await h.as('cy01').call('reconciliation.postingPreview', { date: '2026-03-13' });
    expect(late.lines[0]).toMatchObject({ canPost: true, lots: [{ batchNo: 'I-0312', qty: 10 }] });
    await h.as('cy01').call('reconciliation.post', { date: '2026-03-13', lineIds: [lineId('E2')] });
    expect(sql(db(), "SELECT business_date AS d FROM ledger WHERE movement = 'dispense'").all()).toEqual([{ d: '2026-03-13' }]);
  });

  it('keeps the back-dating limit and closed months', async () => {
    h.on('2026-03-05');
    // Dated before any stock and more than 7 days back once today is the 16th.
    await importFees(h, 0, [fee('X1', '2026-03-05 09:00:00', h.drugs.amox, 6, 120_000, { sn: 'X1' })]);
    h.on(DAY);
    const review = await h.as('cy01').call('reconciliation.postingPreview', { date: '2026-03-05' });
    expect(review.lines[0].reason).toContain('早于补录期限');
    // February is closed: its settlements import (for the reconciliation) but post nothing.
    sql(db(), "INSERT INTO periods (period, status, closed_at, closed_by) VALUES ('2026-02', 'closed', ?, 1)").run(h.hub.clock.now().toISOString());
    await importFees(h, 0, [fee('X2', '2026-02-27 09:00:00', h.drugs.amox, 6, 120_000, { sn: 'X2' })], 'february.csv');
    const closed = await h.as('cy01').call('reconciliation.postingPreview', { date: '2026-02-27' });
    expect(closed.lines[0].reason).toContain('2026年2月已结账');
  });

  it('does not post a drug a visit already has in the book, typed by hand', async () => {
    await importFees(h, 0, [fee('V1', `${DAY} 09:00:00`, h.drugs.amox, 24, 120_000, { sn: 'T1' })]);
    await h.as('cy01').call('dispensing.create', { businessDate: DAY, visitNo: 'V1', lines: [{ drugId: h.drugs.amox.id, qty: 24 }] });
    const review = await h.as('cy01').call('reconciliation.postingPreview', { date: DAY });
    expect(review.lines[0]).toMatchObject({ canPost: false });
    expect(review.lines[0].reason).toContain('已手工登记');
  });

  it('does not post what the doctor already typed that day without the visit number, only what goes beyond it', async () => {
    await importFees(h, 0, [
      fee('V1', `${DAY} 09:00:00`, h.drugs.amox, 12, 120_000, { sn: 'U1' }),
      fee('V2', `${DAY} 09:30:00`, h.drugs.amox, 6, 120_000, { sn: 'U2' }),
      fee('V3', `${DAY} 10:00:00`, h.drugs.amox, 6, 120_000, { sn: 'U3' }),
    ]);
    await h.as('cy01').call('dispensing.create', { businessDate: DAY, visitNo: null, lines: [{ drugId: h.drugs.amox.id, qty: 15 }] });
    const review = await h.as('cy01').call('reconciliation.postingPreview', { date: DAY });
    // 15 typed cover V1's 12 and part of V2's 6: only V3 is beyond what is in the book.
    expect(review.lines.map((l) => [l.mdtrtId, l.canPost])).toEqual([
      ['V1', false],
      ['V2', false],
      ['V3', true],
    ]);
    expect(review.lines[0].reason).toContain('当天已手工登记该药品 15粒');
    await expect(h.as('cy01').call('reconciliation.post', { date: DAY, lineIds: [lineId('U1')] })).rejects.toMatchObject({ code: 'BUSINESS_RULE' });
  });

  it('keeps the clinic to itself and the hub to the roles that post', async () => {
    await importFees(h, 0, DAY_FEES());
    await expect(h.as('cy02').call('reconciliation.postingPreview', { clinicId: h.clinics[0].id, date: DAY })).rejects.toMatchObject({
      code: 'FORBIDDEN_CLINIC',
    });
    await expect(h.as('caiwu').call('reconciliation.post', { clinicId: h.clinics[0].id, date: DAY, lineIds: [lineId('P1')] })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const ph = await h.as('yaoku').call('reconciliation.post', { clinicId: h.clinics[0].id, date: DAY, lineIds: [lineId('P1')] });
    expect(ph.lines).toBe(1);
  });
});

describe('the boxes a settlement names', () => {
  const SETTLED = '81234560000000000033'; // settled, and the dispensing posted from the settlement
  const UNSCANNED = '81234560000000000032'; // settled; nobody scanned it out
  const NOT_SETTLED = '81234560000000000031'; // scanned out at the counter the next day; the fund never paid for it
  const NEXT_DAY = '2026-03-17';

  it('move with the posting, and the day compares every settled box with the boxes scanned out', async () => {
    h.on('2026-03-14');
    await stockClinic(h, 0, h.drugs.amox, 72, 'A-BOXES', { traceCodes: [SETTLED, UNSCANNED, NOT_SETTLED], scanAtDelivery: true });
    h.on(NEXT_DAY);
    const typed = await h
      .as('cy01')
      .call('dispensing.create', { businessDate: NEXT_DAY, visitNo: 'T1', lines: [{ drugId: h.drugs.amox.id, qty: 24, traceCodes: [NOT_SETTLED] }] });
    await importFees(h, 0, [
      fee('V6', `${DAY} 11:00:00`, h.drugs.amox, 24, 120_000, { sn: 'Q1', codes: SETTLED }),
      fee('V7', `${DAY} 11:30:00`, h.drugs.amox, 24, 120_000, { sn: 'Q2', codes: UNSCANNED }),
    ]);
    const posted = await h.as('cy01').call('reconciliation.post', { date: DAY, lineIds: [lineId('Q1')] });

    const moved = sql(db(), "SELECT code, anomaly FROM box_events WHERE doc_type = 'dispensing' AND doc_id = ? AND event = 'dispense'").all(
      posted.dispensingIds[0],
    );
    expect(moved).toEqual([{ code: SETTLED, anomaly: null }]);
    expect(sql(db(), 'SELECT state, store_id AS storeId FROM trace_codes WHERE code = ?').get(SETTLED)).toEqual({ state: 'dispensed', storeId: null });

    const r = await h.as('cy01').call('reconciliation.clinic', { from: DAY, to: NEXT_DAY });
    expect(r.codeComparison).toMatchObject({ scanning: true });
    expect(r.codeComparison.note).toContain(`自 ${DAY} 起`);
    const byKind = (k: string) => r.codes.filter((c) => c.kind === k).map((c) => [c.code, c.mdtrtId]);
    expect(byKind('code_not_scanned')).toEqual([[UNSCANNED, 'V7']]);
    expect(byKind('code_not_settled')).toEqual([[NOT_SETTLED, 'T1']]);

    // Undone at the counter, the box is back on the shelf and no longer counts as scanned out.
    await h.as('cy01').call('dispensing.reverse', { id: typed.id, reason: '登记错了' });
    const after = await h.as('cy01').call('reconciliation.clinic', { from: DAY, to: NEXT_DAY });
    expect(after.codes.filter((c) => c.kind === 'code_not_settled')).toEqual([]);
  });
});

function lineId(sn: string): number {
  return (sql(db(), 'SELECT id FROM settlement_lines WHERE feedetl_sn = ?').get(sn) as { id: number }).id;
}
