/**
 * The receipt's one scan box routes each box to its line by what the code says of itself: the 20-digit code's
 * prefix, the GS1 code's GTIN and batch; a maker's code goes to the line last scanned into. A code of no drug on
 * the order, a box scanned twice, a batch that fits no line and a line already full are said at once.
 */
import { describe, expect, it } from 'vitest';
import { routeReceiptScan, type ScanLine } from '../../renderer/src/pages/stock/receiptScan';
import { parseBoxCode } from '../../shared/traceCodes';

const AMOX_GTIN = '06901234567892';
const line = (key: string, more: Partial<ScanLine>): ScanLine => ({
  key,
  drugName: key === 'ibu' ? '布洛芬缓释胶囊' : '阿莫西林胶囊',
  tracePrefix: null,
  gtin: null,
  batchNo: '',
  traceCodes: [],
  boxes: 3,
  scanned: 0,
  ...more,
});
const scan = (raw: string, lines: ScanLine[], last?: string) => {
  const p = parseBoxCode(raw);
  if (!p.ok) throw new Error(p.message);
  return routeReceiptScan(p.value.code, p.value, lines, last);
};

describe('routing a scanned box to its receipt line', () => {
  it('goes by the 20-digit prefix and by the GS1 GTIN, whichever line was scanned last', () => {
    const lines = [line('amox', { gtin: AMOX_GTIN }), line('ibu', { tracePrefix: '8654321' })];
    expect(scan('86543210000000000012', lines, 'amox')).toEqual({ ok: true, lineKey: 'ibu', message: '布洛芬缓释胶囊：已扫 1/3 盒' });
    expect(scan(`(01)${AMOX_GTIN}(17)281031(10)A2611(21)S1`, lines, 'ibu')).toEqual({
      ok: true,
      lineKey: 'amox',
      message: '阿莫西林胶囊 批号 A2611：已扫 1/3 盒',
    });
  });

  it('says at once when the code is no drug of the order, or was scanned already', () => {
    const lines = [
      line('amox', { gtin: AMOX_GTIN, tracePrefix: '8111111', traceCodes: [`01${AMOX_GTIN}21S1`], scanned: 1 }),
      line('ibu', { tracePrefix: '8654321' }),
    ];
    expect(scan('81234560000000000012', lines)).toMatchObject({ ok: false, kind: 'wrong_drug', message: expect.stringContaining('前 7 位 8123456') });
    expect(scan(`(01)${AMOX_GTIN}(21)S1`, lines)).toMatchObject({ ok: false, kind: 'duplicate', message: expect.stringContaining('已经扫过') });
  });

  it('puts a GS1 box on the line of its batch, or on a line without one; refuses a batch that fits no line', () => {
    const split = [line('a1', { gtin: AMOX_GTIN, batchNo: 'A2611' }), line('a2', { gtin: AMOX_GTIN })];
    expect(scan(`(01)${AMOX_GTIN}(10)A2611(21)S2`, split)).toMatchObject({ ok: true, lineKey: 'a1' });
    expect(scan(`(01)${AMOX_GTIN}(10)B0001(21)S3`, split)).toMatchObject({ ok: true, lineKey: 'a2' });
    const filled = [line('a1', { gtin: AMOX_GTIN, batchNo: 'A2611' })];
    expect(scan(`(01)${AMOX_GTIN}(10)B0001(21)S4`, filled)).toMatchObject({ ok: false, kind: 'batch', message: expect.stringContaining('拆分批次') });
  });

  it('sends a maker’s code to the line last scanned into, and stops a line at its box count', () => {
    const lines = [line('amox', {}), line('ibu', {})];
    expect(scan('ZJYY2026BOX0001', lines, 'ibu')).toMatchObject({ ok: true, lineKey: 'ibu' });
    const full = [line('amox', { boxes: 1, scanned: 1, traceCodes: ['ZJYY2026BOX0001'] })];
    expect(scan('ZJYY2026BOX0002', full)).toMatchObject({ ok: false, kind: 'full', message: expect.stringContaining('已扫 1/1 盒，已扫满') });
  });
});
