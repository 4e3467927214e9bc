import type { HandlerContext, WriteContext } from '../context';
import { assertClinicAccess, clinicScope, isHubRole } from '../scope';
import { sql, type ReadDb, type WriteDb } from '../../db/database';
import { AppError, forbidden, notFound } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import { nextDocNo } from '../docno';
import { postingContext } from './common';
import { assertPostable, postMovement, transfer, type PostingContext } from './ledger';
import { chinaDate } from '../../../shared/dates';
import { insertLotLines, selectLotLines, storedLotLines } from './lot-lines';
import { lineBoxCodes, moveLineBoxes, nameLineBoxes, scannedLotLines } from './document-boxes';
import { assertActiveClinic, clinicStores, hubStoreId } from '../master-data/stores';
import type { BoxState } from './boxes';
import type { ScannedLotLine } from './document-boxes';
import { createQuarantineLot, QUARANTINED_RETURN_REASONS } from './quarantine';
import type { Fen } from '../../../shared/money';
import { given, rows as selectRows, sql as query } from '../../db/sql';
import type { MethodOutput } from '../../../shared/contract';

export function createReturn(ctx: WriteContext, input: ParsedInput<'returns.create'>) {
  const db = ctx.db;
  const toSupplier = input.kind === 'hub_to_supplier';
  if (toSupplier && !isHubRole(ctx)) throw forbidden('只有中心药库可以退货给配送企业');
  if (toSupplier && ctx.user.role === 'finance') throw forbidden();
  const clinicId = toSupplier ? null : clinicScope(ctx, input.clinicId);
  if (!toSupplier && clinicId === null) throw new AppError('VALIDATION', '请选择退货的村卫生室', [{ path: 'clinicId', message: '请选择村卫生室' }]);
  if (toSupplier && !input.supplierId) throw new AppError('VALIDATION', '请选择配送企业', [{ path: 'supplierId', message: '请选择配送企业' }]);
  if (clinicId !== null) assertActiveClinic(db, clinicId);
  // Both kinds are dated now: a supplier return posts at once, a clinic's return keeps the date the doctor
  // gave and posts on it when the hub accepts it (a date given is never dropped; none given: the day accepted).
  const posting = postingContext(ctx, input.businessDate);
  assertPostable(db, posting.businessDate, ctx.today);

  const storeId = toSupplier ? hubStoreId(db) : clinicStores(db, clinicId!).storeId;
  const docNo = nextDocNo(db, 'TH', posting.businessDate);
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO stock_returns (doc_no, kind, clinic_id, supplier_id, reason_code, reason, status, business_date, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'submitted', ?, ?, ?)`,
  ).run(
    docNo,
    input.kind,
    clinicId,
    toSupplier ? input.supplierId : null,
    input.reasonCode,
    input.reason,
    toSupplier ? null : (input.businessDate ?? null),
    ctx.user.id,
    ctx.now.toISOString(),
  );
  const returnId = Number(lastInsertRowid);
  const lots = insertLotLines(db, 'stock_return_lines', 'return_id', returnId, storeId, input.lines, posting.businessDate);
  const stored = storedLotLines(db, 'stock_return_lines', 'return_id', returnId);
  nameLineBoxes(
    db,
    'return',
    returnId,
    storeId,
    stored.map((l, i) => ({ ...l, traceCodes: input.lines[i].traceCodes })),
  );
  if (toSupplier) {
    const foreign = lots.find((l) => l.supplierId !== null && l.supplierId !== input.supplierId);
    if (foreign) throw new AppError('BUSINESS_RULE', `批号 ${foreign.batchNo} 不是从该配送企业购进的，不能退给它`);
    postReturn(ctx, db, returnId, storeId, null, posting);
  }
  ctx.audit.target = `return:${returnId}`;
  return getReturn(db, returnId);
}

/**
 * Posts a return: to the supplier straight out of the hub, or from the clinic into the hub. What a clinic
 * returns damaged, with a quality problem or recalled goes to the hub's quarantine (a lot of its own), never
 * back on the shelf that first-expiry-first issues from.
 */
function postReturn(ctx: WriteContext, db: WriteDb, returnId: number, fromStoreId: number, toStoreId: number | null, posting: PostingContext): void {
  const businessDate = posting.businessDate;
  const reason = sql(db, 'SELECT reason_code AS code, reason FROM stock_returns WHERE id = ?').get(returnId) as { code: string; reason: string | null };
  const toQuarantine = toStoreId !== null && QUARANTINED_RETURN_REASONS.includes(reason.code);
  const clinicId = (sql(db, 'SELECT clinic_id AS clinicId FROM stock_returns WHERE id = ?').get(returnId) as { clinicId: number | null }).clinicId;
  // The scanned boxes go where the line's stock goes: the hub's shelf, its quarantine lot, or out to the supplier.
  const moveBoxes = (line: ScannedLotLine, ledgerId: number, to: { state: BoxState; storeId: number | null; lotId?: number }) =>
    moveLineBoxes(posting, {
      docType: 'return',
      docId: returnId,
      line,
      fromStoreId,
      to,
      event: 'return',
      ledgerId,
      clinicId,
    });
  let total = 0;
  for (const line of scannedLotLines(db, 'return', returnId)) {
    const ref = { docType: 'return' as const, docId: returnId, docLineId: line.id };
    if (toQuarantine) {
      const quarantineLotId = createQuarantineLot(db, {
        originLotId: line.lotId,
        status: 'fail',
        reasonCode: reason.code,
        reason: reason.reason,
        sourceType: 'return',
        sourceId: returnId,
        userId: ctx.user.id,
        now: ctx.now,
      });
      const out = postMovement(posting, { ...ref, storeId: fromStoreId, lotId: line.lotId, qty: -line.qty, movement: 'clinic_return_out' });
      const into = postMovement(posting, {
        ...ref,
        storeId: toStoreId!,
        lotId: quarantineLotId,
        qty: line.qty,
        movement: 'clinic_return_in',
        amount: -out.amount as Fen,
      });
      moveBoxes(line, into.id, { state: 'in_stock', storeId: toStoreId!, lotId: quarantineLotId });
      sql(db, 'UPDATE stock_return_lines SET amount = ? WHERE id = ?').run(into.amount, line.id);
      total += into.amount;
      continue;
    }
    let amount: number;
    if (toStoreId === null) {
      const row = postMovement(posting, { ...ref, storeId: fromStoreId, lotId: line.lotId, qty: -line.qty, movement: 'supplier_return' });
      moveBoxes(line, row.id, { state: 'returned', storeId: null });
      amount = -row.amount;
    } else {
      const moved = transfer(posting, {
        ...ref,
        fromStoreId,
        toStoreId,
        lotId: line.lotId,
        qty: line.qty,
        outMovement: 'clinic_return_out',
        inMovement: 'clinic_return_in',
      });
      moveBoxes(line, moved.in.id, { state: 'in_stock', storeId: toStoreId });
      amount = moved.in.amount;
    }
    sql(db, 'UPDATE stock_return_lines SET amount = ? WHERE id = ?').run(amount, line.id);
    total += amount;
  }
  sql(db, "UPDATE stock_returns SET status = 'posted', business_date = ?, total_amount = ?, decided_by = ?, decided_at = ? WHERE id = ?").run(
    businessDate,
    total,
    ctx.user.id,
    ctx.now.toISOString(),
    returnId,
  );
}

function loadReturn(db: ReadDb, id: number) {
  const r = sql(
    db,
    `SELECT id, kind, clinic_id AS clinicId, status, created_by AS createdBy, created_at AS createdAt, doc_no AS docNo, business_date AS businessDate
       FROM stock_returns WHERE id = ?`,
  ).get(id) as
    | { id: number; kind: string; clinicId: number | null; status: string; createdBy: number; createdAt: string; docNo: string; businessDate: string | null }
    | undefined;
  if (!r) throw notFound('退货单');
  return r;
}

export function decideReturn(ctx: WriteContext, input: ParsedInput<'returns.decide'>) {
  const db = ctx.db;
  const r = loadReturn(db, input.id);
  if (r.kind !== 'clinic_to_hub' || r.status !== 'submitted') throw new AppError('INVALID_STATE', `退货单 ${r.docNo} 不是待确认状态`);
  if (input.accept) {
    // The date the doctor gave stands (its back-dating counted from the day it was given); without one, the
    // hub's date or today.
    if (r.businessDate && input.businessDate && input.businessDate !== r.businessDate) {
      throw new AppError(
        'BUSINESS_RULE',
        `退货单 ${r.docNo} 的业务日期是 ${r.businessDate}（提交时填写），不能改为 ${input.businessDate}；日期有误请驳回，由村医重新提交`,
      );
    }
    const posting = r.businessDate ? postingContext(ctx, r.businessDate, chinaDate(new Date(r.createdAt))) : postingContext(ctx, input.businessDate);
    assertPostable(db, posting.businessDate, ctx.today, posting.datedOn);
    postReturn(ctx, db, r.id, clinicStores(db, r.clinicId!).storeId, hubStoreId(db), posting);
    if (input.note) sql(db, 'UPDATE stock_returns SET decision_note = ? WHERE id = ?').run(input.note, r.id);
  } else {
    if (!input.note) throw new AppError('VALIDATION', '驳回退货请说明原因', [{ path: 'note', message: '请填写驳回原因' }]);
    sql(db, "UPDATE stock_returns SET status = 'rejected', decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ?").run(
      ctx.user.id,
      ctx.now.toISOString(),
      input.note,
      r.id,
    );
  }
  ctx.audit.target = `return:${r.id}`;
  return getReturn(db, r.id);
}

export function cancelReturn(ctx: WriteContext, input: ParsedInput<'returns.cancel'>) {
  const db = ctx.db;
  const r = loadReturn(db, input.id);
  assertClinicAccess(ctx, r.clinicId);
  if (r.status !== 'submitted') throw new AppError('INVALID_STATE', `退货单 ${r.docNo} 已处理，不能撤回`);
  sql(db, "UPDATE stock_returns SET status = 'cancelled', decided_by = ?, decided_at = ? WHERE id = ?").run(ctx.user.id, ctx.now.toISOString(), r.id);
  ctx.audit.target = `return:${r.id}`;
  return getReturn(db, r.id);
}

const RETURN_SELECT = `SELECT r.id, r.doc_no AS docNo, r.kind, r.clinic_id AS clinicId, c.name AS clinicName, r.supplier_id AS supplierId, s.name AS supplierName,
    r.reason_code AS reasonCode, r.reason, r.status, r.business_date AS businessDate, r.total_amount AS totalAmount,
    cu.display_name AS createdByName, r.created_at AS createdAt, du.display_name AS decidedByName, r.decided_at AS decidedAt, r.decision_note AS decisionNote
  FROM stock_returns r LEFT JOIN clinics c ON c.id = r.clinic_id LEFT JOIN suppliers s ON s.id = r.supplier_id
  JOIN users cu ON cu.id = r.created_by LEFT JOIN users du ON du.id = r.decided_by`;

export function getReturn(db: ReadDb, id: number) {
  const head = sql(db, `${RETURN_SELECT} WHERE r.id = ?`).get(id) as Record<string, unknown> | undefined;
  if (!head) throw notFound('退货单');
  const codes = lineBoxCodes(db, 'return', id);
  const lines = selectLotLines(db, 'stock_return_lines', 'return_id', id) as { id: number }[];
  return { ...head, lines: lines.map((l) => ({ ...l, traceCodes: codes.get(l.id) ?? [] })) } as MethodOutput<'returns.list'>[number];
}

export function listReturns(ctx: HandlerContext, input: ParsedInput<'returns.list'>) {
  const clinicId = clinicScope(ctx, input.clinicId);
  if (ctx.user.role === 'village_doctor' && input.kind === 'hub_to_supplier') return [];
  const filters = query.where([
    ...given(input.kind, (k) => query`r.kind = ${k}`),
    ...given(clinicId, (c) => query`r.clinic_id = ${c}`),
    ...given(input.status, (s) => query`r.status = ${s}`),
  ]);
  const rows = selectRows<{ id: number }>(ctx.db, query`SELECT r.id FROM stock_returns r ${filters} ORDER BY r.id DESC LIMIT 300`);
  return rows.map((r) => getReturn(ctx.db, r.id));
}
