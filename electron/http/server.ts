import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { api, type AnyMethod } from '../../shared/contract';
import type { ApiErrorBody, ErrorCode } from '../../shared/errors';
import { ERROR_STATUS } from '../../shared/errors';
import { dispatch, refusalBeforeBody } from '../api/dispatch';
import { admitRefusalRow, recordAudit } from '../domain/audit/record';
import { logFault } from '../api/faults';
import type { SessionSink } from '../domain/context';
import type { Runtime } from '../runtime';
import { isAllowedHost, isCrossSiteRequest, SECURITY_HEADERS } from './security';
import { CA_FILE_NAME, caCertificatePem, ownHostnames, TLS_POLICY } from '../lib/certificate';
import { readLanHostnames } from '../domain/system/lan-settings';
import { appVersion } from '../paths';
import { storageProblem } from '../db/storage';
import { registerUploadRoute } from './upload';
import { registerJsonBodyParser } from './json-body';

export const SESSION_COOKIE = 'santong_sid';
const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Large bodies (restores, workbooks) being received at once; each is held whole in memory while it is parsed. */
const MAX_LARGE_BODIES_AT_ONCE = 2;
/** Uploads streamed to disk at once: each holds only a stream buffer in memory, so many may arrive together. */
const MAX_UPLOADS_AT_ONCE = 64;

export interface HttpServerOptions {
  runtime: Runtime;
  host: string;
  port: number;
  /** Built renderer (index.html + assets). Absent in API-only tests. */
  rendererDir?: string;
  https?: { key: string | Buffer; cert: string | Buffer };
}

export interface RunningServer {
  url: string;
  port: number;
  fastify: FastifyInstance;
  close(): Promise<void>;
}

function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  const body: ApiErrorBody = { error: { code, message } };
  return reply.code(ERROR_STATUS[code]).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

function cookieSink(reply: FastifyReply, secure: boolean): SessionSink {
  return {
    set(token, expiresAt, now) {
      // Max-Age, not Expires: the lifetime counts from when the browser gets the cookie, so a village
      // phone whose clock is wrong (or a hub clock that is) does not throw the session away at once.
      const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000));
      reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge });
    },
    clear() {
      reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
    },
  };
}

/** Maps Fastify's own failures (body too large, not JSON, …) to the API's error shape. Never a stack. */
function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: { code?: string; statusCode?: number }, _req, reply) => {
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, 'PAYLOAD_TOO_LARGE', '请求内容过大');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendError(reply, 'UNSUPPORTED_MEDIA_TYPE', '请求格式必须是 JSON（Content-Type: application/json）');
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendError(reply, 'BAD_REQUEST', '请求内容不是有效的 JSON');
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return sendError(reply, 'BAD_REQUEST', '请求无效');
    // A body the JSON parser cannot take at all (e.g. nested too deeply for it) is still the sender's mistake.
    if (typeof err.code === 'string' && err.code.startsWith('FST_ERR_CTP')) return sendError(reply, 'BAD_REQUEST', '请求内容不是有效的 JSON');
    logFault('http', err);
    return sendError(reply, 'INTERNAL', '服务器内部错误');
  });
}

/** A cross-site request is an attack on a signed-in user's browser: the log keeps where it came from. */
function auditCrossSite(runtime: Runtime, method: string, req: FastifyRequest): void {
  const app = runtime.openApp;
  if (!app) return; // recovery mode: no audit log to write to
  const now = app.clock.now();
  const burst = admitRefusalRow(app.db, { ip: req.ip }, now);
  if (!burst) return;
  const origin = typeof req.headers.origin === 'string' ? req.headers.origin.slice(0, 120) : null;
  app.writeGate.whenOpen(() => {
    try {
      recordAudit(app.db, {
        user: null,
        caller: { transport: 'http', ip: req.ip },
        now,
        method,
        outcome: 'denied',
        errorCode: 'CSRF',
        details: { origin, secFetchSite: req.headers['sec-fetch-site'] ?? null, ...burst },
      });
    } catch (err) {
      logFault(`${method} (audit of a cross-site request)`, err);
    }
  });
}

/** GET /api/health: 200 when the hub is open; 503 while its database is checked, or in recovery mode. */
export function healthAnswer(runtime: Runtime): { status: number; body: Record<string, unknown> } {
  const open = runtime.openApp;
  if (runtime.checking) return { status: 503, body: { ok: false, checking: true, version: appVersion(), schemaVersion: null } };
  if (!open) return { status: 503, body: { ok: false, recovery: true, version: appVersion(), schemaVersion: null } };
  // A write that failed for the disk makes the hub unhealthy until one succeeds; little free space is a warning.
  const storage = storageProblem(open.db, open.clock.now());
  const failing = storage?.writeFailed === true;
  const body = {
    ok: !failing,
    version: open.version,
    schemaVersion: open.schemaVersion,
    ...(storage ? { storage: { code: storage.kind, message: storage.message } } : {}),
  };
  return { status: failing ? 503 : 200, body };
}

export async function startHttpServer(opts: HttpServerOptions): Promise<RunningServer> {
  const { runtime } = opts;
  const secure = Boolean(opts.https);
  const app = Fastify({
    logger: false,
    bodyLimit: DEFAULT_BODY_LIMIT,
    // Query strings and headers are not part of the API; keep them from growing without bound.
    routerOptions: { maxParamLength: 200 },
    // A request must arrive whole within 10 minutes (a large workbook over a slow VPN fits; a trickling client does not).
    requestTimeout: 10 * 60 * 1000,
    ...(opts.https ? { https: { ...TLS_POLICY, ...opts.https } } : {}),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;

  await app.register(fastifyCookie);
  installErrorHandling(app);

  // JSON only; a large body is parsed off this thread (json-body.ts).
  registerJsonBodyParser(app);

  app.addHook('onSend', async (req, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    // Short on purpose: an administrator who turns LAN HTTPS off again must not lock the clinics' browsers out for a year.
    if (secure) reply.header('strict-transport-security', 'max-age=86400');
    return payload;
  });

  // Only names this server is known by (IP addresses, its own names, the settings' list): no DNS rebinding.
  const ownNames = ownHostnames();
  app.addHook('onRequest', async (req, reply) => {
    const db = runtime.openApp?.db; // none in recovery mode
    if (isAllowedHost(req.headers.host, [...ownNames, ...(db ? readLanHostnames(db) : [])])) return;
    return sendError(reply, 'BAD_REQUEST', '不接受以该地址访问本服务器：请使用卫生院电脑的 IP 地址，或请管理员在“系统设置”中添加该域名');
  });

  app.get('/api/health', async (_req, reply) => {
    const { status, body } = healthAnswer(runtime);
    return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
  });

  // The hub's root certificate, public by nature: clinics download it (before they trust HTTPS) to trust it.
  app.get(`/${CA_FILE_NAME}`, async (_req, reply) => {
    try {
      const app = runtime.openApp;
      const pem = await caCertificatePem(runtime.mainDataDir, app?.clock.now() ?? new Date(), app ? readLanHostnames(app.db) : []);
      return reply
        .type('application/x-x509-ca-cert')
        .header('content-disposition', `attachment; filename="${CA_FILE_NAME}"`)
        .header('cache-control', 'no-cache')
        .send(pem);
    } catch (err) {
      logFault(CA_FILE_NAME, err);
      return sendError(reply, 'INTERNAL', '证书暂时无法生成，请稍后重试');
    }
  });

  const callerOf = (req: FastifyRequest) => ({
    transport: 'http' as const,
    ip: req.ip,
    host: req.headers.host,
    userAgent: req.headers['user-agent'],
    token: req.cookies[SESSION_COOKIE] ?? null,
  });

  // A large body is read only for a caller allowed to send it, and only a few at a time: refusals are answered
  // from the headers, and the connection is closed rather than the rest of the body read.
  const largeBodies = { now: 0, max: MAX_LARGE_BODIES_AT_ONCE };
  const uploads = { now: 0, max: MAX_UPLOADS_AT_ONCE };
  const beforeBody = (gate: { now: number; max: number }) => (name: string) => async (req: FastifyRequest, reply: FastifyReply) => {
    const refuse = (code: ErrorCode, message: string) => sendError(reply.header('connection', 'close'), code, message);
    if (isCrossSiteRequest(req.headers)) {
      auditCrossSite(runtime, name, req);
      return refuse('CSRF', '拒绝来自其他网站的请求');
    }
    const refused = await refusalBeforeBody(runtime, name, callerOf(req));
    if (refused && !refused.ok) return refuse(refused.body.error.code, refused.body.error.message);
    if (gate.now >= gate.max) return refuse('TOO_MANY_REQUESTS', '另有文件正在上传，请稍后重试');
    gate.now += 1;
    reply.raw.once('close', () => {
      gate.now -= 1;
    });
  };
  const beforeLargeBody = beforeBody(largeBodies);

  await registerUploadRoute(app, {
    runtime,
    sendError,
    tokenOf: (req) => req.cookies[SESSION_COOKIE] ?? null,
    beforeBody: beforeBody(uploads),
  });

  for (const [name, spec] of Object.entries(api) as [string, AnyMethod][]) {
    const large = (spec.maxBodyBytes ?? 0) > DEFAULT_BODY_LIMIT;
    const routeOptions = { bodyLimit: spec.maxBodyBytes ?? DEFAULT_BODY_LIMIT, ...(large ? { onRequest: beforeLargeBody(name) } : {}) };
    app.post(`/api/${name}`, routeOptions, async (req: FastifyRequest, reply: FastifyReply) => {
      if (isCrossSiteRequest(req.headers)) {
        auditCrossSite(runtime, name, req);
        return sendError(reply, 'CSRF', '拒绝来自其他网站的请求');
      }
      const result = await dispatch(runtime, name, req.body, callerOf(req), cookieSink(reply, secure));
      reply.type('application/json; charset=utf-8');
      if (result.ok) return reply.code(200).send(JSON.stringify(result.value ?? null));
      return reply.code(result.status).send(JSON.stringify(result.body));
    });
  }

  const indexHtml = opts.rendererDir && path.join(opts.rendererDir, 'index.html');
  if (opts.rendererDir && indexHtml && fs.existsSync(indexHtml)) {
    await app.register(fastifyStatic, {
      root: opts.rendererDir,
      wildcard: false,
      index: false,
      setHeaders(reply, filePath) {
        // Vite names assets by content hash: they never change. index.html always revalidates.
        reply.header('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/')) {
      return req.method === 'POST' ? sendError(reply, 'UNKNOWN_METHOD', '接口不存在') : sendError(reply, 'BAD_REQUEST', '接口只接受 POST 请求');
    }
    if (req.method === 'GET' && indexHtml && fs.existsSync(indexHtml)) {
      // Client-side routes (e.g. /stock/card) all load the single-page app.
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(fs.readFileSync(indexHtml));
    }
    return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
  });

  await app.listen({ host: opts.host, port: opts.port });
  // Only now: the worker loads on its own thread while the server already answers (health included).
  runtime.startLongReadsAhead();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  return {
    url: `${secure ? 'https' : 'http'}://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/`,
    port,
    fastify: app,
    close: () => app.close(),
  };
}
