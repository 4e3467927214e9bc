/**
 * Settlement rows against the hub's books: which drug each code is, how many base units the client's count
 * is, whether the line was imported before (then it changes nothing, or is refused when it says something
 * else), and which earlier line a reversal (冲正, negative quantity) takes back. Pure reading.
 */
import { sql, type ReadDb } from '../../db/database';
import { divRound, formatUnitPrice } from '../../../shared/money';
import { COUNT_SCALE, lineKey, type ParsedRow, type RowIssue } from './parse';

export interface DrugInfo {
  id: number;
  name: string;
  spec: string;
  packSize: number;
  packUnit: string;
  baseUnit: string;
}

export type Action = 'new' | 'known' | 'error' | 'non_drug';

export interface Outcome {
  parsed: ParsedRow;
  action: Action;
  key: string | null;
  drug: DrugInfo | null;
  /** Base units per unit the file counts in; null for a drug not in the catalog. */
  factor: number | null;
  unitInferred: boolean;
  qty: number | null;
  /** Micro-yuan per unit the file counts in (from the amount when the file has no price). */
  price: number;
  amount: number | null;
  /** The day the line counts on: its own, or for a reversal the day of the line it takes back. */
  date: string | null;
  /** The line a reversal takes back: one already imported, or one of this file (by its key). */
  reversesId: number | null;
  reversesKey: string | null;
  issues: RowIssue[];
  notes: RowIssue[];
}

/** NHSA drug codes: 西药 X…, 中成药 Z…; everything else a settlement carries (诊疗项目, 耗材) is not stock. */
const DRUG_CODE = /^[XZ]/;

interface KnownLine {
  id: number;
  qty: number | null;
  amount: number;
  feeTime: string;
  medListCodg: string;
  mdtrtId: string;
  businessDate: string;
}

export interface Lookups {
  drugByCode(code: string): DrugInfo | null;
  /** The hub's price of a base unit to this clinic: its latest delivery, else the drug's latest lot. */
  costOf(drugId: number): number | null;
  known(key: string): KnownLine | null;
  /** An imported, not yet reversed positive line of this visit and drug with this quantity (or amount). */
  openOriginal(mdtrtId: string, code: string, qty: number | null, amount: number): KnownLine | null;
  isReversed(lineId: number): boolean;
}

export function lookups(db: ReadDb, clinicId: number, storeId: number): Lookups {
  const drugs = new Map<string, DrugInfo | null>();
  const costs = new Map<number, number | null>();
  const byCode = sql(
    db,
    'SELECT id, generic_name AS name, spec, pack_size AS packSize, pack_unit AS packUnit, base_unit AS baseUnit FROM drugs WHERE nhsa_code = ?',
  );
  const delivered = sql(
    db,
    "SELECT unit_cost AS c FROM ledger WHERE store_id = ? AND drug_id = ? AND movement = 'issue_in' ORDER BY period DESC, id DESC LIMIT 1",
  );
  const anyLot = sql(db, 'SELECT unit_cost AS c FROM lots WHERE drug_id = ? ORDER BY id DESC LIMIT 1');
  const known = sql(
    db,
    `SELECT id, qty, amount, fee_time AS feeTime, med_list_codg AS medListCodg, mdtrt_id AS mdtrtId, business_date AS businessDate
       FROM settlement_lines WHERE clinic_id = ? AND line_key = ?`,
  );
  const originals = sql(
    db,
    `SELECT s.id, s.qty, s.amount, s.fee_time AS feeTime, s.med_list_codg AS medListCodg, s.mdtrt_id AS mdtrtId, s.business_date AS businessDate
       FROM settlement_lines s INDEXED BY settlement_lines_visit
      WHERE s.clinic_id = ? AND s.mdtrt_id = ? AND s.med_list_codg = ? AND s.amount >= 0 AND s.reverses_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM settlement_lines r WHERE r.reverses_id = s.id)
      ORDER BY s.id`,
  );
  const reversed = sql(db, 'SELECT 1 FROM settlement_lines WHERE reverses_id = ?');
  return {
    drugByCode(code) {
      if (!drugs.has(code)) drugs.set(code, (byCode.get(code) as DrugInfo | undefined) ?? null);
      return drugs.get(code)!;
    },
    costOf(drugId) {
      if (!costs.has(drugId)) {
        const row = (delivered.get(storeId, drugId) ?? anyLot.get(drugId)) as { c: number } | undefined;
        costs.set(drugId, row?.c ?? null);
      }
      return costs.get(drugId)!;
    },
    known: (key) => (known.get(clinicId, key) as KnownLine | undefined) ?? null,
    openOriginal(mdtrtId, code, qty, amount) {
      const rows = originals.all(clinicId, mdtrtId, code) as KnownLine[];
      return rows.find((r) => (qty !== null && r.qty !== null ? r.qty === qty : r.amount === amount)) ?? null;
    },
    isReversed: (lineId) => reversed.get(lineId) !== undefined,
  };
}

/** |ln(a / b)|: how far apart two prices are, in ratio. */
const ratioGap = (a: number, b: number) => Math.abs(Math.log(a / b));

/**
 * How many base units one unit of the file is. A unit column decides (the base unit or the pack unit);
 * without one the price does: a 盒 costs packSize times a 粒, so the settled price sits near one of the two
 * (zero markup: the clinic sells at the hub's cost).
 */
function unitFactor(o: Outcome, drug: DrugInfo, look: Lookups, explained: Set<number>): { factor: number; inferred: boolean } | string {
  const unit = o.parsed.unitText;
  if (unit) {
    if (unit === drug.baseUnit) return { factor: 1, inferred: false };
    if (unit === drug.packUnit) return { factor: drug.packSize, inferred: false };
    return `单位“${unit}”既不是最小单位“${drug.baseUnit}”，也不是包装单位“${drug.packUnit}”`;
  }
  if (drug.packSize === 1) return { factor: 1, inferred: false };
  const cost = look.costOf(drug.id);
  if (cost === null || cost === 0 || o.price === 0) {
    return `没有“单位”列，本室也没有该药的配送价可比，无法判断数量是按“${drug.baseUnit}”还是按“${drug.packUnit}”：请导出带单位的明细，或在列映射中指定单位列`;
  }
  const pack = ratioGap(o.price, cost * drug.packSize) < ratioGap(o.price, cost);
  if (!explained.has(drug.id)) {
    explained.add(drug.id);
    const unitName = pack ? drug.packUnit : drug.baseUnit;
    o.notes.push({
      sheet: o.parsed.sheet,
      row: o.parsed.row,
      column: o.parsed.where('cnt'),
      reason: `没有单位列：${drug.name} 单价 ${formatUnitPrice(o.price)} 元，接近配送价每${unitName} ${formatUnitPrice(pack ? cost * drug.packSize : cost)} 元，数量按“${unitName}”计`,
    });
  }
  return { factor: pack ? drug.packSize : 1, inferred: true };
}

const issue = (o: Outcome, field: Parameters<ParsedRow['where']>[0], reason: string) =>
  o.issues.push({ sheet: o.parsed.sheet, row: o.parsed.row, column: o.parsed.where(field), reason });

/** Every row against the catalog and the lines already imported. */
export function evaluateRows(look: Lookups, rows: ParsedRow[]): Outcome[] {
  const explained = new Set<number>();
  const outcomes: Outcome[] = rows.map((p) => ({
    parsed: p,
    action: 'new',
    key: null,
    drug: null,
    factor: null,
    unitInferred: false,
    qty: null,
    price: 0,
    amount: p.amount,
    date: p.feeTime?.slice(0, 10) ?? null,
    reversesId: null,
    reversesKey: null,
    issues: [...p.issues],
    notes: [...p.notes],
  }));
  const byKey = new Map<string, Outcome>();

  for (const o of outcomes) {
    const p = o.parsed;
    if (p.medListCodg !== null) {
      o.drug = look.drugByCode(p.medListCodg);
      if (!o.drug && !DRUG_CODE.test(p.medListCodg)) {
        o.action = 'non_drug';
        continue;
      }
    }
    if (p.cnt && p.amount !== null) {
      o.price = p.price ?? Number(divRound(BigInt(Math.abs(p.amount)) * 10n ** 8n, p.cnt.scaled < 0n ? -p.cnt.scaled : p.cnt.scaled));
      if (o.drug) {
        const u = unitFactor(o, o.drug, look, explained);
        if (typeof u === 'string') issue(o, 'cnt', u);
        else {
          const base = p.cnt.scaled * BigInt(u.factor);
          if (base % COUNT_SCALE !== 0n)
            issue(o, 'cnt', `数量 ${p.cnt.text}${u.factor === 1 ? o.drug.baseUnit : o.drug.packUnit} 不是整数个${o.drug.baseUnit}`);
          else {
            o.qty = Number(base / COUNT_SCALE);
            o.factor = u.factor;
            o.unitInferred = u.inferred;
          }
        }
      }
    }
    if (o.issues.length) {
      o.action = 'error';
      continue;
    }
    o.key = lineKey(p);
    const twin = byKey.get(o.key);
    if (twin) {
      issue(
        o,
        p.feedetlSn ? 'feedetlSn' : 'mdtrtId',
        `与第 ${twin.parsed.row} 行是同一条结算明细（${p.feedetlSn ? '费用明细流水号相同' : '就诊、药品、时间、数量、金额都相同'}），但内容不同`,
      );
      o.action = 'error';
      continue;
    }
    byKey.set(o.key, o);
    const before = look.known(o.key);
    if (before) {
      const same =
        before.qty === o.qty &&
        before.amount === o.amount &&
        before.feeTime === p.feeTime &&
        before.medListCodg === p.medListCodg &&
        before.mdtrtId === p.mdtrtId;
      if (same) o.action = 'known';
      else {
        issue(
          o,
          p.feedetlSn ? 'feedetlSn' : 'mdtrtId',
          `与已导入的结算明细不一致（费用发生时间 ${before.feeTime}，金额 ${(before.amount / 100).toFixed(2)}）：导入后不能修改，更正应以冲正行`,
        );
        o.action = 'error';
      }
      if (before && same) o.date = before.businessDate;
    }
  }

  // Reversals (negative lines) find the line they take back and count on its day.
  const claimed = new Set<Outcome | number>();
  for (const o of outcomes) {
    if (o.action !== 'new' || o.amount === null || !(o.amount < 0 || (o.qty ?? 0) < 0)) continue;
    const p = o.parsed;
    let found: { id: number | null; key: string | null; date: string; qty: number | null; amount: number } | null = null;
    if (p.initFeedetlSn) {
      const key = `sn:${p.initFeedetlSn}`;
      const inFile = byKey.get(key);
      const before = inFile ? null : look.known(key);
      if (inFile && inFile.action !== 'error' && inFile.date) found = { id: null, key, date: inFile.date, qty: inFile.qty, amount: inFile.amount ?? 0 };
      else if (before) {
        if (look.isReversed(before.id)) {
          issue(o, 'initFeedetlSn', `原费用明细 ${p.initFeedetlSn} 已经冲正过`);
          o.action = 'error';
          continue;
        }
        found = { id: before.id, key: null, date: before.businessDate, qty: before.qty, amount: before.amount };
      }
    }
    if (!found && p.mdtrtId && p.medListCodg) {
      const want = o.qty !== null ? -o.qty : null;
      const inFile = outcomes.find(
        (x) =>
          x !== o &&
          !claimed.has(x) &&
          x.action !== 'error' &&
          x.action !== 'non_drug' &&
          (x.amount ?? 0) >= 0 &&
          x.parsed.mdtrtId === p.mdtrtId &&
          x.parsed.medListCodg === p.medListCodg &&
          (want !== null && x.qty !== null ? x.qty === want : x.amount === -(o.amount ?? 0)),
      );
      if (inFile?.date) found = { id: null, key: inFile.key, date: inFile.date, qty: inFile.qty, amount: inFile.amount ?? 0 };
      else {
        const before = look.openOriginal(p.mdtrtId, p.medListCodg, want, -(o.amount ?? 0));
        if (before && !claimed.has(before.id)) found = { id: before.id, key: null, date: before.businessDate, qty: before.qty, amount: before.amount };
      }
    }
    if (!found) {
      o.notes.push({
        sheet: p.sheet,
        row: p.row,
        column: p.where('cnt'),
        reason: '冲正行：没有找到被冲正的原结算明细（可能在另一个文件中），按冲正行自己的日期对账',
      });
      continue;
    }
    if (found.qty !== null && o.qty !== null && -o.qty > found.qty) {
      issue(o, 'cnt', `冲正数量 ${-o.qty} 多于原明细的 ${found.qty}`);
      o.action = 'error';
      continue;
    }
    const mark = found.id ?? outcomes.find((x) => x.key === found!.key)!;
    if (claimed.has(mark)) {
      issue(o, 'cnt', '原结算明细已被本文件中的另一冲正行冲正');
      o.action = 'error';
      continue;
    }
    claimed.add(mark);
    o.reversesId = found.id;
    o.reversesKey = found.key;
    o.date = found.date;
  }
  return outcomes;
}

export function countOf(outcomes: Outcome[]) {
  const n = { total: outcomes.length, new: 0, known: 0, error: 0, nonDrug: 0, reversals: 0, unknownDrug: 0, issues: 0 };
  for (const o of outcomes) {
    if (o.action === 'non_drug') n.nonDrug++;
    else n[o.action]++;
    n.issues += o.issues.length;
    if (o.action === 'new' && (o.amount ?? 0) < 0) n.reversals++;
    if (o.action === 'new' && o.drug === null) n.unknownDrug++;
  }
  return n;
}
