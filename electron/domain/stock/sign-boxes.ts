/**
 * Boxes at sign-off (签收扫码). The village doctor scans what arrived; a carton or middle pack stands for those of
 * its boxes that are on this delivery (as at picking it stands for those still at the hub). A code not on the
 * delivery is flagged at once ('foreign') and moves nothing.
 *
 * Signing by scanning: once she scanned a box of the delivery, a coded box she did not scan is the shortfall, so
 * a line's 实收 may claim no more coded boxes than she scanned (its 无码库存 part is counted as before). When she
 * scanned none of them, boxes arrive with their line as before: scanning stays optional for the clinics of a hub
 * that has not started scanning. A line signed short must be signed by scanning when it carries coded boxes: only
 * the scans tell which boxes are the shortfall the hub settles (deliveries.resolve).
 */
import { sql, type ReadDb } from '../../db/database';
import { AppError } from '../../errors';
import { BOX_STATE_LABELS } from '../../../shared/traceCodes';
import { PACKAGE_LEVEL_SHORT } from '../../../shared/tracePackages';
import { describeQty } from '../master-data/quantities';
import { boxesMovedBy, drugTraceInfo, getBox, moveBox, readBoxCode, recordEvent, type BoxRow } from './boxes';
import type { PostingContext } from './ledger';
import { packageBoxCodes, packageHead } from './package-tree';

export interface SignLine {
  id: number;
  qty: number;
  drugName: string;
  packSize: number;
  packUnit: string;
  baseUnit: string;
}

export type TransitBox = BoxRow & { docLineId: number | null };

/** What the doctor's scans found: the delivery's boxes she scanned, and the codes not on it. */
export interface SignScans {
  scanned: Set<string>;
  foreign: { code: string; packageLabel: string | null }[];
}

/** The delivery's boxes still in transit (all of them until it is signed). */
export function boxesInTransit(db: ReadDb, deliveryId: number, transitId: number): TransitBox[] {
  return boxesMovedBy(db, 'issue', 'delivery', deliveryId).filter((b) => b.state === 'in_transit' && b.storeId === transitId);
}

/** Reads the sign-off scans, cartons and middle packs expanded into this delivery's boxes, here on the server. */
export function readSignScans(db: ReadDb, raws: readonly string[], onDelivery: ReadonlySet<string>): SignScans {
  const where = '签收扫码';
  const seen = new Map<string, string | null>();
  const scans: SignScans = { scanned: new Set(), foreign: [] };
  const take = (code: string, via: string | null) => {
    if (seen.has(code)) {
      const inside = via ?? seen.get(code);
      throw new AppError('VALIDATION', `${where}：追溯码 ${code} 重复扫码${inside ? `（大码/中码 ${inside} 中已含这一盒）` : ''}`);
    }
    seen.set(code, via);
  };
  for (const raw of raws) {
    const { code } = readBoxCode(raw, where);
    const head = packageHead(db, code);
    if (!head) {
      take(code, null);
      if (onDelivery.has(code)) scans.scanned.add(code);
      else scans.foreign.push({ code, packageLabel: null });
      continue;
    }
    take(code, null);
    const mine = packageBoxCodes(db, code).filter((c) => onDelivery.has(c));
    if (mine.length === 0) scans.foreign.push({ code, packageLabel: PACKAGE_LEVEL_SHORT[head.level] });
    for (const boxCode of mine) {
      take(boxCode, code);
      scans.scanned.add(boxCode);
    }
  }
  return scans;
}

/** The doctor signs by scanning when she scanned at least one box of the delivery. */
export function signsByScan(scans: SignScans): boolean {
  return scans.scanned.size > 0;
}

/**
 * Refuses, naming every line and the 实收 field to correct, a 实收 smaller than the boxes scanned on its line, or
 * (signing by scanning) larger than the scanned boxes plus the line's uncoded quantity.
 */
export function assertScansMatchReceived(
  lines: readonly SignLine[],
  received: (lineId: number) => { qty: number; index: number },
  boxes: readonly TransitBox[],
  scans: SignScans,
): void {
  const byScan = signsByScan(scans);
  const refused: { path: string; message: string }[] = [];
  for (const line of lines) {
    const { qty, index } = received(line.id);
    const onLine = boxes.filter((b) => b.docLineId === line.id);
    const scannedHere = onLine.filter((b) => scans.scanned.has(b.code)).length;
    const boxesQty = (n: number) => describeQty(n * line.packSize, line);
    const path = `lines.${index}.receivedQty`;
    if (scannedHere * line.packSize > qty) {
      refused.push({ path, message: `${line.drugName}：扫到 ${boxesQty(scannedHere)}，但实收只填了 ${describeQty(qty, line)}，请核对实收数量` });
      continue;
    }
    if (!byScan && onLine.length > 0 && qty < line.qty) {
      // Which coded boxes are missing is known only from the ones scanned: unscanned, the hub's settlement of the
      // shortfall would take every box of the line back, the ones on the clinic's shelf included.
      refused.push({
        path,
        message: `${line.drugName}：实收少于配送数量，这一行有 ${boxesQty(onLine.length)}带追溯码；请逐盒扫码实收的药品（未扫的即为短少），再确认签收`,
      });
      continue;
    }
    if (!byScan || onLine.length === scannedHere) continue;
    const uncoded = Math.max(0, line.qty - onLine.length * line.packSize);
    const asScanned = scannedHere * line.packSize + uncoded;
    if (qty > asScanned) {
      refused.push({
        path,
        message: `${line.drugName}：配送 ${boxesQty(onLine.length)}（有追溯码），扫到 ${boxesQty(scannedHere)}；未扫的 ${boxesQty(onLine.length - scannedHere)}请扫码，或把实收改为 ${describeQty(asScanned, line)}并填写差异原因`,
      });
    }
  }
  if (refused.length) throw new AppError('VALIDATION', refused.map((r) => r.message).join('；'), refused);
}

/**
 * Moves the boxes that arrived to the clinic beside their line's ledger row: those scanned, or (when she did not
 * sign by scanning) those of a line that arrived in full. The others stay in transit: the shortfall the hub
 * settles (deliveries.resolve). Then flags the codes not on the delivery.
 */
export function signBoxes(
  p: PostingContext,
  scans: SignScans,
  o: {
    delivery: { id: number; clinicId: number };
    lines: readonly SignLine[];
    receivedQty: (lineId: number) => number;
    boxes: readonly TransitBox[];
    signedIn: Map<number, number>;
    storeId: number;
  },
): void {
  const byScan = signsByScan(scans);
  for (const line of o.lines) {
    const wholeLine = o.receivedQty(line.id) === line.qty;
    for (const box of o.boxes.filter((b) => b.docLineId === line.id)) {
      if (!(scans.scanned.has(box.code) || (!byScan && wholeLine))) continue;
      moveBox(
        p,
        box,
        { state: 'in_stock', storeId: o.storeId },
        {
          event: 'sign',
          clinicId: o.delivery.clinicId,
          docType: 'delivery',
          docId: o.delivery.id,
          docLineId: line.id,
          ledgerId: o.signedIn.get(line.id) ?? null,
        },
      );
    }
  }
  for (const f of scans.foreign) flagForeign(p, o.delivery, f);
}

function flagForeign(p: PostingContext, delivery: { id: number; clinicId: number }, f: SignScans['foreign'][number]): void {
  const base = { event: 'sign' as const, clinicId: delivery.clinicId, docType: 'delivery', docId: delivery.id, anomaly: 'foreign' as const };
  if (f.packageLabel) {
    const first = packageBoxCodes(p.db, f.code)
      .map((c) => getBox(p.db, c))
      .find((b) => b);
    recordEvent(p, { ...base, code: f.code, drugId: first?.drugId ?? null, note: `${f.packageLabel} ${f.code} 中没有本配送单上的盒` });
    return;
  }
  const box = getBox(p.db, f.code);
  recordEvent(p, {
    ...base,
    code: f.code,
    drugId: box?.drugId ?? null,
    lotId: box?.lotId ?? null,
    note: box
      ? `追溯码 ${f.code}（${drugTraceInfo(p.db, box.drugId).drugName}）不在本配送单上：这盒药现在${BOX_STATE_LABELS[box.state]}${box.storeId ? `（${storeName(p.db, box.storeId)}）` : ''}`
      : `追溯码 ${f.code} 不在本配送单上，卫生院也从未入库这个码`,
  });
}

function storeName(db: ReadDb, storeId: number): string {
  return (sql(db, 'SELECT name FROM stores WHERE id = ?').get(storeId) as { name: string }).name;
}
