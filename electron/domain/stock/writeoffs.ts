import type { HandlerContext, WriteContext } from '../context';
import { assertClinicAccess, clinicScope } from '../scope';
import { sql, type ReadDb } from '../../db/database';
import { AppError, notFound } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import { nextDocNo } from '../docno';
import { accessibleStore, postingContext } from './common';
import { assertPostable, postMovement } from './ledger';
import { insertLotLines, selectLotLines, storedLotLines } from './lot-lines';
import { lineBoxCodes, moveLineBoxes, nameLineBoxes, scannedLotLines } from './document-boxes';
import { isQuarantined } from './quarantine-guard';
import { given, rows as selectRows, sql as query } from '../../db/sql';
import type { MethodOutput } from '../../../shared/contract';

export function createWriteoff(ctx: WriteContext, input: ParsedInput<'writeoffs.create'>) {
  const db = ctx.db;
  const store = accessibleStore(ctx, input.storeId);
  if (store.kind === 'transit') throw new AppError('BUSINESS_RULE', '在途药品的损失请在配送单的签收差异中处理');
  const quarantined = input.lines.findIndex((l) => isQuarantined(db, l.lotId));
  if (quarantined >= 0)
    throw new AppError('BUSINESS_RULE', `第 ${quarantined + 1} 行是不合格品区（隔离）的批次：请在“不合格品”中登记销毁（须有监督人）或退回配送企业`);
  const docNo = nextDocNo(db, 'BS', ctx.today);
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO writeoffs (doc_no, store_id, reason_code, reason, status, created_by, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
  ).run(docNo, store.id, input.reasonCode, input.reason, ctx.user.id, ctx.now.toISOString());
  const writeoffId = Number(lastInsertRowid);
  insertLotLines(db, 'writeoff_lines', 'writeoff_id', writeoffId, store.id, input.lines);
  const stored = storedLotLines(db, 'writeoff_lines', 'writeoff_id', writeoffId);
  nameLineBoxes(
    db,
    'writeoff',
    writeoffId,
    store.id,
    stored.map((l, i) => ({ ...l, traceCodes: input.lines[i].traceCodes })),
  );
  ctx.audit.target = `writeoff:${writeoffId}`;
  return getWriteoff(db, writeoffId);
}

function loadWriteoff(ctx: HandlerContext, id: number) {
  const w = sql(
    ctx.db,
    `SELECT w.id, w.store_id AS storeId, s.clinic_id AS clinicId, w.status, w.doc_no AS docNo FROM writeoffs w JOIN stores s ON s.id = w.store_id WHERE w.id = ?`,
  ).get(id) as { id: number; storeId: number; clinicId: number | null; status: string; docNo: string } | undefined;
  if (!w) throw notFound('报损单');
  assertClinicAccess(ctx, w.clinicId);
  return w;
}

/** The pharmacist approves (the stock leaves the books) or rejects a write-off. */
export function decideWriteoff(ctx: WriteContext, input: ParsedInput<'writeoffs.decide'>) {
  const db = ctx.db;
  const w = loadWriteoff(ctx, input.id);
  if (w.status !== 'pending') throw new AppError('INVALID_STATE', `报损单 ${w.docNo} 已处理`);
  if (input.approve) {
    const posting = postingContext(ctx, input.businessDate);
    assertPostable(db, posting.businessDate, ctx.today);
    let total = 0;
    for (const line of scannedLotLines(db, 'writeoff', w.id)) {
      const row = postMovement(posting, {
        storeId: w.storeId,
        lotId: line.lotId,
        qty: -line.qty,
        movement: 'writeoff',
        docType: 'writeoff',
        docId: w.id,
        docLineId: line.id,
      });
      // The scanned boxes leave the books with the line's ledger row.
      moveLineBoxes(posting, {
        docType: 'writeoff',
        docId: w.id,
        line,
        fromStoreId: w.storeId,
        to: { state: 'written_off', storeId: null },
        event: 'writeoff',
        ledgerId: row.id,
        clinicId: w.clinicId,
      });
      sql(db, 'UPDATE writeoff_lines SET amount = ? WHERE id = ?').run(-row.amount, line.id);
      total -= row.amount;
    }
    sql(
      db,
      "UPDATE writeoffs SET status = 'approved', business_date = ?, total_amount = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ?",
    ).run(posting.businessDate, total, ctx.user.id, ctx.now.toISOString(), input.note, w.id);
  } else {
    if (!input.note) throw new AppError('VALIDATION', '驳回报损请说明原因', [{ path: 'note', message: '请填写驳回原因' }]);
    sql(db, "UPDATE writeoffs SET status = 'rejected', decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ?").run(
      ctx.user.id,
      ctx.now.toISOString(),
      input.note,
      w.id,
    );
  }
  ctx.audit.target = `writeoff:${w.id}`;
  return getWriteoff(db, w.id);
}

export function cancelWriteoff(ctx: WriteContext, input: ParsedInput<'writeoffs.cancel'>) {
  const w = loadWriteoff(ctx, input.id);
  if (w.status !== 'pending') throw new AppError('INVALID_STATE', `报损单 ${w.docNo} 已处理，不能撤回`);
  sql(ctx.db, "UPDATE writeoffs SET status = 'cancelled', decided_by = ?, decided_at = ? WHERE id = ?").run(ctx.user.id, ctx.now.toISOString(), w.id);
  ctx.audit.target = `writeoff:${w.id}`;
  return getWriteoff(ctx.db, w.id);
}

const WRITEOFF_SELECT = `SELECT w.id, w.doc_no AS docNo, w.store_id AS storeId, st.name AS storeName, st.clinic_id AS clinicId, w.reason_code AS reasonCode,
    w.reason, w.status, w.business_date AS businessDate, w.total_amount AS totalAmount, cu.display_name AS createdByName, w.created_at AS createdAt,
    du.display_name AS decidedByName, w.decided_at AS decidedAt, w.decision_note AS decisionNote
  FROM writeoffs w JOIN stores st ON st.id = w.store_id JOIN users cu ON cu.id = w.created_by LEFT JOIN users du ON du.id = w.decided_by`;

export function getWriteoff(db: ReadDb, id: number) {
  const head = sql(db, `${WRITEOFF_SELECT} WHERE w.id = ?`).get(id) as Record<string, unknown> | undefined;
  if (!head) throw notFound('报损单');
  const codes = lineBoxCodes(db, 'writeoff', id);
  const lines = selectLotLines(db, 'writeoff_lines', 'writeoff_id', id) as { id: number }[];
  return { ...head, lines: lines.map((l) => ({ ...l, traceCodes: codes.get(l.id) ?? [] })) } as MethodOutput<'writeoffs.list'>[number];
}

export function listWriteoffs(ctx: HandlerContext, input: ParsedInput<'writeoffs.list'>) {
  const clinicId = clinicScope(ctx);
  if (input.storeId) accessibleStore(ctx, input.storeId);
  const filters = query.where([
    ...given(clinicId, (c) => query`st.clinic_id = ${c}`),
    ...given(input.storeId, (s) => query`w.store_id = ${s}`),
    ...given(input.status, (s) => query`w.status = ${s}`),
  ]);
  const rows = selectRows<{ id: number }>(
    ctx.db,
    query`SELECT w.id FROM writeoffs w JOIN stores st ON st.id = w.store_id ${filters} ORDER BY w.id DESC LIMIT 300`,
  );
  return rows.map((r) => getWriteoff(ctx.db, r.id));
}
