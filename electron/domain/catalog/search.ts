import { bool, sql, type ReadDb } from '../../db/database';
import type { DrugHit } from '../../../shared/contract/catalog';
import { APPROVAL_NO_RE, normalizeCode } from '../../../shared/drugCodes';
import { normalizeGtin, parseTraceCode } from '../../../shared/traceCodes';
import { normalizeSearchText } from './searchIndex';
import { notQuarantined } from '../stock/quarantine-guard';

/**
 * Drug search, through indexes only. A query's first word is looked up as
 *   - a name: a range scan of search_terms' primary key (at_start = 1 AND term >= q AND term < q ||
 *     U+10FFFF, see migrations/0002_master_data.sql) gives the names starting with q; drugs come from
 *     drugs_generic / drugs_trade, name by name, best name first, until the limit is reached; only then
 *     the same range with at_start = 0 gives the names containing q further in;
 *   - an NHSA code: the unique index on drugs.nhsa_code (exact, or by prefix from 4 characters);
 *   - an approval number: expression indexes on the number without '国药准字' ('H20003263', 'HJ20171044')
 *     and on its 8 digits, exact or by prefix; a bare 注册证号 ('H20140345') exactly, through the first;
 *   - a scanned 药品追溯码 (a box's code typed into the picker by a scanner): the box's drug by the
 *     trace_codes primary key; a GS1 code's GTIN (or a bare EAN-13 / GTIN-14) by drugs_gtin; a 20-digit
 *     码上放心 code of a box never received by the drugs carrying its 7-digit 追溯码前缀.
 * Further words narrow the hits (spec, manufacturer, form…: "amxl 0.25g", "阿莫西林 石药").
 *
 * Ranking: (0) exact NHSA code or approval number; (1) a name equal to the query — the Chinese name,
 * its initials or its full pinyin; (2) a name starting with it; (3) a code or approval number starting
 * with it; (4) the query inside a name. Within a tier: shorter name first, then in pinyin order; within a name:
 * 集采 first, then form, spec, manufacturer, id. Inactive drugs (only when asked for) come after all
 * active ones, ranked the same way. Because names are visited in rank order
 * and each visit is an index seek, a one-letter query over 100,000 drugs costs about as much as a long one.
 */

const UPPER = '\u{10FFFF}';
/** A code prefix matches at most this many drugs (a 4-character code prefix is a whole ATC group). */
const CODE_PREFIX_CAP = 500;
const MAX_EXTRA_WORDS = 3;

const DRUG_ORDER = 'd.vbp DESC, d.dosage_form, d.spec, d.manufacturer, d.id';

interface Query {
  term: string;
  code: string;
  /** What the first word says as a scanned code (box, GTIN, product prefix); null when it is no code. */
  trace: { box: string | null; gtin: string | null; prefix: string | null } | null;
  words: string[];
  /** Which drugs one pass looks at; with inactive drugs included, a second pass finds them after all active ones. */
  status: 'active' | 'inactive';
}

function parseQuery(q: string, status: 'active' | 'inactive'): Query | null {
  const words = q.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  const [first, ...rest] = words;
  return {
    term: normalizeSearchText(first),
    code: normalizeCode(first),
    trace: scannedCode(first),
    words: rest.slice(0, MAX_EXTRA_WORDS).map((w) => w.normalize('NFKC').toLowerCase()),
    status,
  };
}

/** A scanner's code in the picker: the box it names and the product it carries (GTIN or 码上放心 prefix). */
function scannedCode(word: string): Query['trace'] {
  const bare = word.normalize('NFKC');
  // A GTIN alone (EAN-13 under the box's bar code, GTIN-14): the parser refuses it as a box's code, the picker takes it.
  if (/^\d{12,14}$/.test(bare)) {
    const g = normalizeGtin(bare);
    if ('gtin' in g) return { box: null, gtin: g.gtin, prefix: null };
  }
  const r = parseTraceCode(word);
  if (!r.ok) return null;
  const { code, gtin, prefix } = r.value;
  return { box: code, gtin, prefix };
}

/** The WHERE of every drug lookup: the pass's status, and every further word somewhere in the drug. */
function filterSql(query: Query): { text: string; params: Record<string, unknown> } {
  const parts = ['d.active = @active'];
  const params: Record<string, unknown> = { active: query.status === 'active' ? 1 : 0 };
  query.words.forEach((w, i) => {
    params[`w${i}`] = w;
    parts.push(
      `instr(lower(d.generic_name || ' ' || coalesce(d.trade_name, '') || ' ' || d.dosage_form || ' ' || d.spec || ' ' || d.manufacturer || ' ' || coalesce(d.approval_no, '')), @w${i}) > 0`,
    );
  });
  return { text: parts.join(' AND '), params };
}

interface CodeLookup {
  exact: { text: string; params: Record<string, unknown> }[];
  prefix: { text: string; params: Record<string, unknown> }[];
}

/** The letters before the 8 digits of an 进口药品注册证号 or 医药产品注册证号 (see APPROVAL_NO_FORMS). */
const BARE_APPROVAL_LETTERS = ['H', 'Z', 'S', 'X', 'BH', 'BZ', 'BS', 'HC', 'ZC', 'SC'];

/**
 * Numbers found exactly through the index on substr(approval_no, 5): a bare number's tail there is its last
 * digits, which narrows the seek to a handful of rows that the full comparison then picks from.
 */
function approvalIn(numbers: string[]): string {
  const names = numbers.map((_, i) => `@no${i}`);
  const tails = numbers.map((_, i) => `@tail${i}`);
  return `substr(d.approval_no, 5) IN (${tails.join(', ')}) AND d.approval_no IN (${names.join(', ')}) AND d.approval_no IS NOT NULL`;
}

function approvalParams(numbers: string[]): Record<string, string> {
  return Object.fromEntries(
    numbers.flatMap((no, i) => [
      [`no${i}`, no],
      [`tail${i}`, no.slice(4)],
    ]),
  );
}

/** Statements that find drugs by NHSA code or approval number, exact and by prefix. */
function codeLookups(query: Query, filter: string): CodeLookup {
  const out: CodeLookup = { exact: [], prefix: [] };
  const { code, trace } = query;
  const exact = (where: string, params: Record<string, unknown>) =>
    out.exact.push({ text: `SELECT d.id FROM drugs d WHERE ${where} AND ${filter} ORDER BY ${DRUG_ORDER}`, params });
  const prefix = (where: string, params: Record<string, unknown>) =>
    out.prefix.push({ text: `SELECT d.id FROM drugs d WHERE ${where} AND ${filter} LIMIT ${CODE_PREFIX_CAP}`, params });

  if (/^[XZ][A-Z0-9]+$/.test(code)) {
    exact('d.nhsa_code = @code', { code });
    if (code.length >= 4) prefix('d.nhsa_code > @code AND d.nhsa_code < @codeHi', { code, codeHi: code + UPPER });
  }
  const approval = /^(?:国药准字)?([A-Z]{1,2}\d{0,8})$/.exec(code);
  if (approval && approval[1].length >= 4) {
    const key = approval[1];
    if (/\d{8}$/.test(key)) {
      // 国药准字 + key, or the number exactly as typed (a bare 注册证号 such as H20140345).
      exact('substr(d.approval_no, 5) = @key AND d.approval_no IS NOT NULL', { key });
      if (key === code && APPROVAL_NO_RE.test(code)) exact(approvalIn([code]), approvalParams([code]));
    } else {
      prefix('substr(d.approval_no, 5) > @key AND substr(d.approval_no, 5) < @keyHi AND d.approval_no IS NOT NULL', { key, keyHi: key + UPPER });
    }
  } else if (/^\d{4,8}$/.test(code)) {
    // The digits after one letter (国药准字H…), after two (国药准字HJ…: J or C at position 6) or of a bare 注册证号.
    if (code.length === 8) {
      exact('substr(d.approval_no, 6) IN (@key, @keyJ, @keyC) AND d.approval_no IS NOT NULL', { key: code, keyJ: `J${code}`, keyC: `C${code}` });
      const bare = BARE_APPROVAL_LETTERS.map((letters) => letters + code);
      exact(approvalIn(bare), approvalParams(bare));
    } else {
      for (const [name, key] of [
        ['key', code],
        ['keyJ', `J${code}`],
        ['keyC', `C${code}`],
      ])
        prefix(`substr(d.approval_no, 6) > @${name} AND substr(d.approval_no, 6) < @${name}Hi AND d.approval_no LIKE '国药准字%'`, {
          [name]: key,
          [`${name}Hi`]: key + UPPER,
        });
    }
  }
  if (trace?.box) exact('d.id = (SELECT t.drug_id FROM trace_codes t WHERE t.code = @box)', { box: trace.box });
  if (trace?.gtin) exact('d.gtin = @gtin', { gtin: trace.gtin });
  // Only a full 20-digit code (never a name) reads the prefix, through its own index (migration 0022).
  if (trace?.prefix) exact('d.trace_prefix = @prefix', { prefix: trace.prefix });
  return out;
}

/** Names starting with the term (tier 1: the whole name, 2: a prefix). */
export const NAME_PREFIX_SQL = `SELECT n.name, n.sort_key AS sortKey, min(CASE WHEN t.term = @term THEN 1 ELSE 2 END) AS tier
  FROM search_terms t CROSS JOIN search_names n ON n.id = t.name_id
  WHERE t.at_start = 1 AND t.term >= @term AND t.term < @termHi
  GROUP BY t.name_id`;

/** Names containing the term later on (tier 4). */
export const NAME_INSIDE_SQL = `SELECT DISTINCT n.name, n.sort_key AS sortKey, 4 AS tier
  FROM search_terms t CROSS JOIN search_names n ON n.id = t.name_id
  WHERE t.at_start = 0 AND t.term >= @term AND t.term < @termHi`;

/** The drugs carrying one name, as generic or as trade name. */
export const drugsByNameSql = (filter: string) =>
  `SELECT id FROM (
     SELECT d.id, d.vbp, d.dosage_form, d.spec, d.manufacturer FROM drugs d WHERE d.generic_name = @name AND ${filter}
     UNION ALL
     SELECT d.id, d.vbp, d.dosage_form, d.spec, d.manufacturer FROM drugs d WHERE d.trade_name = @name AND ${filter})
   ORDER BY vbp DESC, dosage_form, spec, manufacturer, id`;

/** Ids of the drugs a query finds, best first (all active drugs before any inactive one). */
export function rankedDrugIds(db: ReadDb, q: string, opts: { includeInactive: boolean; limit: number }): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  for (const status of opts.includeInactive ? (['active', 'inactive'] as const) : (['active'] as const)) {
    const query = parseQuery(q, status);
    if (!query || out.length >= opts.limit) break;
    collect(db, query, opts.limit, out, seen);
  }
  return out;
}

/** One pass: appends the ids found for the query, in rank order, until `limit`. */
function collect(db: ReadDb, query: Query, limit: number, out: number[], seen: Set<number>): void {
  const filter = filterSql(query);
  const codes = codeLookups(query, filter.text);
  const take = (ids: number[]) => {
    for (const id of ids) {
      if (out.length >= limit) return;
      if (!seen.has(id)) {
        seen.add(id);
        out.push(id);
      }
    }
  };
  const run = (s: { text: string; params: Record<string, unknown> }) =>
    sql(db, s.text)
      .pluck()
      .all({ ...filter.params, ...s.params }) as number[];

  for (const s of codes.exact) take(run(s));

  const byName = sql(db, drugsByNameSql(filter.text)).pluck();
  const range = { term: query.term, termHi: query.term + UPPER };
  const visit = (statement: string) => {
    if (!query.term || out.length >= limit) return;
    const names = sql(db, statement).all(range) as { name: string; sortKey: string; tier: number }[];
    names.sort((a, b) => a.tier - b.tier || a.name.length - b.name.length || (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const n of names) {
      if (out.length >= limit) return;
      take(byName.all({ ...filter.params, name: n.name }) as number[]);
    }
  };
  visit(NAME_PREFIX_SQL);
  if (out.length < limit) {
    for (const s of codes.prefix) {
      // Code prefixes: in name order; drugs already found by name keep their better place.
      const ids = run(s);
      if (ids.length) take(sortByDrugOrder(db, ids));
    }
  }
  visit(NAME_INSIDE_SQL);
}

function sortByDrugOrder(db: ReadDb, ids: number[]): number[] {
  return sql(
    db,
    `SELECT d.id FROM drugs d LEFT JOIN search_names n ON n.name = d.generic_name
     WHERE d.id IN (SELECT value FROM json_each(@ids)) ORDER BY length(d.generic_name), n.sort_key, ${DRUG_ORDER}`,
  )
    .pluck()
    .all({ ids: JSON.stringify(ids) }) as number[];
}

/**
 * What a picker may promise: lots not expired as of the hub's business date (the expiry day itself still counts,
 * as in first-expiry-first) and not in quarantine; the expired rest is told apart so the doctor knows it is there.
 * Pinned to the lots with stock: by its primary key SQLite walked every lot the store ever held (30,000 rows for a
 * clinic at ten years, 2.5 ms of every search on the request thread) to sum the few that are not empty.
 */
const STOCK_AT_STORE = `SELECT b.drug_id AS drugId,
    sum(CASE WHEN l.expiry_date >= @today THEN b.qty ELSE 0 END) AS usable,
    sum(CASE WHEN l.expiry_date < @today THEN b.qty ELSE 0 END) AS expired
  FROM stock_balances b INDEXED BY stock_balances_live JOIN lots l ON l.id = b.lot_id
  WHERE b.store_id = @storeId AND b.drug_id IN (SELECT value FROM json_each(@ids)) AND b.qty > 0 AND ${notQuarantined('b.lot_id')}
  GROUP BY b.drug_id`;

const HIT_SELECT = `SELECT d.id, d.nhsa_code AS nhsaCode, d.generic_name AS genericName, d.trade_name AS tradeName,
    d.dosage_form AS dosageForm, d.spec, d.pack_unit AS packUnit, d.base_unit AS baseUnit, d.pack_size AS packSize,
    d.manufacturer, d.approval_no AS approvalNo, d.insurance_class AS insuranceClass, d.essential, d.vbp,
    d.vbp_batch AS vbpBatch, d.rx, d.active,
    CASE WHEN @storeId IS NULL THEN NULL ELSE coalesce(s.usable, 0) END AS stockQty,
    CASE WHEN @storeId IS NULL THEN NULL ELSE coalesce(s.expired, 0) END AS expiredQty
  FROM drugs d LEFT JOIN (${STOCK_AT_STORE}) s ON s.drugId = d.id
  WHERE d.id IN (SELECT value FROM json_each(@ids))`;

/** The picker's hits, best first, with the usable and the expired stock at storeId (base units) on `today` when a store is given. */
export function searchDrugs(
  db: ReadDb,
  opts: { q: string; storeId: number | null; today: string; limit: number; includeInactive: boolean },
): Omit<DrugHit, 'bookHidden'>[] {
  const ids = rankedDrugIds(db, opts.q, opts);
  if (ids.length === 0) return [];
  const rows = sql(db, HIT_SELECT).all({ ids: JSON.stringify(ids), storeId: opts.storeId, today: opts.today }) as Record<string, unknown>[];
  const byId = new Map(
    rows.map((r) => [
      r.id as number,
      { ...r, essential: bool(r.essential), vbp: bool(r.vbp), rx: bool(r.rx), active: bool(r.active) } as Omit<DrugHit, 'bookHidden'>,
    ]),
  );
  return ids.map((id) => byId.get(id)!).filter(Boolean);
}

/** Every statement a query runs, with its parameters: for EXPLAIN QUERY PLAN in tests. */
export function searchStatements(q: string): { text: string; params: Record<string, unknown> }[] {
  const query = parseQuery(q, 'active');
  if (!query) return [];
  const filter = filterSql(query);
  const codes = codeLookups(query, filter.text);
  const out = [...codes.exact, ...codes.prefix].map((s) => ({ text: s.text, params: { ...filter.params, ...s.params } }));
  if (query.term) {
    out.push({ text: NAME_PREFIX_SQL, params: { term: query.term, termHi: query.term + UPPER } });
    out.push({ text: NAME_INSIDE_SQL, params: { term: query.term, termHi: query.term + UPPER } });
    out.push({ text: drugsByNameSql(filter.text), params: { ...filter.params, name: 'x' } });
  }
  return out;
}
