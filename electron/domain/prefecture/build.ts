/**
 * Builds the prefecture package of one closed month from the hub's own tables (format: shared/prefecture/package.ts).
 * Everything the package says about the month is read here, behind `buildMonthPackage`, so that it can later be
 * re-based on the stored month facts without touching the sending or the server.
 *
 * Version: the number of times the month was closed (a reopen and re-close makes version n+1). The closing
 * snapshot is the latest close's own (period_closings); the opening is the stock at the start of the month as the
 * statements read it (the previous close's snapshot plus any months since).
 */
import { readSnapshot, sql, type ReadDb } from '../../db/database';
import { AppError } from '../../errors';
import { periodBounds } from '../../../shared/dates';
import { PACKAGE_FORMAT, PACKAGE_FORMAT_VERSION, type BuiltPackage, type Manifest, type SectionRows } from '../../../shared/prefecture/package';
import { periodLabel } from '../../../shared/settlement';
import type { Movement } from '../../../shared/stock';
import { RULE_TITLES } from '../../../shared/supervision';
import { balancesAtEnd, balancesAtStart, closeEventOf, snapshotBalances, type StoreBalances } from '../settlement/balances';
import { isPeriodClosed } from '../stock/ledger';
import { clinicAccuracy } from '../stocktake/accuracy';
import { stockoutDays } from '../supervision/dashboard';
import { dismissalsOf, evaluateRules, statusOf } from '../supervision/engine';
import type { HubKey } from './key';
import { sectionsSummary, signManifest } from './seal';

/** Who the hub is to the prefecture: the code and county the prefecture administrator registered it under. */
export interface HubIdentity {
  code: string;
  name: string;
  countyCode: string;
}

export interface HubSigner extends HubIdentity {
  key: HubKey;
}

interface StoreInfo {
  kind: 'hub' | 'clinic' | 'transit';
  clinicCode: string | null;
}

interface DrugInfo {
  nhsaCode: string;
}

/** The close this package is of: how many times the month was closed, and when last. */
export function closeVersion(db: ReadDb, period: string): { version: number; closedAt: string } {
  if (!isPeriodClosed(db, period)) throw new AppError('INVALID_STATE', `${periodLabel(period)}尚未结账，结账后才能上报`);
  const own = sql(db, "SELECT count(*) AS n, max(at) AS at FROM period_events WHERE period = ? AND action = 'close'").get(period) as {
    n: number;
    at: string | null;
  };
  if (own.n > 0) return { version: own.n, closedAt: own.at! };
  // A month without business closes with the next month that has some: that close is its close.
  const covering = sql(db, "SELECT min(at) AS at FROM period_events WHERE period > ? AND action = 'close'").get(period) as { at: string | null };
  return { version: 1, closedAt: covering.at ?? '' };
}

function storeMap(db: ReadDb): Map<number, StoreInfo> {
  const rows = sql(db, 'SELECT s.id, s.kind, c.code AS clinicCode FROM stores s LEFT JOIN clinics c ON c.id = s.clinic_id').all() as ({
    id: number;
  } & StoreInfo)[];
  return new Map(rows.map((r) => [r.id, { kind: r.kind, clinicCode: r.clinicCode }]));
}

function snapshotRowsOf(
  hub: string,
  period: string,
  kind: 'opening' | 'closing',
  balances: StoreBalances,
  stores: Map<number, StoreInfo>,
  drugs: Map<number, DrugInfo>,
): SectionRows['snapshots'] {
  const out: SectionRows['snapshots'] = [];
  for (const [storeId, byDrug] of [...balances].sort((a, b) => a[0] - b[0])) {
    const store = stores.get(storeId)!;
    for (const [drugId, b] of [...byDrug].sort((a, c) => a[0] - c[0])) {
      if (b.qty === 0 && b.value === 0) continue;
      out.push({
        hubCode: hub,
        period,
        kind,
        storeKind: store.kind,
        clinicCode: store.clinicCode,
        nhsaCode: drugs.get(drugId)!.nhsaCode,
        qty: b.qty,
        value: b.value,
      });
    }
  }
  return out;
}

const DOC_HEADERS: Record<string, string> = {
  receipt: `SELECT 'receipt:' || id AS docKey, doc_no AS docNo, NULL AS clinicId, supplier_id AS supplierId, business_date AS businessDate, status, total_amount AS totalAmount FROM receipts`,
  delivery: `SELECT 'delivery:' || id AS docKey, doc_no AS docNo, clinic_id AS clinicId, NULL AS supplierId, business_date AS businessDate, status, total_amount AS totalAmount FROM deliveries`,
  dispensing: `SELECT 'dispensing:' || id AS docKey, coalesce(rx_no, visit_no, '登记#' || id) AS docNo, clinic_id AS clinicId, NULL AS supplierId, business_date AS businessDate, status, total_amount AS totalAmount FROM dispensings`,
  return: `SELECT 'return:' || id AS docKey, doc_no AS docNo, clinic_id AS clinicId, supplier_id AS supplierId, coalesce(business_date, '') AS businessDate, status, total_amount AS totalAmount FROM stock_returns`,
  writeoff: `SELECT 'writeoff:' || w.id AS docKey, w.doc_no AS docNo, s.clinic_id AS clinicId, NULL AS supplierId, coalesce(w.business_date, '') AS businessDate, w.status, w.total_amount AS totalAmount FROM writeoffs w JOIN stores s ON s.id = w.store_id`,
  stocktake: `SELECT 'stocktake:' || id AS docKey, doc_no AS docNo, clinic_id AS clinicId, NULL AS supplierId, coalesce(business_date, start_date) AS businessDate, status, coalesce(surplus_amount, 0) - coalesce(shortage_amount, 0) AS totalAmount FROM stocktakes`,
};

/**
 * The package of a closed month, signed with the hub's key. Reads inside one read transaction, so every
 * section describes the same moment.
 */
export function buildMonthPackage(db: ReadDb, period: string, signer: HubSigner, producedAt: Date): BuiltPackage {
  const read = () => readSections(db, period, signer.code);
  const { sections, version, closedAt } = readSnapshot(db, read);
  const manifest: Manifest = {
    format: PACKAGE_FORMAT,
    formatVersion: PACKAGE_FORMAT_VERSION,
    hub: { code: signer.code, name: signer.name, countyCode: signer.countyCode, keyId: signer.key.keyId },
    period,
    version,
    closedAt,
    producedAt: producedAt.toISOString(),
    publicKey: signer.key.publicKeyBase64,
    sections: sectionsSummary(sections),
  };
  return { manifest, signature: signManifest(manifest, signer.key.privateKey), sections };
}

function readSections(db: ReadDb, period: string, hub: string): { sections: SectionRows; version: number; closedAt: string } {
  const { version, closedAt } = closeVersion(db, period);
  const { first, last } = periodBounds(period);
  const base = { hubCode: hub, period };
  const stores = storeMap(db);
  const clinicCodes = new Map((sql(db, 'SELECT id, code FROM clinics').all() as { id: number; code: string }[]).map((c) => [c.id, c.code]));
  const supplierCodes = new Map((sql(db, 'SELECT id, credit_code AS code FROM suppliers').all() as { id: number; code: string }[]).map((s) => [s.id, s.code]));
  const drugRows = sql(
    db,
    `SELECT id, nhsa_code AS nhsaCode, generic_name AS genericName, dosage_form AS dosageForm, spec, manufacturer, pack_unit AS packUnit, base_unit AS baseUnit,
            pack_size AS packSize, insurance_class AS insuranceClass, essential, vbp, vbp_batch AS vbpBatch, vbp_price AS vbpPrice, reference_price AS referencePrice
       FROM drugs ORDER BY nhsa_code`,
  ).all() as (Omit<SectionRows['drugs'][number], 'hubCode' | 'period' | 'essential' | 'vbp'> & { id: number; essential: number; vbp: number })[];
  const drugs = new Map<number, DrugInfo>(drugRows.map((d) => [d.id, { nhsaCode: d.nhsaCode }]));

  const ledgerRaw = sql(
    db,
    `SELECT g.id, g.store_id AS storeId, g.drug_id AS drugId, g.business_date AS businessDate, g.movement, g.qty, g.unit_cost AS unitCost, g.amount,
            g.doc_type AS docType, g.doc_id AS docId, g.reverses_id AS reversesId, l.batch_no AS batchNo, l.expiry_date AS expiryDate, l.supplier_id AS supplierId
       FROM ledger g JOIN lots l ON l.id = g.lot_id WHERE g.period = ? ORDER BY g.id`,
  ).all(period) as {
    id: number;
    storeId: number;
    drugId: number;
    businessDate: string;
    movement: Movement;
    qty: number;
    unitCost: number;
    amount: number;
    docType: string;
    docId: number;
    reversesId: number | null;
    batchNo: string;
    expiryDate: string;
    supplierId: number | null;
  }[];
  const usedDrugs = new Set<number>();
  const ledger: SectionRows['ledger'] = ledgerRaw.map((g) => {
    const store = stores.get(g.storeId)!;
    usedDrugs.add(g.drugId);
    return {
      ...base,
      ledgerId: g.id,
      storeKind: store.kind,
      clinicCode: store.clinicCode,
      nhsaCode: drugs.get(g.drugId)!.nhsaCode,
      businessDate: g.businessDate,
      movement: g.movement,
      qty: g.qty,
      unitCost: g.unitCost,
      amount: g.amount,
      docType: g.docType,
      docKey: `${g.docType}:${g.docId}`,
      batchNo: g.batchNo,
      expiryDate: g.expiryDate,
      supplierCode: g.supplierId === null ? null : (supplierCodes.get(g.supplierId) ?? null),
      reversesId: g.reversesId,
    };
  });

  const lineCount = new Map<string, number>();
  for (const g of ledger) lineCount.set(g.docKey, (lineCount.get(g.docKey) ?? 0) + 1);
  const documents: SectionRows['documents'] = [];
  for (const [docType, select] of Object.entries(DOC_HEADERS)) {
    const alias = docType === 'writeoff' ? 'w.id' : 'id';
    const rows = sql(db, `${select} WHERE ${alias} IN (SELECT doc_id FROM ledger WHERE period = ? AND doc_type = ?) ORDER BY ${alias}`).all(
      period,
      docType,
    ) as {
      docKey: string;
      docNo: string;
      clinicId: number | null;
      supplierId: number | null;
      businessDate: string;
      status: string;
      totalAmount: number;
    }[];
    for (const d of rows) {
      documents.push({
        ...base,
        docKey: d.docKey,
        docType,
        docNo: d.docNo,
        clinicCode: d.clinicId === null ? null : (clinicCodes.get(d.clinicId) ?? null),
        supplierCode: d.supplierId === null ? null : (supplierCodes.get(d.supplierId) ?? null),
        businessDate: d.businessDate,
        status: d.status,
        totalAmount: d.totalAmount,
        lines: lineCount.get(d.docKey) ?? 0,
      });
    }
  }

  const prices = (
    sql(
      db,
      `SELECT l.drug_id AS drugId, l.batch_no AS batchNo, r.supplier_id AS supplierId, l.pack_price AS packPrice, l.pack_size AS packSize,
              sum(l.qty) AS qty, sum(l.amount) AS amount, count(DISTINCT r.id) AS receipts
         FROM receipts r JOIN receipt_lines l ON l.receipt_id = r.id
        WHERE r.status = 'posted' AND r.business_date BETWEEN ? AND ?
        GROUP BY l.drug_id, l.batch_no, r.supplier_id, l.pack_price, l.pack_size ORDER BY l.drug_id, l.batch_no, r.supplier_id, l.pack_price`,
    ).all(first, last) as {
      drugId: number;
      batchNo: string;
      supplierId: number;
      packPrice: number;
      packSize: number;
      qty: number;
      amount: number;
      receipts: number;
    }[]
  ).map((p) => {
    usedDrugs.add(p.drugId);
    return {
      ...base,
      nhsaCode: drugs.get(p.drugId)!.nhsaCode,
      batchNo: p.batchNo,
      supplierCode: supplierCodes.get(p.supplierId)!,
      packPrice: p.packPrice,
      packSize: p.packSize,
      qty: p.qty,
      amount: p.amount,
      receipts: p.receipts,
    };
  });

  const opening = balancesAtStart(db, period, null).balances;
  const closeEvent = closeEventOf(db, period);
  const closing = closeEvent ? snapshotBalances(db, closeEvent.id, null) : balancesAtEnd(db, period, null);
  const snapshots = [...snapshotRowsOf(hub, period, 'opening', opening, stores, drugs), ...snapshotRowsOf(hub, period, 'closing', closing, stores, drugs)];
  for (const b of [opening, closing])
    for (const byDrug of b.values()) for (const [drugId, v] of byDrug) if (v.qty !== 0 || v.value !== 0) usedDrugs.add(drugId);

  const accuracy: SectionRows['accuracy'] = clinicAccuracy(db, { from: period, to: period, clinicId: null })
    .rows.map((r) => ({ r, m: r.months[0] }))
    .filter(({ m }) => m.stocktakes > 0)
    .map(({ r, m }) => ({
      ...base,
      clinicCode: r.clinicCode,
      stocktakes: m.stocktakes,
      countedLines: m.countedLines,
      matchedLines: m.matchedLines,
      surplusAmount: m.surplusAmount,
      shortageAmount: m.shortageAmount,
    }));

  const stockouts: SectionRows['stockouts'] = stockoutDays(db, null, first, last).flatMap((s) =>
    s.perDrug
      .map((p) => ({ ...base, clinicCode: s.code, nhsaCode: drugs.get(p.drugId)!.nhsaCode, outDays: p.outDates.length }))
      .sort((a, b) => (a.nhsaCode < b.nhsaCode ? -1 : a.nhsaCode > b.nhsaCode ? 1 : 0)),
  );

  const found = evaluateRules(db, { from: first, to: last, clinicId: null });
  const dismissalMap = dismissalsOf(
    db,
    found.map((s) => s.fingerprint),
  );
  const signals: SectionRows['signals'] = found
    .map((s) => ({
      ...base,
      clinicCode: clinicCodes.get(s.clinicId)!,
      fingerprint: s.fingerprint,
      ruleKey: s.ruleKey,
      ruleTitle: RULE_TITLES[s.ruleKey],
      nhsaCodes: s.drugIds.map((id) => drugs.get(id)!.nhsaCode),
      periodFrom: s.periodFrom,
      periodTo: s.periodTo,
      summary: s.summary,
      severity: s.severity,
      numbers: s.numbers,
      status: statusOf(s, dismissalMap.get(s.fingerprint)),
    }))
    .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  const clinicOfSignal = new Map(signals.map((s) => [s.fingerprint, s]));
  const dismissals: SectionRows['dismissals'] = [...dismissalMap].flatMap(([fp, list]) =>
    list.map((d) => ({
      ...base,
      clinicCode: clinicOfSignal.get(fp)!.clinicCode,
      fingerprint: fp,
      ruleKey: clinicOfSignal.get(fp)!.ruleKey,
      severity: d.severity,
      note: d.note,
      dismissedBy: d.dismissedByName,
      dismissedAt: d.dismissedAt,
    })),
  );

  const clinics: SectionRows['clinics'] = (
    sql(db, 'SELECT code, name, village, active FROM clinics ORDER BY code').all() as { code: string; name: string; village: string | null; active: number }[]
  ).map((c) => ({ ...base, clinicCode: c.code, name: c.name, village: c.village, active: c.active === 1 }));
  const suppliers: SectionRows['suppliers'] = (
    sql(db, 'SELECT credit_code AS code, name FROM suppliers ORDER BY credit_code').all() as { code: string; name: string }[]
  ).map((s) => ({
    ...base,
    supplierCode: s.code,
    name: s.name,
  }));
  const drugsSection: SectionRows['drugs'] = drugRows
    .filter((d) => usedDrugs.has(d.id))
    .map(({ id: _id, essential, vbp, ...d }) => ({ ...base, ...d, essential: essential === 1, vbp: vbp === 1 }));

  return {
    version,
    closedAt,
    sections: { clinics, drugs: drugsSection, suppliers, snapshots, ledger, documents, prices, accuracy, stockouts, signals, dismissals, traceEvents: [] },
  };
}
