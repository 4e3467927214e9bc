/** The catalog as purchasing reads it: drugs, their default supplier and contract price, 集采 equivalents. */
import { sql, type ReadDb } from '../../db/database';
import { AppError } from '../../errors';
import { lineAmountFromPackPrice, unitPriceFromPackPrice } from '../../../shared/money';
import type { DrugSnapshot, VbpAlternative, VbpSuggestion } from '../../../shared/contract/requisitions';
import { substitutionRefusal } from './strength';

export interface DrugRow {
  id: number;
  nhsaCode: string;
  genericName: string;
  dosageForm: string;
  spec: string;
  packUnit: string;
  baseUnit: string;
  packSize: number;
  manufacturer: string;
  insuranceClass: 'A' | 'B' | 'none';
  vbp: boolean;
  vbpBatch: string | null;
  vbpPrice: number | null;
  defaultSupplierId: number | null;
  hubMin: number | null;
  hubMax: number | null;
  active: boolean;
}

const DRUG_SELECT = `SELECT id, nhsa_code AS nhsaCode, generic_name AS genericName, dosage_form AS dosageForm, spec,
    pack_unit AS packUnit, base_unit AS baseUnit, pack_size AS packSize, manufacturer, insurance_class AS insuranceClass,
    vbp, vbp_batch AS vbpBatch, vbp_price AS vbpPrice, default_supplier_id AS defaultSupplierId,
    hub_min AS hubMin, hub_max AS hubMax, active
  FROM drugs`;

type RawDrug = Omit<DrugRow, 'vbp' | 'active'> & { vbp: number; active: number };
const toDrug = (r: RawDrug): DrugRow => ({ ...r, vbp: r.vbp === 1, active: r.active === 1 });

export function findDrug(db: ReadDb, id: number): DrugRow | null {
  const row = sql(db, `${DRUG_SELECT} WHERE id = ?`).get(id) as RawDrug | undefined;
  return row ? toDrug(row) : null;
}

export function getDrug(db: ReadDb, id: number): DrugRow {
  const drug = findDrug(db, id);
  if (!drug) throw new AppError('NOT_FOUND', `药品不存在（编号 ${id}）`);
  return drug;
}

/** Drugs the hub keeps a minimum of (hub min set), in id order. */
export function drugsWithHubMin(db: ReadDb): DrugRow[] {
  return (sql(db, `${DRUG_SELECT} WHERE hub_min IS NOT NULL AND active = 1 ORDER BY id`).all() as RawDrug[]).map(toDrug);
}

export function snapshotOf(d: DrugRow): DrugSnapshot {
  return {
    drugId: d.id,
    drugName: d.genericName,
    spec: d.spec,
    dosageForm: d.dosageForm,
    manufacturer: d.manufacturer,
    packUnit: d.packUnit,
    baseUnit: d.baseUnit,
    packSize: d.packSize,
    insuranceClass: d.insuranceClass,
    vbp: d.vbp,
  };
}

export interface ContractPrice {
  supplierId: number;
  supplierName: string;
  supplierActive: boolean;
  /** Micro-yuan per pack; null when the default supplier has no active contract price for the drug. */
  packPrice: number | null;
}

/** The drug's default supplier and that supplier's active contract price. */
export function contractPrice(db: ReadDb, drug: DrugRow): ContractPrice | null {
  if (drug.defaultSupplierId === null) return null;
  const row = sql(
    db,
    `SELECT s.id, s.name, s.active, p.pack_price AS packPrice
       FROM suppliers s LEFT JOIN supplier_prices p ON p.supplier_id = s.id AND p.drug_id = ? AND p.active = 1
      WHERE s.id = ?`,
  ).get(drug.id, drug.defaultSupplierId) as { id: number; name: string; active: number; packPrice: number | null } | undefined;
  if (!row) return null;
  return { supplierId: row.id, supplierName: row.name, supplierActive: row.active === 1, packPrice: row.packPrice };
}

/**
 * 应采尽采: active 集采 drugs that may replace a drug that is not 集采 itself count for count (same generic
 * name, dosage form and strength per base unit: strength.ts), cheapest per base unit first, each with what
 * the line would save at its price. The quantity stays the same number of base units.
 */
export function vbpSuggestionFor(db: ReadDb, drug: DrugRow, qty: number): VbpSuggestion | null {
  if (drug.vbp) return null;
  const candidates = (
    sql(db, `${DRUG_SELECT} WHERE generic_name = ? AND dosage_form = ? AND vbp = 1 AND active = 1 AND id <> ? ORDER BY id`).all(
      drug.genericName,
      drug.dosageForm,
      drug.id,
    ) as RawDrug[]
  )
    .map(toDrug)
    .filter((c) => substitutionRefusal(drug, c) === null);
  if (candidates.length === 0) return null;
  const own = contractPrice(db, drug);
  const ownPack = own?.packPrice ?? null;
  const currentUnitPrice = ownPack === null ? null : unitPriceFromPackPrice(ownPack, drug.packSize);
  const ownAmount = ownPack === null ? null : lineAmountFromPackPrice(qty, ownPack, drug.packSize);
  const alternatives: VbpAlternative[] = candidates.map((c) => {
    const price = contractPrice(db, c);
    const usable = price?.supplierActive && price.packPrice !== null ? price : null;
    const packPrice = usable?.packPrice ?? c.vbpPrice;
    const amount = packPrice === null ? null : lineAmountFromPackPrice(qty, packPrice, c.packSize);
    return {
      drugId: c.id,
      drugName: c.genericName,
      spec: c.spec,
      manufacturer: c.manufacturer,
      packUnit: c.packUnit,
      baseUnit: c.baseUnit,
      packSize: c.packSize,
      vbpBatch: c.vbpBatch,
      supplierName: usable?.supplierName ?? null,
      packPrice,
      unitPrice: packPrice === null ? null : unitPriceFromPackPrice(packPrice, c.packSize),
      saving: ownAmount === null || amount === null ? null : ownAmount - amount,
    };
  });
  alternatives.sort((a, b) => (a.unitPrice ?? Number.MAX_SAFE_INTEGER) - (b.unitPrice ?? Number.MAX_SAFE_INTEGER) || a.drugId - b.drugId);
  return { qty, currentUnitPrice, alternatives };
}
