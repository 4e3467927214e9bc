/**
 * The API's JSON bodies. A body past a megabyte (a workbook sent as base64: up to 96 MiB) is parsed on a worker
 * thread: decoding and parsing 36 MB of JSON on the server's thread held every village's request ~400 ms. Smaller
 * bodies are parsed here as before (a worker's start would cost them more than it saves). Both ways refuse the
 * same bodies: fastify's own parser with __proto__ and constructor keys refused.
 */
import { Worker } from 'node:worker_threads';
import type { FastifyInstance } from 'fastify';
import { errorCodes } from 'fastify';
import { bundledScript } from '../paths';

export const JSON_BODY_WORKER_BUNDLE = 'json-body-worker.cjs';

/** Bodies larger than this are parsed off the thread. */
export const OFF_THREAD_JSON_BYTES = 1024 * 1024;

/** What the worker answers: the parsed value, or that the text is not JSON the API takes. */
export type JsonBodyAnswer = { ok: true; value: unknown } | { ok: false };

export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  // fastify reads the body (its limits, its content-length check) and hands it over as one Buffer of its own.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const bytes = body as Buffer;
    // An empty body means "no input".
    if (bytes.length === 0) return done(null, undefined);
    if (bytes.length <= OFF_THREAD_JSON_BYTES) return parseJson(req, bytes.toString('utf8'), done);
    parseOffThread(bytes).then(
      (answer) => (answer.ok ? done(null, answer.value) : done(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(), undefined)),
      (err: Error) => done(err, undefined),
    );
  });
}

/** Parses `bytes` (UTF-8 JSON) on a worker of its own; the bytes are moved there, not copied. */
export function parseOffThread(bytes: Buffer): Promise<JsonBodyAnswer> {
  // fastify's concatenated body owns its memory; a view into a larger buffer is copied rather than taken from it.
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : Buffer.from(bytes);
  const worker = new Worker(bundledScript(JSON_BODY_WORKER_BUNDLE));
  return new Promise<JsonBodyAnswer>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      outcome();
    };
    worker.once('message', (answer: JsonBodyAnswer) => settle(() => resolve(answer)));
    worker.once('error', (err) => settle(() => reject(err)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the JSON body worker stopped before it answered (exit ${code})`))));
    worker.postMessage(own, [own.buffer as ArrayBuffer]);
  });
}
