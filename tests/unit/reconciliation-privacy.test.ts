/**
 * Patients' personal data in settlement details (个人信息保护法): only the mapped fields are kept, names, ID
 * numbers and person numbers are masked unless asked for with a reason, every view of the lines is audited
 * (the unmasking too), a village doctor sees only their own clinic's lines, and a retention purge clears the
 * identity of old lines, itself audited, leaving the reconciliation whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../electron/db/database';
import { createSettlementHub, csvOf, fee, fileOf, importFees, stockClinic, type SettlementHub } from '../helpers/reconciliation';

let h: SettlementHub;
const db = () => h.hub.runtime.app.db;
const DAY = '2026-03-16';

beforeAll(async () => {
  h = await createSettlementHub();
  await stockClinic(h, 0, h.drugs.amox, 240, 'A1');
  await importFees(h, 0, [
    fee('V1', `${DAY} 09:00:00`, h.drugs.amox, 24, 120_000, { sn: 'S1', psnName: '欧阳建华', certno: '430102195001011234', psnNo: '43000000000000009876' }),
  ]);
}, 60_000);
afterAll(() => h.hub.close());

const auditRows = () =>
  sql(db(), "SELECT username, clinic_id AS clinicId, details FROM audit_log WHERE method = 'reconciliation.lines' ORDER BY id").all() as {
    username: string;
    clinicId: number;
    details: string;
  }[];

describe('personal data in settlement details', () => {
  it('keeps only the mapped columns: a diagnosis or an address in the file is never stored', async () => {
    const text = csvOf(
      ['就诊ID', '费用发生时间', '项目编码', '数量', '单价', '金额', '姓名', '诊断名称', '家庭住址', '联系电话'],
      [['V9', `${DAY} 15:00:00`, h.drugs.amox.code, 6, '0.12', '0.72', '孙某', '急性上呼吸道感染', '东湖村三组', '13800000000']],
    );
    const preview = await h.as('cy01').call('reconciliation.importPreview', { file: fileOf('his.csv', text) });
    expect(preview.columns.filter((c) => c.field === null).map((c) => c.header)).toEqual(['诊断名称', '家庭住址', '联系电话']);
    await h.as('cy01').call('reconciliation.importCommit', { file: fileOf('his.csv', text), mapping: preview.mapping, mode: 'all' });
    const dump = JSON.stringify(sql(db(), 'SELECT * FROM settlement_lines').all());
    for (const word of ['急性上呼吸道感染', '东湖村三组', '13800000000']) expect(dump).not.toContain(word);
  });

  it('masks names, ID numbers and person numbers, and records every view', async () => {
    const before = auditRows().length;
    const lines = await h.as('cy01').call('reconciliation.lines', { date: DAY, mdtrtId: 'V1' });
    expect(lines[0]).toMatchObject({ psnName: '欧阳**', certno: '4301**********1234', psnNo: '****************9876', mdtrtId: 'V1', qty: 24 });
    const rows = auditRows();
    expect(rows).toHaveLength(before + 1);
    expect(JSON.parse(rows.at(-1)!.details)).toMatchObject({ view: '结算明细', date: DAY, rows: 1, revealed: false });
    expect(rows.at(-1)!.clinicId).toBe(h.clinics[0].id);
  });

  it('shows them in full only with a reason, and records that', async () => {
    await expect(h.as('cy01').call('reconciliation.lines', { date: DAY, reveal: true })).rejects.toMatchObject({ code: 'VALIDATION' });
    const lines = await h
      .as('caiwu')
      .call('reconciliation.lines', { clinicId: h.clinics[0].id, date: DAY, mdtrtId: 'V1', reveal: true, revealReason: '医保局核查' });
    expect(lines[0]).toMatchObject({ psnName: '欧阳建华', certno: '430102195001011234' });
    expect(JSON.parse(auditRows().at(-1)!.details)).toMatchObject({ revealed: true, reason: '医保局核查' });
    expect(auditRows().at(-1)!.username).toBe('caiwu');
  });

  it('keeps a village doctor to their own clinic (the refusal audited too)', async () => {
    await expect(h.as('cy02').call('reconciliation.lines', { clinicId: h.clinics[0].id, date: DAY })).rejects.toMatchObject({ code: 'FORBIDDEN_CLINIC' });
    const denied = sql(db(), "SELECT outcome FROM audit_log WHERE method = 'reconciliation.lines' AND username = 'cy02'").all();
    expect(denied).toEqual([{ outcome: 'denied' }]);
  });

  it('clears identity past the retention with an audited purge, and the reconciliation stays whole', async () => {
    let admin = h.as('admin');
    expect(await admin.call('reconciliation.settings', {})).toMatchObject({ identityMonths: 36, due: 0 });
    await expect(admin.call('reconciliation.updateSettings', { identityMonths: 1 })).rejects.toMatchObject({ code: 'VALIDATION' });
    // Three years and a month later the lines are past the default retention.
    h.hub.clock.set('2029-04-20T02:00:00.000Z');
    admin = h.as('admin');
    const state = await admin.call('reconciliation.settings', {});
    expect(state).toMatchObject({ cutoff: '2026-04-20', due: 2 });
    // The administrator's workbench says so, and opens the settings page where the purge is.
    const card = async () => (await h.as('admin').call('workbench.todos', {})).items.find((i) => i.key === 'identity_retention')!;
    expect(await card()).toMatchObject({ count: 2, link: '/system/settings', hint: '保存 36 个月：2026-04-20 以前的结算明细' });
    const before = await admin.call('reconciliation.clinic', { clinicId: h.clinics[0].id, from: DAY, to: DAY });
    expect(await admin.call('reconciliation.purge', {})).toEqual({ cleared: 2, cutoff: '2026-04-20' });
    expect(sql(db(), 'SELECT count(*) AS n FROM settlement_lines WHERE psn_name IS NOT NULL OR certno IS NOT NULL OR psn_no IS NOT NULL').get()).toEqual({
      n: 0,
    });
    const purge = sql(db(), "SELECT details FROM audit_log WHERE method = 'reconciliation.purge'").get() as { details: string };
    expect(JSON.parse(purge.details)).toMatchObject({ purge: { cleared: 2, cutoff: '2026-04-20' } });
    expect(await admin.call('reconciliation.clinic', { clinicId: h.clinics[0].id, from: DAY, to: DAY })).toEqual(before);
    expect((await admin.call('reconciliation.settings', {})).due).toBe(0);
    expect(await card()).toMatchObject({ count: 0, hint: null });
    // Only the administrator purges.
    await expect(h.as('yaoku').call('reconciliation.purge', {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
