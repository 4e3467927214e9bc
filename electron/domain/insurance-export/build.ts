/**
 * The month's ledger in the shapes of the national platform's 进销存 interfaces (3501–3506), for one store
 * (the hub's or a clinic's) or every store. Goods in transit (issued, not yet signed for) are the hub's, so
 * the clinics' transit stores are exported with the hub. Every ledger row of the month at the exported
 * stores becomes exactly one row of 3502–3506; 3501 is each lot's balance at the end of the month. The
 * mapping is described for people in MAPPING_NOTES (shared/insurance-export.ts).
 *
 * Quantities are base units (the ledger's, whole numbers); prices are the lot's unit cost per base unit
 * (micro-yuan, written with the spec's 6 decimals: exact). Nothing goes through floating point.
 */
import type { ReadContext } from '../context';
import { clinicScope, forbiddenClinic } from '../scope';
import { sql, type ReadDb } from '../../db/database';
import { AppError, notFound } from '../../errors';
import type { InsuranceExportPreview } from '../../../shared/contract/insurance-export';
import { periodBounds, periodOf } from '../../../shared/dates';
import {
  fixmedinsBchno,
  fixmedinsHilistId,
  INTERFACE_CODES,
  INTERFACE_FIELDS,
  INTERFACE_NAMES,
  MAPPING_NOTES,
  NOT_KEPT,
  type InterfaceCode,
  type InvChgType,
} from '../../../shared/insurance-export';
import { MOVEMENT_LABELS, type Movement } from '../../../shared/stock';
import { SETL_TYPE } from '../../../shared/reconciliation';
import { hubName } from '../settings';
import { isPeriodClosed } from '../stock/ledger';
import { closeEventOf, snapshotRows } from '../settlement/balances';

/** A decimal written exactly as the spec's 数值型 (JSON number text, Excel number). */
export class Decimal {
  constructor(readonly text: string) {}
}
export type FieldValue = string | Decimal | { drug_trac_codg: string }[];

export interface ExportStore {
  id: number;
  kind: 'hub' | 'clinic';
  name: string;
  clinicId: number | null;
  clinicCode: string | null;
}

export interface ExportRow {
  code: InterfaceCode;
  fields: Record<string, FieldValue>;
  /** Where the row comes from (the workbook's extra columns; tests). */
  meta: {
    storeId: number;
    storeName: string;
    lotId: number;
    drugId: number;
    /** The ledger row (null for 3501, a balance). */
    ledgerId: number | null;
    movement: Movement | null;
    /** Signed base units as in the ledger (3501: the balance). */
    qty: number;
    /** Fen as in the ledger (3501: the balance's value). */
    amount: number;
    docNo: string;
    baseUnit: string;
    pack: string;
  };
}

/** A store whose ledger rows are exported: a 定点 store, or a transit store exported with the hub. */
interface LedgerStore {
  id: number;
  kind: 'hub' | 'clinic' | 'transit';
  name: string;
}

export interface ExportData {
  hubName: string;
  period: string;
  closed: boolean;
  invdate: string;
  stores: ExportStore[];
  /** The clinics' transit stores exported with the hub (empty when the hub is not exported). */
  transitStores: { id: number; name: string }[];
  rows: Record<InterfaceCode, ExportRow[]>;
  ledgerRows: number;
  warnings: InsuranceExportPreview['warnings'];
}

// ───────────── scope ─────────────

const STORE_SELECT = `SELECT s.id, s.kind, s.name, s.clinic_id AS clinicId, c.code AS clinicCode FROM stores s LEFT JOIN clinics c ON c.id = s.clinic_id`;

/**
 * The stores a call exports. A store must be the hub's or a clinic's: a transit store is no 定点 store of
 * its own (its goods are the hub's until signed, and go with the hub's export). A village doctor gets their
 * own clinic's store and is refused any other.
 */
export function exportStores(ctx: ReadContext, storeId: number | undefined): ExportStore[] {
  const db = ctx.db;
  if (storeId === undefined) {
    const own = clinicScope(ctx, null);
    if (own !== null) return sql(db, `${STORE_SELECT} WHERE s.clinic_id = ? AND s.kind = 'clinic'`).all(own) as ExportStore[];
    return sql(db, `${STORE_SELECT} WHERE s.kind IN ('hub', 'clinic') ORDER BY CASE s.kind WHEN 'hub' THEN 0 ELSE 1 END, c.code`).all() as ExportStore[];
  }
  const store = sql(db, `${STORE_SELECT} WHERE s.id = ?`).get(storeId) as (Omit<ExportStore, 'kind'> & { kind: string }) | undefined;
  if (!store) throw notFound('库房');
  if (ctx.user.role === 'village_doctor' && store.clinicId !== ctx.user.clinicId) throw forbiddenClinic();
  if (store.kind === 'transit') {
    throw new AppError('VALIDATION', '在途库房不是单独的定点医药机构库房，其药品随中心药库上报：请选择中心药库或村卫生室', [
      { path: 'storeId', message: '请选择中心药库或村卫生室' },
    ]);
  }
  return [store as ExportStore];
}

export function assertExportablePeriod(period: string, today: string): void {
  if (period > periodOf(today)) throw new AppError('VALIDATION', `${period} 还没有到，不能导出未来月份`, [{ path: 'period', message: '不能选择未来的月份' }]);
}

// ───────────── formatting ─────────────

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** 'yyyy-MM-dd HH:mm:ss' in China time: when the row was posted, on its business date. */
function changeTime(businessDate: string, createdAt: string): string {
  const local = new Date(Date.parse(createdAt) + CHINA_OFFSET_MS).toISOString();
  // A document dated another day than it was entered (back-dated) carries its business date at 00:00:00.
  return local.slice(0, 10) === businessDate ? `${businessDate} ${local.slice(11, 19)}` : `${businessDate} 00:00:00`;
}

/** Micro-yuan → yuan with the spec's 6 decimals. */
export function priceText(micro: number): Decimal {
  const abs = Math.abs(micro);
  return new Decimal(`${micro < 0 ? '-' : ''}${Math.floor(abs / 1_000_000)}.${String(abs % 1_000_000).padStart(6, '0')}`);
}
const count = (n: number) => new Decimal(String(n));

// ───────────── ledger rows → interfaces ─────────────

interface LedgerRow {
  id: number;
  storeId: number;
  drugId: number;
  lotId: number;
  movement: Movement;
  qty: number;
  unitCost: number;
  amount: number;
  docType: string;
  docId: number;
  docLineId: number | null;
  reversesId: number | null;
  businessDate: string;
  createdAt: string;
  opterName: string;
}

export interface DrugRow {
  id: number;
  nhsaCode: string;
  name: string;
  spec: string;
  manufacturer: string;
  approvalNo: string | null;
  rx: number;
  packSize: number;
  packUnit: string;
  baseUnit: string;
}

export interface LotRow {
  id: number;
  batchNo: string;
  mfgDate: string | null;
  expiryDate: string;
  supplierName: string | null;
  licenceNo: string | null;
  /** The receipt that created the lot (its 采购流水号). */
  receiptDocNo: string | null;
  invoiceNo: string | null;
  /** 随货同行单号 of that receipt (null before acceptance records were kept, or not given). */
  deliveryNoteNo: string | null;
}

/** Loads rows by id in chunks (SQLite's parameter limit), into a map. */
function byIds<T extends { id: number }>(db: ReadDb, select: string, ids: Iterable<number>): Map<number, T> {
  const all = [...new Set(ids)];
  const out = new Map<number, T>();
  for (let i = 0; i < all.length; i += 500) {
    const chunk = all.slice(i, i + 500);
    for (const r of db.prepare(`${select} (${chunk.map(() => '?').join(',')})`).all(...chunk) as T[]) out.set(r.id, r);
  }
  return out;
}

const DRUG_SELECT = `SELECT id, nhsa_code AS nhsaCode, generic_name AS name, spec, manufacturer, approval_no AS approvalNo, rx, pack_size AS packSize,
  pack_unit AS packUnit, base_unit AS baseUnit FROM drugs WHERE id IN`;
const LOT_SELECT = `SELECT l.id, l.batch_no AS batchNo, l.mfg_date AS mfgDate, l.expiry_date AS expiryDate, s.name AS supplierName, s.licence_no AS licenceNo,
  r.doc_no AS receiptDocNo, r.invoice_no AS invoiceNo, ra.delivery_note_no AS deliveryNoteNo
  FROM lots l LEFT JOIN suppliers s ON s.id = l.supplier_id
  LEFT JOIN quarantine_lots q ON q.lot_id = l.id
  LEFT JOIN receipt_lines rl ON rl.lot_id = coalesce(q.origin_lot_id, l.id) LEFT JOIN receipts r ON r.id = rl.receipt_id
  LEFT JOIN receipt_acceptances ra ON ra.receipt_id = r.id
  WHERE l.id IN`;

/** What a sale (3505/3506) takes from the settlement detail behind it: the insurance settlement, never the patient's identity. */
interface SettledSale {
  setlId: string | null;
  mdtrtId: string;
  hiFeesetlType: string | null;
  mdtrtSetlType: string | null;
  psnCertType: string | null;
  /** 人员编号 of the insured patient, as the settlement file gave it; null when the file had none or retention purged it. */
  psnNo: string | null;
  doctorName: string | null;
  /** The clinic posted the sale from this settlement line (一次录入). */
  posted: number;
  /** The insurance client reversed (冲正) this settlement line since. */
  reversed: number;
}

/**
 * The settlement detail of each dispensing line of the month, by dispensing line: the one it was posted from
 * (一次录入), or else the line of the same visit (就诊ID = the entry's visit number), day and drug, one the client
 * has not reversed first. A reversed line still names the sale a 3506 (销售退货) takes back, not a standing sale.
 * Dispensing with no settlement behind it (self-paid, or details not imported) has none, and its fields stay empty.
 */
function settledVisits(db: ReadDb, rows: LedgerRow[]): Map<number, SettledSale> {
  const ids = [...new Set(rows.filter((r) => r.docType === 'dispensing').map((r) => r.docId))];
  const out = new Map<number, SettledSale>();
  if (ids.length === 0) return out;
  const found = db
    .prepare(
      `SELECT l.id AS lineId, s.setl_id AS setlId, s.mdtrt_id AS mdtrtId, s.hi_feesetl_type AS hiFeesetlType, s.mdtrt_setl_type AS mdtrtSetlType,
              s.psn_cert_type AS psnCertType, s.psn_no AS psnNo, s.doctor_name AS doctorName,
              EXISTS (SELECT 1 FROM settlement_postings p WHERE p.dispensing_line_id = l.id) AS posted,
              EXISTS (SELECT 1 FROM settlement_lines r WHERE r.reverses_id = s.id) AS reversed
         FROM dispensing_lines l JOIN dispensings d ON d.id = l.dispensing_id
         JOIN settlement_lines s ON s.id = coalesce(
              (SELECT p.line_id FROM settlement_postings p WHERE p.dispensing_line_id = l.id),
              (SELECT x.id FROM settlement_lines x INDEXED BY settlement_lines_day
                WHERE x.clinic_id = d.clinic_id AND x.business_date = d.business_date AND x.drug_id = l.drug_id AND x.mdtrt_id = d.visit_no
                  AND x.reverses_id IS NULL
                ORDER BY EXISTS (SELECT 1 FROM settlement_lines r WHERE r.reverses_id = x.id), x.id LIMIT 1))
        WHERE l.dispensing_id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids)) as (SettledSale & { lineId: number })[];
  for (const f of found) out.set(f.lineId, f);
  return out;
}

/** Document numbers and the few document fields the interfaces carry, per (doc_type, doc_id). */
interface DocInfo {
  docNo: string;
  label: string;
  invoiceNo?: string | null;
  rxNo?: string | null;
  visitNo?: string | null;
  writeoffReason?: string;
}

const DOC_LABELS: Record<string, string> = {
  receipt: '验收入库单',
  delivery: '配送单',
  dispensing: '用药登记',
  return: '退货单',
  writeoff: '报损单',
  stocktake: '盘点单',
};

function docInfos(db: ReadDb, rows: LedgerRow[]): Map<string, DocInfo> {
  const want = new Map<string, Set<number>>();
  for (const r of rows) {
    let s = want.get(r.docType);
    if (!s) want.set(r.docType, (s = new Set()));
    s.add(r.docId);
  }
  const out = new Map<string, DocInfo>();
  const load = (type: string, select: string, make: (r: Record<string, unknown>) => DocInfo) => {
    const ids = want.get(type);
    if (!ids) return;
    for (const [id, r] of byIds<{ id: number } & Record<string, unknown>>(db, select, ids)) out.set(`${type}:${id}`, make(r));
  };
  load('receipt', 'SELECT id, doc_no AS docNo, invoice_no AS invoiceNo FROM receipts WHERE id IN', (r) => ({
    docNo: r.docNo as string,
    label: DOC_LABELS.receipt,
    invoiceNo: r.invoiceNo as string | null,
  }));
  load('delivery', 'SELECT id, doc_no AS docNo FROM deliveries WHERE id IN', (r) => ({ docNo: r.docNo as string, label: DOC_LABELS.delivery }));
  load('dispensing', 'SELECT id, rx_no AS rxNo, visit_no AS visitNo FROM dispensings WHERE id IN', (r) => ({
    docNo: dispensingDocNo(r.id as number),
    label: DOC_LABELS.dispensing,
    rxNo: r.rxNo as string | null,
    visitNo: r.visitNo as string | null,
  }));
  load('return', 'SELECT id, doc_no AS docNo FROM stock_returns WHERE id IN', (r) => ({ docNo: r.docNo as string, label: DOC_LABELS.return }));
  load('writeoff', 'SELECT id, doc_no AS docNo, reason_code AS reasonCode FROM writeoffs WHERE id IN', (r) => ({
    docNo: r.docNo as string,
    label: DOC_LABELS.writeoff,
    writeoffReason: r.reasonCode as string,
  }));
  load('stocktake', 'SELECT id, doc_no AS docNo FROM stocktakes WHERE id IN', (r) => ({ docNo: r.docNo as string, label: DOC_LABELS.stocktake }));
  return out;
}

/** Dispensing entries have no document number of their own; this is their stable reference (零售单据号). */
export const dispensingDocNo = (id: number) => `YYDJ-${String(id).padStart(8, '0')}`;

/** Write-offs of spoiled goods are 销毁 (105); anything else taken out (lost, other) is 其他出库 (107). */
const DESTROYED = new Set(['expired', 'damaged', 'quality']);

/** Which interface (and 3502 change type) a ledger row belongs to, by its movement and direction. */
export function classify(movement: Movement, qty: number, writeoffReason?: string): { code: InterfaceCode; invChgType?: InvChgType } {
  const inward = qty > 0;
  switch (movement) {
    case 'receipt':
      return { code: inward ? '3503' : '3504' };
    case 'supplier_return':
      return { code: inward ? '3503' : '3504' };
    case 'dispense':
      return { code: inward ? '3506' : '3505' };
    case 'count_surplus':
    case 'count_shortage':
      return { code: '3502', invChgType: inward ? '103' : '104' };
    case 'writeoff':
      return { code: '3502', invChgType: inward ? '106' : writeoffReason && DESTROYED.has(writeoffReason) ? '105' : '107' };
    default:
      // issue_out, transit_in, transit_out, issue_in, transit_back, clinic_return_out, clinic_return_in:
      // goods moved between the hub's shelf, its goods in transit and the clinics.
      return { code: '3502', invChgType: inward ? '101' : '102' };
  }
}

function emptyRows(): Record<InterfaceCode, ExportRow[]> {
  return { '3501': [], '3502': [], '3503': [], '3504': [], '3505': [], '3506': [] };
}

export class Warnings {
  private map = new Map<
    string,
    { code: InsuranceExportPreview['warnings'][number]['code']; message: string; count: number; examples: string[]; seen: Set<string> }
  >();
  add(code: InsuranceExportPreview['warnings'][number]['code'], message: string, example?: string): void {
    let w = this.map.get(code);
    if (!w) this.map.set(code, (w = { code, message, count: 0, examples: [], seen: new Set() }));
    if (example === undefined) {
      w.count += 1;
      return;
    }
    if (w.seen.has(example)) return;
    w.seen.add(example);
    w.count += 1;
    if (w.examples.length < 20) w.examples.push(example);
  }
  list(): InsuranceExportPreview['warnings'] {
    return [...this.map.values()].map(({ seen: _seen, ...w }) => w);
  }
}

/** What both the rows (buildExport) and the preview's summary (summary.ts) start from: the month and its stores. */
export interface MonthScope {
  closed: boolean;
  invdate: string;
  /** Already holding the month's own warning (not ended, not closed). */
  warnings: Warnings;
  transitStores: { id: number; name: string }[];
  ledgerStores: LedgerStore[];
  storeIds: number[];
}

export function monthScope(ctx: ReadContext, period: string, stores: ExportStore[]): MonthScope {
  const db = ctx.db;
  assertExportablePeriod(period, ctx.today);
  const { last } = periodBounds(period);
  const monthEnded = last < ctx.today;
  const invdate = monthEnded ? last : ctx.today;
  const closed = isPeriodClosed(db, period);
  const warnings = new Warnings();
  if (!monthEnded) warnings.add('month_not_ended', `${period} 尚未结束：盘存按今天（${ctx.today}）的结存，月底前的业务还会变动，正式上传请在月结后导出`);
  else if (!closed) warnings.add('month_open', `${period} 尚未结账：数据可能还会变动，正式上传建议在月结后导出`);

  const transitStores = stores.some((s) => s.kind === 'hub')
    ? (sql(db, "SELECT id, name FROM stores WHERE kind = 'transit' ORDER BY id").all() as { id: number; name: string }[])
    : [];
  const ledgerStores: LedgerStore[] = [...stores, ...transitStores.map((t) => ({ ...t, kind: 'transit' as const }))];
  return { closed, invdate, warnings, transitStores, ledgerStores, storeIds: ledgerStores.map((s) => s.id) };
}

export interface LotBalance {
  storeId: number;
  lotId: number;
  drugId: number;
  qty: number;
  value: number;
}

/**
 * 3501: each lot's balance at the end of the month, as now minus what was posted after the month. Only lots
 * with stock now (an empty lot's row holds value 0 by the schema's CHECK), and only the months after this
 * one (ledger_period): left to itself SQLite read every year of each store through ledger_card. For the open
 * month nothing was posted after it: this is the balances table as it stands.
 */
export function monthEndBalances(db: ReadDb, period: string, storeIds: number[]): LotBalance[] {
  if (storeIds.length === 0) return [];
  const placeholders = storeIds.map(() => '?').join(',');
  return db
    .prepare(
      `SELECT storeId, lotId, drugId, sum(qty) AS qty, sum(value) AS value FROM (
         SELECT store_id AS storeId, lot_id AS lotId, drug_id AS drugId, qty, value FROM stock_balances INDEXED BY stock_balances_live
          WHERE qty > 0 AND store_id IN (${placeholders})
         UNION ALL
         SELECT store_id, lot_id, drug_id, -qty, -amount FROM ledger INDEXED BY ledger_period WHERE period > ? AND store_id IN (${placeholders})
       ) GROUP BY storeId, lotId HAVING sum(qty) <> 0 ORDER BY storeId, drugId, lotId`,
    )
    .all(...storeIds, period, ...storeIds) as LotBalance[];
}

export const loadDrugs = (db: ReadDb, ids: Iterable<number>) => byIds<DrugRow>(db, DRUG_SELECT, ids);
export const loadLots = (db: ReadDb, ids: Iterable<number>) => byIds<LotRow>(db, LOT_SELECT, ids);

/** A lot's missing fields the spec requires (once per drug, spec and batch). */
export function addLotWarnings(warnings: Warnings, d: DrugRow, lot: LotRow, needApproval: boolean): void {
  const what = `${d.name} ${d.spec} 批号 ${lot.batchNo}`;
  if (!lot.mfgDate) warnings.add('no_mfg_date', '批次没有登记生产日期（manu_date 为必填，已留空）', what);
  if (needApproval && !d.approvalNo) warnings.add('no_approval_no', '药品没有登记批准文号（aprvno 为必填，已留空）', `${d.name} ${d.spec}`);
}

/** What a row of interface `code` warns of, in the order the rows are written. */
export function addRowWarnings(warnings: Warnings, code: InterfaceCode, d: DrugRow, lot: LotRow): void {
  if (code === '3502') return;
  addLotWarnings(warnings, d, lot, code === '3503');
  if (code === '3504' && !lot.invoiceNo)
    warnings.add('no_invoice_no', '退货对应的入库单没有发票号（3504 purc_invo_no 为必填，已留空）', `${lot.receiptDocNo ?? ''} ${d.name} 批号 ${lot.batchNo}`);
}

/** A closed month's 盘存 must agree, drug by drug, with the snapshot its close signed off. */
export function checkSnapshots(
  db: ReadDb,
  period: string,
  scope: MonthScope,
  balances: Pick<LotBalance, 'storeId' | 'drugId' | 'qty'>[],
  drugs: Map<number, DrugRow>,
): void {
  if (!scope.closed) return;
  const event = closeEventOf(db, period);
  if (!event) return;
  for (const store of scope.ledgerStores) {
    const snap = new Map(snapshotRows(db, event.id, store.id).map((r) => [r.drugId, r.qty]));
    const sums = new Map<number, number>();
    for (const b of balances) if (b.storeId === store.id) sums.set(b.drugId, (sums.get(b.drugId) ?? 0) + b.qty);
    for (const drugId of new Set([...snap.keys(), ...sums.keys()])) {
      if ((snap.get(drugId) ?? 0) !== (sums.get(drugId) ?? 0)) {
        const d = drugs.get(drugId);
        scope.warnings.add('snapshot_mismatch', '盘存与月结快照不一致（请做账务一致性检查）', `${store.name} ${d ? d.name : `药品#${drugId}`}`);
      }
    }
  }
}

export function buildExport(ctx: ReadContext, period: string, stores: ExportStore[]): ExportData {
  const db = ctx.db;
  const scope = monthScope(ctx, period, stores);
  const { closed, invdate, warnings, transitStores, ledgerStores, storeIds } = scope;
  const storeById = new Map(ledgerStores.map((s) => [s.id, s]));
  const placeholders = storeIds.map(() => '?').join(',');

  const ledger = storeIds.length
    ? (db
        .prepare(
          `SELECT l.id, l.store_id AS storeId, l.drug_id AS drugId, l.lot_id AS lotId, l.movement, l.qty, l.unit_cost AS unitCost, l.amount,
                  l.doc_type AS docType, l.doc_id AS docId, l.doc_line_id AS docLineId, l.reverses_id AS reversesId, l.business_date AS businessDate, l.created_at AS createdAt,
                  u.display_name AS opterName
             FROM ledger l JOIN users u ON u.id = l.user_id
            WHERE l.period = ? AND l.store_id IN (${placeholders}) ORDER BY l.id`,
        )
        .all(period, ...storeIds) as LedgerRow[])
    : [];
  const balances = monthEndBalances(db, period, storeIds);

  const drugs = loadDrugs(db, [...ledger.map((r) => r.drugId), ...balances.map((b) => b.drugId)]);
  const lots = loadLots(db, [...ledger.map((r) => r.lotId), ...balances.map((b) => b.lotId)]);
  const docs = docInfos(db, ledger);
  const traceCodes = new Map<number, string[]>();
  const receiptLots = [...new Set(ledger.filter((r) => r.movement === 'receipt' && r.qty > 0).map((r) => r.lotId))];
  for (let i = 0; i < receiptLots.length; i += 500) {
    const chunk = receiptLots.slice(i, i + 500);
    const rows = db
      .prepare(`SELECT lot_id AS lotId, code FROM trace_codes WHERE lot_id IN (${chunk.map(() => '?').join(',')}) ORDER BY code`)
      .all(...chunk) as { lotId: number; code: string }[];
    for (const r of rows) {
      const list = traceCodes.get(r.lotId) ?? [];
      list.push(r.code);
      traceCodes.set(r.lotId, list);
    }
  }

  // Rows that moved coded boxes carry their codes: a sale the boxes scanned at the counter (or the opened box it
  // was used from), a write-off or a return the boxes scanned on its line, a delivery the boxes picked. A 销售退货
  // row carries those of the sale it reverses. An opened box is named by every dispensing that used it (拆零: each
  // sale its part). A code scanned at the counter as evidence (sold twice, stray…) is reported as scanned.
  const rowCodes = new Map<number, string[]>();
  const codeRowId = (r: LedgerRow) => (r.qty > 0 && r.reversesId !== null && r.movement === 'dispense' ? r.reversesId : r.id);
  const codedRowIds = [...new Set(ledger.filter((r) => r.movement !== 'receipt').map(codeRowId))];
  for (let i = 0; i < codedRowIds.length; i += 500) {
    const chunk = codedRowIds.slice(i, i + 500);
    const rows = db
      .prepare(
        `SELECT ledger_id AS ledgerId, code FROM box_events
          WHERE ledger_id IN (${chunk.map(() => '?').join(',')}) AND (anomaly IS NULL OR event = 'dispense')
            AND event IN ('dispense', 'writeoff', 'return', 'issue', 'sign', 'transit_back', 'transit_lost') ORDER BY id`,
      )
      .all(...chunk) as { ledgerId: number; code: string }[];
    for (const r of rows) {
      const list = rowCodes.get(r.ledgerId) ?? [];
      if (!list.includes(r.code)) list.push(r.code);
      rowCodes.set(r.ledgerId, list);
    }
  }
  const codesOf = (r: LedgerRow) => (rowCodes.get(codeRowId(r)) ?? []).map((c) => ({ drug_trac_codg: c }));

  const rows = emptyRows();
  const pack = (d: DrugRow) => `${d.packSize}${d.baseUnit}/${d.packUnit}`;
  const drugFields = (d: DrugRow) => ({ med_list_codg: d.nhsaCode, fixmedins_hilist_id: fixmedinsHilistId(d.id), fixmedins_hilist_name: d.name });

  for (const b of balances) {
    const d = drugs.get(b.drugId)!;
    const lot = lots.get(b.lotId)!;
    const store = storeById.get(b.storeId)!;
    addLotWarnings(warnings, d, lot, false);
    rows['3501'].push({
      code: '3501',
      fields: {
        ...drugFields(d),
        rx_flag: String(d.rx),
        invdate,
        inv_cnt: count(b.qty),
        manu_lotnum: lot.batchNo,
        fixmedins_bchno: fixmedinsBchno(lot.id),
        manu_date: lot.mfgDate ?? '',
        expy_end: lot.expiryDate,
        memo: stores.length > 1 || store.kind === 'transit' ? store.name : '',
      },
      meta: {
        storeId: b.storeId,
        storeName: store.name,
        lotId: b.lotId,
        drugId: b.drugId,
        ledgerId: null,
        movement: null,
        qty: b.qty,
        amount: b.value,
        docNo: '',
        baseUnit: d.baseUnit,
        pack: pack(d),
      },
    });
  }

  const settled = settledVisits(db, ledger);
  const lineOfRow = new Map(ledger.filter((r) => r.docLineId !== null).map((r) => [r.id, r.docLineId!]));
  for (const r of ledger) {
    const d = drugs.get(r.drugId)!;
    const lot = lots.get(r.lotId)!;
    const store = storeById.get(r.storeId)!;
    const doc = docs.get(`${r.docType}:${r.docId}`) ?? { docNo: `${r.docType}-${r.docId}`, label: r.docType };
    const { code, invChgType } = classify(r.movement, r.qty, doc.writeoffReason);
    addRowWarnings(warnings, code, d, lot);
    const cnt = count(Math.abs(r.qty));
    const time = changeTime(r.businessDate, r.createdAt);
    const trdn = r.qty % d.packSize === 0 ? '0' : '1';
    const reversal = r.reversesId !== null ? '（冲销）' : '';
    // A write-off in a transit store is goods lost on the way (a signed shortfall the hub wrote off).
    const movementLabel = store.kind === 'transit' && r.movement === 'writeoff' ? '在途报损' : MOVEMENT_LABELS[r.movement];
    const memo = `${doc.label}${reversal} ${doc.docNo} ${movementLabel} 台账#${r.id}`;
    const meta = {
      storeId: r.storeId,
      storeName: store.name,
      lotId: r.lotId,
      drugId: r.drugId,
      ledgerId: r.id,
      movement: r.movement,
      qty: r.qty,
      amount: r.amount,
      docNo: doc.docNo,
      baseUnit: d.baseUnit,
      pack: pack(d),
    };
    const base = drugFields(d);
    /** What 3503 (采购) and 3504 (采购退货) both carry. */
    const purchaseFields = () => ({
      ...base,
      fixmedins_bchno: fixmedinsBchno(lot.id),
      spler_name: lot.supplierName ?? '',
      spler_pmtno: lot.licenceNo ?? '',
      manu_date: lot.mfgDate ?? '',
      expy_end: lot.expiryDate,
      finl_trns_pric: priceText(r.unitCost),
      purc_retn_cnt: cnt,
      purc_invo_codg: '',
      purc_invo_no: lot.invoiceNo ?? '',
      rx_flag: String(d.rx),
      purc_retn_stoin_time: time,
      purc_retn_opter_name: r.opterName,
      memo,
    });
    /** What 3505 (销售) and 3506 (销售退货) both carry. */
    // A reversal row names no line of its own: the sale it takes back is the row it reverses.
    const saleLineId = r.docType !== 'dispensing' ? null : r.reversesId !== null ? (lineOfRow.get(r.reversesId) ?? null) : r.docLineId;
    const found = saleLineId === null ? undefined : settled.get(saleLineId);
    const sale = found && (code === '3506' || found.posted || !found.reversed) ? found : undefined;
    const saleFields = () => ({
      ...base,
      fixmedins_bchno: fixmedinsBchno(lot.id),
      setl_id: sale?.setlId ?? '',
      psn_no: sale?.psnNo ?? '',
      psn_cert_type: sale?.psnCertType ?? '',
      certno: '',
      psn_name: '',
      manu_lotnum: lot.batchNo,
      manu_date: lot.mfgDate ?? '',
      expy_end: lot.expiryDate,
      rx_flag: String(d.rx),
      trdn_flag: trdn,
      finl_trns_pric: priceText(r.unitCost),
      sel_retn_cnt: cnt,
      sel_retn_time: time,
      sel_retn_opter_name: r.opterName,
      memo,
    });
    let fields: Record<string, FieldValue>;
    switch (code) {
      case '3502':
        fields = {
          med_list_codg: d.nhsaCode,
          inv_chg_type: invChgType!,
          fixmedins_hilist_id: base.fixmedins_hilist_id,
          fixmedins_hilist_name: d.name,
          fixmedins_bchno: fixmedinsBchno(lot.id),
          pric: priceText(r.unitCost),
          cnt,
          rx_flag: String(d.rx),
          inv_chg_time: time,
          inv_chg_opter_name: r.opterName,
          memo,
          trdn_flag: trdn,
          drugtracinfo: codesOf(r),
        };
        break;
      case '3503': {
        const trace = r.movement === 'receipt' ? (traceCodes.get(lot.id) ?? []) : [];
        fields = {
          ...purchaseFields(),
          dynt_no: lot.deliveryNoteNo ?? '',
          manu_lotnum: lot.batchNo,
          prodentp_name: d.manufacturer,
          aprvno: d.approvalNo ?? '',
          prod_geay_flag: r.unitCost === 0 ? '1' : '0',
          drugtracinfo: trace.map((c) => ({ drug_trac_codg: c })),
        };
        break;
      }
      case '3504':
        fields = {
          ...purchaseFields(),
          medins_prod_purc_no: lot.receiptDocNo ?? '',
          drugtracinfo: codesOf(r),
        };
        break;
      case '3505':
        fields = {
          ...saleFields(),
          prsc_dr_cert_type: '',
          prsc_dr_certno: '',
          prsc_dr_name: sale?.doctorName ?? '',
          phar_cert_type: '',
          phar_certno: '',
          phar_name: '',
          phar_prac_cert_no: '',
          hi_feesetl_type: sale ? (sale.hiFeesetlType ?? SETL_TYPE.insured) : '',
          mdtrt_sn: doc.visitNo ?? sale?.mdtrtId ?? '',
          rxno: doc.rxNo ?? '',
          rx_circ_flag: '0',
          rtal_docno: doc.docNo,
          stoout_no: '',
          bchno: '',
          drug_prod_barc: '',
          shelf_posi: '',
          mdtrt_setl_type: sale ? (sale.mdtrtSetlType ?? SETL_TYPE.insured) : '',
          drugtracinfo: codesOf(r),
        };
        break;
      case '3506':
        fields = {
          ...saleFields(),
          medins_prod_sel_no: doc.docNo,
          mdtrt_sn: doc.visitNo ?? sale?.mdtrtId ?? '',
          drugtracinfo: codesOf(r),
        };
        break;
      default:
        throw new Error(`unexpected interface ${code}`);
    }
    rows[code].push({ code, fields: ordered(code, fields), meta });
  }

  checkSnapshots(db, period, scope, balances, drugs);
  if (ledger.length === 0 && rows['3501'].length === 0) warnings.add('empty', '所选库房本月没有业务，也没有结存');

  return { hubName: hubName(db), period, closed, invdate, stores, transitStores, rows, ledgerRows: ledger.length, warnings: warnings.list() };
}

/** Fields in the order the spec lists them (and only those). */
function ordered(code: InterfaceCode, fields: Record<string, FieldValue>): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const spec of INTERFACE_FIELDS[code]) {
    if (!(spec.code in fields)) throw new Error(`${code}: field ${spec.code} missing`);
    out[spec.code] = fields[spec.code];
  }
  return out;
}

export function previewOf(data: ExportData): InsuranceExportPreview {
  return {
    hubName: data.hubName,
    period: data.period,
    closed: data.closed,
    invdate: data.invdate,
    stores: data.stores,
    interfaces: INTERFACE_CODES.map((code) => {
      const list = data.rows[code];
      let qty = 0;
      let amount = 0;
      for (const r of list) {
        qty += Math.abs(r.meta.qty);
        amount += Math.abs(r.meta.amount);
      }
      return { code, name: INTERFACE_NAMES[code], rows: list.length, qty, amount };
    }),
    ledgerRows: data.ledgerRows,
    warnings: data.warnings,
    notKept: INTERFACE_CODES.flatMap((code) => (NOT_KEPT[code] ?? []).map((n) => ({ code, fields: n.fields, why: n.why }))),
    notes: MAPPING_NOTES,
  };
}
