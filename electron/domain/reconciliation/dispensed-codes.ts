/**
 * The boxes a clinic scanned when it dispensed: what the reconciliation compares the settled boxes' codes
 * (drug_trac_codg) with. A box leaves a clinic's shelf at dispensing with a `dispense` box event (stock/dispensing.ts),
 * whether it was scanned at the 用药登记 screen, taken from a box opened earlier (开盒扫码一次), or named by the
 * settlement line the entry was posted from (一次录入); a code that named no box of the clinic is recorded as an
 * event too (its anomaly says why), because it was scanned all the same. The comparison is written against the
 * small port below, so a test can plant scans without building the boxes' whole chain.
 */
import { sql, type ReadDb } from '../../db/database';

export interface DispensedCode {
  code: string;
  date: string;
  /** The dispensing's visit number (= the settlement's 就诊ID when recorded from it); null when none was given. */
  visitNo: string | null;
  drugId: number;
  dispensingId: number;
}

export interface DispensedCodeSource {
  /** The first day the clinic scanned boxes at dispensing, or null when it never has (no comparison is possible). */
  scanningSince(db: ReadDb, clinicId: number): string | null;
  /** Codes scanned at dispensing in [from, to] (posted dispensings, reversals left out). */
  codesDispensed(db: ReadDb, clinicId: number, from: string, to: string): DispensedCode[];
}

/** The clinic's `dispense` box events of entries still posted (a reversed entry put its boxes back). */
export const dispensedCodes: DispensedCodeSource = {
  scanningSince(db, clinicId) {
    const row = sql(db, "SELECT min(business_date) AS since FROM box_events INDEXED BY box_events_dispensed WHERE clinic_id = ? AND event = 'dispense'").get(
      clinicId,
    ) as { since: string | null };
    return row.since;
  },
  codesDispensed(db, clinicId, from, to) {
    return sql(
      db,
      `SELECT e.code, e.business_date AS date, d.visit_no AS visitNo, e.drug_id AS drugId, d.id AS dispensingId
         FROM box_events e INDEXED BY box_events_dispensed JOIN dispensings d ON d.id = e.doc_id
        WHERE e.clinic_id = ? AND e.event = 'dispense' AND e.business_date BETWEEN ? AND ? AND e.doc_type = 'dispensing' AND d.status = 'posted'
        ORDER BY e.business_date, e.id`,
    ).all(clinicId, from, to) as DispensedCode[];
  },
};

export interface SettledCode {
  code: string;
  date: string;
  mdtrtId: string;
  drugId: number | null;
}

export interface ScanDifference {
  kind: 'code_not_scanned' | 'code_not_settled';
  code: string;
  date: string;
  mdtrtId: string | null;
  drugId: number | null;
}

/**
 * Settled boxes against scanned boxes from the day scanning began: a box the fund paid for that nobody
 * scanned out, and a box scanned out that the fund never paid for (self-paid ones included: the screen says
 * so). Matched by code alone (the same box is the same box whatever the visit's number says).
 */
export function compareScans(settled: SettledCode[], scanned: DispensedCode[], since: string | null): ScanDifference[] {
  if (since === null) return [];
  const out: ScanDifference[] = [];
  const scannedCodes = new Set(scanned.map((s) => s.code));
  const settledCodes = new Set(settled.map((s) => s.code));
  for (const s of settled) {
    if (s.date >= since && !scannedCodes.has(s.code)) out.push({ kind: 'code_not_scanned', code: s.code, date: s.date, mdtrtId: s.mdtrtId, drugId: s.drugId });
  }
  // An opened box (拆零) is scanned out at each take: one difference per box, at its first take.
  const named = new Set<string>();
  for (const d of scanned) {
    if (settledCodes.has(d.code) || named.has(d.code)) continue;
    named.add(d.code);
    out.push({ kind: 'code_not_settled', code: d.code, date: d.date, mdtrtId: d.visitNo, drugId: d.drugId });
  }
  return out;
}
