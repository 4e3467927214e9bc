import { sql, type ReadDb, type WriteDb } from '../../db/database';
import { AppError } from '../../errors';
import { isHubPcAddress } from '../hub-pc';

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;

/**
 * Password checks under way (their hash still running), per database. They count as failures until they
 * settle: the count and the reservation happen in one synchronous step before the slow hash, so a burst of
 * parallel guesses gets no more checks than the limit allows, whatever order the hashes finish in.
 */
interface InFlight {
  byAccount: Map<string, number>;
  byAddress: Map<string, number>;
}
const inFlightOf = new WeakMap<ReadDb, InFlight>();

/**
 * The account's limit is kept twice: once for the hub PC and once for everyone else. Failures from the LAN
 * cannot lock out the administrator (or the pharmacist) sitting at the hub PC, and the LAN as a whole still
 * gets five guesses per account, however many addresses it guesses from.
 */
type Side = 'hub-pc' | 'lan';
const sideOf = (ip: string): Side => (isHubPcAddress(ip) ? 'hub-pc' : 'lan');
const accountKey = (username: string, side: Side) => `${side}\u0000${username.toLowerCase()}`;

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}

export interface LoginAttempt {
  /** Records the failure (from then on it counts from the database) and ends the reservation. */
  failed(): void;
  /** Ends the reservation; idempotent. A success is recorded by the caller in its own transaction. */
  release(): void;
}

/** The failures that count against an account from one side: since the last success, within the window. */
function accountFailures(db: ReadDb, username: string, side: Side, since: string): { n: number; first: string | null } {
  const lastSuccess = sql(db, 'SELECT max(at) AS at FROM login_attempts WHERE username = ? AND success = 1').get(username) as { at: string | null };
  const from = lastSuccess.at && lastSuccess.at > since ? lastSuccess.at : since;
  // At most a few rows: every failure recorded here passed this same limit.
  const rows = sql(db, 'SELECT at, ip FROM login_attempts WHERE username = ? AND success = 0 AND at > ? ORDER BY at').all(username, from) as {
    at: string;
    ip: string;
  }[];
  const mine = rows.filter((r) => sideOf(r.ip) === side);
  return { n: mine.length, first: mine[0]?.at ?? null };
}

/**
 * Reserves one password check for `username` from `ip`, or refuses (429) while the account (from this side)
 * or the address has used up its checks in the last 15 minutes, counting the checks still under way.
 */
export function reserveLoginAttempt(db: WriteDb, username: string, ip: string, now: Date): LoginAttempt {
  let inFlight = inFlightOf.get(db);
  if (!inFlight) {
    inFlight = { byAccount: new Map(), byAddress: new Map() };
    inFlightOf.set(db, inFlight);
  }
  const side = sideOf(ip);
  const account = accountKey(username, side);
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MS).toISOString();
  const byAccount = accountFailures(db, username, side, since);
  const byAddress = sql(db, 'SELECT count(*) AS n, min(at) AS first FROM login_attempts WHERE ip = ? AND success = 0 AND at > ?').get(ip, since) as {
    n: number;
    first: string | null;
  };
  const accountFull = byAccount.n + (inFlight.byAccount.get(account) ?? 0) >= MAX_FAILURES_PER_ACCOUNT;
  const addressFull = byAddress.n + (inFlight.byAddress.get(ip) ?? 0) >= MAX_FAILURES_PER_ADDRESS;
  if (accountFull || addressFull) {
    // Checks still under way have no row yet: until they settle, the wait is the whole window.
    const first = accountFull ? byAccount.first : byAddress.first;
    const until = first ? Date.parse(first) + THROTTLE_WINDOW_MS : now.getTime() + THROTTLE_WINDOW_MS;
    const minutes = Math.max(1, Math.ceil((until - now.getTime()) / 60000));
    throw new AppError('TOO_MANY_REQUESTS', `登录失败次数过多，请 ${minutes} 分钟后再试`);
  }
  bump(inFlight.byAccount, account, 1);
  bump(inFlight.byAddress, ip, 1);
  let open = true;
  const release = () => {
    if (!open) return;
    open = false;
    bump(inFlight.byAccount, account, -1);
    bump(inFlight.byAddress, ip, -1);
  };
  return {
    failed() {
      try {
        recordLoginAttempt(db, username, ip, false, now);
      } catch (err) {
        // A failure that cannot be written (a full disk) keeps its reservation: it counts until a restart.
        open = false;
        throw err;
      }
      release();
    },
    release,
  };
}

export function recordLoginAttempt(db: WriteDb, username: string, ip: string, success: boolean, now: Date): void {
  sql(db, 'INSERT INTO login_attempts (at, username, ip, success) VALUES (?, ?, ?, ?)').run(now.toISOString(), username, ip, success ? 1 : 0);
}
