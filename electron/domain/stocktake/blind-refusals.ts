/**
 * Stock refusals during a blind count. "库存不足 … 可用 28" tells the counter the book of what they count, so
 * a refusal coded INSUFFICIENT_STOCK that concerns a drug hidden from the caller (blind.ts) is replaced by
 * one without figures, whatever words the posting code chose (stock/ledger.ts and the documents word their
 * own). The dispatcher applies this to the refusals of every method.
 *
 * The table says which store and drugs each method touches, so a refusal about a drug the caller may see
 * keeps its figures (the refusal names its drug). A method missing from the table is taken to touch every
 * hidden drug: its stock refusals lose their figures for a blind caller.
 */
import { sql, type ReadDb } from '../../db/database';
import { AppError } from '../../errors';
import type { MethodName, ParsedInput } from '../../../shared/contract';
import type { AuthedUser } from '../auth/sessions';
import { bookSightOf } from './blind';

interface Subject {
  storeId: number;
  drugId: number;
}

type Touches<K extends MethodName> = (db: ReadDb, user: AuthedUser, input: ParsedInput<K>) => Subject[];

const hubStore = (db: ReadDb) => (sql(db, "SELECT id FROM stores WHERE kind = 'hub'").get() as { id: number }).id;
const storeOfClinic = (db: ReadDb, clinicId: number | null | undefined, kind: 'clinic' | 'transit' = 'clinic') =>
  (sql(db, 'SELECT id FROM stores WHERE clinic_id = ? AND kind = ?').get(clinicId ?? null, kind) as { id: number } | undefined)?.id ?? -1;
const drugOfLot = (db: ReadDb, lotId: number) => (sql(db, 'SELECT drug_id AS d FROM lots WHERE id = ?').get(lotId) as { d: number } | undefined)?.d ?? -1;
const drugsOf = (db: ReadDb, query: string, id: number) => (sql(db, query).all(id) as { d: number }[]).map((r) => r.d);
const at = (storeId: number, drugIds: number[]): Subject[] => drugIds.map((drugId) => ({ storeId, drugId }));

const requisitionLineDrugs = (db: ReadDb, ids: number[]) =>
  ids.map((id) => (sql(db, 'SELECT drug_id AS d FROM requisition_lines WHERE id = ?').get(id) as { d: number } | undefined)?.d ?? -1);

const TOUCHES: { [K in MethodName]?: Touches<K> } = {
  'dispensing.create': (db, user, input) =>
    at(
      storeOfClinic(db, input.clinicId ?? user.clinicId),
      input.lines.map((l) => l.drugId),
    ),
  'dispensing.reverse': (db, _user, input) => {
    const entry = sql(db, 'SELECT clinic_id AS clinicId FROM dispensings WHERE id = ?').get(input.id) as { clinicId: number } | undefined;
    return at(storeOfClinic(db, entry?.clinicId), drugsOf(db, 'SELECT drug_id AS d FROM dispensing_lines WHERE dispensing_id = ?', input.id));
  },
  'writeoffs.create': (db, _user, input) =>
    at(
      input.storeId,
      input.lines.map((l) => drugOfLot(db, l.lotId)),
    ),
  'writeoffs.decide': (db, _user, input) => {
    const w = sql(db, 'SELECT store_id AS storeId FROM writeoffs WHERE id = ?').get(input.id) as { storeId: number } | undefined;
    return at(w?.storeId ?? -1, drugsOf(db, 'SELECT drug_id AS d FROM writeoff_lines WHERE writeoff_id = ?', input.id));
  },
  'returns.create': (db, user, input) =>
    at(
      input.kind === 'hub_to_supplier' ? hubStore(db) : storeOfClinic(db, input.clinicId ?? user.clinicId),
      input.lines.map((l) => drugOfLot(db, l.lotId)),
    ),
  'returns.decide': (db, _user, input) => {
    const r = sql(db, 'SELECT clinic_id AS clinicId FROM stock_returns WHERE id = ?').get(input.id) as { clinicId: number | null } | undefined;
    const drugs = drugsOf(db, 'SELECT drug_id AS d FROM stock_return_lines WHERE return_id = ?', input.id);
    return [...at(storeOfClinic(db, r?.clinicId), drugs), ...at(hubStore(db), drugs)];
  },
  'deliveries.preview': (db, _user, input) =>
    at(
      hubStore(db),
      requisitionLineDrugs(
        db,
        input.lines.map((l) => l.requisitionLineId),
      ),
    ),
  'deliveries.create': (db, _user, input) =>
    at(
      hubStore(db),
      requisitionLineDrugs(
        db,
        input.lines.map((l) => l.requisitionLineId),
      ),
    ),
  'deliveries.sign': (db, _user, input) => {
    const d = sql(db, 'SELECT clinic_id AS clinicId FROM deliveries WHERE id = ?').get(input.id) as { clinicId: number } | undefined;
    const drugs = drugsOf(db, 'SELECT drug_id AS d FROM delivery_lines WHERE delivery_id = ?', input.id);
    return [...at(storeOfClinic(db, d?.clinicId, 'transit'), drugs), ...at(storeOfClinic(db, d?.clinicId), drugs)];
  },
  'deliveries.resolve': (db, _user, input) => {
    const d = sql(db, 'SELECT clinic_id AS clinicId FROM deliveries WHERE id = ?').get(input.id) as { clinicId: number } | undefined;
    const drugs = drugsOf(db, 'SELECT drug_id AS d FROM delivery_lines WHERE delivery_id = ?', input.id);
    return [...at(storeOfClinic(db, d?.clinicId, 'transit'), drugs), ...at(hubStore(db), drugs)];
  },
  'receipts.reverse': (db, _user, input) => at(hubStore(db), drugsOf(db, 'SELECT drug_id AS d FROM receipt_lines WHERE receipt_id = ?', input.id)),
  'stocktakes.approve': (db, _user, input) => {
    const t = sql(db, 'SELECT store_id AS storeId FROM stocktakes WHERE id = ?').get(input.id) as { storeId: number } | undefined;
    return at(t?.storeId ?? -1, drugsOf(db, 'SELECT drug_id AS d FROM stocktake_lines WHERE stocktake_id = ?', input.id));
  },
};

const REDACTED = '库存不足（本药正在盲盘，不显示账面数）';

/** The refusal the caller may see: a stock refusal about a drug hidden from them, without its figures. */
export function withoutHiddenBook(db: ReadDb, user: AuthedUser | null, method: MethodName, input: unknown, err: AppError): AppError {
  if (err.code !== 'INSUFFICIENT_STOCK' || !user) return err;
  try {
    return redacted(db, user, method, input, err);
  } catch {
    return new AppError('INSUFFICIENT_STOCK', '库存不足'); // the policy could not be read: no figures rather than the book
  }
}

function redacted(db: ReadDb, user: AuthedUser, method: MethodName, input: unknown, err: AppError): AppError {
  const sight = bookSightOf(db, user);
  if (!sight.blind) return err;
  let touched: Subject[] | null = null;
  try {
    // The input is the refused method's own, parsed with its schema before the handler ran.
    touched = (TOUCHES[method] as Touches<MethodName> | undefined)?.(db, user, input as ParsedInput<MethodName>) ?? null;
  } catch {
    touched = null; // unknown: treated as touching every hidden drug
  }
  let named: { hidden: boolean; label: string } | null = null;
  if (touched) {
    const drugs = touched.map((s) => {
      const d = sql(db, 'SELECT generic_name AS name, spec FROM drugs WHERE id = ?').get(s.drugId) as { name: string; spec: string } | undefined;
      return { hidden: sight.hides(s.storeId, s.drugId), name: d?.name ?? '', label: d ? `${d.name}（${d.spec}）` : '' };
    });
    if (!drugs.some((d) => d.hidden)) return err;
    // The refusal names the drug it is about: one the caller may see keeps its figures.
    const mentioned = drugs.filter((d) => d.name !== '' && err.message.includes(d.name));
    if (mentioned.length > 0 && !mentioned.some((d) => d.hidden)) return err;
    named = mentioned.find((d) => d.hidden) ?? (drugs.filter((d) => d.hidden).length === 1 ? drugs.find((d) => d.hidden)! : null);
  }
  const message = named ? `库存不足：${named.label}正在盲盘，不显示账面数` : '库存不足（正在盲盘的药品不显示账面数）';
  return new AppError(
    'INSUFFICIENT_STOCK',
    message,
    err.issues?.map((i) => ({ path: i.path, message: REDACTED })),
  );
}
