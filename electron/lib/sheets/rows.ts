import type { ColumnMapping } from './columns';
import { isBlankText, type Sheet } from './model';

/**
 * Which rows below the header are data. Rows that are not (blank rows, merged notes, 合计 and signature
 * footers, a header repeated for printing) are listed as ignored with the reason instead of producing a row
 * of "不能为空" errors; hidden rows and exact duplicates are listed so the preview can say so.
 */

export type IgnoreReason = 'blank' | 'merged-note' | 'total' | 'note' | 'signature' | 'repeated-header';

export const IGNORE_LABELS: Record<IgnoreReason, string> = {
  blank: '空行',
  'merged-note': '合并单元格的说明或分组标题',
  total: '合计行',
  note: '注释或说明行',
  signature: '制表、审核或打印信息行',
  'repeated-header': '重复的表头行',
};

export interface IgnoredRow {
  row: number;
  reason: IgnoreReason;
  /** The reason in Chinese (IGNORE_LABELS). */
  label: string;
  /** The row's text, shortened, so the preview can show what was skipped. */
  text: string;
}

export interface DuplicateRow {
  row: number;
  /** The earlier row it repeats exactly. */
  sameAs: number;
}

export interface DataRows {
  /** Rows to import, in order. */
  rows: number[];
  /** Rows that are not data ("已忽略"), with the reason. */
  ignored: IgnoredRow[];
  /** Hidden data rows (hidden by hand or by a filter): in `rows` unless skipHidden. */
  hiddenRows: number[];
  /** Exact repeats of an earlier data row (every cell the same): left out of `rows` unless keepDuplicates. */
  duplicates: DuplicateRow[];
}

export interface DataRowOptions {
  /** Leave hidden rows out of `rows` (the user chose so after seeing them reported). */
  skipHidden?: boolean;
  keepDuplicates?: boolean;
}

const TOTAL = /^(合\s*计|小\s*计|总\s*计|共\s*计|累\s*计|本页(合计|小计))/;
// 注 only with punctuation after it: 注射用头孢曲松钠 is a drug.
const NOTE = /^(注|备注|说明|附注|注意)\s*[:：、.．\d]|^注$/;
const SIGNATURE = /^(制表|审核|复核|核对|经办|负责|填报|填表|统计|保管|验收|签字|签名|盖章|打印)(人|员|日期|时间)?\s*[:：]/;

const shortened = (t: string) => (t.length > 60 ? `${t.slice(0, 60)}…` : t);

/** Classifies rows one at a time, so that a caller on the request thread can yield between slices. */
class RowClassifier {
  private readonly out: DataRows = { rows: [], ignored: [], hiddenRows: [], duplicates: [] };
  /** Row hash → the earlier data rows with that hash (almost always one). */
  private readonly seen = new Map<number, number[]>();
  private readonly mappedCount: number;
  /** Per column (1 = A): the header's text when the column is mapped, else null. */
  private readonly headerTexts: (string | null)[];
  /** The current row's trimmed texts, reused from row to row (150,000 arrays would be garbage for the collector). */
  private readonly texts: string[] = [];

  constructor(
    private readonly sheet: Sheet,
    mapping: ColumnMapping<string>,
    private readonly opts: DataRowOptions,
  ) {
    const mapped = Object.values(mapping.columns) as number[];
    this.mappedCount = mapped.length;
    this.headerTexts = Array.from({ length: sheet.columnCount + 1 }, (_, col) => (mapped.includes(col) ? sheet.text(mapping.headerRow, col).trim() : null));
  }

  private ignore(row: number, reason: IgnoreReason, texts: string[]): void {
    const text = texts.filter((t) => t !== '').join(' ');
    this.out.ignored.push({ row, reason, label: IGNORE_LABELS[reason], text: shortened(text) });
  }

  /** One pass over the row's cells (150,000 rows go through here on the request thread, in slices). */
  classify(row: number): void {
    const sheet = this.sheet;
    const texts = this.texts;
    texts.length = 0;
    let filled = 0;
    let firstCol = 0;
    let mappedFilled = 0;
    let sameAsHeader = 0;
    for (let col = 1; col <= sheet.columnCount; col++) {
      const kind = sheet.kind(row, col);
      let text = kind === 'formula-without-result' ? `=${sheet.formula(row, col)}` : sheet.text(row, col);
      if (kind === 'empty' || (kind === 'text' && isBlankText(text))) text = '';
      else {
        text = text.trim();
        filled++;
        if (firstCol === 0) firstCol = col;
        const header = this.headerTexts[col];
        if (header !== null) {
          mappedFilled++;
          if (header !== '' && text === header) sameAsHeader++;
        }
      }
      texts.push(text);
    }
    if (filled === 0) {
      this.ignore(row, 'blank', texts);
      return;
    }
    if (this.mappedCount >= 2 && sameAsHeader >= Math.ceil(this.mappedCount * 0.6)) {
      this.ignore(row, 'repeated-header', texts);
      return;
    }

    const first = texts[firstCol - 1];
    if (filled === 1) {
      const merge = sheet.mergeAt(row, firstCol);
      if (merge && merge.firstRow === row && merge.firstCol === firstCol && merge.lastCol - merge.firstCol >= 2) {
        this.ignore(row, 'merged-note', texts);
        return;
      }
    }
    // No drug or code starts with 合计/小计, but a total fills some columns (the amounts): any row short of complete.
    if (TOTAL.test(first) && mappedFilled < this.mappedCount) {
      this.ignore(row, 'total', texts);
      return;
    }
    // Notes and signatures fill few of the mapped columns.
    if (mappedFilled < Math.max(2, Math.ceil(this.mappedCount / 2))) {
      if (NOTE.test(first)) {
        this.ignore(row, 'note', texts);
        return;
      }
      if (SIGNATURE.test(first)) {
        this.ignore(row, 'signature', texts);
        return;
      }
    }

    if (sheet.isRowHidden(row)) {
      this.out.hiddenRows.push(row);
      if (this.opts.skipHidden) return;
    }
    if (!this.opts.keepDuplicates) {
      const hash = sheet.rowHash(row);
      const earlier = this.seen.get(hash);
      const same = earlier?.find((r) => sheet.rowsEqual(r, row));
      if (same !== undefined) {
        this.out.duplicates.push({ row, sameAs: same });
        return;
      }
      if (earlier) earlier.push(row);
      else this.seen.set(hash, [row]);
    }
    this.out.rows.push(row);
  }

  result(): DataRows {
    return this.out;
  }
}

/** The data rows of a sheet below its header row (synchronous: for small sheets and worker threads). */
export function dataRows<F extends string>(sheet: Sheet, mapping: ColumnMapping<F>, opts: DataRowOptions = {}): DataRows {
  const c = new RowClassifier(sheet, mapping as ColumnMapping<string>, opts);
  for (let row = mapping.headerRow + 1; row <= sheet.rowCount; row++) c.classify(row);
  return c.result();
}

/**
 * The same, yielding to the event loop whenever a slice has run `sliceMs` (checked every 64 rows): 150,000 rows
 * take a second or more of CPU, which the request thread must not spend in one piece, on a fast or a busy machine.
 */
export async function dataRowsInSlices<F extends string>(
  sheet: Sheet,
  mapping: ColumnMapping<F>,
  opts: DataRowOptions & { sliceMs?: number } = {},
): Promise<DataRows> {
  const c = new RowClassifier(sheet, mapping as ColumnMapping<string>, opts);
  const sliceMs = opts.sliceMs ?? 15;
  let sliceStart = performance.now();
  for (let row = mapping.headerRow + 1; row <= sheet.rowCount; row++) {
    c.classify(row);
    if ((row & 63) === 0 && performance.now() - sliceStart >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return c.result();
}
