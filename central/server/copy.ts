/**
 * Bulk loading by COPY FROM STDIN (text format) through pg-copy-streams: rows are encoded in chunks and
 * streamed, so a month of a large hub never sits in memory twice.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Client } from './db';

export type CopyValue = string | number | boolean | null | readonly string[] | { json: unknown };

/** COPY text format: backslash, tab, newline and carriage return escaped; NULL is \N. */
function escapeText(s: string): string {
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s;
}

function arrayLiteral(xs: readonly string[]): string {
  return `{${xs.map((x) => `"${x.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

export function encodeValue(v: CopyValue): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error('COPY: number is not finite');
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'string') return escapeText(v);
  if (Array.isArray(v)) return escapeText(arrayLiteral(v));
  return escapeText(JSON.stringify((v as { json: unknown }).json));
}

function* lines<R>(rows: Iterable<R>, encode: (r: R) => CopyValue[]): Generator<string> {
  let chunk = '';
  for (const r of rows) {
    chunk += `${encode(r).map(encodeValue).join('\t')}\n`;
    if (chunk.length >= 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** COPY rows into `table (columns)`; returns the number of rows written. */
export async function copyRows<R>(
  client: Client,
  table: string,
  columns: readonly string[],
  rows: Iterable<R>,
  encode: (r: R) => CopyValue[],
): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(lines(rows, encode)), stream);
  return Number(stream.rowCount ?? 0);
}
