import { isIP } from 'node:net';

/** Headers on every response of the LAN server. antd writes its styles at run time, hence 'unsafe-inline' for styles only. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // WebAssembly for the camera's barcode reader (zxing-wasm, served from our own bundle); no eval of scripts.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // The camera scans trace codes on the village doctor's phone: this origin only, never an embedded one.
  'permissions-policy': 'camera=(self), microphone=(), geolocation=()',
};

/**
 * A state-changing request from a browser must come from a page this server served: the Origin (or,
 * failing that, Sec-Fetch-Site) must match. Requests without either are not from a browser page.
 */
export function isCrossSiteRequest(headers: Record<string, string | string[] | undefined>): boolean {
  const origin = headers.origin;
  const host = headers.host;
  if (typeof origin === 'string' && origin !== 'null') {
    try {
      return new URL(origin).host !== host;
    } catch {
      return true;
    }
  }
  if (origin === 'null') return true;
  const site = headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
}

/** The host name of a Host header, lower-cased, without the port ('[::1]:8686' → '::1'). */
export function hostOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.lastIndexOf(':');
  return colon > 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

/**
 * DNS rebinding: a web page on another site can point its own name at the hub's address and script the
 * server under that name. The server answers only to names it is known by: IP addresses, its own names,
 * and those the administrator listed in the settings.
 */
export function isAllowedHost(hostHeader: string | undefined, knownNames: readonly string[]): boolean {
  if (!hostHeader) return false;
  const host = hostOf(hostHeader);
  if (!host) return false;
  if (isIP(host) !== 0) return true;
  return host === 'localhost' || host.endsWith('.localhost') || knownNames.includes(host);
}
