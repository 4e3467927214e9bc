/**
 * Builds the prefecture package of one closed month from the hub's own tables (format: shared/prefecture/package.ts).
 * Everything the package says about the month is read here, behind `buildMonthPackage`. What can change after the
 * close (master data, signals and their dismissals) and what the close computes anyway (accuracy, stock-out days)
 * come from the month facts stored at the close when they are there (`closeView`), so every send of a version
 * carries the same content; the ledger, snapshots, documents and prices are fixed once the month is closed.
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
import { balancesAtEnd, balancesAtStart, closeEventOf, snapshotBalances, type StoreBalances } from '../settlement/balances';
import { isPeriodClosed } from '../stock/ledger';
import { clinicAccuracy } from '../stocktake/accuracy';
import { stockoutDays } from '../supervision/dashboard';
import { evaluateRules } from '../supervision/engine';
import { type FactKind, readAccuracyFacts, readPackageFacts, readStoreDrugFacts, validMonths } from '../month-facts/store';
import { packageFactsOf, type PackageFacts } from './basis';
import { traceEventRows } from './trace-events';
import type { HubSigner } from './key';

export type { HubIdentity, HubSigner } from './key';
import { encodePackage, sectionsSummary, signManifest } from './seal';

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
  const { sections, version, closedAt, builtFrom } = readSnapshot(db, read);
  const manifest: Manifest = {
    format: PACKAGE_FORMAT,
    formatVersion: PACKAGE_FORMAT_VERSION,
    hub: { code: signer.code, name: signer.name, countyCode: signer.countyCode, keyId: signer.key.keyId },
    period,
    version,
    closedAt,
    builtFrom,
    producedAt: producedAt.toISOString(),
    publicKey: signer.key.publicKeyBase64,
    sections: sectionsSummary(sections),
  };
  return { manifest, signature: signManifest(manifest, signer.key.privateKey), sections };
}

/**
 * Where the sections that can change after a close come from: the month facts the close stored (kind 'package'
 * with the month's figures and accuracy), or — while they are not stored yet (the close's worker still running, a
 * refill pending) — the live tables, as the manifest's `builtFrom` says.
 */
function closeView(db: ReadDb, period: string) {
  const kinds: FactKind[] = ['package', 'figures', 'accuracy'];
  const stored = kinds.every((k) => validMonths(db, k, [period]).has(period)) ? readPackageFacts<PackageFacts>(db, period) : null;
  if (stored) return { builtFrom: 'facts' as const, ...stored };
  const { first, last } = periodBounds(period);
  return { builtFrom: 'live' as const, ...packageFactsOf(db, evaluateRules(db, { from: first, to: last, clinicId: null })) };
}

const codesOf = (r: { clinicCode: string | null; nhsaCode?: string }) => `${r.clinicCode ?? ''}\u0000${r.nhsaCode ?? ''}`;
/** Store rows in one order whichever way they were read: by clinic (the hub store first), then drug. */
const byCodes = (a: { clinicCode: string | null; nhsaCode?: string }, b: { clinicCode: string | null; nhsaCode?: string }) =>
  codesOf(a) < codesOf(b) ? -1 : codesOf(a) > codesOf(b) ? 1 : 0;

function readSections(db: ReadDb, period: string, hub: string): { sections: SectionRows; version: number; closedAt: string; builtFrom: 'facts' | 'live' } {
  const { version, closedAt } = closeVersion(db, period);
  const { first, last } = periodBounds(period);
  const base = { hubCode: hub, period };
  const view = closeView(db, period);
  const { basis } = view;
  const clinicCodes = new Map(basis.clinics.map((c) => [c.id, c.clinicCode]));
  const stores = new Map<number, StoreInfo>(
    basis.stores.map((s) => [s.id, { kind: s.kind, clinicCode: s.clinicId === null ? null : (clinicCodes.get(s.clinicId) ?? null) }]),
  );
  const supplierCodes = new Map(basis.suppliers.map((s) => [s.id, s.supplierCode]));
  const drugs = new Map<number, DrugInfo>(basis.drugs.map((d) => [d.id, { nhsaCode: d.nhsaCode }]));
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
      hubCode: hub,
      period,
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
  const docIds = new Map<string, Set<number>>();
  for (const g of ledgerRaw) {
    const key = `${g.docType}:${g.docId}`;
    lineCount.set(key, (lineCount.get(key) ?? 0) + 1);
    let ids = docIds.get(g.docType);
    if (!ids) docIds.set(g.docType, (ids = new Set()));
    ids.add(g.docId);
  }
  const documents: SectionRows['documents'] = [];
  for (const [docType, select] of Object.entries(DOC_HEADERS)) {
    const alias = docType === 'writeoff' ? 'w.id' : 'id';
    // The month's documents by the ids its ledger rows name: asking the ledger again by document type would walk
    // that type's rows of every year (the planner prefers ledger_doc), seconds on a ten-year hub.
    const ids = [...(docIds.get(docType) ?? [])];
    if (ids.length === 0) continue;
    const rows = sql(db, `${select} WHERE ${alias} IN (SELECT value FROM json_each(?)) ORDER BY ${alias}`).all(JSON.stringify(ids)) as {
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

  const accuracy: SectionRows['accuracy'] = (
    view.builtFrom === 'facts'
      ? readAccuracyFacts(db, [period]).map((m) => ({ ...m, clinicCode: stores.get(m.storeId)!.clinicCode }))
      : clinicAccuracy(db, { from: period, to: period, clinicId: null })
          .rows.map((r) => ({ ...r.months[0], clinicCode: r.clinicCode }))
          .filter((m) => m.stocktakes > 0)
  )
    .map((m) => ({
      ...base,
      clinicCode: m.clinicCode,
      stocktakes: m.stocktakes,
      countedLines: m.countedLines,
      matchedLines: m.matchedLines,
      surplusAmount: m.surplusAmount,
      shortageAmount: m.shortageAmount,
    }))
    .sort(byCodes);

  const stockouts: SectionRows['stockouts'] = (
    view.builtFrom === 'facts'
      ? readStoreDrugFacts(db, [period])
          .filter((f) => f.inFormulary === 1 && stores.get(f.storeId)!.kind === 'clinic')
          .map((f) => ({ clinicCode: stores.get(f.storeId)!.clinicCode!, drugId: f.drugId, outDays: f.stockoutDays }))
      : stockoutDays(db, null, first, last).flatMap((s) => s.perDrug.map((p) => ({ clinicCode: s.code, drugId: p.drugId, outDays: p.outDates.length })))
  )
    .map((s) => ({ ...base, clinicCode: s.clinicCode, nhsaCode: drugs.get(s.drugId)!.nhsaCode, outDays: s.outDays }))
    .sort(byCodes);

  const signals: SectionRows['signals'] = view.signals.signals.map((s) => ({ ...base, ...s }));
  const dismissals: SectionRows['dismissals'] = view.signals.dismissals.map((d) => ({ ...base, ...d }));
  const clinics: SectionRows['clinics'] = basis.clinics.map(({ id: _id, ...c }) => ({ ...base, ...c }));
  const suppliers: SectionRows['suppliers'] = basis.suppliers.map(({ id: _id, ...s }) => ({ ...base, ...s }));
  const traceEvents = traceEventRows(db, period, {
    hubCode: hub,
    nhsaCodeOf: (drugId) => drugs.get(drugId)!.nhsaCode,
    clinicCodeOf: (clinicId) => clinicCodes.get(clinicId) ?? null,
  });
  const mentioned = new Set([...stockouts.map((s) => s.nhsaCode), ...signals.flatMap((s) => s.nhsaCodes), ...traceEvents.map((t) => t.nhsaCode)]);
  const drugsSection: SectionRows['drugs'] = basis.drugs
    .filter((d) => usedDrugs.has(d.id) || mentioned.has(d.nhsaCode))
    .map(({ id: _id, ...d }) => ({ ...base, ...d }));

  return {
    version,
    closedAt,
    builtFrom: view.builtFrom,
    sections: { clinics, drugs: drugsSection, suppliers, snapshots, ledger, documents, prices, accuracy, stockouts, signals, dismissals, traceEvents },
  };
}

/**
 * The month's package as it travels (gzip, seal.ts) with its manifest: what the export and the send need. Seconds of
 * reading, hashing and compressing on a ten-year hub, so the handlers run it on the long-read worker (long-reads.ts).
 */
export function monthPackageBytes(db: ReadDb, period: string, signer: HubSigner, producedAt: Date): { manifest: Manifest; bytes: Uint8Array } {
  const envelope = buildMonthPackage(db, period, signer, producedAt);
  return { manifest: envelope.manifest, bytes: encodePackage(envelope) };
}
