/**
 * The boxes a clinic scanned when it dispensed: what the reconciliation compares the settled boxes' codes
 * (drug_trac_codg) with. Scanning at dispensing belongs to the traceability work (issue 16), built in
 * parallel; the comparison is written against this small port, and today's source says honestly that nothing
 * is scanned at dispensing yet. When dispensing scans arrive, `scanningSince` returns the day scanning began
 * and `codesDispensed` the codes, and the differences `code_not_scanned` / `code_not_settled` light up with no
 * change to the reconciliation.
 */
import type { ReadDb } from '../../db/database';

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

/** Today: receipts record codes per lot, dispensing records none. */
export const dispensedCodes: DispensedCodeSource = {
  scanningSince: () => null,
  codesDispensed: () => [],
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
  for (const d of scanned) {
    if (!settledCodes.has(d.code)) out.push({ kind: 'code_not_settled', code: d.code, date: d.date, mdtrtId: d.visitNo, drugId: d.drugId });
  }
  return out;
}
