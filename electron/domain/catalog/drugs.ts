import { bool, sql, type ReadDb, type WriteDb } from '../../db/database';
import { AppError, notFound } from '../../errors';
import type { DrugDetail, InsuranceClass } from '../../../shared/contract/catalog';
import { ensureSearchName } from './searchIndex';

/** A drug as written to the database (parsed, validated, normalised). */
export interface DrugRecord {
  nhsaCode: string;
  genericName: string;
  tradeName: string | null;
  dosageForm: string;
  spec: string;
  packUnit: string;
  baseUnit: string;
  packSize: number;
  manufacturer: string;
  approvalNo: string | null;
  insuranceClass: InsuranceClass;
  essential: boolean;
  vbp: boolean;
  vbpBatch: string | null;
  vbpPrice: number | null;
  referencePrice: number | null;
  rx: boolean;
  zeroMarkup: boolean;
  defaultSupplierId: number | null;
  hubMin: number | null;
  hubMax: number | null;
  clinicMin: number | null;
  clinicMax: number | null;
  tracePrefix: string | null;
  gtin: string | null;
  active: boolean;
}

export const DRUG_RECORD_KEYS = [
  'nhsaCode',
  'genericName',
  'tradeName',
  'dosageForm',
  'spec',
  'packUnit',
  'baseUnit',
  'packSize',
  'manufacturer',
  'approvalNo',
  'insuranceClass',
  'essential',
  'vbp',
  'vbpBatch',
  'vbpPrice',
  'referencePrice',
  'rx',
  'zeroMarkup',
  'defaultSupplierId',
  'hubMin',
  'hubMax',
  'clinicMin',
  'clinicMax',
  'tracePrefix',
  'gtin',
  'active',
] as const satisfies readonly (keyof DrugRecord)[];

/** Columns in DRUG_RECORD_KEYS order. */
export const DRUG_COLUMNS = [
  'nhsa_code',
  'generic_name',
  'trade_name',
  'dosage_form',
  'spec',
  'pack_unit',
  'base_unit',
  'pack_size',
  'manufacturer',
  'approval_no',
  'insurance_class',
  'essential',
  'vbp',
  'vbp_batch',
  'vbp_price',
  'reference_price',
  'rx',
  'zero_markup',
  'default_supplier_id',
  'hub_min',
  'hub_max',
  'clinic_min',
  'clinic_max',
  'trace_prefix',
  'gtin',
  'active',
];

/** The record's values in column order, booleans as 0/1. */
export function drugValues(r: DrugRecord): unknown[] {
  return DRUG_RECORD_KEYS.map((k) => {
    const v = r[k];
    return typeof v === 'boolean' ? (v ? 1 : 0) : v;
  });
}

export const DRUG_RECORD_SELECT = `SELECT d.id, ${DRUG_COLUMNS.map((c, i) => `d.${c} AS ${DRUG_RECORD_KEYS[i]}`).join(', ')}`;

const BOOL_KEYS = ['essential', 'vbp', 'rx', 'zeroMarkup', 'active'] as const;

/** A drugs row (selected with DRUG_RECORD_SELECT) as a record. */
export function toRecord(row: Record<string, unknown>): DrugRecord & { id: number } {
  const out = { ...row } as Record<string, unknown>;
  for (const k of BOOL_KEYS) out[k] = bool(out[k]);
  return out as unknown as DrugRecord & { id: number };
}

/** Fields that differ between two records (by key), for "updated" vs "unchanged" and for change lists. */
export function changedKeys(before: DrugRecord, after: DrugRecord): (keyof DrugRecord)[] {
  return DRUG_RECORD_KEYS.filter((k) => before[k] !== after[k]);
}

const DETAIL_SELECT = `${DRUG_RECORD_SELECT}, d.created_at AS createdAt, d.updated_at AS updatedAt,
    s.name AS defaultSupplierName, sp.pack_price AS defaultSupplierPrice,
    (EXISTS (SELECT 1 FROM lots l WHERE l.drug_id = d.id)
      OR EXISTS (SELECT 1 FROM purchase_order_lines pl WHERE pl.drug_id = d.id)
      OR EXISTS (SELECT 1 FROM requisition_lines rl WHERE rl.drug_id = d.id)) AS inUse
  FROM drugs d
  LEFT JOIN suppliers s ON s.id = d.default_supplier_id
  LEFT JOIN supplier_prices sp ON sp.supplier_id = d.default_supplier_id AND sp.drug_id = d.id AND sp.active = 1`;

export function toDetail(row: Record<string, unknown>): DrugDetail {
  return { ...toRecord(row), inUse: bool(row.inUse) } as unknown as DrugDetail;
}

export function getDrug(db: ReadDb, id: number): DrugDetail {
  const row = sql(db, `${DETAIL_SELECT} WHERE d.id = ?`).get(id) as Record<string, unknown> | undefined;
  if (!row) throw notFound('药品');
  return toDetail(row);
}

/** Drug details for many ids, in the order given. */
export function getDrugs(db: ReadDb, ids: number[]): DrugDetail[] {
  if (ids.length === 0) return [];
  const rows = sql(db, `${DETAIL_SELECT} WHERE d.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as Record<string, unknown>[];
  const byId = new Map(rows.map((r) => [r.id as number, toDetail(r)]));
  return ids.map((id) => byId.get(id)).filter((d): d is DrugDetail => d !== undefined);
}

export function drugIdByCode(db: ReadDb, nhsaCode: string): number | null {
  const row = sql(db, 'SELECT id FROM drugs WHERE nhsa_code = ?').get(nhsaCode) as { id: number } | undefined;
  return row?.id ?? null;
}

/** Received, ordered or requested already: its pack size and base unit are part of history. */
export function drugInUse(db: ReadDb, id: number): boolean {
  return Boolean(
    sql(
      db,
      `SELECT EXISTS (SELECT 1 FROM lots WHERE drug_id = @id)
           OR EXISTS (SELECT 1 FROM purchase_order_lines WHERE drug_id = @id)
           OR EXISTS (SELECT 1 FROM requisition_lines WHERE drug_id = @id)`,
    )
      .pluck()
      .get({ id }),
  );
}

/** Why this pack change is refused, or null. Quantities in stock and on documents are base units of the old pack. */
export function packChangeProblem(db: ReadDb, id: number, before: DrugRecord, after: DrugRecord): string | null {
  if (before.packSize === after.packSize && before.baseUnit === after.baseUnit) return null;
  if (!drugInUse(db, id)) return null;
  return '该药品已有请领、采购或入库记录，不能再修改包装数量或最小单位；包装不同请作为新药品（新的医保编码）添加';
}

/** A default supplier must exist and be active. (A missing contract price is only a warning, shown with the drug.) */
export function assertDefaultSupplier(db: ReadDb, supplierId: number | null): void {
  if (supplierId === null) return;
  const s = sql(db, 'SELECT active FROM suppliers WHERE id = ?').get(supplierId) as { active: number } | undefined;
  if (!s) throw new AppError('VALIDATION', '默认配送企业不存在', [{ path: 'defaultSupplierId', message: '配送企业不存在' }]);
  if (s.active !== 1) {
    throw new AppError('BUSINESS_RULE', '默认配送企业已停用，请选择启用中的配送企业', [{ path: 'defaultSupplierId', message: '该企业已停用' }]);
  }
}

/** A GTIN names one drug, so a GS1 scan finds exactly one. */
function assertGtinFree(db: ReadDb, gtin: string | null, id: number | null): void {
  if (!gtin) return;
  const other = sql(db, 'SELECT id, generic_name AS name, spec FROM drugs WHERE gtin = ? AND id IS NOT ?').get(gtin, id) as
    | { id: number; name: string; spec: string }
    | undefined;
  if (other) throw new AppError('DUPLICATE', `商品条码 ${gtin} 已属于 ${other.name}（${other.spec}）`, [{ path: 'gtin', message: '商品条码已被其他药品使用' }]);
}

export function insertDrug(db: WriteDb, r: DrugRecord, at: string, knownNames?: Set<string>): number {
  assertGtinFree(db, r.gtin, null);
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO drugs (${DRUG_COLUMNS.join(', ')}, created_at, updated_at) VALUES (${DRUG_COLUMNS.map(() => '?').join(', ')}, ?, ?)`,
  ).run(...drugValues(r), at, at);
  ensureSearchName(db, r.genericName, knownNames);
  ensureSearchName(db, r.tradeName, knownNames);
  return Number(lastInsertRowid);
}

export function updateDrug(db: WriteDb, id: number, r: DrugRecord, at: string, knownNames?: Set<string>): void {
  assertGtinFree(db, r.gtin, id);
  sql(db, `UPDATE drugs SET ${DRUG_COLUMNS.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`).run(...drugValues(r), at, id);
  ensureSearchName(db, r.genericName, knownNames);
  ensureSearchName(db, r.tradeName, knownNames);
}
