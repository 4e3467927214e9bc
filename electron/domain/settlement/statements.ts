/**
 * Monthly stock statements: the hub store's 进销存 and each clinic's 结算单, by drug, in quantity and
 * money. closing = opening + Σ sign × column, per drug and in total, to the fen: every figure is a sum of
 * the same ledger amounts (read through the monthly totals kept with each ledger row).
 */
import type { HandlerContext } from '../context';
import { clinicScope } from '../scope';
import { bool, sql, type ReadDb } from '../../db/database';
import { AppError, notFound } from '../../errors';
import type { StatementRow, StoreStatement, ClinicSummary } from '../../../shared/contract/settlement';
import type { StoreRow } from '../../../shared/contract/stock';
import { CLINIC_COLUMNS, OTHER_COLUMN, TRANSIT_COLUMNS, columnsFor, type StatementColumnDef } from '../../../shared/settlement';
import type { Movement } from '../../../shared/stock';
import { hubName } from '../settings';
import { isPeriodClosed } from '../stock/ledger';
import { balancesAtStart, closeEventOf, monthTotals, snapshotBalances, sumValues, type QtyValue } from './balances';
import { bookSight, type BookSight } from '../stocktake/blind';
import { getStore, hubStoreId } from '../master-data/stores';
import { chineseOrder } from '../../lib/chinese-order';

interface DrugInfo {
  drugId: number;
  nhsaCode: string;
  drugName: string;
  spec: string;
  dosageForm: string;
  manufacturer: string;
  packUnit: string;
  baseUnit: string;
  packSize: number;
  essential: number;
  vbp: number;
}

function drugInfos(db: ReadDb, ids: number[]): Map<number, DrugInfo> {
  const out = new Map<number, DrugInfo>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = db
      .prepare(
        `SELECT id AS drugId, nhsa_code AS nhsaCode, generic_name AS drugName, spec, dosage_form AS dosageForm, manufacturer,
                pack_unit AS packUnit, base_unit AS baseUnit, pack_size AS packSize, essential, vbp
           FROM drugs WHERE id IN (${chunk.map(() => '?').join(',')})`,
      )
      .all(...chunk) as DrugInfo[];
    for (const r of rows) out.set(r.drugId, r);
  }
  return out;
}

export interface PeriodState {
  period: string;
  closed: boolean;
  closedAt: string | null;
  closedByName: string | null;
  /** The close event whose snapshot holds the month's closing figures. */
  eventId: number | null;
}

export function periodState(db: ReadDb, period: string): PeriodState {
  const event = closeEventOf(db, period);
  return { period, closed: isPeriodClosed(db, period), closedAt: event?.at ?? null, closedByName: event?.userName ?? null, eventId: event?.id ?? null };
}

const zero = (): QtyValue => ({ qty: 0, value: 0 });
/** sign × n without a negative zero. */
const signed = (sign: 1 | -1, n: number) => (n === 0 ? 0 : sign * n);

/** Maps each movement to the index of its column; movements no column names go to the extra "other" column. */
function columnIndex(columns: readonly StatementColumnDef[]): Map<Movement, number> {
  const index = new Map<Movement, number>();
  columns.forEach((c, i) => c.movements.forEach((m) => index.set(m, i)));
  return index;
}

interface Built {
  columns: StatementColumnDef[];
  rows: StatementRow[];
  totals: { opening: number | null; cells: number[]; closing: number | null };
  balanced: boolean;
  openingSource: 'snapshot' | 'ledger';
  closingSource: 'snapshot' | 'ledger';
}

/** The statement of one store for one month. */
export function buildStoreStatement(db: ReadDb, store: StoreRow, state: PeriodState): Built {
  if (store.kind === 'transit') throw new AppError('BAD_REQUEST', '在途库没有单独的结算单');
  const { balances: opening, source } = balancesAtStart(db, state.period, store.id);
  const snapshot = state.eventId !== null ? (snapshotBalances(db, state.eventId, store.id).get(store.id) ?? new Map<number, QtyValue>()) : null;
  return buildStatement(db, columnsFor(store.kind), {
    opening: opening.get(store.id) ?? new Map<number, QtyValue>(),
    openingSource: source,
    totals: monthTotals(db, state.period, store.id),
    snapshot,
  });
}

/** Adds one store's drugs into another map of drugs (several stores read as one). */
function addInto(into: Map<number, QtyValue>, from: Map<number, QtyValue> | undefined): void {
  for (const [drugId, v] of from ?? []) {
    const cur = into.get(drugId);
    if (cur) {
      cur.qty += v.qty;
      cur.value += v.value;
    } else into.set(drugId, { ...v });
  }
}

/**
 * Goods in transit for one month: every clinic's transit store read as one, by drug. Transit losses (a
 * signed shortfall the hub wrote off) are its 在途报损 column.
 */
export function buildTransitStatement(db: ReadDb, state: PeriodState): Omit<Built, 'closingSource'> {
  const transitIds = new Set((sql(db, "SELECT id FROM stores WHERE kind = 'transit'").all() as { id: number }[]).map((r) => r.id));
  const { balances, source } = balancesAtStart(db, state.period, null);
  const opening = new Map<number, QtyValue>();
  for (const id of transitIds) addInto(opening, balances.get(id));
  let snapshot: Map<number, QtyValue> | null = null;
  if (state.eventId !== null) {
    const all = snapshotBalances(db, state.eventId, null);
    snapshot = new Map();
    for (const id of transitIds) addInto(snapshot, all.get(id));
  }
  const totals = monthTotals(db, state.period, null).filter((t) => transitIds.has(t.storeId));
  const { closingSource: _c, ...built } = buildStatement(db, TRANSIT_COLUMNS, { opening, openingSource: source, totals, snapshot });
  return built;
}

interface StatementInputs {
  /** Stock at the start of the month, by drug. */
  opening: Map<number, QtyValue>;
  openingSource: 'snapshot' | 'ledger';
  /** The month's totals by drug and movement (of the stores the statement covers). */
  totals: { drugId: number; movement: Movement; qty: number; value: number }[];
  /** The month's closing snapshot by drug, when the month is closed. */
  snapshot: Map<number, QtyValue> | null;
}

/** opening + the month's movements in columns = closing, per drug and in total. */
function buildStatement(db: ReadDb, base: readonly StatementColumnDef[], input: StatementInputs): Built {
  const openingByDrug = input.opening;
  const source = input.openingSource;
  const index = columnIndex(base);
  const columns: StatementColumnDef[] = [...base];
  const otherAt = columns.length;

  const moves = new Map<number, QtyValue[]>();
  let hasOther = false;
  for (const t of input.totals) {
    let cells = moves.get(t.drugId);
    if (!cells) moves.set(t.drugId, (cells = Array.from({ length: otherAt + 1 }, zero)));
    const i = index.get(t.movement) ?? otherAt;
    if (i === otherAt) hasOther = true;
    cells[i].qty += t.qty;
    cells[i].value += t.value;
  }
  if (hasOther) columns.push(OTHER_COLUMN);

  const snapshot = input.snapshot;
  const drugIds = new Set<number>([...openingByDrug.keys(), ...moves.keys(), ...(snapshot?.keys() ?? [])]);
  const infos = drugInfos(db, [...drugIds]);
  let balanced = true;
  const rows: StatementRow[] = [];
  for (const drugId of drugIds) {
    const open = openingByDrug.get(drugId) ?? zero();
    const raw = moves.get(drugId) ?? Array.from({ length: otherAt + 1 }, zero);
    const computed = raw.reduce((acc, c) => ({ qty: acc.qty + c.qty, value: acc.value + c.value }), { ...open });
    const closing = snapshot ? (snapshot.get(drugId) ?? zero()) : computed;
    if (closing.qty !== computed.qty || closing.value !== computed.value) balanced = false;
    const cells = columns.map((c, i) => ({ qty: signed(c.sign, raw[i].qty), value: signed(c.sign, raw[i].value) }));
    const allZero = open.qty === 0 && open.value === 0 && closing.qty === 0 && closing.value === 0 && raw.every((c) => c.qty === 0 && c.value === 0);
    if (allZero) continue;
    const d = infos.get(drugId)!;
    rows.push({ ...d, essential: bool(d.essential), vbp: bool(d.vbp), bookHidden: false, opening: { ...open }, cells, closing: { ...closing } });
  }
  rows.sort((a, b) => chineseOrder.compare(a.drugName, b.drugName) || chineseOrder.compare(a.spec, b.spec) || a.drugId - b.drugId);

  const totals = {
    opening: rows.reduce((n, r) => n + r.opening!.value, 0),
    cells: columns.map((_, i) => rows.reduce((n, r) => n + r.cells[i].value, 0)),
    closing: rows.reduce((n, r) => n + r.closing!.value, 0),
  };
  if (totals.closing !== totals.opening + columns.reduce((n, c, i) => n + c.sign * totals.cells[i], 0)) balanced = false;
  return { columns, rows, totals, balanced, openingSource: source, closingSource: snapshot ? 'snapshot' : 'ledger' };
}

/**
 * The statement as the caller may see it: during a blind count the balances of the counted drugs (and the
 * totals that add them up) are withheld, in every month, since any month's balance and the movements after
 * it give the book now. The movements, and so the amount a clinic owes, stay.
 */
function shownTo(sight: BookSight, storeId: number, built: Built): Built {
  if (!built.rows.some((r) => sight.hides(storeId, r.drugId))) return built;
  return {
    ...built,
    rows: built.rows.map((r) => (sight.hides(storeId, r.drugId) ? { ...r, bookHidden: true, opening: null, closing: null } : r)),
    totals: { ...built.totals, opening: null, closing: null },
  };
}

function clinicOf(db: ReadDb, clinicId: number) {
  const c = sql(db, 'SELECT id, code, name, active FROM clinics WHERE id = ?').get(clinicId) as
    | { id: number; code: string; name: string; active: number }
    | undefined;
  if (!c) throw notFound('村卫生室');
  return c;
}

export function hubStatement(ctx: HandlerContext, period: string): StoreStatement {
  const db = ctx.db;
  const store = getStore(db, hubStoreId(db));
  const state = periodState(db, period);
  const built = shownTo(bookSight(ctx), store.id, buildStoreStatement(db, store, state));
  const transit = buildTransitStatement(db, state);
  // No count ever runs on a transit store, so its balances are never withheld.
  const { opening, closing } = transit.totals;
  if (opening === null || closing === null) throw new Error('goods in transit have no book to hide');
  const { eventId: _e, ...st } = state;
  return {
    hubName: hubName(db),
    ...st,
    store,
    clinic: null,
    ...built,
    amountDue: null,
    inTransit: { opening, closing },
    transit: { columns: transit.columns, rows: transit.rows, totals: { ...transit.totals, opening, closing }, balanced: transit.balanced },
  };
}

export function clinicStatement(ctx: HandlerContext, input: { period: string; clinicId?: number }): StoreStatement {
  const db = ctx.db;
  const clinicId = clinicScope(ctx, input.clinicId);
  if (clinicId === null) throw new AppError('VALIDATION', '请选择村卫生室', [{ path: 'clinicId', message: '请选择村卫生室' }]);
  const clinic = clinicOf(db, clinicId);
  const storeRow = sql(db, "SELECT id FROM stores WHERE clinic_id = ? AND kind = 'clinic'").get(clinicId) as { id: number };
  const store = getStore(db, storeRow.id);
  const state = periodState(db, input.period);
  const built = shownTo(bookSight(ctx), store.id, buildStoreStatement(db, store, state));
  const dispensedAt = built.columns.findIndex((c) => c.key === 'dispensed');
  const { eventId: _e, ...st } = state;
  return {
    hubName: hubName(db),
    ...st,
    store,
    clinic: { id: clinic.id, code: clinic.code, name: clinic.name },
    ...built,
    amountDue: built.totals.cells[dispensedAt],
    inTransit: null,
    transit: null,
  };
}

/** Every clinic's month in money: what each owes (dispensed at cost) and how its stock moved. */
export function clinicsSummary(ctx: HandlerContext, period: string): ClinicSummary {
  const db = ctx.db;
  const state = periodState(db, period);
  const clinics = sql(
    db,
    `SELECT c.id, c.code, c.name, c.active, s.id AS storeId, t.id AS transitId FROM clinics c
       JOIN stores s ON s.clinic_id = c.id AND s.kind = 'clinic' JOIN stores t ON t.clinic_id = c.id AND t.kind = 'transit'
      ORDER BY c.code`,
  ).all() as { id: number; code: string; name: string; active: number; storeId: number; transitId: number }[];
  const { balances: opening } = balancesAtStart(db, period, null);
  const totals = monthTotals(db, period, null);
  const closing = state.eventId !== null ? snapshotBalances(db, state.eventId, null) : null;
  const index = columnIndex(CLINIC_COLUMNS);
  const columns = [...CLINIC_COLUMNS];
  const byStore = new Map<number, number[]>();
  let hasOther = false;
  const transitMoves = new Map<number, number>();
  const clinicStoreIds = new Set(clinics.map((c) => c.storeId));
  for (const t of totals) {
    transitMoves.set(t.storeId, (transitMoves.get(t.storeId) ?? 0) + t.value);
    if (!clinicStoreIds.has(t.storeId)) continue;
    let cells = byStore.get(t.storeId);
    if (!cells) byStore.set(t.storeId, (cells = Array(CLINIC_COLUMNS.length + 1).fill(0)));
    const i = index.get(t.movement) ?? CLINIC_COLUMNS.length;
    cells[i] += t.value;
    if (i === CLINIC_COLUMNS.length && t.value !== 0) hasOther = true;
  }
  if (hasOther) columns.push(OTHER_COLUMN);
  const dispensedAt = columns.findIndex((c) => c.key === 'dispensed');
  // A clinic under the caller's blind count shows no balances (they add up the counted drugs' book).
  const sight = bookSight(ctx);
  const rows = clinics
    .map((c) => {
      const raw = byStore.get(c.storeId) ?? Array(CLINIC_COLUMNS.length + 1).fill(0);
      const open = sumValues(opening.get(c.storeId));
      const cells = columns.map((col, i) => signed(col.sign, raw[i]));
      const computed = open + raw.reduce((n: number, v: number) => n + v, 0);
      const transitOpen = sumValues(opening.get(c.transitId));
      return {
        clinicId: c.id,
        code: c.code,
        name: c.name,
        active: bool(c.active),
        bookHidden: false,
        opening: open,
        cells,
        closing: closing ? sumValues(closing.get(c.storeId)) : computed,
        amountDue: cells[dispensedAt],
        inTransit: closing ? sumValues(closing.get(c.transitId)) : transitOpen + (transitMoves.get(c.transitId) ?? 0),
        storeId: c.storeId,
      };
    })
    // Inactive clinics are listed only while they have something to show.
    .filter((r) => r.active || r.opening !== 0 || r.closing !== 0 || r.cells.some((v) => v !== 0) || r.inTransit !== 0);
  const hidden = rows.some((r) => sight.scopeAt(r.storeId) !== null);
  const { eventId: _e, ...st } = state;
  return {
    hubName: hubName(db),
    ...st,
    columns,
    rows: rows.map(({ storeId, ...r }) => (sight.scopeAt(storeId) ? { ...r, bookHidden: true, opening: null, closing: null } : r)),
    totals: {
      opening: hidden ? null : rows.reduce((n, r) => n + r.opening, 0),
      cells: columns.map((_, i) => rows.reduce((n, r) => n + r.cells[i], 0)),
      closing: hidden ? null : rows.reduce((n, r) => n + r.closing, 0),
      amountDue: rows.reduce((n, r) => n + r.amountDue, 0),
      inTransit: rows.reduce((n, r) => n + r.inTransit, 0),
    },
  };
}
