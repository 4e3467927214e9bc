import { bool, sql, type Db } from '../../db/database';
import type { DrugHit } from '../../../shared/contract/catalog';
import { normalizeCode } from '../../../shared/drugCodes';
import { normalizeSearchText } from './searchIndex';

/**
 * Drug search. A query's first word is looked up through indexes only:
 *   - names: one range scan of search_terms' primary key (see migrations/0002_master_data.sql), then
 *     drugs_generic / drugs_trade for the drugs carrying each matched name;
 *   - NHSA codes: the unique index on drugs.nhsa_code (exact, or prefix from 4 characters);
 *   - approval numbers: expression indexes on the number without '国药准字' ('H20003263') and on its
 *     digits, exact or by prefix.
 * Further words narrow the hits (spec, manufacturer, form…: "amxl 0.25g", "阿莫西林 石药").
 *
 * Ranking tiers: 0 exact code or approval number; 1 a whole name (or its initials / full pinyin) equal
 * to the query; 2 a name starting with it; 3 a code or approval number starting with it; 4 the query
 * inside a name. Ties: active first, 集采 first, shorter name, then name, form, spec, manufacturer, id.
 */

const UPPER = '\u{10FFFF}';
/** A code prefix matches at most this many drugs (a 4-character code prefix is a whole ATC group). */
const CODE_PREFIX_CAP = 500;
const MAX_EXTRA_WORDS = 3;

interface Plan {
  text: string;
  params: Record<string, unknown>;
}

function plan(q: string, opts: { includeInactive: boolean }): Plan | null {
  const words = q.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  const [first, ...rest] = words;
  const term = normalizeSearchText(first);
  const code = normalizeCode(first);
  const params: Record<string, unknown> = { all: opts.includeInactive ? 1 : 0 };
  const parts: string[] = [];

  if (term) {
    params.term = term;
    params.termHi = term + UPPER;
    parts.push(
      `SELECT d.id AS drug_id, h.tier FROM name_hits h CROSS JOIN search_names n ON n.id = h.name_id CROSS JOIN drugs d ON d.generic_name = n.name`,
      `SELECT d.id, h.tier FROM name_hits h CROSS JOIN search_names n ON n.id = h.name_id CROSS JOIN drugs d ON d.trade_name = n.name`,
    );
  }
  if (/^[XZ][A-Z0-9]+$/.test(code)) {
    params.code = code;
    parts.push('SELECT id, 0 FROM drugs WHERE nhsa_code = @code');
    if (code.length >= 4) {
      params.codeHi = code + UPPER;
      parts.push(`SELECT * FROM (SELECT id, 3 FROM drugs WHERE nhsa_code > @code AND nhsa_code < @codeHi ORDER BY nhsa_code LIMIT ${CODE_PREFIX_CAP})`);
    }
  }
  const approval = /^(?:国药准字)?([HZSJ]\d{0,8})$/.exec(code);
  if (approval && approval[1].length >= 4) {
    params.approval = approval[1];
    if (approval[1].length === 9) {
      parts.push('SELECT id, 0 FROM drugs WHERE substr(approval_no, 5) = @approval AND approval_no IS NOT NULL');
    } else {
      params.approvalHi = approval[1] + UPPER;
      parts.push(
        `SELECT * FROM (SELECT id, 3 FROM drugs WHERE substr(approval_no, 5) > @approval AND substr(approval_no, 5) < @approvalHi AND approval_no IS NOT NULL LIMIT ${CODE_PREFIX_CAP})`,
      );
    }
  } else if (/^\d{4,8}$/.test(code)) {
    params.digits = code;
    if (code.length === 8) {
      parts.push('SELECT id, 0 FROM drugs WHERE substr(approval_no, 6) = @digits AND approval_no IS NOT NULL');
    } else {
      params.digitsHi = code + UPPER;
      parts.push(
        `SELECT * FROM (SELECT id, 3 FROM drugs WHERE substr(approval_no, 6) > @digits AND substr(approval_no, 6) < @digitsHi AND approval_no IS NOT NULL LIMIT ${CODE_PREFIX_CAP})`,
      );
    }
  }
  if (parts.length === 0) return null;

  const filters = ['(@all = 1 OR d.active = 1)'];
  rest.slice(0, MAX_EXTRA_WORDS).forEach((w, i) => {
    params[`w${i}`] = w.normalize('NFKC').toLowerCase();
    filters.push(
      `instr(lower(d.generic_name || ' ' || coalesce(d.trade_name, '') || ' ' || d.dosage_form || ' ' || d.spec || ' ' || d.manufacturer || ' ' || coalesce(d.approval_no, '')), @w${i}) > 0`,
    );
  });

  const nameHits = term
    ? `name_hits AS (
        SELECT t.name_id, min(CASE WHEN t.at_start = 0 THEN 4 WHEN t.term = @term THEN 1 ELSE 2 END) AS tier
        FROM search_terms t WHERE t.term >= @term AND t.term < @termHi GROUP BY t.name_id),`
    : '';
  const text = `WITH ${nameHits}
    cand(drug_id, tier) AS (${parts.join('\n      UNION ALL ')})
    SELECT d.id, min(c.tier) AS tier, d.active, d.vbp, d.generic_name, d.dosage_form, d.spec, d.manufacturer
    FROM cand c CROSS JOIN drugs d ON d.id = c.drug_id
    WHERE ${filters.join(' AND ')}
    GROUP BY d.id
    ORDER BY tier, d.active DESC, d.vbp DESC, length(d.generic_name), d.generic_name, d.dosage_form, d.spec, d.manufacturer, d.id
    LIMIT @limit`;
  return { text, params };
}

/** Ids of the drugs a query finds, best first. */
export function rankedDrugIds(db: Db, q: string, opts: { includeInactive: boolean; limit: number }): number[] {
  const p = plan(q, opts);
  if (!p) return [];
  return (sql(db, p.text).all({ ...p.params, limit: opts.limit }) as { id: number }[]).map((r) => r.id);
}

/** The statement and parameters a query runs, for EXPLAIN QUERY PLAN in tests. */
export function searchPlanFor(q: string, opts: { includeInactive: boolean; limit: number }): Plan | null {
  const p = plan(q, opts);
  return p && { text: p.text, params: { ...p.params, limit: opts.limit } };
}

const HIT_SELECT = `SELECT d.id, d.nhsa_code AS nhsaCode, d.generic_name AS genericName, d.trade_name AS tradeName,
    d.dosage_form AS dosageForm, d.spec, d.pack_unit AS packUnit, d.base_unit AS baseUnit, d.pack_size AS packSize,
    d.manufacturer, d.approval_no AS approvalNo, d.insurance_class AS insuranceClass, d.essential, d.vbp,
    d.vbp_batch AS vbpBatch, d.rx, d.active,
    CASE WHEN @storeId IS NULL THEN NULL
         ELSE (SELECT coalesce(sum(b.qty), 0) FROM stock_balances b WHERE b.store_id = @storeId AND b.drug_id = d.id) END AS stockQty
  FROM drugs d WHERE d.id IN (SELECT value FROM json_each(@ids))`;

/** The picker's hits, best first, with the stock at storeId (base units) when one is given. */
export function searchDrugs(db: Db, opts: { q: string; storeId: number | null; limit: number; includeInactive: boolean }): DrugHit[] {
  const ids = rankedDrugIds(db, opts.q, opts);
  if (ids.length === 0) return [];
  const rows = sql(db, HIT_SELECT).all({ ids: JSON.stringify(ids), storeId: opts.storeId }) as Record<string, unknown>[];
  const byId = new Map(
    rows.map((r) => [
      r.id as number,
      { ...r, essential: bool(r.essential), vbp: bool(r.vbp), rx: bool(r.rx), active: bool(r.active) } as DrugHit,
    ]),
  );
  return ids.map((id) => byId.get(id)!).filter(Boolean);
}
