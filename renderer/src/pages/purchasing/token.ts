/**
 * A client-generated idempotency key. crypto.getRandomValues works in every browser context, including
 * plain-HTTP pages on the township LAN where crypto.randomUUID is unavailable (it needs a secure context).
 */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
