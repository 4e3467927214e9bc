import { refuse } from './errors';

/**
 * Delimited text (CSV, Excel's "Unicode text"), read here rather than by SheetJS: every field stays the text the
 * file holds (leading zeros, "1,000", "=1+2" all as written; nothing is evaluated or converted), and the
 * delimiter is found from the lines themselves.
 */

export type Delimiter = ',' | '\t' | ';';
const CANDIDATES: Delimiter[] = [',', '\t', ';'];

/** Fields per line of the first lines, quotes respected (a quoted delimiter or line break is not one). */
function fieldCounts(text: string, delimiter: string, maxLines: number): number[] {
  const counts: number[] = [];
  let fields = 1;
  let quoted = false;
  let atFieldStart = true;
  for (let i = 0; i < text.length && counts.length < maxLines; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') i++;
        else quoted = false;
      }
      continue;
    }
    if (ch === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
    } else if (ch === delimiter) {
      fields++;
      atFieldStart = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      counts.push(fields);
      fields = 1;
      atFieldStart = true;
    } else atFieldStart = false;
  }
  if (counts.length < maxLines && (fields > 1 || !atFieldStart)) counts.push(fields);
  return counts;
}

export interface DelimiterGuess {
  delimiter: Delimiter;
  /** The text after an Excel "sep=;" line, which names the delimiter and is not data. */
  text: string;
}

/**
 * The delimiter whose lines agree best: the most lines with the same field count (above one), then more
 * fields. Titles above the header (a logger's device lines) do not sway it: they are few.
 */
export function detectDelimiter(text: string): DelimiterGuess {
  const sep = /^sep=([,;\t])\r?\n/.exec(text);
  if (sep) return { delimiter: sep[1] as Delimiter, text: text.slice(sep[0].length) };
  const sample = text.slice(0, 64 * 1024);
  let best: { delimiter: Delimiter; agreeing: number; fields: number } = { delimiter: ',', agreeing: 0, fields: 1 };
  for (const delimiter of CANDIDATES) {
    const counts = fieldCounts(sample, delimiter, 50).filter((n) => n > 1);
    const tally = new Map<number, number>();
    for (const n of counts) tally.set(n, (tally.get(n) ?? 0) + 1);
    for (const [fields, agreeing] of tally) {
      if (agreeing > best.agreeing || (agreeing === best.agreeing && fields > best.fields)) best = { delimiter, agreeing, fields };
    }
  }
  return { delimiter: best.delimiter, text };
}

/** Excel's way to keep a CSV field as text: ="00123" shows 00123. */
const EXCEL_TEXT_FIELD = /^="(.*)"$/s;

/**
 * Rows of fields (RFC 4180: quoted fields may hold delimiters, quotes as "" and line breaks). Refuses a file of
 * more than `maxRows` rows before holding them all.
 */
export function parseDelimited(text: string, delimiter: Delimiter, maxRows: number): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let atFieldStart = true;
  let start = 0; // start of the unquoted run being read
  const finishField = (end: number) => {
    let value = field + text.slice(start, end);
    const m = EXCEL_TEXT_FIELD.exec(value);
    if (m) value = m[1];
    row.push(value);
    field = '';
    atFieldStart = true;
  };
  const finishRow = () => {
    rows.push(row);
    row = [];
    if (rows.length > maxRows) throw refuse('TOO_MANY_CELLS', `文件超过 ${maxRows} 行，超过了上限：请分成几个文件导入`);
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (quoted) {
      if (ch === 34) {
        field += text.slice(start, i);
        if (text.charCodeAt(i + 1) === 34) {
          field += '"';
          i++;
        } else quoted = false;
        start = i + 1;
      }
      continue;
    }
    if (ch === 34 && atFieldStart) {
      quoted = true;
      atFieldStart = false;
      start = i + 1;
    } else if (ch === delimiter.charCodeAt(0)) {
      finishField(i);
      start = i + 1;
    } else if (ch === 10 || ch === 13) {
      finishField(i);
      finishRow();
      if (ch === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    } else atFieldStart = false;
  }
  if (quoted || !atFieldStart || start < text.length || row.length > 0) {
    finishField(text.length);
    finishRow();
  }
  return rows;
}
