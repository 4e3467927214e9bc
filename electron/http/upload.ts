/**
 * The upload channel: `POST /api/upload/<method>` with the raw file as `application/octet-stream` and its name in
 * `X-File-Name` (percent-encoded). The caller is checked from the headers before any byte of the body is read (the
 * route's onRequest, as for a large JSON body); the body is then piped to a file of its own under the hub's data
 * folder and never held in memory. It is cut off and removed past the method's limit, when the client goes away
 * or when the disk fails. The answer is `{uploadId}`, which the method then takes as `{filename, uploadId}`.
 */
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { api, isMethodName, type AnyMethod } from '../../shared/contract';
import type { ErrorCode } from '../../shared/errors';
import { logFault } from '../api/faults';
import { storageKindOf, storageMessage } from '../db/storage';
import { ownerOf } from '../domain/uploads/store';
import type { Runtime } from '../runtime';

export const UPLOAD_ROUTE = '/api/upload/:method';
export const FILE_NAME_HEADER = 'x-file-name';
const FILE_NAME_MAX = 200;

type Send = (reply: FastifyReply, code: ErrorCode, message: string) => FastifyReply;
type RouteHook = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export interface UploadRouteOptions {
  runtime: Runtime;
  sendError: Send;
  /** The session token a request carries (its cookie). */
  tokenOf: (req: FastifyRequest) => string | null;
  /** The checks a large body gets before it is read (CSRF, session, role, hub-PC rule, how many at once). */
  beforeBody: (name: string) => RouteHook;
}

class TooLarge extends Error {}

const methodOf = (req: FastifyRequest) => (req.params as { method?: string }).method ?? '';

/** The method's upload limit; null when the method takes no file. */
function uploadLimit(name: string): number | null {
  if (!isMethodName(name)) return null;
  return (api[name] as AnyMethod).maxUploadBytes ?? null;
}

function fileNameOf(req: FastifyRequest): string | null {
  const raw = req.headers[FILE_NAME_HEADER];
  if (typeof raw !== 'string' || raw === '') return null;
  try {
    const name = decodeURIComponent(raw).trim();
    return name && name.length <= FILE_NAME_MAX && !/[\\/\0]/.test(name) ? name : null;
  } catch {
    return null;
  }
}

export async function registerUploadRoute(app: FastifyInstance, opts: UploadRouteOptions): Promise<void> {
  const { runtime, sendError } = opts;
  await app.register(async (scope) => {
    // The body is left unread here: the handler pipes it to disk once the caller has been admitted.
    scope.addContentTypeParser('application/octet-stream', (_req, _payload, done) => done(null, undefined));

    const refuse = (reply: FastifyReply, code: ErrorCode, message: string) => sendError(reply.header('connection', 'close'), code, message);

    // Everything decided from the headers, in the order a caller would fix it; nothing of the body is read.
    const admit: RouteHook = async (req, reply) => {
      const name = methodOf(req);
      const limit = uploadLimit(name);
      if (limit === null) return refuse(reply, 'UNKNOWN_METHOD', '该接口不接受上传文件');
      const admitted = await opts.beforeBody(name)(req, reply);
      if (reply.sent) return admitted;
      // From here on the request holds a place among the uploads at once (released when its reply closes).
      if (!/^application\/octet-stream\b/i.test(req.headers['content-type'] ?? '')) {
        return refuse(reply, 'UNSUPPORTED_MEDIA_TYPE', '上传文件须以 application/octet-stream 发送文件原样内容');
      }
      if (!fileNameOf(req)) return refuse(reply, 'BAD_REQUEST', `缺少文件名：请在 X-File-Name 头中给出文件名（百分号编码，最多 ${FILE_NAME_MAX} 个字符）`);
      const declared = Number(req.headers['content-length'] ?? Number.NaN);
      if (declared > limit) return refuse(reply, 'PAYLOAD_TOO_LARGE', `文件过大（最大 ${Math.round(limit / 2 ** 20)} MiB）`);
    };

    scope.post(UPLOAD_ROUTE, { onRequest: admit }, async (req, reply) => {
      const limit = uploadLimit(methodOf(req)) ?? 0;
      const filename = fileNameOf(req) ?? '';
      let opened: Awaited<ReturnType<Runtime['uploads']['open']>>;
      try {
        opened = await runtime.uploads.open();
      } catch (err) {
        return failed(reply, err);
      }
      let sizeBytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, next) {
          sizeBytes += chunk.length;
          // Cut off at the limit, whatever the headers said (a chunked body declares no length).
          next(sizeBytes > limit ? new TooLarge() : null, chunk);
        },
      });
      try {
        await pipeline(req.raw, counter, opened.handle.createWriteStream());
      } catch (err) {
        await runtime.uploads.discard(opened.file);
        if (err instanceof TooLarge) {
          reply.raw.destroy(); // the rest of the body is not read; the client sees the connection end
          return reply.hijack();
        }
        if (req.raw.destroyed && !storageKindOf(err)) return reply.hijack(); // the client went away: nobody to answer
        return failed(reply, err);
      }
      runtime.uploads.received(opened.id, opened.file, sizeBytes, ownerOf(opts.tokenOf(req)));
      return reply
        .code(200)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify({ uploadId: opened.id, filename, sizeBytes }));
    });

    /** A disk that is full or failing is said so, with its code; anything else is logged and answered as internal. */
    function failed(reply: FastifyReply, err: unknown): FastifyReply {
      const storage = storageKindOf(err);
      if (storage) return refuse(reply, storage, `上传未完成：${storageMessage(storage)}`);
      logFault('upload', err);
      return refuse(reply, 'INTERNAL', '服务器内部错误，文件未能上传');
    }
  });
}
