/**
 * Sends a package to the prefecture server: HTTPS POST of the gzip bytes to <server>/ingest, retried with
 * exponential backoff while the network or the server fails (no answer, 5xx, 429). A refusal (4xx with an
 * answer) is final: sending the same bytes again cannot change it. The server is idempotent by
 * (hub, period, version), so a retry after a lost answer is harmless.
 */
import http from 'node:http';
import https from 'node:https';
import { submitAnswer, type SubmitAnswer } from '../../../shared/prefecture/package';

export interface SendOptions {
  caPem?: string | null;
  attempts?: number;
  /** First wait between attempts; doubles each time (1 s, 2 s, 4 s … by default). */
  backoffMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface SendResult {
  answer: SubmitAnswer | null;
  attempts: number;
  error: string | null;
}

interface RawResponse {
  status: number;
  body: string;
}

function post(url: URL, bytes: Buffer, opts: SendOptions): Promise<RawResponse> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/gzip', 'content-length': bytes.length },
        timeout: opts.timeoutMs ?? 120_000,
        ...(url.protocol === 'https:' && opts.caPem ? { ca: opts.caPem } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('等待服务器应答超时')));
    req.on('error', reject);
    req.end(bytes);
  });
}

export function ingestUrl(serverUrl: string): URL {
  const base = new URL(serverUrl);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error('上报服务器地址应以 https:// 开头');
  return new URL('ingest', base.href.endsWith('/') ? base.href : `${base.href}/`);
}

export async function sendPackage(serverUrl: string, bytes: Buffer, opts: SendOptions = {}): Promise<SendResult> {
  const url = ingestUrl(serverUrl);
  const attempts = opts.attempts ?? 5;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let lastError = '';
  for (let i = 1; i <= attempts; i++) {
    try {
      const res = await post(url, bytes, opts);
      let parsed: SubmitAnswer | null = null;
      try {
        const body = submitAnswer.safeParse(JSON.parse(res.body));
        if (body.success) parsed = body.data;
      } catch {
        // not JSON: a proxy's error page
      }
      const retryable = res.status >= 500 || res.status === 429 || res.status === 0;
      if (parsed && !retryable) return { answer: parsed, attempts: i, error: null };
      lastError = parsed ? `${parsed.message}（HTTP ${res.status}）` : `服务器返回 HTTP ${res.status}`;
      if (!retryable) return { answer: null, attempts: i, error: lastError };
    } catch (err) {
      lastError = `无法连接上报服务器：${(err as Error).message}`;
    }
    if (i < attempts) await sleep((opts.backoffMs ?? 1000) * 2 ** (i - 1));
  }
  return { answer: null, attempts, error: lastError };
}
