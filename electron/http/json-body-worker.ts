// Worker-thread entry (bundled as dist/electron/json-body-worker.cjs, see json-body.ts): parses one large JSON body
// the way fastify's own parser does (secure-json-parse, __proto__ and constructor keys refused), then ends.
import { parentPort } from 'node:worker_threads';
import secureJson from 'secure-json-parse';
import type { JsonBodyAnswer } from './json-body';

parentPort!.once('message', (bytes: Uint8Array) => {
  let answer: JsonBodyAnswer;
  try {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    answer = { ok: true, value: secureJson.parse(text, { protoAction: 'error', constructorAction: 'error' }) };
  } catch {
    answer = { ok: false };
  }
  parentPort!.postMessage(answer);
});
