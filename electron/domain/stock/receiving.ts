import type { WriteContext } from '../context';
import { givenFilters, sql, type ReadDb } from '../../db/database';
import { rows as selectRows, sql as query } from '../../db/sql';
import { AppError, notFound } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import { lineAmount, lineAmountFromPackPrice, unitPriceFromPackPrice, type Fen } from '../../../shared/money';
import { nextDocNo } from '../docno';
import { postingContext } from './common';
import { createLot, postMovement, reverseDocument, assertPostable } from './ledger';
import { applyReceivedQty, ORDER_STATUS_SQL } from './order-link';
import { drugSnapshot } from '../master-data/drugs';
import { hubStoreId } from '../master-data/stores';
import { nearExpiryLimit } from '../master-data/expiry';
import { boxesMovedBy, drugTraceInfo, readLineCodesExpanding, recordEvent, registerBox } from './boxes';
import { createQuarantineLot } from './quarantine';
import {
  assertSecondAcceptor,
  drugGsp,
  judgeLine,
  lineAcceptances,
  receiptAcceptance,
  recordLineAcceptance,
  recordReceiptAcceptance,
  type DrugGsp,
} from '../gsp/acceptance';
import { gspSettings } from '../gsp/settings';
import { verifySecondAcceptor } from '../gsp/second-acceptor';
import type { MethodOutput } from '../../../shared/contract';

type Warning = { line: number | null; message: string };

interface PoLine {
  id: number;
  poId: number;
  drugId: number;
  qty: number;
  received: number;
  packPrice: number;
  packSize: number;
  drugName: string;
}

function loadOrder(db: ReadDb, poId: number) {
  const po = sql(db, `SELECT o.id, o.doc_no AS docNo, o.supplier_id AS supplierId, ${ORDER_STATUS_SQL} AS status FROM purchase_orders o WHERE o.id = ?`).get(
    poId,
  ) as { id: number; docNo: string; supplierId: number; status: string } | undefined;
  if (!po) throw notFound('采购订单');
  if (po.status !== 'sent' && po.status !== 'partly_received') {
    const label: Record<string, string> = { draft: '尚未发送给配送企业', received: '已全部收货', short_closed: '已终止收货', cancelled: '已作废' };
    throw new AppError('INVALID_STATE', `采购订单 ${po.docNo} ${label[po.status] ?? po.status}，不能收货`);
  }
  return po;
}

/**
 * 验收入库. Each line: what arrived, and of it what was accepted (a new lot in the hub store, first-expiry-first
 * takes from it) and what was refused (a quarantine lot beside it, which nothing but a supplier return or a
 * destruction takes from). The acceptance record (GSP) is written with the receipt, in the same transaction.
 */
export const createReceipt = {
  prepare: (ctx: WriteContext, input: ParsedInput<'receipts.create'>) => verifySecondAcceptor(ctx, input.acceptance.secondAcceptor),
  run: (ctx: WriteContext, input: ParsedInput<'receipts.create'>, secondAcceptorId: number | null) => postReceipt(ctx, input, secondAcceptorId),
};

function postReceipt(ctx: WriteContext, input: ParsedInput<'receipts.create'>, secondAcceptorId: number | null) {
  const db = ctx.db;
  const posting = postingContext(ctx, input.businessDate);
  assertPostable(db, posting.businessDate, ctx.today);
  const acceptedOn = input.acceptance.acceptedOn ?? posting.businessDate;
  if (acceptedOn > ctx.today) throw new AppError('VALIDATION', `验收日期 ${acceptedOn} 晚于今天`, [{ path: 'acceptance.acceptedOn', message: '不能晚于今天' }]);
  if (acceptedOn < posting.businessDate) {
    throw new AppError('VALIDATION', `验收日期 ${acceptedOn} 早于到货（入库）日期 ${posting.businessDate}`, [
      { path: 'acceptance.acceptedOn', message: '不能早于入库日期' },
    ]);
  }
  const rule = gspSettings(db).secondAcceptor;
  const gspDrugs: DrugGsp[] = [];
  const po = loadOrder(db, input.poId);
  const hub = hubStoreId(db);
  const warnings: Warning[] = [];
  const nearLimit = nearExpiryLimit(ctx.today); // the later of the receipt's date and today
  const seenCodes = new Map<string, string | null>();

  const docNo = nextDocNo(db, 'RK', posting.businessDate);
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO receipts (doc_no, po_id, supplier_id, invoice_no, invoice_date, business_date, status, total_amount, note, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'posted', 0, ?, ?, ?)`,
  ).run(docNo, po.id, po.supplierId, input.invoiceNo, input.invoiceDate ?? null, posting.businessDate, input.note, ctx.user.id, ctx.now.toISOString());
  const receiptId = Number(lastInsertRowid);
  recordReceiptAcceptance(db, {
    receiptId,
    deliveryNoteNo: input.acceptance.deliveryNoteNo,
    acceptedOn,
    acceptorId: ctx.user.id,
    secondAcceptorId,
  });
  let total = 0;

  input.lines.forEach((line, i) => {
    const lineNo = i + 1;
    const poLine = sql(
      db,
      `SELECT id, po_id AS poId, drug_id AS drugId, qty, received_qty AS received, pack_price AS packPrice, pack_size AS packSize, drug_name AS drugName
         FROM purchase_order_lines WHERE id = ?`,
    ).get(line.poLineId) as PoLine | undefined;
    if (!poLine || poLine.poId !== po.id) throw new AppError('VALIDATION', `第 ${lineNo} 行不属于采购订单 ${po.docNo}`);
    // Expired by the receipt's date or by today: a back-dated receipt does not let an expired batch in.
    if (line.expiryDate < posting.businessDate || line.expiryDate < ctx.today) {
      throw new AppError('BUSINESS_RULE', `第 ${lineNo} 行 ${poLine.drugName} 批号 ${line.batchNo} 已过期（有效期至 ${line.expiryDate}），不能入库`);
    }
    if (line.mfgDate && (line.mfgDate > posting.businessDate || line.mfgDate >= line.expiryDate)) {
      throw new AppError('VALIDATION', `第 ${lineNo} 行生产日期不合理：应早于入库日期和有效期`);
    }
    if (line.expiryDate < nearLimit) {
      warnings.push({ line: lineNo, message: `第 ${lineNo} 行 ${poLine.drugName} 批号 ${line.batchNo} 近效期：有效期至 ${line.expiryDate}，不足 6 个月` });
    }
    const drug = drugSnapshot(db, poLine.drugId);
    const gsp = drugGsp(db, poLine.drugId);
    gspDrugs.push(gsp);
    const verdict = judgeLine(lineNo, line, gsp);
    // A carton or middle pack scanned at receipt stands for all of its boxes (the supplier's association file).
    const codes = readLineCodesExpanding(db, line.traceCodes, `第 ${lineNo} 行`, seenCodes);
    // Codes are the accepted boxes': a refused box goes back or is destroyed and never enters the chain.
    const acceptedPacks = Math.floor(verdict.acceptedQty / drug.packSize);
    if (codes.length > acceptedPacks) {
      throw new AppError(
        'VALIDATION',
        verdict.rejectedQty > 0
          ? `第 ${lineNo} 行：追溯码 ${codes.length} 个，多于验收合格的 ${acceptedPacks} 盒（拒收的盒子不扫码）`
          : `第 ${lineNo} 行：追溯码 ${codes.length} 个，多于收货的 ${acceptedPacks} 盒`,
      );
    }

    // Only what was accepted counts as received: the order waits for the refused part to be sent again.
    applyReceivedQty(db, poLine.id, verdict.acceptedQty);
    const packPrice = line.packPrice ?? poLine.packPrice;
    if (packPrice !== poLine.packPrice) {
      warnings.push({ line: lineNo, message: `第 ${lineNo} 行单价与订单不同（按发票价入库）` });
    }
    const amount = lineAmountFromPackPrice(line.qty, packPrice, drug.packSize);
    const lotId = createLot(db, {
      drugId: drug.drugId,
      batchNo: line.batchNo,
      mfgDate: line.mfgDate ?? null,
      expiryDate: line.expiryDate,
      unitCost: unitPriceFromPackPrice(packPrice, drug.packSize),
      supplierId: po.supplierId,
      now: ctx.now,
    });
    const { lastInsertRowid: lineId } = sql(
      db,
      `INSERT INTO receipt_lines (receipt_id, line_no, po_line_id, drug_id, lot_id, batch_no, mfg_date, expiry_date, qty, pack_price, amount,
                                  drug_name, spec, manufacturer, pack_unit, base_unit, pack_size)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      receiptId,
      lineNo,
      poLine.id,
      drug.drugId,
      lotId,
      line.batchNo,
      line.mfgDate ?? null,
      line.expiryDate,
      line.qty,
      packPrice,
      amount,
      drug.drugName,
      drug.spec,
      drug.manufacturer,
      drug.packUnit,
      drug.baseUnit,
      drug.packSize,
    );
    // The invoice covers all that arrived; the refused part carries the rest of the line's amount, so the two
    // postings add up to the line to the fen.
    const acceptedAmount = verdict.rejectedQty === 0 ? amount : lineAmount(verdict.acceptedQty, unitPriceFromPackPrice(packPrice, drug.packSize));
    const ref = { docType: 'receipt' as const, docId: receiptId, docLineId: Number(lineId) };
    if (verdict.acceptedQty > 0) {
      const row = postMovement(posting, { ...ref, storeId: hub, lotId, qty: verdict.acceptedQty, movement: 'receipt', amount: acceptedAmount as Fen });
      const traceDrug = drugTraceInfo(db, drug.drugId);
      for (const parsed of codes) {
        registerBox(posting, parsed, parsed.via ? `第 ${lineNo} 行（大码/中码 ${parsed.via}）` : `第 ${lineNo} 行`, {
          drug: traceDrug,
          lotId,
          batchNo: line.batchNo,
          expiryDate: line.expiryDate,
          mfgDate: line.mfgDate ?? null,
          receiptId,
          receiptLineId: Number(lineId),
          storeId: hub,
          ledgerId: row.id,
        });
      }
    }
    let quarantineLotId: number | null = null;
    if (verdict.rejectedQty > 0) {
      quarantineLotId = createQuarantineLot(db, {
        originLotId: lotId,
        status: verdict.conclusion === 'pending' ? 'pending' : 'fail',
        reasonCode: verdict.rejectReason!,
        reason: verdict.rejectNote,
        sourceType: 'receipt',
        sourceId: receiptId,
        userId: ctx.user.id,
        now: ctx.now,
      });
      postMovement(posting, {
        ...ref,
        storeId: hub,
        lotId: quarantineLotId,
        qty: verdict.rejectedQty,
        movement: 'receipt',
        amount: (amount - acceptedAmount) as Fen,
      });
      if (verdict.conclusion === 'pending') {
        warnings.push({ line: lineNo, message: `第 ${lineNo} 行 ${poLine.drugName} 待处理 ${verdict.rejectedQty}：已放入待处理区，查明后退货或销毁` });
      }
    }
    recordLineAcceptance(db, Number(lineId), verdict, { ...gsp, manufacturer: drug.manufacturer, spec: drug.spec }, quarantineLotId);
    total += amount;
  });

  assertSecondAcceptor(rule, gspDrugs, secondAcceptorId);
  sql(db, 'UPDATE receipts SET total_amount = ? WHERE id = ?').run(total, receiptId);
  ctx.audit.target = `receipt:${receiptId}`;
  return { receipt: getReceipt(db, receiptId), warnings };
}

export function reverseReceipt(ctx: WriteContext, input: ParsedInput<'receipts.reverse'>) {
  const db = ctx.db;
  const receipt = sql(db, 'SELECT id, status, business_date AS businessDate FROM receipts WHERE id = ?').get(input.id) as
    | { id: number; status: string; businessDate: string }
    | undefined;
  if (!receipt) throw notFound('入库单');
  if (receipt.status !== 'posted') throw new AppError('INVALID_STATE', '该入库单已冲销');
  const posting = postingContext(ctx);
  reverseDocument(posting, 'receipt', receipt.id, { docType: 'receipt', docId: receipt.id });
  const lines = sql(
    db,
    `SELECT rl.po_line_id AS poLineId, coalesce(a.accepted_qty, rl.qty) AS qty
       FROM receipt_lines rl LEFT JOIN receipt_line_acceptances a ON a.receipt_line_id = rl.id WHERE rl.receipt_id = ?`,
  ).all(receipt.id) as {
    poLineId: number | null;
    qty: number;
  }[];
  for (const l of lines) if (l.poLineId) applyReceivedQty(db, l.poLineId, -l.qty);
  // The ledger reversal succeeded, so every box is still at the hub. The code leaves the register (it may be
  // received again, correctly this time); its history keeps the receipt and the reversal.
  for (const box of boxesMovedBy(db, 'receipt', 'receipt', receipt.id)) {
    recordEvent(posting, {
      code: box.code,
      event: 'receipt_reversed',
      drugId: box.drugId,
      lotId: box.lotId,
      fromStoreId: box.storeId,
      docType: 'receipt',
      docId: receipt.id,
      docLineId: box.docLineId,
    });
    sql(db, 'DELETE FROM trace_codes WHERE code = ?').run(box.code);
  }
  sql(db, "UPDATE receipts SET status = 'reversed', reversed_by = ?, reversed_at = ?, reverse_reason = ? WHERE id = ?").run(
    ctx.user.id,
    ctx.now.toISOString(),
    input.reason,
    receipt.id,
  );
  ctx.audit.target = `receipt:${receipt.id}`;
  return getReceipt(db, receipt.id);
}

const RECEIPT_SELECT = `SELECT r.id, r.doc_no AS docNo, r.po_id AS poId, po.doc_no AS poDocNo, r.supplier_id AS supplierId, s.name AS supplierName,
    r.invoice_no AS invoiceNo, r.invoice_date AS invoiceDate, r.business_date AS businessDate, r.status, r.total_amount AS totalAmount,
    r.note, u.display_name AS createdByName, r.created_at AS createdAt, r.reverse_reason AS reverseReason,
    (SELECT count(*) FROM receipt_lines rl WHERE rl.receipt_id = r.id) AS lineCount
  FROM receipts r JOIN suppliers s ON s.id = r.supplier_id JOIN users u ON u.id = r.created_by
  LEFT JOIN purchase_orders po ON po.id = r.po_id`;

type ReceiptHead = { id: number; status: 'posted' | 'reversed'; lineCount: number } & Record<string, unknown>;

export function getReceipt(db: ReadDb, id: number) {
  const head = sql(db, `${RECEIPT_SELECT} WHERE r.id = ?`).get(id) as ReceiptHead | undefined;
  if (!head) throw notFound('入库单');
  const lines = sql(
    db,
    `SELECT id, line_no AS lineNo, po_line_id AS poLineId, drug_id AS drugId, drug_name AS drugName, spec, manufacturer, pack_unit AS packUnit,
            base_unit AS baseUnit, pack_size AS packSize, lot_id AS lotId, batch_no AS batchNo, mfg_date AS mfgDate, expiry_date AS expiryDate,
            qty, pack_price AS packPrice, amount
       FROM receipt_lines WHERE receipt_id = ? ORDER BY line_no`,
  ).all(id) as ({ id: number } & Record<string, unknown>)[];
  const codes = sql(
    db,
    'SELECT receipt_line_id AS lineId, code FROM trace_codes WHERE receipt_line_id IN (SELECT id FROM receipt_lines WHERE receipt_id = ?) ORDER BY code',
  ).all(id) as {
    lineId: number;
    code: string;
  }[];
  const { lineCount: _count, ...rest } = head;
  const accepted = lineAcceptances(db, id);
  return {
    ...rest,
    acceptance: receiptAcceptance(db, id),
    lines: lines.map((l) => ({ ...l, traceCodes: codes.filter((c) => c.lineId === l.id).map((c) => c.code), acceptance: accepted.get(l.id) ?? null })),
  } as MethodOutput<'receipts.get'>;
}

export function listReceipts(db: ReadDb, input: ParsedInput<'receipts.list'>) {
  const { where, params } = givenFilters([
    ['r.supplier_id = ?', input.supplierId],
    ['r.po_id = ?', input.poId],
    ['r.business_date >= ?', input.from],
    ['r.business_date <= ?', input.to],
  ]);
  return sql(db, `${RECEIPT_SELECT} ${where} ORDER BY r.business_date DESC, r.id DESC LIMIT ?`).all(...params, input.limit) as MethodOutput<'receipts.list'>;
}

/** Orders waiting for goods: sent or partly received, with what is still to come on each line. */
export function openOrders(db: ReadDb, supplierId: number | undefined) {
  const bySupplier = supplierId === undefined ? query`` : query` AND po.supplier_id = ${supplierId}`;
  const orders = selectRows<{ poId: number }>(
    db,
    query`SELECT po.id AS poId, po.doc_no AS docNo, po.supplier_id AS supplierId, s.name AS supplierName, po.status, po.sent_at AS sentAt
       FROM purchase_orders po JOIN suppliers s ON s.id = po.supplier_id
      WHERE po.status IN ('sent', 'partly_received')${bySupplier}
      ORDER BY po.sent_at, po.id`,
  );
  return orders.map((o) => ({
    ...o,
    lines: sql(
      db,
      `SELECT pl.id AS poLineId, pl.drug_id AS drugId, pl.drug_name AS drugName, pl.spec, pl.manufacturer, pl.pack_unit AS packUnit,
              pl.base_unit AS baseUnit, pl.pack_size AS packSize, pl.qty AS orderedQty, pl.received_qty AS receivedQty,
              pl.qty - pl.received_qty AS outstandingQty, pl.pack_price AS packPrice, d.trace_prefix AS tracePrefix, d.gtin,
              d.storage_condition AS storageCondition, d.special_control = 1 AS specialControl
         FROM purchase_order_lines pl JOIN drugs d ON d.id = pl.drug_id WHERE pl.po_id = ? ORDER BY pl.line_no`,
    )
      .all(o.poId)
      .map((l) => ({ ...(l as object), specialControl: (l as { specialControl: number }).specialControl === 1 })),
  })) as MethodOutput<'receipts.openOrders'>;
}
