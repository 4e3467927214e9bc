/**
 * 追溯: where a box is and every place it has been, with the documents, people and dates — from the supplier's
 * delivery to the patient's visit. A village doctor sees the hub's part and their own clinic's, never what
 * happened to the box at another clinic.
 */
import type { HandlerContext } from '../context';
import { sql, type ReadDb } from '../../db/database';
import { AppError } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import { parseTraceCode } from '../../../shared/traceCodes';
import { packageBoxCodes, packageChildren, packageHead, packedIn } from './package-tree';
import { given, rows as selectRows, sql as query } from '../../db/sql';
import type { MethodOutput } from '../../../shared/contract';

const EVENT_LABELS: Record<string, string> = {
  receipt: '验收入库',
  receipt_reversed: '入库冲销',
  issue: '出库配送（在途）',
  sign: '村医签收',
  transit_back: '在途差异退回中心库',
  transit_lost: '在途损失报损',
  dispense: '用药登记（销售）',
  dispense_reversed: '用药登记冲销',
  writeoff: '报损',
  return: '退货',
};

/** The drug a code names by itself: the box's drug, else the catalog's drug with that prefix or GTIN (one only). */
function drugOfCode(db: ReadDb, parsed: { prefix: string | null; gtin: string | null }, boxDrugId: number | null): number | null {
  if (boxDrugId !== null) return boxDrugId;
  const rows = parsed.gtin
    ? sql(db, 'SELECT id FROM drugs WHERE gtin = ?').all(parsed.gtin)
    : parsed.prefix
      ? sql(db, 'SELECT id FROM drugs WHERE trace_prefix = ? AND active = 1 LIMIT 2').all(parsed.prefix)
      : [];
  return rows.length === 1 ? (rows[0] as { id: number }).id : null;
}

export function traceLookup(ctx: HandlerContext, input: ParsedInput<'trace.lookup'>) {
  const db = ctx.db;
  const r = parseTraceCode(input.code);
  if (!r.ok) throw new AppError('VALIDATION', r.message, [{ path: 'code', message: r.message }]);
  const parsed = r.value;
  const code = parsed.code;
  const box = code
    ? (sql(
        db,
        `SELECT t.code, t.state, t.used_qty AS usedQty, t.drug_id AS drugId, s.name AS storeName, s.clinic_id AS storeClinicId,
                l.batch_no AS batchNo, l.expiry_date AS expiryDate, sp.name AS supplierName, t.last_date AS lastDate
           FROM trace_codes t JOIN lots l ON l.id = t.lot_id LEFT JOIN stores s ON s.id = t.store_id LEFT JOIN suppliers sp ON sp.id = l.supplier_id
          WHERE t.code = ?`,
      ).get(code) as
        | {
            code: string;
            state: string;
            usedQty: number;
            drugId: number;
            storeName: string | null;
            storeClinicId: number | null;
            batchNo: string;
            expiryDate: string;
            supplierName: string | null;
            lastDate: string;
          }
        | undefined)
    : undefined;
  const ownClinic = ctx.user.role === 'village_doctor' ? ctx.user.clinicId : null;
  const events = code
    ? selectRows<{ event: string } & Record<string, unknown>>(
        db,
        query`SELECT e.id, e.event, e.business_date AS businessDate, e.created_at AS createdAt, e.qty, e.anomaly, e.note, e.doc_type AS docType, e.doc_id AS docId,
                e.clinic_id AS clinicId, c.name AS clinicName, fs.name AS fromStore, ts.name AS toStore, u.display_name AS userName,
                CASE e.doc_type WHEN 'receipt' THEN (SELECT doc_no FROM receipts WHERE id = e.doc_id)
                                WHEN 'delivery' THEN (SELECT doc_no FROM deliveries WHERE id = e.doc_id)
                                WHEN 'dispensing' THEN (SELECT coalesce(rx_no, visit_no) FROM dispensings WHERE id = e.doc_id) END AS docNo,
                CASE e.doc_type WHEN 'receipt' THEN (SELECT s.name FROM receipts r JOIN suppliers s ON s.id = r.supplier_id WHERE r.id = e.doc_id) END AS supplierName,
                CASE e.doc_type WHEN 'dispensing' THEN (SELECT visit_no FROM dispensings WHERE id = e.doc_id) END AS visitNo,
                CASE e.doc_type WHEN 'dispensing' THEN (SELECT status FROM dispensings WHERE id = e.doc_id) END AS docStatus,
                CASE e.doc_type WHEN 'delivery' THEN (SELECT dl.storage_override_reason || '（' || ou.display_name || '）'
                  FROM delivery_lines dl JOIN users ou ON ou.id = dl.storage_override_by WHERE dl.id = e.doc_line_id) END AS storageOverride
           FROM box_events e LEFT JOIN clinics c ON c.id = e.clinic_id LEFT JOIN stores fs ON fs.id = e.from_store_id
                LEFT JOIN stores ts ON ts.id = e.to_store_id JOIN users u ON u.id = e.user_id
          ${query.where([query`e.code = ${code}`, ...given(ownClinic, (c) => query`(e.clinic_id IS NULL OR e.clinic_id = ${c})`)])}
          ORDER BY e.business_date, e.id`,
      )
    : [];
  // A doctor looking at a box now at another clinic learns only that it is not theirs.
  const hideWhere = ownClinic !== null && box?.storeClinicId != null && box.storeClinicId !== ownClinic;
  const pack = code ? packageContents(db, code, ownClinic) : null;
  const drugId = drugOfCode(db, parsed, box?.drugId ?? pack?.drugId ?? null);
  const drug = drugId
    ? (sql(
        db,
        'SELECT id AS drugId, generic_name AS drugName, spec, manufacturer, pack_unit AS packUnit, base_unit AS baseUnit, pack_size AS packSize FROM drugs WHERE id = ?',
      ).get(drugId) as Record<string, unknown>)
    : null;
  return {
    code,
    kind: parsed.kind,
    gtin: parsed.gtin,
    batchNo: parsed.batchNo,
    expiryDate: parsed.expiryDate,
    mfgDate: parsed.mfgDate,
    serial: parsed.serial,
    drug,
    box: box
      ? {
          state: hideWhere ? null : box.state,
          storeName: hideWhere ? null : box.storeName,
          usedQty: box.usedQty,
          batchNo: box.batchNo,
          expiryDate: box.expiryDate,
          supplierName: box.supplierName,
          lastDate: box.lastDate,
        }
      : null,
    events: events.map(({ clinicId: _c, ...e }) => ({ ...e, eventLabel: EVENT_LABELS[e.event] ?? e.event })),
    packedIn: code ? packedIn(db, code) : [],
    package: pack ? { level: pack.level, children: pack.children, boxCount: pack.boxes.length, atHubCount: pack.atHubCount, boxes: pack.boxes } : null,
  } as MethodOutput<'trace.lookup'>;
}

/**
 * A carton or middle pack: what is packed in it and where each box is now. A village doctor sees where a box is
 * only at the hub or at their own clinic, as for a single box.
 */
function packageContents(db: ReadDb, code: string, ownClinic: number | null) {
  const head = packageHead(db, code);
  if (!head) return null;
  const place = sql(
    db,
    `SELECT t.state, t.drug_id AS drugId, s.name AS storeName, s.kind AS storeKind, s.clinic_id AS storeClinicId, l.batch_no AS batchNo
       FROM trace_codes t JOIN lots l ON l.id = t.lot_id LEFT JOIN stores s ON s.id = t.store_id WHERE t.code = ?`,
  );
  let drugId: number | null = null;
  let atHubCount = 0;
  const boxes = packageBoxCodes(db, code).map((boxCode) => {
    const p = place.get(boxCode) as
      | { state: string; drugId: number; storeName: string | null; storeKind: string | null; storeClinicId: number | null; batchNo: string }
      | undefined;
    if (!p) {
      atHubCount += 1; // never seen since the hub began scanning: 无码库存, at the hub as far as the books know
      return { code: boxCode, registered: false, atHub: false, state: null, storeName: null, batchNo: null };
    }
    drugId ??= p.drugId;
    const atHub = p.storeKind === 'hub' && (p.state === 'in_stock' || p.state === 'untracked');
    if (atHub) atHubCount += 1;
    const hidden = ownClinic !== null && p.storeClinicId !== null && p.storeClinicId !== ownClinic;
    return { code: boxCode, registered: true, atHub, state: hidden ? null : p.state, storeName: hidden ? null : p.storeName, batchNo: p.batchNo };
  });
  return { level: head.level, children: packageChildren(db, code), boxes, atHubCount, drugId };
}
