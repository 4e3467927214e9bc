import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;

// N = 2^15, r = 8, p = 1: 32 MiB and ~0.1 s per attempt on a hub PC. Stored with the hash so they can be raised.
export const PRODUCTION_HASH_PARAMS = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });
const KEY_LENGTH = 32;
let params: { N: number; r: number; p: number } = PRODUCTION_HASH_PARAMS;

/**
 * For the unit tests only (called by their vitest setup file): hashing at N = 2^10 makes a test user cost
 * milliseconds instead of a second of a loaded machine. Each hash carries its own parameters, so verifying
 * is the same code either way; `tests/unit/auth.test.ts` checks that a real server stores the strong ones.
 */
export function useCheapHashingInTests(): void {
  params = { N: 2 ** 10, r: 8, p: 1 };
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...params, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltB64, keyB64] = stored.split('$');
  if (scheme !== 'scrypt' || !keyB64) return false;
  const expected = Buffer.from(keyB64, 'base64');
  const key = await scrypt(password.normalize('NFC'), Buffer.from(saltB64, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 256 * 1024 * 1024,
  });
  return crypto.timingSafeEqual(key, expected);
}

/** A hash that no password matches, verified against when the username is unknown so timing reveals nothing. */
let dummyHash: Promise<string> | undefined;
export function unknownUserHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'));
  return dummyHash;
}
