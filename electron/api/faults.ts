/**
 * Logging of unexpected faults. A log line names where it happened and what kind of error it was, with
 * the stack frames, but never the request: no input, no password, no cookie or token, no message text
 * that might quote them (a JSON parser or a validation library puts the offending input in its message).
 */

/** A fault raised by our own code with a message written to name code paths, never request data. */
export class InternalFault extends Error {
  readonly safeToLog = true;
  constructor(message: string) {
    super(message);
    this.name = 'InternalFault';
  }
}

/** Messages from these sources describe the code, never the data (SQLite binds values, it does not echo them). */
function safeMessage(err: Error & { code?: unknown; safeToLog?: unknown }): string | null {
  if (err.safeToLog === true) return err.message.slice(0, 500);
  if (typeof err.code === 'string' && err.code.startsWith('SQLITE_')) return err.message.slice(0, 300);
  return null;
}

export function describeFault(err: unknown): string {
  if (!(err instanceof Error)) return `non-error value thrown (${typeof err})`;
  const e = err as Error & { code?: unknown };
  const code = typeof e.code === 'string' ? ` ${e.code.slice(0, 60)}` : '';
  const message = safeMessage(e);
  const frames = (e.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 12)
    .join('\n');
  return `${e.name}${code}${message ? `: ${message}` : ' (message withheld: it may quote request data)'}${frames ? `\n${frames}` : ''}`;
}

/** The one place the server reports a fault to its console. */
export function logFault(where: string, err: unknown): void {
  console.error(`[santong] ${where.slice(0, 80)} failed: ${describeFault(err)}`);
}

/** A call that holds the request thread this long stalls every village: worth a line in the server log. */
export const SLOW_CALL_MS = 1_000;

/** Logs a call that held the request thread for `ms` (its method and which part, never its input). */
export function noteSlowCall(method: string, part: 'session' | 'handler', ms: number): void {
  if (ms >= SLOW_CALL_MS) console.warn(`[santong] slow call: ${method.slice(0, 80)} ${part} held the server ${Math.round(ms)} ms`);
}
