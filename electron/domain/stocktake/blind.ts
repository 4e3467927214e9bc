/**
 * Blind counts (盲盘): the one place that decides who may not see which book figures. "A blind count shows
 * the counter no book figure of what is being counted, on any screen or in any message."
 *
 * Who is blind: the counter, and only while counting.
 * - A self-count (村医自盘): every village doctor of the clinic (any of them may enter counts), from the
 *   start until the count is approved or cancelled. A submitted count may come back for a recount, and the
 *   doctor never reviews it, so submitting does not end it.
 * - An on-site count (药库人员现场盘点): the hub users recorded on it, i.e. who drew it (created_by) and who
 *   has entered a count on it (stocktake_counts.counted_by), while it is being counted (again during a
 *   recount round). Once it is submitted they review it and must see the book.
 *   Not every hub user: the hub keeps every store's book, and issuing, purchasing and month-end work go on
 *   while one person counts at a clinic; the rule blinds the person who counts, not the book keepers.
 *   The one who drew the count is blind from the draw, before any entry: they know which drugs were drawn
 *   and could otherwise read their book on the way to the clinic.
 * - Not the clinic's doctor during an on-site count: the doctor is not counting, and blanking the drawn
 *   drugs on the doctor's screens would tell the clinic what the pharmacist is coming to count (an on-site
 *   count is kept from the doctor until it is submitted for the same reason, see read.ts).
 * - Finance never counts, so is never blind. Open counts that are not blind (明盘) hide nothing.
 *
 * What is hidden: the book of the counted drugs at the counted store (every drug of a full count, the drugs
 * drawn in a spot check): balances at any date (on hand, lots, opening and closing of any month, running
 * balances, the 3501 inventory), their values at cost, anything worked out from them (suggested quantities,
 * the draw's weight inputs), totals that include them, and the quantities in stock refusals. Movements stay
 * visible: what was received, dispensed, returned or written off are the counter's own records, and the
 * clinic keeps working during a count.
 *
 * How: a list shows the drug with its figures withheld (null, `bookHidden: true`; the screens say
 * BOOK_HIDDEN_TEXT); a view that is nothing but one counted drug's book (its lots, its stock card) or a
 * report that cannot leave it out (the national 进销存 upload, supervision, backups) is refused with the
 * reason; a stock refusal loses its figures (blind-refusals.ts, applied to every method by the dispatcher).
 * tests/unit/blind-count-leaks.test.ts calls every method of the contract as the counter and looks for the
 * book in every answer.
 */
import type { ReadContext } from '../context';
import { sql, type ReadDb } from '../../db/database';
import { AppError } from '../../errors';
import type { AuthedUser } from '../auth/sessions';
import type { CounterMode } from '../../../shared/stocktake';

/** One open blind count that hides part of a store's book from the caller. */
export interface BlindScope {
  stocktakeId: number;
  docNo: string;
  storeId: number;
  storeName: string;
  counterMode: CounterMode;
  /** 'all' for a full count, else the drugs drawn (those on the sheet). */
  drugs: 'all' | ReadonlySet<number>;
}

/** The book the caller may not see now: at most one open count per store. */
export class BookSight {
  private readonly byStore: ReadonlyMap<number, BlindScope>;

  constructor(readonly scopes: readonly BlindScope[]) {
    this.byStore = new Map(scopes.map((s) => [s.storeId, s]));
  }

  /** Whether anything at all is hidden from the caller. */
  get blind(): boolean {
    return this.scopes.length > 0;
  }

  scopeAt(storeId: number): BlindScope | null {
    return this.byStore.get(storeId) ?? null;
  }

  /** Whether the book of a drug at a store is hidden from the caller. */
  hides(storeId: number, drugId: number): boolean {
    const scope = this.byStore.get(storeId);
    return scope !== undefined && (scope.drugs === 'all' || scope.drugs.has(drugId));
  }

  /** The first count hiding part of these stores' book ('all': any store), or null. */
  scopeAmong(storeIds: Iterable<number> | 'all'): BlindScope | null {
    if (storeIds === 'all') return this.scopes[0] ?? null;
    for (const id of storeIds) {
      const scope = this.byStore.get(id);
      if (scope) return scope;
    }
    return null;
  }
}

const NOTHING_HIDDEN = new BookSight([]);

type Caller = Pick<AuthedUser, 'id' | 'role' | 'clinicId'>;

const SCOPE_SELECT = `SELECT t.id AS stocktakeId, t.doc_no AS docNo, t.store_id AS storeId, s.name AS storeName, t.counter_mode AS counterMode, t.kind
  FROM stocktakes t JOIN stores s ON s.id = t.store_id`;

/** What the user may not see of the book (nothing for an anonymous caller, who sees no book at all). */
export function bookSightOf(db: ReadDb, user: Caller | null): BookSight {
  if (!user) return NOTHING_HIDDEN;
  let rows: (Omit<BlindScope, 'drugs'> & { kind: string })[];
  if (user.role === 'village_doctor') {
    if (user.clinicId === null) return NOTHING_HIDDEN;
    // The clinic's store holds at most one open count (stocktakes_one_open_per_store).
    rows = sql(
      db,
      `${SCOPE_SELECT}
        WHERE t.store_id = (SELECT id FROM stores WHERE clinic_id = ? AND kind = 'clinic') AND t.status IN ('counting', 'submitted')
          AND t.blind = 1 AND t.counter_mode = 'self'`,
    ).all(user.clinicId) as typeof rows;
  } else if (user.role === 'pharmacist' || user.role === 'admin') {
    rows = sql(
      db,
      `${SCOPE_SELECT}
        WHERE t.status = 'counting' AND t.blind = 1 AND t.counter_mode = 'onsite'
          AND (t.created_by = @user OR EXISTS (SELECT 1 FROM stocktake_counts c WHERE c.stocktake_id = t.id AND c.counted_by = @user))`,
    ).all({ user: user.id }) as typeof rows;
  } else {
    return NOTHING_HIDDEN;
  }
  if (rows.length === 0) return NOTHING_HIDDEN;
  const drawn = sql(
    db,
    `SELECT drug_id AS drugId FROM stocktake_lines WHERE stocktake_id = ?
     UNION SELECT drug_id FROM stocktake_candidates WHERE stocktake_id = ? AND pick_order IS NOT NULL`,
  );
  return new BookSight(
    rows.map(({ kind, ...r }) => ({
      ...r,
      drugs: kind === 'full' ? 'all' : new Set((drawn.all(r.stocktakeId, r.stocktakeId) as { drugId: number }[]).map((d) => d.drugId)),
    })),
  );
}

export function bookSight(ctx: Pick<ReadContext, 'db' | 'user'>): BookSight {
  return bookSightOf(ctx.db, ctx.user);
}

/** "本室" to the clinic's doctor, the store's name to a hub counter; and until when. */
function whereAndUntil(scope: BlindScope): { where: string; until: string } {
  return scope.counterMode === 'self'
    ? { where: `本室正在盲盘（${scope.docNo}）`, until: '盘点审核完成前' }
    : { where: `${scope.storeName}正在由你盲盘（${scope.docNo}）`, until: '提交盘点结果前' };
}

/** Refuses a view that is nothing but one counted drug's book at a store (its lots, its stock card). */
export function assertDrugBookVisible(ctx: Pick<ReadContext, 'db' | 'user'>, storeId: number, drugId: number): void {
  const sight = bookSight(ctx);
  if (!sight.hides(storeId, drugId)) return;
  const { where, until } = whereAndUntil(sight.scopeAt(storeId)!);
  throw new AppError('INVALID_STATE', `${where}，${until}不能查看该药品的账面库存`);
}

/**
 * Refuses a report that cannot leave out the counted drugs of these stores ('all': of any store): `what`
 * names it and why it holds the book, e.g. '导出医保进销存（3501 盘存是各批次的账面结存）'.
 */
export function assertStoresBookVisible(ctx: Pick<ReadContext, 'db' | 'user'>, storeIds: Iterable<number> | 'all', what: string): void {
  const scope = bookSight(ctx).scopeAmong(storeIds);
  if (!scope) return;
  const { where, until } = whereAndUntil(scope);
  throw new AppError('INVALID_STATE', `${where}，${until}不能${what}`);
}

/**
 * The count sheet's own rule (stocktakes.get and its list), stricter than the stores' book: no hub user
 * sees the sheet's book figures while it is being counted (the pharmacist may be the one counting on site),
 * and a village doctor sees them only once the count is approved.
 */
export function sheetBookVisible(user: Pick<AuthedUser, 'role'>, head: { blind: boolean; status: string }): boolean {
  if (!head.blind || head.status === 'approved') return true;
  if (user.role === 'village_doctor') return false;
  return head.status !== 'counting';
}
