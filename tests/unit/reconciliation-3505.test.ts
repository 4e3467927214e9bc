/**
 * 3505 (销售) of a reconciled month: the sales posted from settlement details, and those typed with the visit's
 * number, carry the settlement's fields a strict platform requires (setl_id, mdtrt_sn, hi_feesetl_type,
 * mdtrt_setl_type, psn_cert_type, prsc_dr_name); the patient's identity never leaves with it; dispensing with
 * no settlement behind it keeps them empty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSettlementHub, fee, importFees, stockClinic, type SettlementHub } from '../helpers/reconciliation';

let h: SettlementHub;
const DAY = '2026-03-16';
type Row = Record<string, unknown>;
let sales: Row[];

beforeAll(async () => {
  h = await createSettlementHub();
  await stockClinic(h, 0, h.drugs.amox, 240, 'A2601');
  await stockClinic(h, 0, h.drugs.ibu, 200, 'I2601');
  const doctor = h.as('cy01');
  await importFees(h, 0, [
    fee('V1', `${DAY} 09:00:00`, h.drugs.amox, 24, 120_000, { sn: 'S1', setl: 'SETL-0001', doctor: '李医生' }),
    fee('V2', `${DAY} 09:30:00`, h.drugs.ibu, 10, 490_000, { sn: 'S2', setl: 'SETL-0002' }),
  ]);
  // V1 posted from its settlement line (record once); V2 typed by hand with the visit's number; a third never settled.
  const review = await doctor.call('reconciliation.postingPreview', { date: DAY });
  await doctor.call('reconciliation.post', { date: DAY, lineIds: review.lines.filter((l) => l.mdtrtId === 'V1').map((l) => l.lineId) });
  await doctor.call('dispensing.create', { businessDate: DAY, visitNo: 'V2', rxNo: 'CF-0002', lines: [{ drugId: h.drugs.ibu.id, qty: 10 }] });
  await doctor.call('dispensing.create', { businessDate: DAY, visitNo: null, lines: [{ drugId: h.drugs.amox.id, qty: 6 }] });
  const store = (await h.as('yaoku').call('stock.stores', {})).find((s) => s.kind === 'clinic' && s.clinicId === h.clinics[0].id)!;
  const file = await h.as('yaoku').call('insuranceExport.download', { period: '2026-03', storeId: store.id, format: 'json' });
  sales = (JSON.parse(Buffer.from(file.base64, 'base64').toString('utf8')) as Record<string, Row[]>)['3505'];
}, 120_000);
afterAll(() => h.hub.close());

describe('3505 of a reconciled month', () => {
  it('fills the settlement fields of a sale posted from its settlement line', () => {
    const v1 = sales.filter((r) => r.mdtrt_sn === 'V1');
    expect(v1).toHaveLength(1);
    expect(v1[0]).toMatchObject({
      setl_id: 'SETL-0001',
      mdtrt_sn: 'V1',
      hi_feesetl_type: '1',
      mdtrt_setl_type: '1',
      psn_cert_type: '01',
      prsc_dr_name: '李医生',
      sel_retn_cnt: 24,
      // The patient's identity stays out of the upload.
      psn_no: '',
      certno: '',
      psn_name: '',
    });
  });

  it('fills them for a sale typed with the visit number the settlement names', () => {
    const v2 = sales.find((r) => r.rxno === 'CF-0002')!;
    expect(v2).toMatchObject({ setl_id: 'SETL-0002', mdtrt_sn: 'V2', hi_feesetl_type: '1', mdtrt_setl_type: '1', psn_cert_type: '01', prsc_dr_name: '王建国' });
  });

  it('leaves them empty for dispensing with no settlement behind it', () => {
    const unsettled = sales.find((r) => r.mdtrt_sn === '' && r.sel_retn_cnt === 6)!;
    expect(unsettled).toMatchObject({ setl_id: '', hi_feesetl_type: '', mdtrt_setl_type: '', psn_cert_type: '', prsc_dr_name: '' });
  });
});
