/**
 * What a prefecture package says that can change after a close: the master data its rows are named by (clinics,
 * stores, drugs, suppliers) and the month's signals with their status and dismissals. Read here once, for two
 * uses: the month-facts worker stores it at the close (kind 'package'), and the package builder reads it live for
 * a month whose facts are not stored yet. One function each, so the stored and the live build cannot drift apart.
 */
import { sql, type ReadDb } from '../../db/database';
import type { SectionRows } from '../../../shared/prefecture/package';
import { RULE_TITLES } from '../../../shared/supervision';
import { dismissalsOf, statusOf } from '../supervision/engine';
import type { Signal } from '../supervision/types';

type Without<T> = Omit<T, 'hubCode' | 'period'>;

/** The hub's master data as the builder names rows by it: ids to codes, and the clinics, drugs and suppliers sections. */
export interface PackageBasis {
  clinics: (Without<SectionRows['clinics'][number]> & { id: number })[];
  stores: { id: number; kind: 'hub' | 'clinic' | 'transit'; clinicId: number | null }[];
  drugs: (Without<SectionRows['drugs'][number]> & { id: number })[];
  suppliers: (Without<SectionRows['suppliers'][number]> & { id: number })[];
}

/** The month's signals (sorted by fingerprint) and their dismissals, in the package's words (codes, not ids). */
export interface PackageSignals {
  signals: Without<SectionRows['signals'][number]>[];
  dismissals: Without<SectionRows['dismissals'][number]>[];
}

const byText =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

export function readPackageBasis(db: ReadDb): PackageBasis {
  const clinics = (
    sql(db, 'SELECT id, code, name, village, active FROM clinics ORDER BY code').all() as {
      id: number;
      code: string;
      name: string;
      village: string | null;
      active: number;
    }[]
  ).map((c) => ({ id: c.id, clinicCode: c.code, name: c.name, village: c.village, active: c.active === 1 }));
  const stores = sql(db, 'SELECT id, kind, clinic_id AS clinicId FROM stores ORDER BY id').all() as PackageBasis['stores'];
  const drugs = (
    sql(
      db,
      `SELECT id, nhsa_code AS nhsaCode, generic_name AS genericName, dosage_form AS dosageForm, spec, manufacturer, pack_unit AS packUnit, base_unit AS baseUnit,
              pack_size AS packSize, insurance_class AS insuranceClass, essential, vbp, vbp_batch AS vbpBatch, vbp_price AS vbpPrice, reference_price AS referencePrice
         FROM drugs ORDER BY nhsa_code`,
    ).all() as (Omit<PackageBasis['drugs'][number], 'essential' | 'vbp'> & { essential: number; vbp: number })[]
  ).map((d) => ({ ...d, essential: d.essential === 1, vbp: d.vbp === 1 }));
  const suppliers = sql(db, 'SELECT id, credit_code AS supplierCode, name FROM suppliers ORDER BY credit_code').all() as PackageBasis['suppliers'];
  return { clinics, stores, drugs, suppliers };
}

/** The signals a month's rules found, with the status and dismissals they have now (at the close, for the stored ones). */
export function packageSignals(db: ReadDb, found: Signal[], basis: PackageBasis): PackageSignals {
  const clinicCode = new Map(basis.clinics.map((c) => [c.id, c.clinicCode]));
  const nhsaCode = new Map(basis.drugs.map((d) => [d.id, d.nhsaCode]));
  const dismissalMap = dismissalsOf(
    db,
    found.map((s) => s.fingerprint),
  );
  const signals = found
    .map((s) => ({
      clinicCode: clinicCode.get(s.clinicId)!,
      fingerprint: s.fingerprint,
      ruleKey: s.ruleKey,
      ruleTitle: RULE_TITLES[s.ruleKey],
      nhsaCodes: s.drugIds.map((id) => nhsaCode.get(id)!),
      periodFrom: s.periodFrom,
      periodTo: s.periodTo,
      summary: s.summary,
      severity: s.severity,
      numbers: s.numbers,
      status: statusOf(s, dismissalMap.get(s.fingerprint)),
    }))
    .sort(byText((s) => s.fingerprint));
  const seen = new Set<string>();
  const dismissals = signals.flatMap((s) => {
    if (seen.has(s.fingerprint)) return [];
    seen.add(s.fingerprint);
    return (dismissalMap.get(s.fingerprint) ?? []).map((d) => ({
      clinicCode: s.clinicCode,
      fingerprint: s.fingerprint,
      ruleKey: s.ruleKey,
      severity: d.severity,
      note: d.note,
      dismissedBy: d.dismissedByName,
      dismissedAt: d.dismissedAt,
    }));
  });
  return { signals, dismissals };
}

/** What the month-facts worker stores for the package at the close (see month-facts/store.ts, kind 'package'). */
export interface PackageFacts {
  basis: PackageBasis;
  signals: PackageSignals;
}

export function packageFactsOf(db: ReadDb, found: Signal[]): PackageFacts {
  const basis = readPackageBasis(db);
  return { basis, signals: packageSignals(db, found, basis) };
}
