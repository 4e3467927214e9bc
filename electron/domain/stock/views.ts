import type { HandlerContext } from '../context';
import { bool, sql, type ReadDb } from '../../db/database';
import type { ParsedInput } from '../../../shared/contract';
import type { StoreRow } from '../../../shared/contract/stock';
import { addMonths, chinaDate, periodOf } from '../../../shared/dates';
import { accessibleStore } from './common';
import { assertDrugBookVisible, bookSight } from '../stocktake/blind';
import { baseSnapshotBefore } from '../settlement/balances';
import { drugSnapshot } from '../master-data/drugs';
import { nearExpiryLimit } from '../master-data/expiry';
import { chineseOrder } from '../../lib/chinese-order';
import type { MethodOutput } from '../../../shared/contract';

interface LotLive {
  drugId: number;
  lotId: number;
  batchNo: string;
  mfgDate: string | null;
  expiryDate: string;
  qty: number;
  value: number;
  unitCost: number;
  supplierId: number | null;
  supplierName: string | null;
}

interface DrugInfo {
  drugId: number;
  nhsaCode: string;
  genericName: string;
  spec: string;
  dosageForm: string;
  manufacturer: string;
  packUnit: string;
  baseUnit: string;
  packSize: number;
  insuranceClass: string;
  vbp: number;
  minQty: number | null;
  maxQty: number | null;
}

const levelColumns = (store: StoreRow) => (store.kind === 'hub' ? 'hub_min AS minQty, hub_max AS maxQty' : 'clinic_min AS minQty, clinic_max AS maxQty');

function liveLots(db: ReadDb, storeId: number): LotLive[] {
  // Pinned: left to itself SQLite walks the store's primary-key range, every lot it ever held (empty ones too).
  return sql(
    db,
    `SELECT b.drug_id AS drugId, b.lot_id AS lotId, l.batch_no AS batchNo, l.mfg_date AS mfgDate, l.expiry_date AS expiryDate,
            b.qty, b.value, l.unit_cost AS unitCost, l.supplier_id AS supplierId, s.name AS supplierName
       FROM stock_balances b INDEXED BY stock_balances_live JOIN lots l ON l.id = b.lot_id LEFT JOIN suppliers s ON s.id = l.supplier_id
      WHERE b.store_id = ? AND b.qty > 0
      ORDER BY b.drug_id, l.expiry_date, l.id`,
  ).all(storeId) as LotLive[];
}

/** Drugs that should be watched at a store even at zero: a minimum level is set, or they moved here lately. */
function watchedDrugIds(db: ReadDb, store: StoreRow, today: string): number[] {
  const minColumn = store.kind === 'hub' ? 'hub_min' : 'clinic_min';
  const since = periodOf(addMonths(today, -6));
  const rows = db
    .prepare(
      `SELECT id FROM drugs WHERE active = 1 AND ${minColumn} > 0
       UNION SELECT DISTINCT drug_id FROM stock_period_totals WHERE store_id = ? AND period >= ?`,
    )
    .all(store.id, since) as { id: number }[];
  return rows.map((r) => r.id);
}

function drugInfos(db: ReadDb, store: StoreRow, ids: number[]): Map<number, DrugInfo> {
  const out = new Map<number, DrugInfo>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = db
      .prepare(
        `SELECT id AS drugId, nhsa_code AS nhsaCode, generic_name AS genericName, spec, dosage_form AS dosageForm, manufacturer,
                pack_unit AS packUnit, base_unit AS baseUnit, pack_size AS packSize, insurance_class AS insuranceClass, vbp, ${levelColumns(store)}
           FROM drugs WHERE id IN (${chunk.map(() => '?').join(',')})`,
      )
      .all(...chunk) as DrugInfo[];
    for (const r of rows) out.set(r.drugId, r);
  }
  return out;
}

function matches(d: Pick<DrugInfo, 'genericName' | 'nhsaCode' | 'manufacturer'>, q: string | undefined): boolean {
  if (!q) return true;
  const k = q.trim().toUpperCase();
  return d.genericName.includes(q.trim()) || d.nhsaCode.startsWith(k) || d.manufacturer.includes(q.trim());
}

export function stockOnHand(ctx: HandlerContext, input: ParsedInput<'stock.onHand'>) {
  const db = ctx.db;
  const store = accessibleStore(ctx, input.storeId);
  const sight = bookSight(ctx);
  const today = ctx.today;
  const nearLimit = nearExpiryLimit(today);
  const lots = liveLots(db, store.id);
  const byDrug = new Map<number, LotLive[]>();
  for (const lot of lots) {
    const list = byDrug.get(lot.drugId) ?? [];
    list.push(lot);
    byDrug.set(lot.drugId, list);
  }
  const wantsZero = input.filter === 'all' || input.filter === 'out_of_stock' || input.filter === 'below_min';
  const ids = new Set(byDrug.keys());
  if (wantsZero) for (const id of watchedDrugIds(db, store, today)) ids.add(id);
  const infos = drugInfos(db, store, [...ids]);

  // The figures every row is filtered, sorted and totalled by; the lots are listed only for the page asked for
  // (the hub's stock is hundreds of drugs and over a thousand lots, and the screen shows fifty drugs at a time).
  const visibleRows = [...ids]
    .filter((drugId) => !sight.hides(store.id, drugId))
    .map((drugId) => {
      const info = infos.get(drugId)!;
      const drugLots = byDrug.get(drugId) ?? [];
      const qty = drugLots.reduce((n, l) => n + l.qty, 0);
      const value = drugLots.reduce((n, l) => n + l.value, 0);
      const expiredQty = drugLots.filter((l) => l.expiryDate < today).reduce((n, l) => n + l.qty, 0);
      const nearExpiryQty = drugLots.filter((l) => l.expiryDate >= today && l.expiryDate < nearLimit).reduce((n, l) => n + l.qty, 0);
      return {
        ...info,
        vbp: bool(info.vbp),
        bookHidden: false,
        qty,
        value,
        belowMin: info.minQty !== null && qty < info.minQty,
        nearExpiryQty,
        expiredQty,
        earliestExpiry: drugLots[0]?.expiryDate ?? null,
      };
    })
    .filter((r) => matches(r, input.q))
    .filter((r) => {
      switch (input.filter) {
        case 'in_stock':
          return r.qty > 0;
        case 'near_expiry':
          return r.nearExpiryQty > 0;
        case 'expired':
          return r.expiredQty > 0;
        case 'below_min':
          return r.belowMin;
        case 'out_of_stock':
          return r.qty === 0;
        default:
          return true;
      }
    });
  // A drug under a blind count is listed under every filter (the filters read the book), without its book.
  const hiddenRows = [...ids]
    .filter((drugId) => sight.hides(store.id, drugId))
    .map((drugId) => hiddenRow(infos.get(drugId)!))
    .filter((r) => matches(r, input.q));
  const rows = [...visibleRows, ...hiddenRows].sort((a, b) => chineseOrder.compare(a.genericName, b.genericName) || a.drugId - b.drugId);
  const start = (input.page - 1) * input.pageSize;
  const totalValue = hiddenRows.length > 0 ? null : visibleRows.reduce((n, r) => n + r.value, 0);
  const page = rows.slice(start, start + input.pageSize).map((r) => ({
    ...r,
    lots: r.bookHidden ? [] : (byDrug.get(r.drugId) ?? []).map((l) => lotRow(l, today, nearLimit)),
  }));
  return { rows: page, total: rows.length, totalValue };
}

function hiddenRow(info: DrugInfo) {
  return {
    ...info,
    vbp: bool(info.vbp),
    bookHidden: true,
    qty: null,
    value: null,
    belowMin: false,
    nearExpiryQty: null,
    expiredQty: null,
    earliestExpiry: null,
    lots: [],
  };
}

export function stockLots(ctx: HandlerContext, input: ParsedInput<'stock.lots'>) {
  const store = accessibleStore(ctx, input.storeId);
  assertDrugBookVisible(ctx, store.id, input.drugId);
  const nearLimit = nearExpiryLimit(ctx.today);
  return liveLots(ctx.db, store.id)
    .filter((l) => l.drugId === input.drugId)
    .map((l) => lotRow(l, ctx.today, nearLimit));
}

/** A lot with stock as the stock screens list it: expired, or near its expiry (before `nearLimit`), as of `today`. */
function lotRow(l: LotLive, today: string, nearLimit: string) {
  return {
    lotId: l.lotId,
    batchNo: l.batchNo,
    mfgDate: l.mfgDate,
    expiryDate: l.expiryDate,
    qty: l.qty,
    value: l.value,
    unitCost: l.unitCost,
    supplierId: l.supplierId,
    supplierName: l.supplierName,
    expired: l.expiryDate < today,
    nearExpiry: l.expiryDate >= today && l.expiryDate < nearLimit,
  };
}

/**
 * Opening balance of a drug at a store before a date: the closing snapshot of the latest closed month
 * before it (when there is one), the monthly totals of the months since, and this month's rows before the
 * date — a few rows however many years are kept (summing every earlier month grew with the years).
 */
export function balanceBefore(db: ReadDb, storeId: number, drugId: number, date: string): { qty: number; value: number } {
  const period = periodOf(date);
  const base = baseSnapshotBefore(db, period);
  const snap = base
    ? ((sql(db, 'SELECT qty, value FROM period_closings WHERE event_id = ? AND store_id = ? AND drug_id = ?').get(base.eventId, storeId, drugId) as
        | { qty: number; value: number }
        | undefined) ?? { qty: 0, value: 0 })
    : { qty: 0, value: 0 };
  const since = sql(
    db,
    'SELECT coalesce(sum(qty), 0) AS qty, coalesce(sum(amount), 0) AS value FROM stock_period_totals WHERE store_id = ? AND drug_id = ? AND period > ? AND period < ?',
  ).get(storeId, drugId, base?.period ?? '0000-00', period) as { qty: number; value: number };
  const months = { qty: snap.qty + since.qty, value: snap.value + since.value };
  const days = sql(
    db,
    'SELECT coalesce(sum(qty), 0) AS qty, coalesce(sum(amount), 0) AS value FROM ledger WHERE store_id = ? AND drug_id = ? AND period = ? AND business_date < ?',
  ).get(storeId, drugId, period, date) as { qty: number; value: number };
  return { qty: months.qty + days.qty, value: months.value + days.value };
}

const DOC_NO = `CASE g.doc_type
    WHEN 'receipt' THEN (SELECT doc_no FROM receipts WHERE id = g.doc_id)
    WHEN 'delivery' THEN (SELECT doc_no FROM deliveries WHERE id = g.doc_id)
    WHEN 'return' THEN (SELECT doc_no FROM stock_returns WHERE id = g.doc_id)
    WHEN 'writeoff' THEN (SELECT doc_no FROM writeoffs WHERE id = g.doc_id)
    WHEN 'dispensing' THEN (SELECT coalesce(rx_no, visit_no) FROM dispensings WHERE id = g.doc_id)
    WHEN 'stocktake' THEN (SELECT doc_no FROM stocktakes WHERE id = g.doc_id)
    ELSE NULL END`;

export function stockCard(ctx: HandlerContext, input: ParsedInput<'stock.card'>) {
  const db = ctx.db;
  const store = accessibleStore(ctx, input.storeId);
  assertDrugBookVisible(ctx, store.id, input.drugId);
  const drug = drugSnapshot(db, input.drugId);
  const nhsa = (sql(db, 'SELECT nhsa_code AS c FROM drugs WHERE id = ?').get(input.drugId) as { c: string }).c;
  const opening = balanceBefore(db, store.id, input.drugId, input.from);
  const rows = sql(
    db,
    `SELECT g.id, g.business_date AS businessDate, g.created_at AS createdAt, g.movement, g.doc_type AS docType, g.doc_id AS docId, ${DOC_NO} AS docNo,
            g.lot_id AS lotId, l.batch_no AS batchNo, g.qty, g.unit_cost AS unitCost, g.amount, u.display_name AS userName,
            g.reverses_id AS reversesId, EXISTS (SELECT 1 FROM ledger r WHERE r.reverses_id = g.id) AS reversed
       FROM ledger g JOIN lots l ON l.id = g.lot_id JOIN users u ON u.id = g.user_id
      WHERE g.store_id = ? AND g.drug_id = ? AND g.period BETWEEN ? AND ? AND g.business_date BETWEEN ? AND ?
      ORDER BY g.business_date, g.id LIMIT ?`,
  ).all(store.id, input.drugId, periodOf(input.from), periodOf(input.to), input.from, input.to, input.limit + 1) as (Omit<
    CardRow,
    'reversed' | 'balanceQty' | 'balanceValue' | 'recordedOn' | 'backdated'
  > & { reversed: number })[];
  const truncated = rows.length > input.limit;
  let qty = opening.qty;
  let value = opening.value;
  // Rows in the ledger's order (business date, then id), so a back-dated row sits at the end of its day
  // and each balance is the one that held at that moment.
  const out = rows.slice(0, input.limit).map((r) => {
    qty += r.qty;
    value += r.amount;
    const recordedOn = chinaDate(new Date(r.createdAt));
    return { ...r, reversed: bool(r.reversed), balanceQty: qty, balanceValue: value, recordedOn, backdated: r.businessDate < recordedOn };
  });
  const card: MethodOutput<'stock.card'> = {
    drug: { ...drug, nhsaCode: nhsa },
    store,
    opening,
    rows: out,
    closing: { qty, value },
    truncated,
  };
  return card;
}

type CardRow = MethodOutput<'stock.card'>['rows'][number];
