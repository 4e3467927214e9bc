/**
 * 药品追溯码: what a scanner types for one box, read into the box's identity and what the code says about it.
 * Pure (no Node, no DOM): the scan boxes, the API and the workbook import read codes the same way.
 *
 * Three families reach the counter (the "Codes"; a code never has to start with a given digit):
 * - 码上放心 (MSSF): 20 digits; the first 7 name the product (the drug's 追溯码前缀).
 * - GS1 element strings from DataMatrix / GS1-128: AI 01 GTIN, 17 expiry, 11 production date (YYMMDD),
 *   10 batch, 21 serial; with or without the GS separator (0x1D, FNC1), with or without HRI parentheses,
 *   behind a symbology identifier (]d2 DataMatrix, ]C1 GS1-128, ]Q3 QR, ]e0 DataBar, ]J1) that scanners emit.
 *   A box is GTIN + serial; the box's code is the element string `01<GTIN>21<serial>` (one spelling per box
 *   however it was scanned).
 * - A manufacturer's own code: text of up to 100 characters (the NHSA field drug_trac_codg is text of 100).
 */

export type TraceCodeKind = 'mssf' | 'gs1' | 'maker';

export interface ParsedTraceCode {
  kind: TraceCodeKind;
  /** The box's identity as stored and uploaded (drug_trac_codg); null for a GS1 code without a serial (a product, not a box). */
  code: string | null;
  /** MSSF: the 7-digit product prefix. */
  prefix: string | null;
  /** GS1: GTIN-14. */
  gtin: string | null;
  batchNo: string | null;
  /** 'YYYY-MM-DD' (GS1 AI 17; DD = 00 means the month's last day). */
  expiryDate: string | null;
  /** 'YYYY-MM-DD' (GS1 AI 11). */
  mfgDate: string | null;
  serial: string | null;
}

export type TraceCodeResult = { ok: true; value: ParsedTraceCode } | { ok: false; message: string };

export const TRACE_CODE_MAX = 100;
/** Shorter than this is a mistyped number rather than a code printed on a box. */
const MAKER_CODE_MIN = 8;
const GS = '\u001d';
const GS1_SYMBOLOGIES = new Set([']d2', ']C1', ']Q3', ']e0', ']J1']);

const GS1_AIS: Record<string, { fixed?: number; max?: number; date?: boolean; label: string }> = {
  '01': { fixed: 14, label: '商品条码 GTIN（AI 01）' },
  '17': { fixed: 6, date: true, label: '有效期（AI 17）' },
  '11': { fixed: 6, date: true, label: '生产日期（AI 11）' },
  '10': { max: 20, label: '批号（AI 10）' },
  '21': { max: 20, label: '序列号（AI 21）' },
};

class CodeProblem extends Error {}

/** GS1 mod-10 check digit over a GTIN-8/12/13/14 (the last digit checks the others). */
export function gtinCheckDigitOk(gtin: string): boolean {
  if (!/^\d{8}$|^\d{12,14}$/.test(gtin)) return false;
  const digits = [...gtin].map(Number);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((s, d, i) => s + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

/** A GTIN of 8, 12, 13 or 14 digits as the 14 digits GS1 element strings carry, or a Chinese problem. */
export function normalizeGtin(text: string): { gtin: string } | { problem: string } {
  const t = text.normalize('NFKC').replace(/\s+/g, '');
  if (!/^\d{8}$|^\d{12,14}$/.test(t)) return { problem: '商品条码 GTIN 应为 8、12、13 或 14 位数字' };
  if (!gtinCheckDigitOk(t)) return { problem: `商品条码 GTIN ${t} 的校验位不对，请核对是否输错` };
  return { gtin: t.padStart(14, '0') };
}

function gs1Date(v: string, label: string): string {
  const y = 2000 + Number(v.slice(0, 2));
  const m = Number(v.slice(2, 4));
  let d = Number(v.slice(4, 6));
  if (m < 1 || m > 12) throw new CodeProblem(`${label} ${v} 的月份不对`);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d === 0) d = last;
  if (d > last) throw new CodeProblem(`${label} ${v} 的日期不对`);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function parseGs1(body: string): ParsedTraceCode {
  let s = body.startsWith(GS) ? body.slice(1) : body;
  // HRI "(01)0690…(10)B1" → the element string, each AI after the first behind a GS.
  if (s.startsWith('(')) s = s.replace(/\((\d{2})\)/g, (_m, ai: string, at: number) => (at ? GS : '') + ai);
  const found: Record<string, string> = {};
  while (s.length) {
    const ai = s.slice(0, 2);
    const spec = GS1_AIS[ai];
    if (!spec) throw new CodeProblem(`GS1 码中有不支持的应用标识符 ${ai}（支持 01、17、11、10、21）`);
    if (ai in found) throw new CodeProblem(`GS1 码中 ${spec.label} 出现了两次`);
    s = s.slice(2);
    let v: string;
    if (spec.fixed) {
      v = s.slice(0, spec.fixed);
      s = s.slice(spec.fixed);
      if (!new RegExp(`^\\d{${spec.fixed}}$`).test(v)) throw new CodeProblem(`GS1 码中 ${spec.label} 应为 ${spec.fixed} 位数字`);
      if (s.startsWith(GS)) s = s.slice(1);
    } else {
      const end = s.indexOf(GS);
      v = end < 0 ? s : s.slice(0, end);
      s = end < 0 ? '' : s.slice(end + 1);
      if (v === '' || v.length > spec.max!) throw new CodeProblem(`GS1 码中 ${spec.label} 应为 1–${spec.max} 个字符（实际 ${v.length} 个）`);
      if (v.includes('(') || v.includes(')')) throw new CodeProblem(`GS1 码中 ${spec.label} 含有括号，请检查扫码枪设置`);
    }
    found[ai] = spec.date ? gs1Date(v, spec.label) : v;
  }
  const gtin = found['01'];
  if (!gtin) throw new CodeProblem('GS1 码中没有商品条码 GTIN（AI 01）');
  if (!gtinCheckDigitOk(gtin)) throw new CodeProblem(`GS1 码中的商品条码 ${gtin} 校验位不对，请重新扫码`);
  const serial = found['21'] ?? null;
  return {
    kind: 'gs1',
    code: serial ? `01${gtin}21${serial}` : null,
    prefix: null,
    gtin,
    batchNo: found['10'] ?? null,
    expiryDate: found['17'] ?? null,
    mfgDate: found['11'] ?? null,
    serial,
  };
}

const blank = { prefix: null, gtin: null, batchNo: null, expiryDate: null, mfgDate: null, serial: null };

/** Reads what a scanner or a person typed for one box; never throws. */
export function parseTraceCode(raw: string): TraceCodeResult {
  // NFKC folds full-width digits and letters (a Chinese IME left on); spaces and line ends are the scanner's, not the code's.
  let s = raw.normalize('NFKC').replace(/[\s\u00a0]+/g, '');
  if (s === '') return { ok: false, message: '请扫描或输入追溯码' };
  let gs1 = false;
  const symbology = /^\][A-Za-z][0-9A-Za-z]/.exec(s)?.[0];
  if (symbology) {
    s = s.slice(3);
    gs1 = GS1_SYMBOLOGIES.has(symbology);
  }
  gs1 ||= s.startsWith(GS) || /^\(\d{2}\)/.test(s) || s.includes(GS);
  try {
    if (gs1) return { ok: true, value: parseGs1(s) };
    if (/^\d{20}$/.test(s)) return { ok: true, value: { ...blank, kind: 'mssf', code: s, prefix: s.slice(0, 7) } };
    // An element string without separators: "01" + a GTIN with a correct check digit, then known AIs to the end.
    if (/^01\d{14}(1[017]|21)/.test(s) && gtinCheckDigitOk(s.slice(2, 16))) {
      try {
        return { ok: true, value: parseGs1(s) };
      } catch {
        // not an element string after all: a manufacturer's code that happens to start the same way
      }
    }
  } catch (e) {
    if (e instanceof CodeProblem) return { ok: false, message: e.message };
    throw e;
  }
  if (/^\d+$/.test(s) && s.length < 20 && s.length >= 12 && gtinCheckDigitOk(s)) {
    return { ok: false, message: `${s} 是商品条码（GTIN），不是追溯码：请扫描药盒上的追溯码（20 位码或二维码）` };
  }
  if (s.length > TRACE_CODE_MAX) return { ok: false, message: `追溯码不能超过 ${TRACE_CODE_MAX} 个字符（当前 ${s.length} 个）` };
  if (!/^[\x21-\x7e]+$/.test(s)) return { ok: false, message: `“${s.slice(0, 24)}”不是追溯码：追溯码只含字母、数字和符号（请检查输入法是否为英文）` };
  if (s.length < MAKER_CODE_MIN) return { ok: false, message: `“${s}”太短，不是追溯码（码上放心追溯码为 20 位数字）` };
  return { ok: true, value: { ...blank, kind: 'maker', code: s } };
}

/** A scan that must name one box: the box's code, or a Chinese message. */
export function parseBoxCode(raw: string): { ok: true; value: ParsedTraceCode & { code: string } } | { ok: false; message: string } {
  const r = parseTraceCode(raw);
  if (!r.ok) return r;
  if (r.value.code === null) return { ok: false, message: 'GS1 码中没有序列号（AI 21），只能识别药品和批号，不能区分每一盒' };
  return r as { ok: true; value: ParsedTraceCode & { code: string } };
}

/** Whether a code belongs to a drug, judged by what the code carries (prefix or GTIN); null = it does, or it cannot tell. */
export function productMismatch(parsed: ParsedTraceCode, drug: { drugName: string; tracePrefix: string | null; gtin: string | null }): string | null {
  if (parsed.kind === 'mssf' && drug.tracePrefix && parsed.prefix !== drug.tracePrefix) {
    return `追溯码 ${parsed.code} 的前 7 位 ${parsed.prefix} 与 ${drug.drugName} 的追溯码前缀 ${drug.tracePrefix} 不符，不是这个药品的码`;
  }
  if (parsed.kind === 'gs1' && drug.gtin && parsed.gtin !== drug.gtin) {
    return `扫到的商品条码 ${parsed.gtin} 与 ${drug.drugName} 的商品条码 ${drug.gtin} 不符，不是这个药品的码`;
  }
  return null;
}

export const TRACE_KIND_LABELS: Record<TraceCodeKind, string> = { mssf: '码上放心 20 位码', gs1: 'GS1 码', maker: '企业自有码' };

/** Where a box is in the chain (trace_codes.state). */
export const BOX_STATES = ['untracked', 'in_stock', 'in_transit', 'opened', 'dispensed', 'written_off', 'returned'] as const;
export type BoxState = (typeof BOX_STATES)[number];
export const BOX_STATE_LABELS: Record<BoxState, string> = {
  untracked: '入库时登记，之后未再扫码（位置以最后一次扫码为准）',
  in_stock: '在库',
  in_transit: '配送途中',
  opened: '已拆零，在用',
  dispensed: '已用完（已销售）',
  written_off: '已报损',
  returned: '已退给配送企业',
};

/** What a scan that could not move its box is evidence of (box_events.anomaly). */
export const BOX_ANOMALIES = ['duplicate_sale', 'stray', 'unknown', 'mismatch', 'foreign'] as const;
export type BoxAnomaly = (typeof BOX_ANOMALIES)[number];
export const BOX_ANOMALY_LABELS: Record<BoxAnomaly, string> = {
  duplicate_sale: '重复追溯码：这盒药已经销售、报损或退货，又被扫码销售',
  stray: '串货：这盒药从未配送到本室，却在本室扫码销售',
  unknown: '体外采购：卫生院从未入库的追溯码',
  mismatch: '串换：追溯码所属的药品与登记的药品不符',
  foreign: '签收时扫到不在本配送单上的追溯码',
};

/**
 * How an opened box (拆零) is scanned at later dispensings — provinces differ, so the hub chooses. The default
 * follows the 2025 notice's sale rule, "a box is sold once": the box's code is collected at its sale, which for a
 * split pack is the first dispensing from it (开盒); scanning it again at every use would report one box as sold
 * several times, which the fund reads as 重复追溯码.
 */
export const OPENED_BOX_SCANS = ['once_at_open', 'every_use'] as const;
export type OpenedBoxScan = (typeof OPENED_BOX_SCANS)[number];
export const DEFAULT_OPENED_BOX_SCAN: OpenedBoxScan = 'once_at_open';
export const OPENED_BOX_SCAN_LABELS: Record<OpenedBoxScan, string> = {
  once_at_open: '拆零药品开盒时扫码一次：之后从已开的盒用药不必再扫，登记自动记在本室最早开封的那盒上（3505 带这盒的码）',
  every_use: '每次用药扫码：没扫码的用药不记在任何一盒上',
};
