import { sql } from '../../electron/db/database';
import type { TestHub } from './runtime';

/**
 * Low-level fixtures for stock tests: suppliers, drugs, prices, sent purchase orders and approved
 * requisitions written straight into the tables, so ledger tests do not depend on other workflows.
 */
export interface SeedDrug {
  id: number;
  packSize: number;
  name: string;
}

export function seedSupplier(hub: TestHub, name = '国药控股某市有限公司'): number {
  const at = hub.clock.now().toISOString();
  const code = `91${String(Math.floor(Math.random() * 1e15)).padStart(15, '0')}X`.slice(0, 18);
  const { lastInsertRowid } = sql(hub.runtime.app.db, 'INSERT INTO suppliers (name, credit_code, active, created_at, updated_at) VALUES (?, ?, 1, ?, ?)').run(
    name,
    code,
    at,
    at,
  );
  return Number(lastInsertRowid);
}

let drugSeq = 0;
export function seedDrug(
  hub: TestHub,
  opts: { name?: string; packSize?: number; supplierId?: number; packPrice?: number; clinicMin?: number; hubMin?: number } = {},
): SeedDrug {
  const at = hub.clock.now().toISOString();
  drugSeq += 1;
  const name = opts.name ?? `测试药${drugSeq}`;
  const packSize = opts.packSize ?? 24;
  const { lastInsertRowid } = sql(
    hub.runtime.app.db,
    `INSERT INTO drugs (nhsa_code, generic_name, dosage_form, spec, pack_unit, base_unit, pack_size, manufacturer, insurance_class,
                        default_supplier_id, clinic_min, hub_min, created_at, updated_at)
     VALUES (?, ?, '胶囊剂', '0.25g', '盒', '粒', ?, '某某制药有限公司', 'A', ?, ?, ?, ?, ?)`,
  ).run(
    `XTEST${String(drugSeq).padStart(6, '0')}${Math.floor(Math.random() * 1e6)}`,
    name,
    packSize,
    opts.supplierId ?? null,
    opts.clinicMin ?? null,
    opts.hubMin ?? null,
    at,
    at,
  );
  const id = Number(lastInsertRowid);
  if (opts.supplierId) {
    sql(hub.runtime.app.db, 'INSERT INTO supplier_prices (supplier_id, drug_id, pack_price, active, updated_at) VALUES (?, ?, ?, 1, ?)').run(
      opts.supplierId,
      id,
      opts.packPrice ?? 12_500_000,
      at,
    );
  }
  return { id, packSize, name };
}

/** A purchase order already sent to the supplier, with one line per drug. Returns the order and its line ids. */
export function seedSentOrder(
  hub: TestHub,
  supplierId: number,
  lines: { drug: SeedDrug; qty: number; packPrice?: number }[],
): { poId: number; lineIds: number[] } {
  const db = hub.runtime.app.db;
  const at = hub.clock.now().toISOString();
  const adminId = (sql(db, "SELECT id FROM users WHERE username = 'admin'").get() as { id: number }).id;
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO purchase_orders (doc_no, supplier_id, supplier_name, business_date, status, total_amount, created_by, created_at, updated_at, sent_at, sent_by)
     VALUES (?, ?, (SELECT name FROM suppliers WHERE id = ?), ?, 'sent', 0, ?, ?, ?, ?, ?)`,
  ).run(`CG-TEST-${Math.random().toString(36).slice(2, 10)}`, supplierId, supplierId, at.slice(0, 10), adminId, at, at, at, adminId);
  const poId = Number(lastInsertRowid);
  const lineIds = lines.map((l, i) => {
    const r = sql(
      db,
      `INSERT INTO purchase_order_lines (po_id, line_no, drug_id, nhsa_code, drug_name, spec, dosage_form, manufacturer, pack_unit, base_unit, pack_size,
                                         insurance_class, vbp, qty, pack_price, amount)
       VALUES (?, ?, ?, (SELECT nhsa_code FROM drugs WHERE id = ?), ?, '0.25g', '胶囊剂', '某某制药有限公司', '盒', '粒', ?, 'A', 0, ?, ?, 0)`,
    ).run(poId, i + 1, l.drug.id, l.drug.id, l.drug.name, l.drug.packSize, l.qty, l.packPrice ?? 12_500_000);
    return Number(r.lastInsertRowid);
  });
  return { poId, lineIds };
}

/** A reviewed requisition of a clinic with every line approved. Returns the requisition line ids. */
export function seedApprovedRequisition(hub: TestHub, clinicId: number, lines: { drug: SeedDrug; qty: number }[]): number[] {
  const db = hub.runtime.app.db;
  const at = hub.clock.now().toISOString();
  const adminId = (sql(db, "SELECT id FROM users WHERE username = 'admin'").get() as { id: number }).id;
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO requisitions (doc_no, clinic_id, status, created_by, created_at, updated_at, submitted_at, submitted_by, reviewed_at, reviewed_by)
     VALUES (?, ?, 'reviewed', ?, ?, ?, ?, ?, ?, ?)`,
  ).run(`QL-TEST-${Math.random().toString(36).slice(2, 10)}`, clinicId, adminId, at, at, at, adminId, at, adminId);
  const requisitionId = Number(lastInsertRowid);
  return lines.map((l, i) => {
    const r = sql(
      db,
      `INSERT INTO requisition_lines (requisition_id, line_no, drug_id, drug_name, spec, dosage_form, manufacturer, pack_unit, base_unit,
                                      pack_size, insurance_class, vbp, requested_qty, entered_in, decision, approved_qty, decided_by, decided_at)
       SELECT ?, ?, d.id, d.generic_name, d.spec, d.dosage_form, d.manufacturer, d.pack_unit, d.base_unit, d.pack_size, d.insurance_class, d.vbp,
              ?, 'pack', 'approved', ?, ?, ? FROM drugs d WHERE d.id = ?`,
    ).run(requisitionId, i + 1, l.qty, l.qty, adminId, at, l.drug.id);
    return Number(r.lastInsertRowid);
  });
}
