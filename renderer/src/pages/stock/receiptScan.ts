/**
 * One scan box for the whole receipt: each scanned box goes to its line by what the code says of itself — the
 * 20-digit code's product prefix, the GS1 code's GTIN and batch — so the pharmacist scans the cartons' boxes in any
 * order without choosing a line. A code that says nothing of its product (a maker's own code) goes to the line last
 * scanned into. The server checks every code again when the receipt posts.
 */
import type { ParsedTraceCode } from '../../../../shared/traceCodes';

export interface ScanLine {
  key: string;
  drugName: string;
  tracePrefix: string | null;
  gtin: string | null;
  batchNo: string;
  traceCodes: string[];
  /** Whole boxes accepted on the line: (arrived − refused) ÷ pack size. */
  boxes: number;
  /** Boxes the line's codes stand for (a carton counts for its boxes). */
  scanned: number;
}

export type ReceiptScan = { ok: true; lineKey: string; message: string } | { ok: false; kind: 'duplicate' | 'wrong_drug' | 'full' | 'batch'; message: string };

const productOf = (p: ParsedTraceCode) => (p.kind === 'mssf' ? `前 7 位 ${p.prefix}` : `GTIN ${p.gtin}`);

/** Whether the code names the line's drug (true), another drug (false), or cannot tell (null). */
function namesDrug(p: ParsedTraceCode, l: ScanLine): boolean | null {
  if (p.kind === 'mssf' && l.tracePrefix) return p.prefix === l.tracePrefix;
  if (p.kind === 'gs1' && l.gtin && p.gtin) return p.gtin === l.gtin;
  return null;
}

export function routeReceiptScan(code: string, parsed: ParsedTraceCode, lines: ScanLine[], lastKey: string | undefined): ReceiptScan {
  const holder = lines.find((l) => l.traceCodes.includes(code));
  if (holder) return { ok: false, kind: 'duplicate', message: `${code} 已经扫过（${holder.drugName}）` };
  const verdicts = lines.map((l) => ({ l, names: namesDrug(parsed, l) }));
  let candidates = verdicts.filter((v) => v.names === true).map((v) => v.l);
  if (candidates.length === 0) {
    const unknown = verdicts.filter((v) => v.names === null).map((v) => v.l);
    if (unknown.length === 0) return { ok: false, kind: 'wrong_drug', message: `追溯码 ${code}（${productOf(parsed)}）不是本订单任何药品的码` };
    candidates = unknown;
  }
  // A GS1 code with a batch goes to the line of that batch, or to a line whose batch is not filled in yet.
  if (parsed.batchNo) {
    const same = candidates.filter((l) => l.batchNo.trim() === parsed.batchNo);
    const open = candidates.filter((l) => !l.batchNo.trim());
    if (same.length === 0 && open.length === 0)
      return {
        ok: false,
        kind: 'batch',
        message: `此盒批号 ${parsed.batchNo} 与 ${candidates[0].drugName} 已填的批号 ${candidates.map((l) => l.batchNo).join('、')} 不符：请点“拆分批次”另起一行`,
      };
    candidates = same.length > 0 ? same : open;
  }
  const notFull = candidates.filter((l) => l.scanned < l.boxes);
  const target = notFull.find((l) => l.key === lastKey) ?? notFull[0];
  if (!target) {
    const l = candidates.find((x) => x.key === lastKey) ?? candidates[0];
    return {
      ok: false,
      kind: 'full',
      message: `${l.drugName}${l.batchNo ? ` 批号 ${l.batchNo}` : ''} 已扫 ${l.scanned}/${l.boxes} 盒，已扫满：多出的盒请核对到货数量`,
    };
  }
  const batch = target.batchNo || parsed.batchNo || '';
  return { ok: true, lineKey: target.key, message: `${target.drugName}${batch ? ` 批号 ${batch}` : ''}：已扫 ${target.scanned + 1}/${target.boxes} 盒` };
}
