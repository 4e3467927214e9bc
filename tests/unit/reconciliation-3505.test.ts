/**
 * 3505 (销售) of a reconciled month: the sales posted from settlement details, and those typed with the visit's
 * number, carry the settlement's fields a strict platform requires (setl_id, mdtrt_sn, hi_feesetl_type,
 * mdtrt_setl_type, psn_cert_type, prsc_dr_name, psn_no), the settlement types as the file gave them or, when it has no
 * such column, 1 (a settled line was settled by the fund); the patient's name and ID number never leave with it, and
 * the workbook says it holds 人员编号; dispensing with no settlement behind it keeps them empty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExcel } from '../../electron/domain/excel';
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
    fee('V2', `${DAY} 09:30:00`, h.drugs.ibu, 10, 490_000, {
      sn: 'S2',
      setl: 'SETL-0002',
      psnNo: '43000000000000005678',
      hiFeesetlType: '1',
      mdtrtSetlType: '2',
    }),
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
      // The insured person's number, which the platform links the sale by; the name and ID number stay out of the upload.
      psn_no: '43000000000000001234',
      certno: '',
      psn_name: '',
    });
  });

  it('fills them for a sale typed with the visit number the settlement names', () => {
    const v2 = sales.find((r) => r.rxno === 'CF-0002')!;
    expect(v2).toMatchObject({
      setl_id: 'SETL-0002',
      psn_no: '43000000000000005678',
      mdtrt_sn: 'V2',
      hi_feesetl_type: '1',
      mdtrt_setl_type: '2',
      psn_cert_type: '01',
      prsc_dr_name: '王建国',
    });
  });

  it('leaves them empty for dispensing with no settlement behind it', () => {
    const unsettled = sales.find((r) => r.mdtrt_sn === '' && r.sel_retn_cnt === 6)!;
    expect(unsettled).toMatchObject({ setl_id: '', psn_no: '', hi_feesetl_type: '', mdtrt_setl_type: '', psn_cert_type: '', prsc_dr_name: '' });
  });

  it('says in the workbook that it holds the insured persons’ numbers, and never their names or ID numbers', async () => {
    const store = (await h.as('yaoku').call('stock.stores', {})).find((s) => s.kind === 'clinic' && s.clinicId === h.clinics[0].id)!;
    const file = await h.as('yaoku').call('insuranceExport.download', { period: '2026-03', storeId: store.id, format: 'xlsx' });
    const wb = new (await loadExcel()).Workbook();
    await wb.xlsx.load(Buffer.from(file.base64, 'base64') as never);
    const info: string[] = [];
    wb.getWorksheet('说明')!.eachRow((r) => info.push((r.values as unknown[]).slice(1).join(' ')));
    expect(info.find((l) => l.startsWith('个人信息'))).toContain('本文件有 2 行含参保人人员编号');
    let cells = '';
    for (const ws of wb.worksheets) ws.eachRow((r) => (cells += JSON.stringify(r.values)));
    expect(cells).toContain('43000000000000005678');
    expect(cells).not.toMatch(/赵某某|430102195001011234/);
  });
});
