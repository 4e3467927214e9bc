/**
 * The prefecture server's HTTP side, with the hub's rules: JSON POST /api/<method> validated by the contract before
 * any handler, session cookie HttpOnly + SameSite=Strict (Secure under HTTPS), cross-site requests refused (Origin /
 * Sec-Fetch-Site), DNS rebinding refused (Host must be an IP address or one of the server's names), the hub's security
 * headers, errors as { error: { code, message } } in Chinese, every write and every refusal audited.
 * Hubs send packages to POST /ingest (gzip bytes, no session: the package's signature is its credential).
 */
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { z } from 'zod';
import { AppError } from '../../electron/errors';
import { isAllowedHost, isCrossSiteRequest, SECURITY_HEADERS } from '../../electron/http/security';
import { ownHostnames } from '../../electron/lib/certificate';
import { ERROR_STATUS, type ErrorCode } from '../../shared/errors';
import { centralApi, isCentralMethod, type CentralMethod } from '../shared/contract';
import { writeAudit, type CentralUser } from './audit';
import { resolveCentralSession } from './auth';
import type { CentralContext } from './context';
import type { Pool } from './db';
import { centralHandlers } from './handlers';
import { ingestPackage } from './ingest';

export const CENTRAL_COOKIE = 'santong_central_sid';
const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set(['auth.me', 'auth.changePassword', 'auth.logout']);

export interface CentralServerOptions {
  pool: Pool;
  host: string;
  port: number;
  clock: { now(): Date };
  webDir?: string;
  https?: { key: string | Buffer; cert: string | Buffer };
  /** Extra names the server answers to (its DNS name on the private network). */
  hostnames?: string[];
  maxPackageBytes?: number;
}

function send(reply: FastifyReply, code: ErrorCode, message: string, issues?: { path: string; message: string }[]) {
  return reply
    .code(ERROR_STATUS[code])
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ error: { code, message, ...(issues?.length ? { issues } : {}) } }));
}

function validationError(error: z.ZodError): AppError {
  const issues = error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const first = issues[0];
  return new AppError('VALIDATION', `输入有误：${first ? (first.path ? `${first.path}：${first.message}` : first.message) : ''}`, issues);
}

function authorize(spec: CentralMethod, name: string, user: CentralUser | null, expired: boolean): void {
  if (spec.access === 'public') return;
  if (!user) throw expired ? new AppError('SESSION_EXPIRED', '登录已过期，请重新登录') : new AppError('UNAUTHENTICATED', '请先登录');
  if (spec.access !== 'authenticated' && !spec.access.includes(user.role)) throw new AppError('FORBIDDEN', '您的角色无权执行此操作');
  if (user.mustChangePassword && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(name)) throw new AppError('PASSWORD_CHANGE_REQUIRED', '请先修改初始密码');
}

/** pg errors that escape a handler: the caller's input clashed with a constraint, not a crash. */
function fromPgError(err: unknown): AppError | null {
  const code = (err as { code?: string })?.code;
  if (code === '23505') return new AppError('DUPLICATE', '数据重复，已存在相同的记录');
  if (code === '23503' || code === '23514') return new AppError('BUSINESS_RULE', '数据不符合规则，未保存');
  return null;
}

export async function startCentralServer(opts: CentralServerOptions): Promise<{ url: string; port: number; fastify: FastifyInstance; close(): Promise<void> }> {
  const { pool, clock } = opts;
  const secure = Boolean(opts.https);
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, requestTimeout: 10 * 60 * 1000, ...(opts.https ? { https: opts.https } : {}) } as Parameters<
    typeof Fastify
  >[0]) as unknown as FastifyInstance;
  await app.register(fastifyCookie);
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) =>
    body === '' ? done(null, undefined) : parseJson(req, body as string, done),
  );
  app.addContentTypeParser(
    ['application/gzip', 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: opts.maxPackageBytes ?? 512 * 1024 * 1024 },
    (_req, body, done) => done(null, body),
  );
  app.setErrorHandler((err: { code?: string; statusCode?: number }, _req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, 'PAYLOAD_TOO_LARGE', '请求内容过大');
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return send(reply, 'UNSUPPORTED_MEDIA_TYPE', '请求格式必须是 JSON');
    if (typeof err.code === 'string' && err.code.startsWith('FST_ERR_CTP')) return send(reply, 'BAD_REQUEST', '请求内容不是有效的 JSON');
    if (err.statusCode && err.statusCode < 500) return send(reply, 'BAD_REQUEST', '请求无效');
    console.error('central:', err);
    return send(reply, 'INTERNAL', '服务器内部错误');
  });
  app.addHook('onSend', async (req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    if (secure) reply.header('strict-transport-security', 'max-age=86400');
    return payload;
  });
  const names = [...ownHostnames(), ...(opts.hostnames ?? []).map((h) => h.toLowerCase())];
  app.addHook('onRequest', async (req, reply) => {
    if (!isAllowedHost(req.headers.host, names)) return send(reply, 'BAD_REQUEST', '不接受以该地址访问本服务器');
  });

  app.get('/api/health', async (_req, reply) => {
    await pool.query('SELECT 1');
    return reply.type('application/json; charset=utf-8').send(JSON.stringify({ ok: true, service: 'santong-central' }));
  });

  app.post('/ingest', async (req, reply) => {
    if (!Buffer.isBuffer(req.body)) return send(reply, 'UNSUPPORTED_MEDIA_TYPE', '上报包须以 application/gzip 发送');
    const result = await ingestPackage(pool, req.body, clock.now(), { ip: req.ip });
    const status =
      result.outcome === 'refused'
        ? result.code === 'HUB_UNKNOWN' || result.code === 'KEY_MISMATCH' || result.code === 'SIGNATURE_INVALID'
          ? 403
          : result.code.startsWith('VERSION')
            ? 409
            : 422
        : 200;
    const { packageId: _id, conflicts: _c, ...answer } = result;
    return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(answer));
  });

  for (const [name, spec] of Object.entries(centralApi) as [string, CentralMethod][]) {
    app.post(`/api/${name}`, { ...(spec.maxBodyBytes ? { bodyLimit: spec.maxBodyBytes } : {}) }, async (req: FastifyRequest, reply: FastifyReply) => {
      const now = clock.now();
      const token = req.cookies[CENTRAL_COOKIE] ?? null;
      let user: CentralUser | null = null;
      let sessionHash: string | null = null;
      let expired = false;
      const sink = {
        set: (t: string, maxAge: number) => void reply.setCookie(CENTRAL_COOKIE, t, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge }),
        clear: () => void reply.clearCookie(CENTRAL_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' }),
      };
      try {
        if (isCrossSiteRequest(req.headers)) throw new AppError('CSRF', '拒绝来自其他网站的请求');
        if (token) {
          const found = await resolveCentralSession(pool, token, now);
          if (found && 'user' in found) ({ user, hash: sessionHash } = { user: found.user, hash: found.hash });
          else if (found) {
            expired = true;
            sink.clear();
          }
        }
        authorize(spec, name, user, expired);
        const parsed = spec.input.safeParse(req.body ?? {});
        if (!parsed.success) throw validationError(parsed.error);
        const ctx: CentralContext = { pool, now, ip: req.ip, user, sessionHash, session: sink, audit: {} };
        if (!isCentralMethod(name)) throw new AppError('UNKNOWN_METHOD', '接口不存在');
        const value = await (centralHandlers[name] as (c: CentralContext, i: unknown) => Promise<unknown>)(ctx, parsed.data);
        if (spec.write)
          await writeAudit(pool, {
            at: now,
            user: user ?? ctx.audit.actor ?? null,
            ip: req.ip,
            method: name,
            outcome: 'ok',
            target: ctx.audit.target ?? null,
            details: ctx.audit.details,
          });
        return reply
          .code(200)
          .type('application/json; charset=utf-8')
          .send(JSON.stringify(value ?? null));
      } catch (err) {
        const appError = err instanceof AppError ? err : fromPgError(err);
        if (!appError) {
          console.error(`central ${name}:`, err);
          return send(reply, 'INTERNAL', '服务器内部错误，操作未完成');
        }
        if (appError.status === 403 || (spec.write && (appError.status === 401 || appError.status === 429))) {
          await writeAudit(pool, {
            at: now,
            user,
            ip: req.ip,
            method: name,
            outcome: appError.status === 403 ? 'denied' : 'rejected',
            errorCode: appError.code,
          }).catch(() => {});
        }
        return send(reply, appError.code, appError.message, appError.issues);
      }
    });
  }

  const indexHtml = opts.webDir && path.join(opts.webDir, 'index.html');
  if (opts.webDir && indexHtml && fs.existsSync(indexHtml)) {
    await app.register(fastifyStatic, {
      root: opts.webDir,
      wildcard: false,
      index: false,
      setHeaders(reply, filePath) {
        reply.header('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/'))
      return req.method === 'POST' ? send(reply, 'UNKNOWN_METHOD', '接口不存在') : send(reply, 'BAD_REQUEST', '接口只接受 POST 请求');
    if (req.method === 'GET' && indexHtml && fs.existsSync(indexHtml))
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(fs.readFileSync(indexHtml));
    return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
  });
  await app.listen({ host: opts.host, port: opts.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return { url: `${secure ? 'https' : 'http'}://${opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${port}/`, port, fastify: app, close: () => app.close() };
}
