import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Talks to a running test server the way a client would (JSON over HTTP with the session cookie), and
 * writes straight into its database only what no workflow can create yet (suppliers, drugs, sent orders,
 * approved requisitions), as tests/helpers/stock.ts does for unit tests.
 */
export class ApiSession {
  private cookie = '';
  constructor(private readonly url: string) {}

  async call<T = any>(method: string, input: unknown = {}): Promise<T> {
    const res = await fetch(`${this.url}api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: JSON.stringify(input),
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('santong_sid='));
    if (set) this.cookie = set.split(';')[0];
    const body = await res.json();
    if (!res.ok) throw new Error(`${method}: ${res.status} ${JSON.stringify(body)}`);
    return body as T;
  }

  async login(username: string, password: string) {
    return this.call('auth.login', { username, password });
  }
}

export function openDb(dataDir: string) {
  return new Database(path.join(dataDir, 'santong.sqlite'));
}

export function seedSupplier(db: Database.Database, at: string): number {
  return Number(
    db.prepare('INSERT INTO suppliers (name, credit_code, active, created_at, updated_at) VALUES (?, ?, 1, ?, ?)').run('国药控股青石医药有限公司', '91430100MA4L0XXX1X', at, at)
      .lastInsertRowid,
  );
}

export interface E2eDrug {
  id: number;
  name: string;
  spec: string;
  form: string;
  packUnit: string;
  baseUnit: string;
  packSize: number;
  packPrice: number;
}

export function seedDrug(db: Database.Database, at: string, supplierId: number, d: Omit<E2eDrug, 'id'>, code: string): E2eDrug {
  const id = Number(
    db
      .prepare(
        `INSERT INTO drugs (nhsa_code, generic_name, dosage_form, spec, pack_unit, base_unit, pack_size, manufacturer, insurance_class, default_supplier_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, '华北制药股份有限公司', 'A', ?, ?, ?)`,
      )
      .run(code, d.name, d.form, d.spec, d.packUnit, d.baseUnit, d.packSize, supplierId, at, at).lastInsertRowid,
  );
  db.prepare('INSERT INTO supplier_prices (supplier_id, drug_id, pack_price, active, updated_at) VALUES (?, ?, ?, 1, ?)').run(supplierId, id, d.packPrice, at);
  return { id, ...d };
}

export function seedSentOrder(db: Database.Database, at: string, supplierId: number, lines: { drug: E2eDrug; qty: number }[]) {
  const adminId = (db.prepare("SELECT id FROM users WHERE role = 'admin' LIMIT 1").get() as { id: number }).id;
  const poId = Number(
    db
      .prepare(
        `INSERT INTO purchase_orders (doc_no, supplier_id, status, total_amount, created_by, created_at, updated_at, sent_at, sent_by)
         VALUES (?, ?, 'sent', 0, ?, ?, ?, ?, ?)`,
      )
      .run(`CG-E2E-${poCounter++}`, supplierId, adminId, at, at, at, adminId).lastInsertRowid,
  );
  const lineIds = lines.map(
    (l, i) =>
      Number(
        db
          .prepare(
            `INSERT INTO purchase_order_lines (po_id, line_no, drug_id, drug_name, spec, dosage_form, manufacturer, pack_unit, base_unit, pack_size, insurance_class, vbp, qty, pack_price, amount)
             VALUES (?, ?, ?, ?, ?, ?, '华北制药股份有限公司', ?, ?, ?, 'A', 0, ?, ?, 0)`,
          )
          .run(poId, i + 1, l.drug.id, l.drug.name, l.drug.spec, l.drug.form, l.drug.packUnit, l.drug.baseUnit, l.drug.packSize, l.qty, l.drug.packPrice).lastInsertRowid,
      ),
  );
  return { poId, lineIds };
}
let poCounter = 1;

export function seedApprovedRequisition(db: Database.Database, at: string, clinicId: number, lines: { drug: E2eDrug; qty: number }[]): number[] {
  const adminId = (db.prepare("SELECT id FROM users WHERE role = 'admin' LIMIT 1").get() as { id: number }).id;
  const requisitionId = Number(
    db
      .prepare(
        `INSERT INTO requisitions (doc_no, clinic_id, status, created_by, created_at, updated_at, submitted_at, submitted_by, reviewed_at, reviewed_by)
         VALUES (?, ?, 'reviewed', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(`QL-E2E-${clinicId}-${poCounter++}`, clinicId, adminId, at, at, at, adminId, at, adminId).lastInsertRowid,
  );
  return lines.map((l, i) =>
    Number(
      db
        .prepare(
          `INSERT INTO requisition_lines (requisition_id, line_no, drug_id, requested_qty, entered_in, decision, approved_qty, decided_by, decided_at)
           VALUES (?, ?, ?, ?, 'pack', 'approved', ?, ?, ?)`,
        )
        .run(requisitionId, i + 1, l.drug.id, l.qty, l.qty, adminId, at).lastInsertRowid,
    ),
  );
}
