import type { WriteDb } from '../../db/database';
/**
 * Patients' personal data in settlement details (个人信息保护法: health data is sensitive personal
 * information). Only what the reconciliation and the 3505/3506 upload need is kept (import.ts never stores an
 * unmapped column: no diagnosis, age, sex, address, phone). On screen the name, the ID number and the
 * insurance person number are masked unless the viewer asks, with a reason; every view of the lines is an
 * audited read (the audit row says whether it was unmasked and why). After the hub's retention they are
 * cleared, by a purge that is itself audited; what remains (quantities, amounts, visit and settlement ids)
 * keeps the reconciliation whole.
 */
import { sql, type ReadDb } from '../../db/database';
import { rows as selectRows, given, sql as query } from '../../db/sql';
import type { MethodOutput } from '../../../shared/contract';
import { addMonths } from '../../../shared/dates';
import { IDENTITY_RETENTION, maskCertno, maskName, maskPsnNo } from '../../../shared/reconciliation';
import { getSetting, setSetting } from '../settings';

export function identityMonths(db: ReadDb): number {
  const raw = Number(getSetting(db, 'reconciliation.identityMonths'));
  return Number.isSafeInteger(raw) && raw >= IDENTITY_RETENTION.min && raw <= IDENTITY_RETENTION.max ? raw : IDENTITY_RETENTION.default;
}

export function setIdentityMonths(db: WriteDb, months: number): void {
  setSetting(db, 'reconciliation.identityMonths', String(months));
}

/** Lines of visits before this day lose their identity at the next purge. */
export function retentionCutoff(db: ReadDb, today: string): string {
  return addMonths(today, -identityMonths(db));
}

export function retentionState(db: ReadDb, today: string) {
  const cutoff = retentionCutoff(db, today);
  const due = sql(
    db,
    `SELECT count(*) AS n FROM settlement_lines INDEXED BY settlement_lines_identity
      WHERE identity_purged_at IS NULL AND business_date < ? AND (psn_name IS NOT NULL OR certno IS NOT NULL OR psn_no IS NOT NULL)`,
  ).get(cutoff) as { n: number };
  return { identityMonths: identityMonths(db), cutoff, due: due.n, lastPurgeAt: getSetting(db, 'reconciliation.lastPurgeAt') };
}

/** Clears the identity of every line past the retention. Runs in the caller's (audited) write transaction. */
export function purgeIdentity(db: WriteDb, today: string, now: Date): { cleared: number; cutoff: string } {
  const cutoff = retentionCutoff(db, today);
  const { changes } = sql(
    db,
    `UPDATE settlement_lines SET psn_name = NULL, certno = NULL, psn_no = NULL, identity_purged_at = ?
      WHERE identity_purged_at IS NULL AND business_date < ? AND (psn_name IS NOT NULL OR certno IS NOT NULL OR psn_no IS NOT NULL)`,
  ).run(now.toISOString(), cutoff);
  setSetting(db, 'reconciliation.lastPurgeAt', now.toISOString());
  return { cleared: changes, cutoff };
}

type SettlementLine = MethodOutput<'reconciliation.lines'>[number];

export interface LineFilter {
  clinicId: number;
  date: string;
  drugId?: number;
  medListCodg?: string;
  mdtrtId?: string;
}

/** Settlement lines of one clinic and day, identity masked unless `reveal`. */
export function settlementLinesView(db: ReadDb, f: LineFilter, reveal: boolean) {
  const filters = query.where([
    query`s.clinic_id = ${f.clinicId}`,
    query`s.business_date = ${f.date}`,
    ...given(f.drugId, (id) => query`s.drug_id = ${id}`),
    ...given(f.medListCodg, (code) => query`s.med_list_codg = ${code}`),
    ...given(f.mdtrtId, (id) => query`s.mdtrt_id = ${id}`),
  ]);
  const rows = selectRows<Omit<SettlementLine, 'reversal' | 'reversed' | 'traceCodes'> & { reversesId: number | null; reversed: number | null }>(
    db,
    query`SELECT s.id, s.business_date AS date, s.fee_time AS feeTime, s.mdtrt_id AS mdtrtId, s.setl_id AS setlId, s.rx_no AS rxNo, s.drug_id AS drugId,
            coalesce(d.generic_name, s.item_name) AS drugName, d.spec, d.pack_size AS packSize, d.pack_unit AS packUnit, d.base_unit AS baseUnit,
            s.med_list_codg AS medListCodg, s.file_cnt AS fileCnt, s.qty, s.amount, s.reverses_id AS reversesId,
            (SELECT 1 FROM settlement_lines r WHERE r.reverses_id = s.id) AS reversed, s.doctor_name AS doctorName,
            s.psn_name AS psnName, s.certno, s.psn_no AS psnNo, (SELECT p.dispensing_id FROM settlement_postings p WHERE p.line_id = s.id) AS postedDispensingId
       FROM settlement_lines s INDEXED BY settlement_lines_day LEFT JOIN drugs d ON d.id = s.drug_id
      ${filters}
      ORDER BY s.fee_time, s.id`,
  );
  const codes = sql(db, 'SELECT code FROM settlement_trace_codes WHERE line_id = ? ORDER BY code');
  return rows.map(({ reversesId, reversed, ...r }) => ({
    ...r,
    reversal: reversesId !== null || r.amount < 0,
    reversed: reversed === 1,
    psnName: reveal ? r.psnName : maskName(r.psnName),
    certno: reveal ? r.certno : maskCertno(r.certno),
    psnNo: reveal ? r.psnNo : maskPsnNo(r.psnNo),
    traceCodes: (codes.all(r.id) as { code: string }[]).map((c) => c.code),
  }));
}
