/**
 * Fixtures for purchasing tests: catalog rows and stock movements written straight into the database
 * (the master-data and stock modules own the screens for these; here we only need the rows).
 */
import type { ReadDb, WriteDb } from '../../electron/db/database';
import { periodOf } from '../../shared/dates';
import { createClinic, createUser, type TestHub } from './runtime';
import type { InternalClient } from '../../electron/api/internal';

const AT = '2026-01-01T00:00:00.000Z';
let seq = 0;

export function addSupplier(db: WriteDb, name: string, opts: { active?: boolean } = {}): number {
  seq++;
  const code = `91430100MA4L${String(seq).padStart(6, '0')}`;
  return Number(
    db
      .prepare('INSERT INTO suppliers (name, credit_code, contact, phone, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(name, code, '王经理', '0731-1234567', opts.active === false ? 0 : 1, AT, AT).lastInsertRowid,
  );
}

export interface DrugFixture {
  name: string;
  spec?: string;
  form?: string;
  packSize?: number;
  packUnit?: string;
  baseUnit?: string;
  insuranceClass?: 'A' | 'B' | 'none';
  vbp?: boolean;
  vbpPrice?: number | null;
  supplierId?: number | null;
  /** Contract price per pack at the default supplier, in micro-yuan. */
  packPrice?: number | null;
  hubMin?: number | null;
  hubMax?: number | null;
  active?: boolean;
  manufacturer?: string;
}

export function addDrug(db: WriteDb, f: DrugFixture): number {
  seq++;
  const id = Number(
    db
      .prepare(
        `INSERT INTO drugs (nhsa_code, generic_name, dosage_form, spec, pack_unit, base_unit, pack_size, manufacturer,
           insurance_class, vbp, vbp_batch, vbp_price, default_supplier_id, hub_min, hub_max, active, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        `XA01BAT${String(seq).padStart(8, '0')}`,
        f.name,
        f.form ?? '片剂',
        f.spec ?? '0.25g*24片',
        f.packUnit ?? '盒',
        f.baseUnit ?? '片',
        f.packSize ?? 24,
        f.manufacturer ?? '湖南某某制药有限公司',
        f.insuranceClass ?? 'A',
        f.vbp ? 1 : 0,
        f.vbp ? '第七批' : null,
        f.vbp ? (f.vbpPrice ?? null) : null,
        f.supplierId ?? null,
        f.hubMin ?? null,
        f.hubMax ?? null,
        f.active === false ? 0 : 1,
        AT,
        AT,
      ).lastInsertRowid,
  );
  if (f.supplierId && f.packPrice != null) setPrice(db, f.supplierId, id, f.packPrice);
  return id;
}

export function setPrice(db: WriteDb, supplierId: number, drugId: number, packPrice: number, active = true): void {
  db.prepare(
    `INSERT INTO supplier_prices (supplier_id, drug_id, pack_price, active, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (supplier_id, drug_id) DO UPDATE SET pack_price = excluded.pack_price, active = excluded.active`,
  ).run(supplierId, drugId, packPrice, active ? 1 : 0, AT);
}

export function hubStore(db: ReadDb): number {
  return (db.prepare("SELECT id FROM stores WHERE kind = 'hub'").get() as { id: number }).id;
}

export function storeOf(db: ReadDb, clinicId: number, kind: 'clinic' | 'transit'): number {
  return (db.prepare('SELECT id FROM stores WHERE clinic_id = ? AND kind = ?').get(clinicId, kind) as { id: number }).id;
}

export function addLot(db: WriteDb, drugId: number, expiry = '2028-12-31'): number {
  seq++;
  return Number(
    db.prepare('INSERT INTO lots (drug_id, batch_no, expiry_date, unit_cost, created_at) VALUES (?, ?, ?, 10000, ?)').run(drugId, `B${seq}`, expiry, AT)
      .lastInsertRowid,
  );
}

/** One ledger row and the balance that goes with it (what the stock module does for every movement). */
export function move(db: WriteDb, o: { storeId: number; lotId: number; movement: string; qty: number; date: string; reversesId?: number }): number {
  const drugId = (db.prepare('SELECT drug_id AS d FROM lots WHERE id = ?').get(o.lotId) as { d: number }).d;
  const userId = (db.prepare('SELECT min(id) AS id FROM users').get() as { id: number }).id;
  const id = Number(
    db
      .prepare(
        `INSERT INTO ledger (store_id, drug_id, lot_id, movement, qty, unit_cost, amount, doc_type, doc_id, reverses_id, business_date,
           period, user_id, created_at) VALUES (?, ?, ?, ?, ?, 10000, ?, 'test', 1, ?, ?, ?, ?, ?)`,
      )
      .run(o.storeId, drugId, o.lotId, o.movement, o.qty, o.qty, o.reversesId ?? null, o.date, periodOf(o.date), userId, AT).lastInsertRowid,
  );
  const current = db.prepare('SELECT qty FROM stock_balances WHERE store_id = ? AND lot_id = ?').get(o.storeId, o.lotId) as { qty: number } | undefined;
  const qty = (current?.qty ?? 0) + o.qty;
  if (qty < 0) throw new Error('negative stock in fixture');
  db.prepare(
    `INSERT INTO stock_balances (store_id, lot_id, drug_id, qty, value) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (store_id, lot_id) DO UPDATE SET qty = excluded.qty, value = excluded.value`,
  ).run(o.storeId, o.lotId, drugId, qty, qty);
  return id;
}

/** Puts stock into a store in one new lot. */
export function stock(db: WriteDb, storeId: number, drugId: number, qty: number, opts: { date?: string; expiry?: string } = {}): number {
  const lot = addLot(db, drugId, opts.expiry);
  move(db, { storeId, lotId: lot, movement: 'receipt', qty, date: opts.date ?? '2026-01-01' });
  return lot;
}

export interface PurchasingWorld {
  hub: TestHub;
  db: WriteDb;
  pharmacist: InternalClient;
  clinicA: { id: number; doctor: InternalClient };
  clinicB: { id: number; doctor: InternalClient };
}

/** A hub with a pharmacist and two clinics, each with its village doctor. */
export async function purchasingWorld(hub: TestHub): Promise<PurchasingWorld> {
  const a = await createClinic(hub, 'C01', '东湖村卫生室');
  const b = await createClinic(hub, 'C02', '西岭村卫生室');
  const pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist', displayName: '周药师' });
  const doctorA = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId: a.id, displayName: '王医生' });
  const doctorB = await createUser(hub, { username: 'cy02', role: 'village_doctor', clinicId: b.id, displayName: '李医生' });
  return { hub, db: hub.runtime.app.db, pharmacist, clinicA: { id: a.id, doctor: doctorA }, clinicB: { id: b.id, doctor: doctorB } };
}

let tokenSeq = 0;
export const token = () => `tok-${process.pid.toString(36)}-${++tokenSeq}`;

/** A clinic submits lines (qty in base units), the pharmacist approves them all. Returns the requisition id. */
export async function approvedRequisition(w: PurchasingWorld, doctor: InternalClient, lines: { drugId: number; qty: number }[]): Promise<number> {
  const req = await doctor.call('requisitions.submit', {
    submitToken: token(),
    note: null,
    lines: lines.map((l) => ({ drugId: l.drugId, qty: l.qty, enteredIn: 'base' as const, note: null })),
  });
  await w.pharmacist.call('requisitions.decide', { id: req.id, lines: req.lines.map((l) => ({ lineId: l.id, decision: 'approved' as const, reason: null })) });
  return req.id;
}

/** An order placed earlier (outside the aggregation under test), for netting against what is on order. */
export function addOrder(
  db: WriteDb,
  o: { supplierId: number; drugId: number; qty: number; received?: number; status: 'draft' | 'sent' | 'partly_received' | 'received' | 'cancelled' },
): number {
  seq++;
  const userId = (db.prepare('SELECT min(id) AS id FROM users').get() as { id: number }).id;
  const d = db.prepare('SELECT * FROM drugs WHERE id = ?').get(o.drugId) as Record<string, string | number>;
  const poId = Number(
    db
      .prepare(
        `INSERT INTO purchase_orders (doc_no, supplier_id, supplier_name, business_date, status, total_amount, created_by, created_at, updated_at,
           sent_at, cancelled_at) VALUES (?, ?, '某配送企业', '2026-02-01', ?, 0, ?, ?, ?, ?, ?)`,
      )
      .run(
        `CG-TEST-${seq}`,
        o.supplierId,
        o.status,
        userId,
        AT,
        AT,
        o.status === 'draft' || o.status === 'cancelled' ? null : AT,
        o.status === 'cancelled' ? AT : null,
      ).lastInsertRowid,
  );
  db.prepare(
    `INSERT INTO purchase_order_lines (po_id, line_no, drug_id, nhsa_code, drug_name, spec, dosage_form, manufacturer, pack_unit, base_unit,
       pack_size, insurance_class, vbp, qty, pack_price, amount, received_qty) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)`,
  ).run(
    poId,
    o.drugId,
    d.nhsa_code,
    d.generic_name,
    d.spec,
    d.dosage_form,
    d.manufacturer,
    d.pack_unit,
    d.base_unit,
    d.pack_size,
    d.insurance_class,
    d.vbp,
    o.qty,
    o.received ?? 0,
  );
  return poId;
}
