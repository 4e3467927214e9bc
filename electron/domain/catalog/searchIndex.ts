import { pinyin } from 'pinyin-pro';
import { sql, type ReadDb, type WriteDb } from '../../db/database';

/**
 * Search terms of drug names (see migrations/0002_master_data.sql for the table and why it looks
 * like this). Everything here is computed once per distinct name, when the name first appears.
 */

/** Caps on the reading combinations stored per name (a long name full of polyphones would explode). */
const MAX_INITIAL_COMBOS = 32;
const MAX_FULL_COMBOS = 16;

/**
 * Text as it is indexed and as queries are compared: full-width folded (NFKC), lower case, with
 * spaces and punctuation removed; letters (any script), digits and Chinese characters stay.
 */
export function normalizeSearchText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

const HAN = /\p{Script=Han}/u;

const UMLAUTS = new Set(['ü', 'ǖ', 'ǘ', 'ǚ', 'ǜ']);

/** 'zhòng' → 'zhong', 'lǜ' → 'lü' (pinyin-pro lists other readings with their tones). */
function toneless(reading: string): string {
  return [...reading].map((c) => (UMLAUTS.has(c) ? 'ü' : c.normalize('NFD').replace(/[\u0300-\u036f]/g, ''))).join('');
}

/** Every reading of one character, the reading in context first; ü is typed as v (lv, nv) or u. */
function readingsOf(entry: { origin: string; pinyin: string; polyphonic: string[]; isZh: boolean }): string[] {
  if (!entry.isZh || !HAN.test(entry.origin)) return [entry.origin];
  const out: string[] = [];
  const add = (raw: string) => {
    const r = toneless(raw);
    if (!r) return;
    if (r.includes('ü')) {
      for (const v of [r.replace(/ü/g, 'v'), r.replace(/ü/g, 'u')]) if (!out.includes(v)) out.push(v);
    } else if (!out.includes(r)) out.push(r);
  };
  add(entry.pinyin);
  for (const r of entry.polyphonic) add(r);
  return out.length ? out : [entry.origin];
}

/**
 * Combinations of one choice per position, the first choices first: the all-first combination, then
 * those differing in one position (earlier positions first), then in two, … until `cap`.
 */
export function combinations<T>(choices: T[][], cap: number): T[][] {
  const total = choices.reduce((n, c) => n * Math.max(1, c.length), 1);
  const out: T[][] = [];
  if (total <= cap) {
    const walk = (i: number, acc: T[]) => {
      if (i === choices.length) return void out.push([...acc]);
      for (const c of choices[i]) {
        acc.push(c);
        walk(i + 1, acc);
        acc.pop();
      }
    };
    walk(0, []);
    return out;
  }
  const varying = choices.map((c, i) => (c.length > 1 ? i : -1)).filter((i) => i >= 0);
  const base = choices.map((c) => c[0]);
  out.push(base);
  for (let k = 1; k <= varying.length && out.length < cap; k++) {
    // Choose k varying positions (in order), and an alternative (not the first) at each.
    const pick = (start: number, chosen: number[]) => {
      if (out.length >= cap) return;
      if (chosen.length === k) {
        const fill = (j: number, acc: T[]) => {
          if (out.length >= cap) return;
          if (j === chosen.length) return void out.push([...acc]);
          const pos = chosen[j];
          for (let a = 1; a < choices[pos].length; a++) {
            const prev = acc[pos];
            acc[pos] = choices[pos][a];
            fill(j + 1, acc);
            acc[pos] = prev;
          }
        };
        fill(0, [...base]);
        return;
      }
      for (let s = start; s < varying.length; s++) pick(s + 1, [...chosen, varying[s]]);
    };
    pick(0, []);
  }
  return out;
}

/**
 * The name's pinyin in context, syllable by syllable, for sorting lists the way a dictionary does:
 * 阿莫西林胶囊 → 'a mo xi lin jiao nang', so 阿卡波糖 ('a ka …') sorts before 艾司唑仑 ('ai si …').
 */
export function sortKeyForName(name: string): string {
  const text = normalizeSearchText(name);
  return pinyin(text, { type: 'all', toneType: 'none', surname: 'off', toneSandhi: false })
    .map((e) => (e.isZh && HAN.test(e.origin) ? toneless(e.pinyin).replace(/ü/g, 'v') : e.origin))
    .join(' ');
}

export interface NameTerm {
  term: string;
  atStart: boolean;
}

/**
 * The search terms of one name: every suffix of the normalised name, of each initials reading and
 * of each full-pinyin reading (cut at syllables). Prefix terms (atStart) come first.
 */
export function termsForName(name: string): NameTerm[] {
  const text = normalizeSearchText(name);
  if (!text) return [];
  // pinyin-pro reads words in context (人参 → ren shen) and lists each character's other readings;
  // surname mode stays off: drug names are not people's names.
  const entries = pinyin(text, { type: 'all', toneType: 'none', surname: 'off', toneSandhi: false });
  const readings = entries.map(readingsOf);
  const initials = readings.map((rs) => [...new Set(rs.map((r) => r[0]))]);

  const atStart = new Set<string>();
  const inside = new Set<string>();
  const addSuffixes = (parts: string[]) => {
    for (let i = 0; i < parts.length; i++) {
      const t = parts.slice(i).join('');
      if (!t) continue;
      (i === 0 ? atStart : inside).add(t);
    }
  };
  addSuffixes([...text]);
  for (const combo of combinations(initials, MAX_INITIAL_COMBOS)) addSuffixes(combo);
  for (const combo of combinations(readings, MAX_FULL_COMBOS)) addSuffixes(combo);
  const out: NameTerm[] = [...atStart].map((term) => ({ term, atStart: true }));
  for (const term of inside) if (!atStart.has(term)) out.push({ term, atStart: false });
  return out;
}

/**
 * Makes sure a name is in the search index. Cheap when it already is (one indexed lookup), so every
 * write of a drug calls it for its generic and trade names. `known` lets a bulk import skip lookups.
 */
export function ensureSearchName(db: WriteDb, name: string | null, known?: Set<string>): void {
  if (!name || known?.has(name)) return;
  const found = sql(db, 'SELECT id FROM search_names WHERE name = ?').get(name) as { id: number } | undefined;
  if (!found) {
    const { lastInsertRowid } = sql(db, 'INSERT INTO search_names (name, sort_key) VALUES (?, ?)').run(name, sortKeyForName(name));
    const insert = sql(db, 'INSERT OR IGNORE INTO search_terms (term, name_id, at_start) VALUES (?, ?, ?)');
    for (const t of termsForName(name)) insert.run(t.term, lastInsertRowid, t.atStart ? 1 : 0);
  }
  known?.add(name);
}

/** Every name already indexed, for bulk imports. */
export function knownSearchNames(db: ReadDb): Set<string> {
  return new Set(sql(db, 'SELECT name FROM search_names').pluck().all() as string[]);
}
