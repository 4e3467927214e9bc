/**
 * A read workbook handed to another thread without stalling the one that hands it over. `new Worker(…, { workerData })`
 * and `postMessage` serialise their whole argument on the sender in one go: a 150,000-row catalog (≈ 12 million
 * characters of text and ≈ 10 MB of arrays) is ~180 ms during which the server answers nobody. Here the arrays are
 * copied a slice at a time and transferred (nothing left to serialise), and the text goes one part per message with
 * a turn of the event loop between. The sender keeps its own workbook (the hub's cache shares it between the preview
 * and the commit).
 */
import { splitPool, type SheetData, type WorkbookData } from './model';

/** The pieces, in order: one head, then `parts` texts. */
export type WorkbookPiece =
  | {
      type: 'workbook-head';
      format: WorkbookData['format'];
      encoding: WorkbookData['encoding'];
      delimiter: WorkbookData['delimiter'];
      notes: string[];
      sheets: SheetData[];
      numbers: Float64Array;
      starts: Int32Array;
      offsets: Int32Array;
      parts: number;
    }
  | { type: 'workbook-text'; index: number; text: string };

type TypedArray = Uint8Array | Int32Array | Float64Array;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A copy of its own to transfer, 1 MB at a time with a turn of the event loop between. */
export async function copyInSlices<T extends TypedArray>(array: T, slice = 1 << 20): Promise<T> {
  const from = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  const to = new Uint8Array(array.byteLength);
  for (let at = 0; at < from.length; at += slice) {
    to.set(from.subarray(at, at + slice), at);
    if (at + slice < from.length) await nextTurn();
  }
  // By kind, not by array.constructor: a Buffer is a Uint8Array whose constructor must not be called.
  if (array instanceof Float64Array) return new Float64Array(to.buffer) as T;
  if (array instanceof Int32Array) return new Int32Array(to.buffer) as T;
  return to as T;
}

interface Port {
  postMessage(message: WorkbookPiece, transfer?: ArrayBuffer[]): void;
}

/** Characters of text per message: about 10 ms to serialise. */
const CHARS_PER_PIECE = 1 << 20;

/** Sends `data` to `port` in pieces. `stopped` is asked before each piece: a worker that has gone needs no more. */
export async function postWorkbook(port: Port, data: WorkbookData, stopped: () => boolean = () => false): Promise<void> {
  // A pool read by lib/sheets' worker is already in parts of this size; one built in place may be a single string.
  const pool = data.strings.parts.some((p) => p.length > 2 * CHARS_PER_PIECE) ? splitPool(data.strings, CHARS_PER_PIECE) : data.strings;
  const sheets: SheetData[] = [];
  for (const sheet of data.sheets) sheets.push({ ...sheet, kinds: await copyInSlices(sheet.kinds), refs: await copyInSlices(sheet.refs) });
  const numbers = await copyInSlices(data.numbers);
  const starts = await copyInSlices(pool.starts);
  const offsets = await copyInSlices(pool.offsets);
  if (stopped()) return;
  const { format, encoding, delimiter, notes } = data;
  const transfer = [numbers, starts, offsets, ...sheets.flatMap((s) => [s.kinds, s.refs])].map((a) => a.buffer as ArrayBuffer);
  port.postMessage({ type: 'workbook-head', format, encoding, delimiter, notes, sheets, numbers, starts, offsets, parts: pool.parts.length }, transfer);
  for (const [index, text] of pool.parts.entries()) {
    await nextTurn();
    if (stopped()) return;
    port.postMessage({ type: 'workbook-text', index, text });
  }
}

/** The receiving end: give it every message; `workbook` settles once the last piece is in. */
export class WorkbookReceiver {
  readonly workbook: Promise<WorkbookData>;
  private resolve!: (data: WorkbookData) => void;
  private head: Extract<WorkbookPiece, { type: 'workbook-head' }> | null = null;
  private readonly parts: string[] = [];
  private received = 0;

  constructor() {
    this.workbook = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  /** Takes a piece of the workbook; false for any other message (left to the caller). */
  accept(message: unknown): boolean {
    const piece = message as WorkbookPiece | null;
    if (piece?.type === 'workbook-head') this.head = piece;
    else if (piece?.type === 'workbook-text') {
      this.parts[piece.index] = piece.text;
      this.received++;
    } else return false;
    const head = this.head;
    if (head && this.received === head.parts) {
      this.resolve({
        format: head.format,
        encoding: head.encoding,
        delimiter: head.delimiter,
        notes: head.notes,
        sheets: head.sheets,
        strings: { parts: this.parts, starts: head.starts, offsets: head.offsets },
        numbers: head.numbers,
      });
    }
    return true;
  }
}
