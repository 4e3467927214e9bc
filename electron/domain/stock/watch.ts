/**
 * 库存预警 and 常用药: reads what watch-rules.ts needs of one store (its use, the pharmacist's settings, its
 * lots), and the handlers of stock.alerts, stock.alertsExport, stock.watchList and stock.setWatch.
 */
import type { HandlerContext, WriteContext } from '../context';
import { clinicScope } from '../scope';
import { sql, type ReadDb } from '../../db/database';
import { AppError } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import type { StoreRow } from '../../../shared/contract/stock';
import { addDays, periodOf } from '../../../shared/dates';
import { accessibleStore } from './common';
import { bookSight } from '../stocktake/blind';
import { loadExcel } from '../excel';
import { formatFen } from '../../../shared/money';
import { formatQty } from '../../../shared/units';
import {
  ALERT_KINDS,
  refillQty,
  storeAlerts,
  suggestLevels,
  USE_WINDOW_DAYS,
  watchedDrugs,
  watchOf,
  type AlertKind,
  type WatchInputs,
  type WatchSetting,
} from './watch-rules';
import { listStores } from '../master-data/stores';
import { nearExpiryLimit } from '../master-data/expiry';
import { chineseOrder } from '../../lib/chinese-order';
import { SIGNATURES } from '../../../shared/signatures';

interface DrugRow {
  drugId: number;
  nhsaCode: string;
  genericName: string;
  spec: string;
  manufacturer: string;
  packUnit: string;
  baseUnit: string;
  packSize: number;
}

/** Base units the store used per drug in the window: a clinic's dispensing, the hub's issues (reversals net out). */
function usedInWindow(db: ReadDb, store: StoreRow, today: string): Map<number, number> {
  const from = addDays(today, -(USE_WINDOW_DAYS - 1));
  const movement = store.kind === 'hub' ? 'issue_out' : 'dispense';
  const rows = sql(
    db,
    // By month then store (ledger_period): the window's few months, not every year the store has.
    `SELECT drug_id AS drugId, -sum(qty) AS used FROM ledger INDEXED BY ledger_period
      WHERE period >= ? AND store_id = ? AND business_date BETWEEN ? AND ? AND movement = ?
      GROUP BY drug_id HAVING -sum(qty) > 0`,
  ).all(periodOf(from), store.id, from, today, movement) as { drugId: number; used: number }[];
  return new Map(rows.map((r) => [r.drugId, r.used]));
}

function watchSettings(db: ReadDb, storeId: number): Map<number, WatchSetting> {
  const rows = sql(db, 'SELECT drug_id AS drugId, watched, min_qty AS minQty, max_qty AS maxQty FROM store_watch WHERE store_id = ?').all(storeId) as {
    drugId: number;
    watched: number;
    minQty: number | null;
    maxQty: number | null;
  }[];
  return new Map(rows.map((r) => [r.drugId, { watched: r.watched === 1, minQty: r.minQty, maxQty: r.maxQty }]));
}

/** The hub's own catalog levels; a clinic has none (one catalog-wide clinic_min for every clinic is what flooded them). */
function catalogLevels(db: ReadDb, store: StoreRow): Map<number, { minQty: number | null; maxQty: number | null }> {
  if (store.kind !== 'hub') return new Map();
  const rows = sql(db, 'SELECT id AS drugId, hub_min AS minQty, hub_max AS maxQty FROM drugs WHERE active = 1 AND hub_min > 0').all() as {
    drugId: number;
    minQty: number | null;
    maxQty: number | null;
  }[];
  return new Map(rows.map((r) => [r.drugId, { minQty: r.minQty, maxQty: r.maxQty }]));
}

function drugRows(db: ReadDb, ids: Iterable<number>): Map<number, DrugRow> {
  const all = [...ids];
  const out = new Map<number, DrugRow>();
  for (let i = 0; i < all.length; i += 500) {
    const chunk = all.slice(i, i + 500);
    const rows = db
      .prepare(
        `SELECT id AS drugId, nhsa_code AS nhsaCode, generic_name AS genericName, spec, manufacturer, pack_unit AS packUnit, base_unit AS baseUnit,
                pack_size AS packSize FROM drugs WHERE id IN (${chunk.map(() => '?').join(',')})`,
      )
      .all(...chunk) as DrugRow[];
    for (const r of rows) out.set(r.drugId, r);
  }
  return out;
}

function packSizesOf(db: ReadDb, ids: Iterable<number>): Map<number, number> {
  return new Map([...drugRows(db, ids).values()].map((d) => [d.drugId, d.packSize]));
}

function watchInputs(db: ReadDb, store: StoreRow, today: string): WatchInputs {
  const used = usedInWindow(db, store, today);
  const settings = watchSettings(db, store.id);
  const catalog = catalogLevels(db, store);
  const packSizes = packSizesOf(db, new Set([...used.keys(), ...settings.keys(), ...catalog.keys()]));
  return { used, settings, catalog, packSizes };
}

interface LotRow {
  drugId: number;
  lotId: number;
  batchNo: string;
  expiryDate: string;
  qty: number;
  value: number;
}

function lotsOf(db: ReadDb, storeId: number): LotRow[] {
  // Pinned to the live lots: the store's primary-key range holds every lot it ever had, empty ones included.
  return sql(
    db,
    `SELECT b.drug_id AS drugId, b.lot_id AS lotId, l.batch_no AS batchNo, l.expiry_date AS expiryDate, b.qty, b.value
       FROM stock_balances b INDEXED BY stock_balances_live JOIN lots l ON l.id = b.lot_id WHERE b.store_id = ? AND b.qty > 0`,
  ).all(storeId) as LotRow[];
}

function matches(d: Pick<DrugRow, 'genericName' | 'nhsaCode'>, q: string | undefined): boolean {
  const k = q?.trim();
  if (!k) return true;
  return d.genericName.includes(k) || d.nhsaCode.startsWith(k.toUpperCase());
}

type AlertFilter = Partial<ParsedInput<'stock.alertsExport'>>;

/** Every alert of the stores the caller may see, filtered, in the order the page shows them. */
export function collectAlerts(ctx: HandlerContext, input: AlertFilter) {
  const db = ctx.db;
  const stores = input.storeId ? [accessibleStore(ctx, input.storeId)] : listStores(db, clinicScope(ctx), false);
  // (A village doctor's clinicScope is their own clinic: the alerts of no other store are read.)
  const nearLimit = nearExpiryLimit(ctx.today);
  // Drugs under a blind count are left out of the counter's alerts (their quantities are the book).
  const sight = bookSight(ctx);
  const rows = [];
  for (const store of stores) {
    if (store.kind === 'transit') continue;
    const lots = lotsOf(db, store.id).filter((l) => !sight.hides(store.id, l.drugId));
    const watched = watchedDrugs(watchInputs(db, store, ctx.today));
    for (const id of [...watched.keys()]) if (sight.hides(store.id, id)) watched.delete(id);
    const raw = storeAlerts(lots, watched, ctx.today, nearLimit);
    const lotById = new Map(lots.map((l) => [l.lotId, l]));
    const drugs = drugRows(db, new Set(raw.map((a) => a.drugId)));
    for (const a of raw) {
      const d = drugs.get(a.drugId)!;
      if (!matches(d, input.q)) continue;
      const lot = a.lotId === null ? null : lotById.get(a.lotId)!;
      const perDrug = a.kind === 'out_of_stock' || a.kind === 'below_min';
      rows.push({
        kind: a.kind,
        storeId: store.id,
        storeName: store.name,
        clinicId: store.clinicId,
        drugId: d.drugId,
        drugName: d.genericName,
        spec: d.spec,
        packUnit: d.packUnit,
        baseUnit: d.baseUnit,
        packSize: d.packSize,
        qty: a.qty,
        minQty: a.watch?.minQty ?? null,
        maxQty: a.watch?.maxQty ?? null,
        levelSource: a.watch?.levelSource ?? null,
        refillQty: perDrug ? refillQty(a.qty, a.watch, d.packSize) : null,
        batchNo: lot?.batchNo ?? null,
        expiryDate: lot?.expiryDate ?? null,
        value: lot?.value ?? 0,
      });
    }
  }
  const order = (k: AlertKind) => ALERT_KINDS.indexOf(k);
  rows.sort(
    (a, b) =>
      order(a.kind) - order(b.kind) ||
      a.storeId - b.storeId ||
      chineseOrder.compare(a.drugName, b.drugName) ||
      a.drugId - b.drugId ||
      (a.expiryDate ?? '').localeCompare(b.expiryDate ?? ''),
  );
  const counts = { expired: 0, near_expiry: 0, below_min: 0, out_of_stock: 0 };
  for (const r of rows) counts[r.kind]++;
  const kinds = new Set(input.kinds ?? ALERT_KINDS);
  return { rows: rows.filter((r) => kinds.has(r.kind)), counts };
}

export function stockAlerts(ctx: HandlerContext, input: ParsedInput<'stock.alerts'>) {
  const { rows, counts } = collectAlerts(ctx, input);
  const start = (input.page - 1) * input.pageSize;
  return { rows: rows.slice(start, start + input.pageSize), total: rows.length, counts };
}

const KIND_LABELS: Record<AlertKind, string> = { expired: '已过期', near_expiry: '近效期', below_min: '低于下限', out_of_stock: '缺货' };

export async function stockAlertsWorkbook(ctx: HandlerContext, input: AlertFilter): Promise<{ filename: string; base64: string }> {
  const { rows } = collectAlerts(ctx, input);
  const wb = new (await loadExcel()).Workbook();
  const ws = wb.addWorksheet('库存预警', {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '3:3' },
    views: [{ state: 'frozen', ySplit: 3 }],
  });
  const q = (n: number | null, r: (typeof rows)[number]) => (n === null ? '' : formatQty(n, r.packSize, r.packUnit, r.baseUnit));
  ws.addRow([`库存预警（${ctx.today}）`]).font = { bold: true, size: 14 };
  ws.addRow([`共 ${rows.length} 条；数量按包装单位与最小单位显示`]);
  const header = ws.addRow(['类型', '库房', '药品', '规格', '批号', '有效期至', '数量', '下限', '上限', '建议补货', '结存金额（元）']);
  header.font = { bold: true };
  for (const r of rows)
    ws.addRow([
      KIND_LABELS[r.kind],
      r.storeName,
      r.drugName,
      r.spec,
      r.batchNo ?? '',
      r.expiryDate ?? '',
      q(r.qty, r),
      q(r.minQty, r),
      q(r.maxQty, r),
      q(r.refillQty, r),
      r.batchNo ? Number(formatFen(r.value, { grouping: false })) : '',
    ]);
  [8, 18, 24, 16, 14, 12, 14, 12, 12, 12, 14].forEach((w, i) => {
    ws.getColumn(i + 1).width = w;
  });
  // The same people sign as on the printed 库存预警表.
  ws.addRow([]);
  ws.addRow(SIGNATURES.alerts.flatMap((label) => [`${label}：`, '', '']));
  const buffer = await wb.xlsx.writeBuffer();
  return { filename: `库存预警-${ctx.today}.xlsx`, base64: Buffer.from(buffer).toString('base64') };
}

/** A watch-list row of one drug at one store. */
function watchRowOf(ctx: HandlerContext, store: StoreRow, inputs: WatchInputs, drug: DrugRow, usable: Map<number, number>) {
  const used = inputs.used.get(drug.drugId) ?? 0;
  const setting = inputs.settings.get(drug.drugId);
  const w = watchOf(drug.drugId, inputs);
  const suggested = suggestLevels(used, drug.packSize);
  const hidden = bookSight(ctx).hides(store.id, drug.drugId);
  return {
    drugId: drug.drugId,
    drugName: drug.genericName,
    spec: drug.spec,
    manufacturer: drug.manufacturer,
    packUnit: drug.packUnit,
    baseUnit: drug.baseUnit,
    packSize: drug.packSize,
    watched: w !== null,
    listedBy: setting && !setting.watched ? ('removed' as const) : (w?.listedBy ?? ('added' as const)),
    usedInWindow: used,
    qty: hidden ? null : (usable.get(drug.drugId) ?? 0),
    suggestedMin: suggested?.minQty ?? null,
    suggestedMax: suggested?.maxQty ?? null,
    minQty: w?.minQty ?? null,
    maxQty: w?.maxQty ?? null,
    levelSource: w?.levelSource ?? null,
  };
}

function usableByDrug(db: ReadDb, storeId: number, today: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const l of lotsOf(db, storeId)) if (l.expiryDate >= today) out.set(l.drugId, (out.get(l.drugId) ?? 0) + l.qty);
  return out;
}

function watchableStore(ctx: HandlerContext, storeId: number): StoreRow {
  const store = accessibleStore(ctx, storeId);
  if (store.kind === 'transit') throw new AppError('BAD_REQUEST', `${store.name}是在途库房，没有常用药清单：请选择中心药库或村卫生室库房`);
  return store;
}

export function watchList(ctx: HandlerContext, input: ParsedInput<'stock.watchList'>) {
  const store = watchableStore(ctx, input.storeId);
  const inputs = watchInputs(ctx.db, store, ctx.today);
  const ids = new Set([...inputs.used.keys(), ...inputs.settings.keys(), ...inputs.catalog.keys()]);
  const drugs = drugRows(ctx.db, ids);
  const usable = usableByDrug(ctx.db, store.id, ctx.today);
  const rows = [...drugs.values()]
    .filter((d) => matches(d, input.q))
    .map((d) => watchRowOf(ctx, store, inputs, d, usable))
    .sort((a, b) => Number(b.watched) - Number(a.watched) || chineseOrder.compare(a.drugName, b.drugName) || a.drugId - b.drugId);
  const start = (input.page - 1) * input.pageSize;
  return { rows: rows.slice(start, start + input.pageSize), total: rows.length, windowDays: USE_WINDOW_DAYS };
}

export function setWatch(ctx: WriteContext, input: ParsedInput<'stock.setWatch'>) {
  const db = ctx.db;
  const store = watchableStore(ctx, input.storeId);
  const drug = drugRows(db, [input.drugId]).get(input.drugId);
  if (!drug) throw new AppError('NOT_FOUND', '药品不存在');
  const before = watchSettings(db, store.id).get(input.drugId) ?? null;
  sql(
    db,
    `INSERT INTO store_watch (store_id, drug_id, watched, min_qty, max_qty, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (store_id, drug_id) DO UPDATE SET watched = excluded.watched, min_qty = excluded.min_qty, max_qty = excluded.max_qty,
       updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
  ).run(store.id, input.drugId, input.watched ? 1 : 0, input.minQty, input.maxQty, ctx.user.id, ctx.now.toISOString());
  ctx.audit.target = `drug:${input.drugId}`;
  ctx.audit.clinicId = store.clinicId;
  ctx.audit.details = {
    store: store.name,
    drug: drug.genericName,
    from: before,
    to: { watched: input.watched, minQty: input.minQty, maxQty: input.maxQty },
  };
  const inputs = watchInputs(db, store, ctx.today);
  return watchRowOf(ctx, store, inputs, drug, usableByDrug(db, store.id, ctx.today));
}
