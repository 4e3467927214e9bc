import { defineHandlers } from '../context';
import { bool, sql, type ReadDb } from '../../db/database';
import { rows as selectRows, given, sql as query } from '../../db/sql';
import { AppError, notFound } from '../../errors';
import type { SupplierPriceRow, SupplierRow } from '../../../shared/contract/suppliers';
import { sortKeyForName } from '../catalog/searchIndex';

/** Suppliers in pinyin order (湖南… before 华瑞…), as people look for them. */
function byPinyin<T>(rows: T[], name: (r: T) => string, first?: (r: T) => number): T[] {
  const keys = new Map<string, string>();
  const key = (n: string) => keys.get(n) ?? (keys.set(n, sortKeyForName(n)), keys.get(n)!);
  return [...rows].sort((a, b) => (first ? first(a) - first(b) : 0) || (key(name(a)) < key(name(b)) ? -1 : key(name(a)) > key(name(b)) ? 1 : 0));
}

const SUPPLIER_SELECT = `SELECT s.id, s.name, s.credit_code AS creditCode, s.licence_no AS licenceNo, s.contact, s.phone, s.address,
    s.active, s.created_at AS createdAt, s.updated_at AS updatedAt,
    (SELECT count(*) FROM supplier_prices p WHERE p.supplier_id = s.id AND p.active = 1) AS priceCount,
    (SELECT count(*) FROM drugs d WHERE d.default_supplier_id = s.id) AS defaultForCount
  FROM suppliers s`;

const toSupplier = (row: Record<string, unknown>): SupplierRow => ({ ...row, active: bool(row.active) }) as SupplierRow;

export function getSupplier(db: ReadDb, id: number): SupplierRow {
  const row = sql(db, `${SUPPLIER_SELECT} WHERE s.id = ?`).get(id) as Record<string, unknown> | undefined;
  if (!row) throw notFound('配送企业');
  return toSupplier(row);
}

function assertUnique(db: ReadDb, name: string, creditCode: string, exceptId: number | null): void {
  const byName = sql(db, 'SELECT id FROM suppliers WHERE name = ? AND id IS NOT ?').get(name, exceptId);
  if (byName) throw new AppError('DUPLICATE', `配送企业“${name}”已存在`, [{ path: 'name', message: '企业名称已存在' }]);
  const byCode = sql(db, 'SELECT name FROM suppliers WHERE credit_code = ? AND id IS NOT ?').get(creditCode, exceptId) as { name: string } | undefined;
  if (byCode) {
    throw new AppError('DUPLICATE', `统一社会信用代码已登记为“${byCode.name}”`, [{ path: 'creditCode', message: '该代码已被其他企业使用' }]);
  }
}

const PRICE_SELECT = query`SELECT p.supplier_id AS supplierId, s.name AS supplierName, s.active AS supplierActive,
    d.id AS drugId, d.nhsa_code AS nhsaCode, d.generic_name AS genericName, d.trade_name AS tradeName,
    d.dosage_form AS dosageForm, d.spec, d.pack_unit AS packUnit, d.base_unit AS baseUnit, d.pack_size AS packSize,
    d.manufacturer, d.active AS drugActive, d.vbp, d.vbp_price AS vbpPrice,
    p.pack_price AS packPrice, p.active, (d.default_supplier_id IS p.supplier_id) AS isDefault, p.updated_at AS updatedAt
  FROM supplier_prices p JOIN suppliers s ON s.id = p.supplier_id JOIN drugs d ON d.id = p.drug_id
  LEFT JOIN search_names n ON n.name = d.generic_name`;

const toPrice = (r: Record<string, unknown>): SupplierPriceRow =>
  ({
    ...r,
    supplierActive: bool(r.supplierActive),
    drugActive: bool(r.drugActive),
    vbp: bool(r.vbp),
    active: bool(r.active),
    isDefault: bool(r.isDefault),
  }) as SupplierPriceRow;

export const supplierHandlers = defineHandlers({
  'suppliers.list': (ctx, input) => {
    const rows = sql(ctx.db, `${SUPPLIER_SELECT} WHERE (? = 1 OR s.active = 1)`).all(input.includeInactive ? 1 : 0) as Record<string, unknown>[];
    return byPinyin(
      rows.map(toSupplier),
      (s) => s.name,
      (s) => (s.active ? 0 : 1),
    );
  },

  'suppliers.get': (ctx, input) => getSupplier(ctx.db, input.id),

  'suppliers.create': (ctx, input) => {
    assertUnique(ctx.db, input.name, input.creditCode, null);
    const at = ctx.now.toISOString();
    const { lastInsertRowid } = sql(
      ctx.db,
      `INSERT INTO suppliers (name, credit_code, licence_no, contact, phone, address, active, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`,
    ).run(input.name, input.creditCode, input.licenceNo, input.contact, input.phone, input.address, at, at);
    ctx.audit.target = `supplier:${lastInsertRowid}`;
    return getSupplier(ctx.db, Number(lastInsertRowid));
  },

  'suppliers.update': (ctx, input) => {
    getSupplier(ctx.db, input.id);
    assertUnique(ctx.db, input.name, input.creditCode, input.id);
    sql(
      ctx.db,
      `UPDATE suppliers SET name = ?, credit_code = ?, licence_no = ?, contact = ?, phone = ?, address = ?, active = ?, updated_at = ?
       WHERE id = ?`,
    ).run(input.name, input.creditCode, input.licenceNo, input.contact, input.phone, input.address, input.active ? 1 : 0, ctx.now.toISOString(), input.id);
    ctx.audit.target = `supplier:${input.id}`;
    return getSupplier(ctx.db, input.id);
  },

  'suppliers.prices': (ctx, input) => {
    // The filters given, each combination its own statement (a supplier's prices by supplier, a drug's by drug).
    const filters = query.where([
      ...given(input.supplierId, (id) => query`p.supplier_id = ${id}`),
      ...given(input.drugId, (id) => query`p.drug_id = ${id}`),
      ...(input.includeInactive ? [] : [query`p.active = 1 AND s.active = 1`]),
    ]);
    const rows = selectRows<Record<string, unknown>>(
      ctx.db,
      query`${PRICE_SELECT} ${filters} ORDER BY n.sort_key, d.generic_name, d.dosage_form, d.spec, d.id`,
    );
    // Active prices first, then by supplier in pinyin order, then by drug (the SQL order, kept by a stable sort).
    return byPinyin(
      rows.map(toPrice),
      (p) => p.supplierName,
      (p) => (p.active ? 0 : 1),
    );
  },

  'suppliers.setPrices': (ctx, input) => {
    const supplier = getSupplier(ctx.db, input.supplierId);
    if (!supplier.active) throw new AppError('BUSINESS_RULE', `配送企业“${supplier.name}”已停用，不能设置合同价`);
    const seen = new Set<number>();
    input.prices.forEach((p, i) => {
      if (seen.has(p.drugId)) throw new AppError('VALIDATION', '同一药品在本次提交中出现了两次', [{ path: `prices.${i}.drugId`, message: '重复的药品' }]);
      seen.add(p.drugId);
    });
    const existing = new Map(
      (
        sql(ctx.db, 'SELECT drug_id AS drugId, pack_price AS packPrice, active FROM supplier_prices WHERE supplier_id = ?').all(input.supplierId) as {
          drugId: number;
          packPrice: number;
          active: number;
        }[]
      ).map((r) => [r.drugId, r]),
    );
    const drugExists = sql(ctx.db, 'SELECT 1 FROM drugs WHERE id = ?').pluck();
    const upsert = sql(
      ctx.db,
      `INSERT INTO supplier_prices (supplier_id, drug_id, pack_price, active, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (supplier_id, drug_id) DO UPDATE SET pack_price = excluded.pack_price, active = excluded.active, updated_at = excluded.updated_at`,
    );
    const at = ctx.now.toISOString();
    let changed = 0;
    input.prices.forEach((p, i) => {
      const before = existing.get(p.drugId);
      if (!before && !drugExists.get(p.drugId)) {
        throw new AppError('NOT_FOUND', `第 ${i + 1} 个价格的药品不存在`, [{ path: `prices.${i}.drugId`, message: '药品不存在' }]);
      }
      if (before && before.packPrice === p.packPrice && bool(before.active) === p.active) return;
      if (!before && !p.active) return;
      upsert.run(input.supplierId, p.drugId, p.packPrice, p.active ? 1 : 0, at);
      changed++;
    });
    ctx.audit.target = `supplier:${input.supplierId}`;
    ctx.audit.details = { changed };
    return { changed, unchanged: input.prices.length - changed };
  },
});
