/**
 * Workloads for the crash test (tests/unit/crash.test.ts): each posts one kind of document over HTTP
 * while the server is killed at random moments, remembers what the server acknowledged, and after every
 * restart checks that each acknowledged document is there and that no document is half posted.
 *
 * To add one (e.g. returns, write-offs, stocktakes), write a CrashWorkload and add it to WORKLOADS.
 */
import type Database from 'better-sqlite3';
import type { ApiClient } from './server-process';

export interface Ack {
  kind: string;
  id: number;
  /** Anything the workload wants to check later (a code, a quantity). */
  key?: string;
}

export interface CrashContext {
  admin: ApiClient;
  pharmacist: ApiClient;
  /** Today in China time: the server's business date. */
  today: string;
  random(): number;
  /** Everything acknowledged so far, by all workloads. */
  acks: Ack[];
  /** Shared state of the workloads, kept across restarts (e.g. deliveries waiting to be signed). */
  state: Record<string, unknown>;
}

export interface SetupContext {
  admin: ApiClient;
  pharmacist: ApiClient;
  today: string;
  state: Record<string, unknown>;
}

export interface CrashWorkload {
  name: string;
  /** How often it is picked, relative to the others. */
  weight: number;
  /** Once, on the fresh server, through the API. */
  setup?(ctx: SetupContext): Promise<void>;
  /** Once, with the server stopped: rows no API makes yet (suppliers, drugs, orders). */
  seed?(db: Database.Database, state: Record<string, unknown>): void;
  /**
   * Posts one document. Resolves to what the server acknowledged (HTTP 200), or null when it refused
   * (a 4xx such as INSUFFICIENT_STOCK). Throws when the connection failed: the server was killed.
   */
  step(ctx: CrashContext, i: number): Promise<Ack | null>;
  /** After a restart: problems found (empty when all is well). */
  verify(db: Database.Database, acks: Ack[]): string[];
}

const all = <T>(db: Database.Database, query: string, ...params: unknown[]) => db.prepare(query).all(...params) as T[];
const one = <T>(db: Database.Database, query: string, ...params: unknown[]) => db.prepare(query).get(...params) as T;

/** Documents of a kind that have no audit row, or audit rows with no document: a half-posted write. */
function auditMismatch(db: Database.Database, method: string, table: string, prefix: string, where = '1 = 1'): string[] {
  const problems: string[] = [];
  const docs = new Set(all<{ id: number }>(db, `SELECT id FROM ${table} WHERE ${where}`).map((r) => r.id));
  const audited = new Set(
    all<{ target: string }>(db, "SELECT target FROM audit_log WHERE method = ? AND outcome = 'ok'", method).map((r) =>
      Number(r.target.slice(prefix.length + 1)),
    ),
  );
  for (const id of docs) if (!audited.has(id)) problems.push(`${table} ${id} has no ${method} audit row`);
  for (const id of audited) if (!docs.has(id)) problems.push(`${method} audit row for ${prefix}:${id} but no such ${table} row`);
  return problems;
}

function missingAcks(db: Database.Database, acks: Ack[], kind: string, table: string): string[] {
  return acks
    .filter((a) => a.kind === kind)
    .filter((a) => !one(db, `SELECT 1 AS x FROM ${table} WHERE id = ?`, a.id))
    .map((a) => `acknowledged ${kind} ${a.id} is missing`);
}

// ─────────────────────────────────────────────────────────────────────────────────────────────────
// Master data through the API: clinics (each with its own store and transit store).

export const clinicsWorkload: CrashWorkload = {
  name: 'clinics',
  weight: 1,
  async step(ctx, i) {
    const code = `K${String(i).padStart(5, '0')}${Math.floor(ctx.random() * 1000)}`;
    const { status, json } = await ctx.admin.post('clinics.create', { code, name: `${code}村卫生室` });
    return status === 200 ? { kind: 'clinic', id: json.id, key: code } : null;
  },
  verify(db, acks) {
    const problems = missingAcks(db, acks, 'clinic', 'clinics');
    for (const a of acks.filter((x) => x.kind === 'clinic')) {
      const row = one<{ code: string } | undefined>(db, 'SELECT code FROM clinics WHERE id = ?', a.id);
      if (row && row.code !== a.key) problems.push(`clinic ${a.id} has code ${row.code}, acknowledged as ${a.key}`);
    }
    for (const c of all<{ id: number; n: number; kinds: string }>(
      db,
      "SELECT c.id, count(s.id) AS n, group_concat(s.kind) AS kinds FROM clinics c LEFT JOIN stores s ON s.clinic_id = c.id GROUP BY c.id HAVING n <> 2 OR kinds NOT LIKE '%clinic%' OR kinds NOT LIKE '%transit%'",
    )) {
      problems.push(`clinic ${c.id} is half made: stores ${c.kinds ?? 'none'}`);
    }
    problems.push(...auditMismatch(db, 'clinics.create', 'clinics', 'clinic'));
    return problems;
  },
};

// ─────────────────────────────────────────────────────────────────────────────────────────────────
// The stock book: receipts at the hub, deliveries to a clinic, signing for them, dispensing there.

interface StockState {
  poId: number;
  poLineId: number;
  drugId: number;
  clinicId: number;
  requisitionLineId: number;
  /** Deliveries acknowledged and not yet signed for. */
  toSign: number[];
}

const stock = (state: Record<string, unknown>) => state.stock as StockState;

/** Sets up the clinic the stock workloads deliver to; the order and requisition are seeded with the server stopped. */
async function stockSetup(ctx: SetupContext): Promise<void> {
  const clinic = await ctx.admin.call('clinics.create', { code: 'S01', name: '东湖村卫生室' });
  ctx.state.stock = { clinicId: clinic.id, toSign: [] } as Partial<StockState>;
}

/** A supplier, a drug, a purchase order with room for many receipts, and an approved requisition. */
function stockSeed(db: Database.Database, state: Record<string, unknown>): void {
  const s = stock(state);
  const at = '2026-01-01T00:00:00.000Z';
  const admin = one<{ id: number }>(db, "SELECT id FROM users WHERE username = 'admin'").id;
  const supplierId = Number(
    db
      .prepare("INSERT INTO suppliers (name, credit_code, active, created_at, updated_at) VALUES ('湖南九州通医药有限公司', '91430100MA4L1XXX0Q', 1, ?, ?)")
      .run(at, at).lastInsertRowid,
  );
  s.drugId = Number(
    db
      .prepare(
        `INSERT INTO drugs (nhsa_code, generic_name, dosage_form, spec, pack_unit, base_unit, pack_size, manufacturer, insurance_class, default_supplier_id, created_at, updated_at)
         VALUES ('XJ01CAA040A001010100001', '阿莫西林胶囊', '胶囊剂', '0.25g', '盒', '粒', 24, '华北制药股份有限公司', 'A', ?, ?, ?)`,
      )
      .run(supplierId, at, at).lastInsertRowid,
  );
  db.prepare('INSERT INTO supplier_prices (supplier_id, drug_id, pack_price, active, updated_at) VALUES (?, ?, 2880000, 1, ?)').run(supplierId, s.drugId, at);
  s.poId = Number(
    db
      .prepare(
        `INSERT INTO purchase_orders (doc_no, supplier_id, supplier_name, business_date, status, total_amount, created_by, created_at, updated_at, sent_at, sent_by)
         VALUES ('CG-202601-0001', ?, '湖南九州通医药有限公司', '2026-01-01', 'sent', 0, ?, ?, ?, ?, ?)`,
      )
      .run(supplierId, admin, at, at, at, admin).lastInsertRowid,
  );
  s.poLineId = Number(
    db
      .prepare(
        `INSERT INTO purchase_order_lines (po_id, line_no, drug_id, nhsa_code, drug_name, spec, dosage_form, manufacturer, pack_unit, base_unit, pack_size,
           insurance_class, vbp, qty, pack_price, amount)
         VALUES (?, 1, ?, 'XJ01CAA040A001010100001', '阿莫西林胶囊', '0.25g', '胶囊剂', '华北制药股份有限公司', '盒', '粒', 24, 'A', 0, 2400000, 2880000, 28800000)`,
      )
      .run(s.poId, s.drugId).lastInsertRowid,
  );
  const requisitionId = Number(
    db
      .prepare(
        `INSERT INTO requisitions (doc_no, clinic_id, status, created_by, created_at, updated_at, submitted_at, submitted_by, reviewed_at, reviewed_by)
         VALUES ('QL-202601-0001', ?, 'reviewed', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.clinicId, admin, at, at, at, admin, at, admin).lastInsertRowid,
  );
  s.requisitionLineId = Number(
    db
      .prepare(
        `INSERT INTO requisition_lines (requisition_id, line_no, drug_id, drug_name, spec, dosage_form, manufacturer, pack_unit, base_unit, pack_size,
           insurance_class, vbp, requested_qty, entered_in, decision, approved_qty, decided_by, decided_at)
         VALUES (?, 1, ?, '阿莫西林胶囊', '0.25g', '胶囊剂', '华北制药股份有限公司', '盒', '粒', 24, 'A', 0, 1000000, 'base', 'approved', 1000000, ?, ?)`,
      )
      .run(requisitionId, s.drugId, admin, at).lastInsertRowid,
  );
}

const sumOf = (db: Database.Database, query: string, ...params: unknown[]) => (db.prepare(query).get(...params) as { n: number | null }).n ?? 0;

export const receiptsWorkload: CrashWorkload = {
  name: 'receipts',
  weight: 2,
  setup: stockSetup,
  seed: stockSeed,
  async step(ctx, i) {
    const s = stock(ctx.state);
    const { status, json } = await ctx.pharmacist.post('receipts.create', {
      poId: s.poId,
      invoiceNo: `INV${i}`,
      businessDate: ctx.today,
      lines: [{ poLineId: s.poLineId, batchNo: `B${i}`, expiryDate: '2029-12-31', qty: 240 }],
    });
    return status === 200 ? { kind: 'receipt', id: json.receipt.id } : null;
  },
  verify(db, acks) {
    const problems = missingAcks(db, acks, 'receipt', 'receipts');
    for (const r of all<{ id: number; lines: number; booked: number | null }>(
      db,
      `SELECT r.id, (SELECT sum(qty) FROM receipt_lines WHERE receipt_id = r.id) AS lines,
              (SELECT sum(qty) FROM ledger WHERE doc_type = 'receipt' AND doc_id = r.id AND movement = 'receipt') AS booked
         FROM receipts r`,
    )) {
      if (r.lines !== r.booked) problems.push(`receipt ${r.id} is half posted: lines ${r.lines}, ledger ${r.booked}`);
    }
    const received = sumOf(db, 'SELECT sum(received_qty) AS n FROM purchase_order_lines');
    const lines = sumOf(db, 'SELECT sum(qty) AS n FROM receipt_lines');
    if (received !== lines) problems.push(`order lines say ${received} received, receipt lines ${lines}`);
    problems.push(...auditMismatch(db, 'receipts.create', 'receipts', 'receipt'));
    return problems;
  },
};

export const deliveriesWorkload: CrashWorkload = {
  name: 'deliveries',
  weight: 2,
  async step(ctx) {
    const s = stock(ctx.state);
    const { status, json } = await ctx.pharmacist.post('deliveries.create', {
      clinicId: s.clinicId,
      businessDate: ctx.today,
      lines: [{ requisitionLineId: s.requisitionLineId, qty: 48 }],
    });
    if (status !== 200) return null;
    s.toSign.push(json.id);
    return { kind: 'delivery', id: json.id };
  },
  verify(db, acks) {
    const problems = missingAcks(db, acks, 'delivery', 'deliveries');
    for (const d of all<{
      id: number;
      status: string;
      qty: number;
      received: number | null;
      issueOut: number | null;
      transitIn: number | null;
      transitOut: number | null;
      issueIn: number | null;
    }>(
      db,
      `SELECT d.id, d.status,
              (SELECT sum(qty) FROM delivery_lines WHERE delivery_id = d.id) AS qty,
              (SELECT sum(received_qty) FROM delivery_lines WHERE delivery_id = d.id) AS received,
              (SELECT sum(qty) FROM ledger WHERE doc_type = 'delivery' AND doc_id = d.id AND movement = 'issue_out') AS issueOut,
              (SELECT sum(qty) FROM ledger WHERE doc_type = 'delivery' AND doc_id = d.id AND movement = 'transit_in') AS transitIn,
              (SELECT sum(qty) FROM ledger WHERE doc_type = 'delivery' AND doc_id = d.id AND movement = 'transit_out') AS transitOut,
              (SELECT sum(qty) FROM ledger WHERE doc_type = 'delivery' AND doc_id = d.id AND movement = 'issue_in') AS issueIn
         FROM deliveries d`,
    )) {
      if (d.issueOut !== -d.qty || d.transitIn !== d.qty)
        problems.push(`delivery ${d.id} is half posted: ${d.qty} issued, ledger ${d.issueOut}/${d.transitIn}`);
      if (d.status === 'in_transit' && (d.transitOut !== null || d.issueIn !== null || d.received !== null))
        problems.push(`delivery ${d.id} in transit but partly signed`);
      if (d.status === 'signed' && (d.transitOut !== -d.qty || d.issueIn !== d.qty || d.received !== d.qty)) {
        problems.push(`delivery ${d.id} signed but ledger ${d.transitOut}/${d.issueIn}, received ${d.received}`);
      }
    }
    const issued = sumOf(db, 'SELECT sum(issued_qty) AS n FROM requisition_lines');
    const lines = sumOf(db, 'SELECT sum(qty) AS n FROM delivery_lines');
    if (issued !== lines) problems.push(`requisition lines say ${issued} issued, delivery lines ${lines}`);
    problems.push(...auditMismatch(db, 'deliveries.create', 'deliveries', 'delivery'));
    return problems;
  },
};

export const signingWorkload: CrashWorkload = {
  name: 'signing',
  weight: 2,
  async step(ctx) {
    const s = stock(ctx.state);
    const id = s.toSign.shift();
    if (id === undefined) return null;
    let answered = false;
    try {
      const detail = await ctx.pharmacist.post('deliveries.get', { id });
      if (detail.status !== 200) return null;
      const { status } = await ctx.pharmacist.post('deliveries.sign', {
        id,
        signDate: ctx.today,
        lines: detail.json.lines.map((l: { id: number; qty: number }) => ({ lineId: l.id, receivedQty: l.qty })),
      });
      answered = true;
      return status === 200 ? { kind: 'signed', id } : null;
    } finally {
      // Killed mid-request: whether it was signed is unknown, so try again after the restart.
      if (!answered) s.toSign.push(id);
    }
  },
  verify(db, acks) {
    const problems: string[] = [];
    for (const a of acks.filter((x) => x.kind === 'signed')) {
      const row = one<{ status: string } | undefined>(db, 'SELECT status FROM deliveries WHERE id = ?', a.id);
      if (row?.status !== 'signed') problems.push(`acknowledged signature of delivery ${a.id} is missing (status ${row?.status})`);
    }
    problems.push(...auditMismatch(db, 'deliveries.sign', 'deliveries', 'delivery', "status = 'signed'"));
    return problems;
  },
};

export const dispensingWorkload: CrashWorkload = {
  name: 'dispensing',
  weight: 3,
  async step(ctx, i) {
    const s = stock(ctx.state);
    const { status, json } = await ctx.pharmacist.post('dispensing.create', {
      clinicId: s.clinicId,
      businessDate: ctx.today,
      clientToken: `crash-${i}-${Math.floor(ctx.random() * 1e9)}`,
      lines: [{ drugId: s.drugId, qty: 1 + Math.floor(ctx.random() * 6) }],
    });
    return status === 200 ? { kind: 'dispensing', id: json.id } : null;
  },
  verify(db, acks) {
    const problems = missingAcks(db, acks, 'dispensing', 'dispensings');
    for (const d of all<{ id: number; qty: number; booked: number | null }>(
      db,
      `SELECT d.id, (SELECT sum(qty) FROM dispensing_lines WHERE dispensing_id = d.id) AS qty,
              (SELECT sum(qty) FROM ledger WHERE doc_type = 'dispensing' AND doc_id = d.id AND movement = 'dispense') AS booked
         FROM dispensings d`,
    )) {
      if (d.booked !== -d.qty) problems.push(`dispensing ${d.id} is half posted: lines ${d.qty}, ledger ${d.booked}`);
    }
    problems.push(...auditMismatch(db, 'dispensing.create', 'dispensings', 'dispensing'));
    return problems;
  },
};

// ─────────────────────────────────────────────────────────────────────────────────────────────────
// Manual backups: a kill during SQLite's online backup must leave no half file under a backup's name.

export const backupsWorkload: CrashWorkload = {
  name: 'backups',
  weight: 0.3,
  async step(ctx) {
    const { status, json } = await ctx.admin.post('backup.create', {});
    return status === 200 ? { kind: 'backup', id: 0, key: `${json.dir}\u0000${json.fileName}` } : null;
  },
  verify(db, acks) {
    const problems: string[] = [];
    const recorded = new Set(all<{ k: string }>(db, "SELECT dir || char(0) || file_name AS k FROM backups WHERE reason = 'manual'").map((r) => r.k));
    for (const a of acks.filter((x) => x.kind === 'backup')) if (!recorded.has(a.key!)) problems.push(`acknowledged backup ${a.key} is not recorded`);
    return problems;
  },
};

export const WORKLOADS: CrashWorkload[] = [clinicsWorkload, receiptsWorkload, deliveriesWorkload, signingWorkload, dispensingWorkload, backupsWorkload];
