import { refuse } from './errors';

/**
 * The sheet model every importer reads: cells as the user sees them, in a compact store (one byte of kind and
 * one index per cell; the workbook's distinct texts in one string with their offsets, its numbers in one array)
 * that crosses from the worker thread as transferred typed arrays and a few slices of one string, and holds
 * 150,000 × 12 cells in ~30 MB.
 *
 * Rows and columns are counted as a person counts them: row 1 is the sheet's first row, column 1 is A.
 */

export type CellKind = 'empty' | 'text' | 'number' | 'boolean' | 'date' | 'formula-without-result' | 'error';

/** Kind codes in `SheetData.kinds`. */
export const KIND = { empty: 0, text: 1, number: 2, boolean: 3, date: 4, formulaWithoutResult: 5, error: 6 } as const;
const KIND_NAMES: CellKind[] = ['empty', 'text', 'number', 'boolean', 'date', 'formula-without-result', 'error'];

/** A cell's value: text as shown (leading zeros kept), a number, a boolean, a date as 'YYYY-MM-DD'. */
export type CellValue = string | number | boolean | null;

/** A merged block, inclusive, in sheet rows and columns (1 = A). */
export interface CellRange {
  firstRow: number;
  lastRow: number;
  firstCol: number;
  lastCol: number;
}

export type SheetFormat = 'xlsx' | 'xls' | 'ods' | 'xlml' | 'html' | 'csv';

export const FORMAT_LABELS: Record<SheetFormat, string> = {
  xlsx: 'Excel 工作簿（.xlsx，或 WPS 另存的 .et）',
  xls: 'Excel 97-2003 工作簿（.xls，或 WPS 的 .et）',
  ods: 'OpenDocument 表格（.ods）',
  xlml: 'Excel 2003 XML 表格',
  html: '网页格式的表格（HTML，常见于另存为 .xls 的 HIS 导出）',
  csv: 'CSV / 文本表格',
};

/** One sheet as plain, transferable data (what the worker sends). */
export interface SheetData {
  name: string;
  /** Hidden in the workbook; null when the format cannot hide sheets (HTML, CSV). */
  hidden: boolean | null;
  /** Up to the last row that holds anything. */
  rows: number;
  columns: number;
  /** KIND code per cell, at (row - 1) * columns + (col - 1). */
  kinds: Uint8Array;
  /** Per cell: index into the workbook's `strings` pool (text, date, formula, error) or `numbers` (number, boolean). */
  refs: Int32Array;
  hiddenRows: number[];
  hiddenColumns: number[];
  merges: CellRange[];
}

export interface WorkbookData {
  format: SheetFormat;
  /** How a text file was decoded ('UTF-8', 'GB18030'…); null for binary formats. */
  encoding: string | null;
  delimiter: ',' | '\t' | ';' | null;
  /** What this format could not tell (e.g. an HTML page keeps no hidden rows), in Chinese. */
  notes: string[];
  sheets: SheetData[];
  strings: StringPool;
  numbers: Float64Array;
}

/**
 * Distinct texts end to end, in one or a few long strings (`parts`; no text is split between two): text i
 * starts at character offsets[i] counted over all parts, and lies in the part k with starts[k] ≤ i < starts[k + 1].
 * A few long strings cross threads in a few quick copies; hundreds of thousands of short ones would not.
 */
export interface StringPool {
  parts: string[];
  /** Index of the first text of each part, then the number of texts. */
  starts: Int32Array;
  offsets: Int32Array;
}

/** The text at `ref`, from the part that holds it (binary search over a handful of parts). */
export function pooledString(pool: StringPool, ref: number): string {
  let lo = 0;
  let hi = pool.parts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pool.starts[mid] <= ref) lo = mid;
    else hi = mid - 1;
  }
  const base = pool.offsets[pool.starts[lo]];
  return pool.parts[lo].slice(pool.offsets[ref] - base, pool.offsets[ref + 1] - base);
}

/** The pool cut at text boundaries into parts of about `chars` characters (for sending a part per message). */
export function splitPool(pool: StringPool, chars: number): StringPool {
  const whole = pool.parts.join('');
  const count = pool.offsets.length - 1;
  const starts = [0];
  for (let i = 0; i < count; i++) if (pool.offsets[i] - pool.offsets[starts[starts.length - 1]] >= chars) starts.push(i);
  starts.push(count);
  const parts = starts.slice(0, -1).map((first, k) => whole.slice(pool.offsets[first], pool.offsets[starts[k + 1]]));
  return { parts: parts.length ? parts : [''], starts: Int32Array.from(parts.length ? starts : [0, 0]), offsets: pool.offsets };
}

/** Numbers as Excel shows them in General format: 15 significant digits, no float noise. */
export function numberText(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(15)));
}

export class Sheet {
  readonly name: string;
  readonly hidden: boolean | null;
  readonly rowCount: number;
  readonly columnCount: number;
  readonly hiddenRows: readonly number[];
  readonly hiddenColumns: readonly number[];
  readonly merges: readonly CellRange[];
  private readonly hiddenRowSet: Set<number>;
  private readonly hiddenColumnSet: Set<number>;

  constructor(
    private readonly data: SheetData,
    private readonly strings: StringPool,
    private readonly numbers: Float64Array,
  ) {
    this.name = data.name;
    this.hidden = data.hidden;
    this.rowCount = data.rows;
    this.columnCount = data.columns;
    this.hiddenRows = data.hiddenRows;
    this.hiddenColumns = data.hiddenColumns;
    this.merges = data.merges;
    this.hiddenRowSet = new Set(data.hiddenRows);
    this.hiddenColumnSet = new Set(data.hiddenColumns);
  }

  private string(ref: number): string {
    return pooledString(this.strings, ref);
  }

  private at(row: number, col: number): number {
    if (row < 1 || row > this.rowCount || col < 1 || col > this.columnCount) return -1;
    return (row - 1) * this.columnCount + (col - 1);
  }

  kind(row: number, col: number): CellKind {
    const i = this.at(row, col);
    return i < 0 ? 'empty' : KIND_NAMES[this.data.kinds[i]];
  }

  /**
   * The cell's value: text as shown, a number, a boolean, a date 'YYYY-MM-DD' (or 'YYYY-MM-DD HH:mm:ss' when
   * its format shows the time), an error as its text ('#N/A'); null when empty or a formula without a result.
   */
  value(row: number, col: number): CellValue {
    const i = this.at(row, col);
    if (i < 0) return null;
    const ref = this.data.refs[i];
    switch (this.data.kinds[i]) {
      case KIND.text:
      case KIND.date:
      case KIND.error:
        return this.string(ref);
      case KIND.number:
        return this.numbers[ref];
      case KIND.boolean:
        return this.numbers[ref] !== 0;
      default:
        return null;
    }
  }

  /** The value as text, as a person reads it on screen ('' for empty and for a formula without a result). */
  text(row: number, col: number): string {
    const v = this.value(row, col);
    if (v === null) return '';
    if (typeof v === 'number') return numberText(v);
    if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
    return v;
  }

  /** The formula of a cell saved without its result ('ROUND(13.8*0.9,2)'), else null. */
  formula(row: number, col: number): string | null {
    const i = this.at(row, col);
    return i >= 0 && this.data.kinds[i] === KIND.formulaWithoutResult ? this.string(this.data.refs[i]) : null;
  }

  isRowHidden(row: number): boolean {
    return this.hiddenRowSet.has(row);
  }

  isColumnHidden(col: number): boolean {
    return this.hiddenColumnSet.has(col);
  }

  /** The merged block covering a cell, if any. */
  mergeAt(row: number, col: number): CellRange | null {
    return this.merges.find((m) => row >= m.firstRow && row <= m.lastRow && col >= m.firstCol && col <= m.lastCol) ?? null;
  }

  /** A hash of a row's cells (kinds, pooled texts, numbers): finds exact duplicates without building strings. */
  rowHash(row: number): number {
    if (row < 1 || row > this.rowCount) return 0;
    let h1 = 0xdeadbeef;
    let h2 = 0x41c6ce57;
    const from = (row - 1) * this.columnCount;
    for (let i = from; i < from + this.columnCount; i++) {
      const kind = this.data.kinds[i];
      const ref = this.data.refs[i];
      // Numbers are not pooled: hash their value (its two 32-bit halves), not their place.
      let a = kind;
      let b = ref;
      if (kind === KIND.number || kind === KIND.boolean) {
        FLOAT[0] = this.numbers[ref];
        a = kind ^ FLOAT_WORDS[0];
        b = FLOAT_WORDS[1];
      } else if (kind === KIND.empty) b = 0;
      h1 = Math.imul(h1 ^ a, 2654435761) ^ Math.imul(h2 ^ b, 1597334677);
      h2 = Math.imul(h2 ^ h1, 2246822507) ^ b;
    }
    return (h2 >>> 0) * 0x200000 + ((h1 >>> 0) & 0x1fffff);
  }

  /** True when two rows hold exactly the same cells: the same kinds, texts and numbers. */
  rowsEqual(a: number, b: number): boolean {
    if (a < 1 || b < 1 || a > this.rowCount || b > this.rowCount) return false;
    const ia = (a - 1) * this.columnCount;
    const ib = (b - 1) * this.columnCount;
    for (let c = 0; c < this.columnCount; c++) {
      const kind = this.data.kinds[ia + c];
      if (kind !== this.data.kinds[ib + c]) return false;
      if (kind === KIND.empty) continue;
      const ra = this.data.refs[ia + c];
      const rb = this.data.refs[ib + c];
      if (kind === KIND.number || kind === KIND.boolean ? this.numbers[ra] !== this.numbers[rb] : ra !== rb) return false;
    }
    return true;
  }

  /** True when no cell of the row holds anything but spaces (ASCII, full-width, no-break) or invisible characters. */
  isRowBlank(row: number): boolean {
    for (let col = 1; col <= this.columnCount; col++) {
      const k = this.kind(row, col);
      if (k === 'empty') continue;
      if (k !== 'text' || !isBlankText(this.text(row, col))) return false;
    }
    return true;
  }
}

const FLOAT = new Float64Array(1);
const FLOAT_WORDS = new Uint32Array(FLOAT.buffer);

const BLANK_TEXT = /^[\s\u3000\u00A0\u200B-\u200D\u2060\uFEFF]*$/;
export const isBlankText = (t: string) => BLANK_TEXT.test(t);

/** A read workbook: its sheets in workbook order, and what its format could not tell. */
export class Workbook {
  readonly format: SheetFormat;
  readonly formatLabel: string;
  readonly encoding: string | null;
  readonly delimiter: ',' | '\t' | ';' | null;
  readonly notes: readonly string[];
  readonly sheets: readonly Sheet[];
  /** Cells held (rows × columns of every sheet): what the cache weighs. */
  readonly cellCount: number;
  /** The plain data it reads from: what another thread rebuilds it from (`new Workbook(data)`, nothing re-parsed). */
  readonly data: WorkbookData;

  constructor(data: WorkbookData) {
    this.data = data;
    this.format = data.format;
    this.formatLabel = FORMAT_LABELS[data.format];
    this.encoding = data.encoding;
    this.delimiter = data.delimiter;
    this.notes = data.notes;
    this.sheets = data.sheets.map((s) => new Sheet(s, data.strings, data.numbers));
    this.cellCount = data.sheets.reduce((n, s) => n + s.rows * s.columns, 0);
  }

  sheet(name: string): Sheet | undefined {
    return this.sheets.find((s) => s.name === name);
  }
}

/** Column letters: 1 → A, 27 → AA. */
export function columnLetter(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/**
 * Builds a WorkbookData: cells are set per sheet (any order), texts and numbers pooled. Texts are deduplicated,
 * so a column of units or forms costs one string.
 */
export class WorkbookBuilder {
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private numbers = new Float64Array(1024);
  private numberCount = 0;

  intern(text: string): number {
    let i = this.stringIndex.get(text);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(text);
      this.stringIndex.set(text, i);
    }
    return i;
  }

  number(n: number): number {
    if (this.numberCount === this.numbers.length) {
      const grown = new Float64Array(this.numbers.length * 2);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    this.numbers[this.numberCount] = n;
    return this.numberCount++;
  }

  /** An empty sheet of the given size, to be filled with `set`. */
  sheet(name: string, hidden: boolean | null, rows: number, columns: number): SheetData {
    return {
      name,
      hidden,
      rows,
      columns,
      kinds: new Uint8Array(rows * columns),
      refs: new Int32Array(rows * columns),
      hiddenRows: [],
      hiddenColumns: [],
      merges: [],
    };
  }

  set(sheet: SheetData, row: number, col: number, kind: number, value: string | number | boolean): void {
    const i = (row - 1) * sheet.columns + (col - 1);
    sheet.kinds[i] = kind;
    if (kind === KIND.number) sheet.refs[i] = this.number(value as number);
    else if (kind === KIND.boolean) sheet.refs[i] = this.number(value ? 1 : 0);
    else sheet.refs[i] = this.intern(value as string);
  }

  finish(meta: Omit<WorkbookData, 'strings' | 'numbers' | 'sheets'>, sheets: SheetData[]): WorkbookData {
    const offsets = new Int32Array(this.strings.length + 1);
    for (let i = 0; i < this.strings.length; i++) offsets[i + 1] = offsets[i] + this.strings[i].length;
    let text: string;
    try {
      text = this.strings.join('');
    } catch {
      // Past V8's longest string (~500 million characters): far beyond any real sheet.
      throw refuse('TOO_MANY_CELLS', '文件中的文字内容过多，超过了上限：请删去不需要的工作表、行或列，或分成几个文件导入');
    }
    const strings = { parts: [text], starts: Int32Array.of(0, this.strings.length), offsets };
    return { ...meta, sheets, strings, numbers: this.numbers.slice(0, this.numberCount) };
  }
}
