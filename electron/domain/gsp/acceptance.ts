import type { WriteDb } from '../../db/database';
/**
 * The acceptance (验收) of a receipt: per line what arrived, what was accepted and what was refused (with why),
 * the conclusion, the drug as received and, for cold-chain drugs, the arrival temperature and the transport
 * record; per receipt the supplier's delivery-note number (随货同行单号, NHSA dynt_no), the day and who accepted.
 * The stock side (the accepted lot, the quarantine lot) is the receipt's business (stock/receiving.ts).
 */
import { sql, type ReadDb } from '../../db/database';
import { AppError } from '../../errors';
import type { MethodOutput, ParsedInput } from '../../../shared/contract';
import { rows as selectRows, sql as query } from '../../db/sql';
import {
  COLD_CHAIN,
  CONDITION_RANGE,
  formatTemp,
  inConditionRange,
  STORAGE_CONDITION_SHORT,
  type Conclusion,
  type RejectReason,
  type StorageCondition,
} from '../../../shared/gsp';
import { needsSecondAcceptor, type SecondAcceptorRule } from './settings';

type LineInput = ParsedInput<'receipts.create'>['lines'][number];

export interface DrugGsp {
  drugName: string;
  storageCondition: StorageCondition;
  specialControl: boolean;
  approvalNo: string | null;
}

export function drugGsp(db: ReadDb, drugId: number): DrugGsp {
  const d = sql(
    db,
    'SELECT generic_name AS drugName, storage_condition AS storageCondition, special_control AS specialControl, approval_no AS approvalNo FROM drugs WHERE id = ?',
  ).get(drugId) as (Omit<DrugGsp, 'specialControl'> & { specialControl: number }) | undefined;
  if (!d) throw new AppError('NOT_FOUND', '药品不存在');
  return { ...d, specialControl: d.specialControl === 1 };
}

export interface LineVerdict {
  acceptedQty: number;
  rejectedQty: number;
  rejectReason: RejectReason | null;
  rejectNote: string | null;
  conclusion: Conclusion;
  arrivalTemp: number | null;
  transportRecord: string | null;
}

function rangeText(c: StorageCondition): string {
  const r = CONDITION_RANGE[c];
  return r.min === null ? `≤ ${formatTemp(r.max)}` : `${formatTemp(r.min)}–${formatTemp(r.max)}`;
}

/**
 * Checks one line's acceptance: refused quantity and why, and for a cold-chain drug the arrival temperature
 * and transport record. Goods that arrived out of their range are never accepted: the whole line is refused
 * (to quarantine) with 冷链断链.
 */
export function judgeLine(lineNo: number, line: LineInput, drug: DrugGsp): LineVerdict {
  const at = `第 ${lineNo} 行 ${drug.drugName}`;
  const rejectedQty = line.rejectedQty ?? 0;
  if (rejectedQty > line.qty) {
    throw new AppError('VALIDATION', `${at}：拒收数量 ${rejectedQty} 多于到货数量 ${line.qty}`, [
      { path: `lines.${lineNo - 1}.rejectedQty`, message: '拒收数量不能多于到货数量' },
    ]);
  }
  if (rejectedQty > 0 && !line.rejectReason) {
    throw new AppError('VALIDATION', `${at}：有拒收，请选择拒收原因`, [{ path: `lines.${lineNo - 1}.rejectReason`, message: '请选择拒收原因' }]);
  }
  if (rejectedQty > 0 && line.rejectReason === 'other' && !line.rejectNote) {
    throw new AppError('VALIDATION', `${at}：拒收原因为“其他”，请写明说明`, [{ path: `lines.${lineNo - 1}.rejectNote`, message: '请写明拒收说明' }]);
  }
  const coldChain = COLD_CHAIN.includes(drug.storageCondition);
  if (coldChain) {
    const label = STORAGE_CONDITION_SHORT[drug.storageCondition];
    if (line.arrivalTemp === undefined) {
      throw new AppError('VALIDATION', `${at} 是${label}药品，请填写到货温度`, [{ path: `lines.${lineNo - 1}.arrivalTemp`, message: '请填写到货温度' }]);
    }
    if (!line.transportRecord) {
      throw new AppError('VALIDATION', `${at} 是${label}药品，请填写冷链运输记录`, [
        { path: `lines.${lineNo - 1}.transportRecord`, message: '请填写冷链运输记录' },
      ]);
    }
    if (!inConditionRange(drug.storageCondition, line.arrivalTemp) && rejectedQty < line.qty) {
      throw new AppError(
        'BUSINESS_RULE',
        `${at}：到货温度 ${formatTemp(line.arrivalTemp)} 超出${label}范围（${rangeText(drug.storageCondition)}），不能验收合格，请全部拒收（冷链断链）或作待处理`,
        [{ path: `lines.${lineNo - 1}.rejectedQty`, message: '温度超出范围：须全部拒收' }],
      );
    }
  }
  return {
    acceptedQty: line.qty - rejectedQty,
    rejectedQty,
    rejectReason: rejectedQty > 0 ? (line.rejectReason ?? null) : null,
    rejectNote: rejectedQty > 0 ? (line.rejectNote ?? null) : null,
    conclusion: rejectedQty > 0 ? (line.conclusion ?? 'fail') : 'pass',
    arrivalTemp: coldChain ? (line.arrivalTemp ?? null) : (line.arrivalTemp ?? null),
    transportRecord: line.transportRecord ?? null,
  };
}

/** Refuses a receipt that needs a second acceptor and has none (which lines need one, and why). */
export function assertSecondAcceptor(rule: SecondAcceptorRule, drugs: DrugGsp[], secondAcceptorId: number | null): void {
  if (secondAcceptorId !== null) return;
  const needing = drugs.filter((d) => needsSecondAcceptor(rule, d));
  if (needing.length === 0) return;
  const names = [...new Set(needing.map((d) => `${d.drugName}（${d.specialControl ? '特殊管理' : STORAGE_CONDITION_SHORT[d.storageCondition]}）`))];
  throw new AppError('BUSINESS_RULE', `本单有须双人验收的药品：${names.join('、')}，请第二验收人输入用户名和密码`, [
    { path: 'acceptance.secondAcceptor', message: '请填写第二验收人' },
  ]);
}

export function recordReceiptAcceptance(
  db: WriteDb,
  r: { receiptId: number; deliveryNoteNo: string | null; acceptedOn: string; acceptorId: number; secondAcceptorId: number | null },
): void {
  sql(db, 'INSERT INTO receipt_acceptances (receipt_id, delivery_note_no, accepted_on, acceptor_id, second_acceptor_id) VALUES (?, ?, ?, ?, ?)').run(
    r.receiptId,
    r.deliveryNoteNo,
    r.acceptedOn,
    r.acceptorId,
    r.secondAcceptorId,
  );
}

export function recordLineAcceptance(
  db: WriteDb,
  lineId: number,
  v: LineVerdict,
  drug: DrugGsp & { manufacturer: string; spec: string },
  quarantineLotId: number | null,
): void {
  sql(
    db,
    `INSERT INTO receipt_line_acceptances (receipt_line_id, accepted_qty, rejected_qty, reject_reason, reject_note, conclusion, quarantine_lot_id,
       storage_condition, arrival_temp, transport_record, manufacturer, approval_no, spec)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    lineId,
    v.acceptedQty,
    v.rejectedQty,
    v.rejectReason,
    v.rejectNote,
    v.conclusion,
    quarantineLotId,
    drug.storageCondition,
    v.arrivalTemp,
    v.transportRecord,
    drug.manufacturer,
    drug.approvalNo,
    drug.spec,
  );
}

export function receiptAcceptance(db: ReadDb, receiptId: number) {
  return (
    (sql(
      db,
      `SELECT a.delivery_note_no AS deliveryNoteNo, a.accepted_on AS acceptedOn, u.display_name AS acceptorName, u2.display_name AS secondAcceptorName
         FROM receipt_acceptances a JOIN users u ON u.id = a.acceptor_id LEFT JOIN users u2 ON u2.id = a.second_acceptor_id WHERE a.receipt_id = ?`,
    ).get(receiptId) as Record<string, unknown> | undefined) ?? null
  );
}

/** Each line's acceptance by receipt line id (lines posted before acceptance was kept have none). */
export function lineAcceptances(db: ReadDb, receiptId: number): Map<number, Record<string, unknown>> {
  const rows = sql(
    db,
    `SELECT a.receipt_line_id AS lineId, a.accepted_qty AS acceptedQty, a.rejected_qty AS rejectedQty, a.reject_reason AS rejectReason,
            a.reject_note AS rejectNote, a.conclusion, a.quarantine_lot_id AS quarantineLotId, a.storage_condition AS storageCondition,
            a.arrival_temp AS arrivalTemp, a.transport_record AS transportRecord, a.approval_no AS approvalNo
       FROM receipt_line_acceptances a JOIN receipt_lines rl ON rl.id = a.receipt_line_id WHERE rl.receipt_id = ?`,
  ).all(receiptId) as ({ lineId: number } & Record<string, unknown>)[];
  return new Map(rows.map(({ lineId, ...rest }) => [lineId, rest]));
}

/** 药品验收记录: the lines of one receipt, or of every receipt that arrived in a month. */
export function acceptanceRecords(db: ReadDb, input: ParsedInput<'gsp.acceptanceRecords'>) {
  const where =
    input.receiptId !== undefined ? query`r.id = ${input.receiptId}` : query`r.business_date BETWEEN ${input.period} || '-01' AND ${input.period} || '-31'`;
  return selectRows<MethodOutput<'gsp.acceptanceRecords'>[number]>(
    db,
    query`SELECT r.id AS receiptId, r.doc_no AS receiptDocNo, r.status AS receiptStatus, s.name AS supplierName, ra.delivery_note_no AS deliveryNoteNo,
            r.invoice_no AS invoiceNo, r.business_date AS arrivedOn, ra.accepted_on AS acceptedOn, rl.line_no AS lineNo, rl.drug_name AS drugName,
            d.dosage_form AS dosageForm, coalesce(la.spec, rl.spec) AS spec, coalesce(la.manufacturer, rl.manufacturer) AS manufacturer,
            CASE WHEN la.receipt_line_id IS NULL THEN d.approval_no ELSE la.approval_no END AS approvalNo,
            rl.pack_unit AS packUnit, rl.base_unit AS baseUnit, rl.pack_size AS packSize, rl.batch_no AS batchNo, rl.mfg_date AS mfgDate,
            rl.expiry_date AS expiryDate, rl.qty AS arrivedQty, la.accepted_qty AS acceptedQty, la.rejected_qty AS rejectedQty,
            la.reject_reason AS rejectReason, la.reject_note AS rejectNote, la.conclusion, la.storage_condition AS storageCondition,
            la.arrival_temp AS arrivalTemp, la.transport_record AS transportRecord, u.display_name AS acceptorName, u2.display_name AS secondAcceptorName
       FROM receipts r JOIN receipt_lines rl ON rl.receipt_id = r.id JOIN suppliers s ON s.id = r.supplier_id JOIN drugs d ON d.id = rl.drug_id
       LEFT JOIN receipt_acceptances ra ON ra.receipt_id = r.id LEFT JOIN receipt_line_acceptances la ON la.receipt_line_id = rl.id
       LEFT JOIN users u ON u.id = ra.acceptor_id LEFT JOIN users u2 ON u2.id = ra.second_acceptor_id
      WHERE ${where}
      ORDER BY r.business_date, r.id, rl.line_no`,
  );
}
