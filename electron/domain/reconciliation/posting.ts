import type { WriteDb } from '../../db/database';
/**
 * 一次录入: a clinic posts its day's dispensing from the settlement lines it imported, so the doctor types
 * nothing twice. Every posting goes through the same primitive as a typed dispensing (stock/dispensing.ts →
 * stock/ledger.ts): the stock must be there on the settlement's own day and stay valid at every later
 * moment, lots go first-expiry-first (a box the settlement names by a code the hub received goes first, and moves
 * as a box scanned at dispensing would),
 * closed months and the back-dating limit refuse. One entry per visit, its visit number the 就诊ID.
 *
 * The review is the posting itself, tried in a savepoint that is rolled back: what it lists as postable is
 * exactly what would post, and each line that cannot says why. The posting of the lines chosen is all or
 * nothing: if any of them cannot post (the stock moved since the review), nothing is posted and every
 * reason is returned.
 */
import { sql, type ReadDb } from '../../db/database';
import { AppError } from '../../errors';
import type { PostingContext } from '../stock/ledger';
import { lotAvailableAt } from '../stock/availability';
import { postDispensingEntry, type EntryLine } from '../stock/dispensing';
import type { BookSight } from '../stocktake/blind';

export interface Candidate {
  id: number;
  mdtrtId: string;
  rxNo: string | null;
  feeTime: string;
  drugId: number | null;
  medListCodg: string;
  itemName: string | null;
  qty: number | null;
  amount: number;
  setlId: string | null;
  drug: { name: string; spec: string; packSize: number; packUnit: string; baseUnit: string; active: number } | null;
  /** Why it cannot post before any stock is looked at; null when it may. */
  blocked: string | null;
  codes: string[];
}

/** The day's settled lines not yet dispensed: positive, not reversed, not posted before. */
export function candidates(db: ReadDb, clinicId: number, date: string): Candidate[] {
  const rows = sql(
    db,
    `SELECT s.id, s.mdtrt_id AS mdtrtId, s.rx_no AS rxNo, s.fee_time AS feeTime, s.drug_id AS drugId, s.med_list_codg AS medListCodg,
            s.item_name AS itemName, s.qty, s.amount, s.setl_id AS setlId,
            d.generic_name AS drugName, d.spec, d.pack_size AS packSize, d.pack_unit AS packUnit, d.base_unit AS baseUnit, d.active,
            (SELECT 1 FROM settlement_lines r WHERE r.reverses_id = s.id) AS reversed,
            (SELECT 1 FROM settlement_postings p WHERE p.line_id = s.id) AS posted
       FROM settlement_lines s INDEXED BY settlement_lines_day LEFT JOIN drugs d ON d.id = s.drug_id
      WHERE s.clinic_id = ? AND s.business_date = ? AND s.amount >= 0 AND s.reverses_id IS NULL
      ORDER BY s.fee_time, s.id`,
  ).all(clinicId, date) as (Omit<Candidate, 'drug' | 'blocked' | 'codes'> & {
    drugName: string | null;
    spec: string;
    packSize: number;
    packUnit: string;
    baseUnit: string;
    active: number;
    reversed: number | null;
    posted: number | null;
  })[];
  const typed = sql(
    db,
    `SELECT 1 FROM dispensings d INDEXED BY dispensings_visit JOIN dispensing_lines l ON l.dispensing_id = d.id
      WHERE d.clinic_id = ? AND d.visit_no = ? AND d.status = 'posted' AND l.drug_id = ?
        AND NOT EXISTS (SELECT 1 FROM settlement_postings p WHERE p.dispensing_line_id = l.id)`,
  );
  const codes = sql(db, 'SELECT code FROM settlement_trace_codes WHERE line_id = ? ORDER BY code');
  // Dispensing typed by hand that day under no visit the settlement names (most often no visit number at all):
  // it may be these very lines, so it covers them first, in fee-time order, and only the rest can post.
  const visits = [...new Set(rows.map((r) => r.mdtrtId))];
  const typedElsewhere = new Map<number, number>(
    (
      sql(
        db,
        `SELECT l.drug_id AS drugId, sum(l.qty) AS qty FROM dispensings d JOIN dispensing_lines l ON l.dispensing_id = d.id
          WHERE d.clinic_id = ? AND d.business_date = ? AND d.status = 'posted'
            AND (d.visit_no IS NULL OR d.visit_no NOT IN (SELECT value FROM json_each(?)))
            AND NOT EXISTS (SELECT 1 FROM settlement_postings p WHERE p.dispensing_line_id = l.id)
          GROUP BY l.drug_id`,
      ).all(clinicId, date, JSON.stringify(visits)) as { drugId: number; qty: number }[]
    ).map((t) => [t.drugId, t.qty]),
  );
  const typedTotal = new Map(typedElsewhere);
  return rows
    .filter((r) => !r.reversed && !r.posted)
    .map((r) => {
      let blocked: string | null = null;
      if (r.drugId === null) blocked = `药品目录中没有医保编码 ${r.medListCodg}${r.itemName ? `（${r.itemName}）` : ''}：不是中心库配送的药品，不能登记`;
      else if (r.qty === null || r.qty <= 0) blocked = '数量为 0，不需要登记';
      else if (typed.get(clinicId, r.mdtrtId, r.drugId)) blocked = `本次就诊（${r.mdtrtId}）已手工登记过该药品，不再重复登记`;
      else if ((typedElsewhere.get(r.drugId) ?? 0) > 0) {
        const left = typedElsewhere.get(r.drugId)!;
        typedElsewhere.set(r.drugId, Math.max(0, left - r.qty));
        blocked = `当天已手工登记该药品 ${typedTotal.get(r.drugId)}${r.baseUnit}（没有填这次就诊的就诊号），可能就是这一行：不再重复登记`;
      }
      return {
        id: r.id,
        mdtrtId: r.mdtrtId,
        rxNo: r.rxNo,
        feeTime: r.feeTime,
        drugId: r.drugId,
        medListCodg: r.medListCodg,
        itemName: r.itemName,
        qty: r.qty,
        amount: r.amount,
        setlId: r.setlId,
        drug:
          r.drugId === null ? null : { name: r.drugName!, spec: r.spec, packSize: r.packSize, packUnit: r.packUnit, baseUnit: r.baseUnit, active: r.active },
        blocked,
        codes: (codes.all(r.id) as { code: string }[]).map((c) => c.code),
      };
    });
}

/** Lots of the boxes a line's codes name (received by the hub, of this drug), with what each may give that day. */
function preferredLots(db: ReadDb, storeId: number, line: Candidate, date: string): EntryLine['prefer'] {
  if (line.codes.length === 0 || line.drugId === null || !line.drug) return [];
  const lotOf = sql(db, 'SELECT lot_id AS lotId FROM trace_codes WHERE code = ? AND drug_id = ?');
  const boxes = new Map<number, number>();
  for (const code of line.codes) {
    const r = lotOf.get(code, line.drugId) as { lotId: number } | undefined;
    if (r) boxes.set(r.lotId, (boxes.get(r.lotId) ?? 0) + 1);
  }
  const out: NonNullable<EntryLine['prefer']> = [];
  const balance = sql(db, 'SELECT qty FROM stock_balances WHERE store_id = ? AND lot_id = ?');
  for (const [lotId, count] of boxes) {
    const now = (balance.get(storeId, lotId) as { qty: number } | undefined)?.qty ?? 0;
    const expiry = (sql(db, 'SELECT expiry_date AS e FROM lots WHERE id = ?').get(lotId) as { e: string }).e;
    if (expiry < date) continue;
    const can = lotAvailableAt(db, storeId, lotId, date, now).available;
    if (can > 0) out.push({ lotId, qty: Math.min(can, count * line.drug.packSize) });
  }
  return out;
}

export interface LineResult {
  line: Candidate;
  reason: string | null;
  lots: { batchNo: string; expiryDate: string; qty: number }[];
  amount: number;
  dispensingId: number | null;
  dispensingLineId: number | null;
}

/** Rolls a savepoint back without losing what was learnt inside it. */
class RolledBack extends Error {}

/**
 * Posts the lines (grouped into one entry per visit) inside the caller's transaction. With `dryRun` every
 * line is tried on its own and everything is rolled back; otherwise the lines post together or, when any
 * cannot, not at all (AppError listing each reason).
 */
export function postLines(
  posting: PostingContext,
  storeId: number,
  clinicId: number,
  lines: Candidate[],
  opts: { dryRun: boolean; sight: BookSight; clientToken?: string },
): LineResult[] {
  const db = posting.db;
  const results = new Map<number, LineResult>(
    lines.map((l) => [l.id, { line: l, reason: l.blocked, lots: [], amount: 0, dispensingId: null, dispensingLineId: null }]),
  );
  const visits = new Map<string, Candidate[]>();
  for (const l of lines) if (!l.blocked) visits.set(l.mdtrtId, [...(visits.get(l.mdtrtId) ?? []), l]);

  const reasonOf = (err: unknown, line: Candidate): string => {
    if (!(err instanceof AppError)) throw err;
    // A blind count hides the book of what is being counted, refusals included (stocktake/blind.ts).
    if (err.code === 'INSUFFICIENT_STOCK' && line.drugId !== null && opts.sight.hides(storeId, line.drugId))
      return `库存不足：${line.drug?.name ?? ''}正在盲盘，不显示账面数`;
    return err.message;
  };

  const postVisit = (visit: string, group: Candidate[], index: number) => {
    const entry = postDispensingEntry(posting, storeId, {
      clinicId,
      rxNo: group.find((l) => l.rxNo)?.rxNo ?? null,
      visitNo: visit,
      note: `按医保结算明细登记${group[0].setlId ? `（结算ID ${group[0].setlId}）` : ''}`,
      clientToken: opts.clientToken ? `${opts.clientToken}#${index}` : null,
      // The settled boxes move as if scanned at the counter (their codes reach 3505 and the box chain); a code that
      // names no box of this clinic is recorded as evidence, and its batch is still preferred when the clinic holds it.
      lines: group.map((l) => ({ drugId: l.drugId!, qty: l.qty!, traceCodes: l.codes, prefer: preferredLots(db, storeId, l, posting.businessDate) })),
    });
    entry.lines.forEach((made, i) => {
      const r = results.get(group[i].id)!;
      r.lots = made.lots.map((x) => ({ batchNo: x.batchNo, expiryDate: x.expiryDate, qty: x.qty }));
      r.amount = made.amount;
      r.dispensingId = entry.id;
      r.dispensingLineId = made.id;
    });
  };

  if (opts.dryRun) {
    // Line by line in order, each kept when it posts, so a later line sees the stock the earlier ones took.
    try {
      db.transaction(() => {
        let index = 0;
        for (const [visit, group] of visits) {
          for (const line of group) {
            index += 1;
            try {
              db.transaction(() => postVisit(visit, [line], index))();
            } catch (err) {
              results.get(line.id)!.reason = reasonOf(err, line);
            }
          }
        }
        throw new RolledBack();
      })();
    } catch (err) {
      if (!(err instanceof RolledBack)) throw err;
    }
    for (const r of results.values()) if (r.reason) r.amount = 0;
    return lines.map((l) => results.get(l.id)!);
  }

  const refused = lines.filter((l) => l.blocked);
  if (refused.length) throw refusal(refused.map((l) => ({ line: l, reason: l.blocked! })));
  const failures: { line: Candidate; reason: string }[] = [];
  let index = 0;
  for (const [visit, group] of visits) {
    index += 1;
    try {
      db.transaction(() => postVisit(visit, group, index))();
    } catch (err) {
      // Which line of the visit: try them one by one, for the message only (rolled back with the rest).
      for (const line of group) {
        try {
          db.transaction(() => {
            postVisit(visit, [line], index);
            throw new RolledBack();
          })();
        } catch (e) {
          if (!(e instanceof RolledBack)) failures.push({ line, reason: reasonOf(e, line) });
        }
      }
      if (!failures.some((f) => group.includes(f.line))) failures.push({ line: group[0], reason: reasonOf(err, group[0]) });
    }
  }
  if (failures.length) throw refusal(failures);
  return lines.map((l) => results.get(l.id)!);
}

function refusal(failures: { line: Candidate; reason: string }[]): AppError {
  const say = (f: { line: Candidate; reason: string }) =>
    `${f.line.drug?.name ?? f.line.itemName ?? f.line.medListCodg}（就诊 ${f.line.mdtrtId}）：${f.reason}`;
  const stock = failures.some((f) => f.reason.startsWith('库存不足'));
  return new AppError(
    stock ? 'INSUFFICIENT_STOCK' : 'BUSINESS_RULE',
    `有 ${failures.length} 行不能登记，全部未登记：${say(failures[0])}`,
    failures.slice(0, 50).map((f) => ({ path: `lineIds.${f.line.id}`, message: say(f) })),
  );
}

/** Links the posted lines to their dispensing (the export and the reconciliation read these). */
export function recordPostings(db: WriteDb, results: LineResult[], userId: number, now: Date): void {
  const ins = sql(db, 'INSERT INTO settlement_postings (line_id, dispensing_id, dispensing_line_id, posted_by, posted_at) VALUES (?, ?, ?, ?, ?)');
  for (const r of results)
    if (r.dispensingId !== null && r.dispensingLineId !== null) ins.run(r.line.id, r.dispensingId, r.dispensingLineId, userId, now.toISOString());
}
