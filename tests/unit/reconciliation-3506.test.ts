/**
 * 3506 (销售退货) of a reconciled month: reversing a dispensing entry is a sale taken back, and its rows carry the
 * settlement fields of the sale they take back (setl_id, psn_no, psn_cert_type, mdtrt_sn) — posted from the settlement
 * line, or typed with the visit number, even once the client reversed (冲正) the settlement itself; the patient's
 * name and ID number never leave with it; a reversed entry with no settlement behind it keeps them empty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../electron/db/database';
import { createSettlementHub, fee, importFees, stockClinic, type SettlementHub } from '../helpers/reconciliation';

let h: SettlementHub;
const DAY = '2026-03-16';
type Row = Record<string, unknown>;
let returns: Row[];
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
  // V1 posted from its settlement line; V2 typed with the visit's number; a third never settled.
  const review = await doctor.call('reconciliation.postingPreview', { date: DAY });
  await doctor.call('reconciliation.post', { date: DAY, lineIds: review.lines.filter((l) => l.mdtrtId === 'V1').map((l) => l.lineId) });
  await doctor.call('dispensing.create', { businessDate: DAY, visitNo: 'V2', rxNo: 'CF-0002', lines: [{ drugId: h.drugs.ibu.id, qty: 10 }] });
  await doctor.call('dispensing.create', { businessDate: DAY, visitNo: null, rxNo: 'CF-0003', lines: [{ drugId: h.drugs.amox.id, qty: 6 }] });
  // The afternoon: V2's settlement reversed in the client, and all three entries reversed in the book.
  await importFees(h, 0, [{ ...fee('V2', `${DAY} 15:00:00`, h.drugs.ibu, -10, 490_000), sn: 'S2-R', init: 'S2', setl: 'SETL-0002' }], 'reversal.csv');
  const entries = sql(h.hub.runtime.app.db, 'SELECT id FROM dispensings WHERE clinic_id = ? ORDER BY id').all(h.clinics[0].id) as { id: number }[];
  for (const e of entries) await doctor.call('dispensing.reverse', { id: e.id, reason: '患者退药' });
  const store = (await h.as('yaoku').call('stock.stores', {})).find((s) => s.kind === 'clinic' && s.clinicId === h.clinics[0].id)!;
  const file = await h.as('yaoku').call('insuranceExport.download', { period: '2026-03', storeId: store.id, format: 'json' });
  const json = JSON.parse(Buffer.from(file.base64, 'base64').toString('utf8')) as Record<string, Row[]>;
  returns = json['3506'];
  sales = json['3505'];
}, 120_000);
afterAll(() => h.hub.close());

const settlementFields = (r: Row) => ({
  setl_id: r.setl_id,
  psn_cert_type: r.psn_cert_type,
  mdtrt_sn: r.mdtrt_sn,
  psn_no: r.psn_no,
  certno: r.certno,
  psn_name: r.psn_name,
  sel_retn_cnt: r.sel_retn_cnt,
});

describe('3506 of a reconciled month', () => {
  it('has one return row per reversed sale', () => {
    expect(returns).toHaveLength(3);
    expect(sales).toHaveLength(3);
  });

  it('fills the settlement fields of a return of a sale posted from its settlement line', () => {
    const v1 = returns.filter((r) => r.mdtrt_sn === 'V1');
    expect(v1.map(settlementFields)).toEqual([
      { setl_id: 'SETL-0001', psn_cert_type: '01', mdtrt_sn: 'V1', psn_no: '43000000000000001234', certno: '', psn_name: '', sel_retn_cnt: 24 },
    ]);
  });

  it('fills them for a sale typed with the visit number, though the client reversed the settlement too', () => {
    const v2 = returns.filter((r) => r.mdtrt_sn === 'V2');
    expect(v2.map(settlementFields)).toEqual([
      { setl_id: 'SETL-0002', psn_cert_type: '01', mdtrt_sn: 'V2', psn_no: '43000000000000001234', certno: '', psn_name: '', sel_retn_cnt: 10 },
    ]);
  });

  it('leaves them empty for the return of a sale with no settlement behind it', () => {
    const unsettled = returns.filter((r) => r.mdtrt_sn === '');
    expect(unsettled.map(settlementFields)).toEqual([{ setl_id: '', psn_cert_type: '', mdtrt_sn: '', psn_no: '', certno: '', psn_name: '', sel_retn_cnt: 6 }]);
  });

  it('each return names the same settlement as the sale it takes back, where that sale still has a standing settlement', () => {
    const sale = sales.find((r) => r.mdtrt_sn === 'V1')!;
    const back = returns.find((r) => r.mdtrt_sn === 'V1')!;
    for (const field of ['setl_id', 'psn_cert_type', 'mdtrt_sn', 'med_list_codg', 'fixmedins_bchno', 'manu_lotnum'] as const) {
      expect(back[field], field).toBe(sale[field]);
    }
  });
});
