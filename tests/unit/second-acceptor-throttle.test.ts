import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { PRODUCTION_HASH_PARAMS } from '../../electron/domain/auth/passwords';
import { MAX_FAILURES_PER_ACCOUNT } from '../../electron/domain/auth/throttle';
import { createTestHub, createUser, type TestHub } from '../helpers/runtime';
import { seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from '../helpers/stock';

/**
 * The second acceptor's password at receipt (issue 21) is a password check like a login: wrong passwords count
 * against that user's login throttle, and a burst of 50 parallel receipts gets no more checks than the limit.
 * The second acceptor's hash is a real hub's (~0.1 s to check), so the burst's checks overlap.
 */
let hub: TestHub;
let pharmacist: InternalClient;
let supplierId: number;
let amox: SeedDrug;
const SECOND_PASSWORD = 'Second2026x';

beforeEach(async () => {
  hub = await createTestHub();
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist', displayName: '周药师' });
  await createUser(hub, { username: 'yaoku2', role: 'pharmacist', displayName: '吴药师' });
  const { N, r, p } = PRODUCTION_HASH_PARAMS;
  const salt = crypto.randomBytes(16);
  const key = crypto.scryptSync(SECOND_PASSWORD, salt, 32, { N, r, p, maxmem: 64 * 1024 * 1024 });
  const hash = ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
  hub.runtime.app.db.prepare("UPDATE users SET password_hash = ? WHERE username = 'yaoku2'").run(hash);
  supplierId = seedSupplier(hub);
  amox = seedDrug(hub, { name: '阿莫西林胶囊', packSize: 24, supplierId, packPrice: 12_500_000 });
  // Failures count from after the account's last successful login (createUser logged yaoku2 in at this instant).
  hub.clock.advance(1000);
});
afterEach(() => hub.close());

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code: string }) => e.code,
  );

const failures = (username: string) =>
  (hub.runtime.app.db.prepare('SELECT count(*) AS n FROM login_attempts WHERE username = ? AND success = 0').get(username) as { n: number }).n;

function receiptWithSecond(poId: number, poLineId: number, password: string) {
  return pharmacist.call('receipts.create', {
    poId,
    invoiceNo: 'FP001',
    acceptance: { deliveryNoteNo: 'SH-1', secondAcceptor: { username: 'yaoku2', password } },
    lines: [{ poLineId, batchNo: 'B1', expiryDate: '2028-06-30', qty: 24 }],
  });
}

describe('the second acceptor password at receipt', () => {
  it('counts wrong passwords against the login throttle: 5 of 50 parallel guesses are checked, then even the right one is refused', async () => {
    const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug: amox, qty: 24 }]);
    const codes = await Promise.all(Array.from({ length: 50 }, (_, i) => codeOf(receiptWithSecond(poId, lineIds[0], `Guess${i}x2026`))));
    expect(codes.filter((c) => c === 'VALIDATION')).toHaveLength(MAX_FAILURES_PER_ACCOUNT);
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(50 - MAX_FAILURES_PER_ACCOUNT);
    expect(failures('yaoku2')).toBe(MAX_FAILURES_PER_ACCOUNT);
    // Nothing was received.
    expect((hub.runtime.app.db.prepare('SELECT count(*) AS n FROM receipts').get() as { n: number }).n).toBe(0);
    // The right password at the next receipt is refused unchecked, with a message that says whose password.
    const right = await receiptWithSecond(poId, lineIds[0], SECOND_PASSWORD).catch((e) => e);
    expect(right.code).toBe('TOO_MANY_REQUESTS');
    expect(right.message).toMatch(/^第二验收人的密码错误次数过多，请 1[45] 分钟后再试/);
    // The guesses were against yaoku2's account: logging in as yaoku2 from the LAN is throttled as well.
    const login = new InternalClient(hub.runtime, '192.168.1.77');
    expect(await codeOf(login.call('auth.login', { username: 'yaoku2', password: SECOND_PASSWORD }))).toBe('TOO_MANY_REQUESTS');
  });

  it('shares the account limit with auth.login: failed logins leave fewer second-acceptor checks', async () => {
    const lan = new InternalClient(hub.runtime, '192.168.1.78');
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT - 1; i++) {
      expect(await codeOf(lan.call('auth.login', { username: 'yaoku2', password: `Guess${i}x2026` }))).toBe('BAD_CREDENTIALS');
    }
    const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug: amox, qty: 24 }]);
    const codes = await Promise.all(Array.from({ length: 10 }, (_, i) => codeOf(receiptWithSecond(poId, lineIds[0], `Other${i}x2026`))));
    expect(codes.filter((c) => c === 'VALIDATION')).toHaveLength(1);
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(9);
  });

  it('still accepts the right password within the limit', async () => {
    const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug: amox, qty: 24 }]);
    expect(await codeOf(receiptWithSecond(poId, lineIds[0], 'Wrong1x2026'))).toBe('VALIDATION');
    const { receipt } = await receiptWithSecond(poId, lineIds[0], SECOND_PASSWORD);
    expect(receipt.acceptance?.secondAcceptorName).toBe('吴药师');
    expect(failures('yaoku2')).toBe(1);
  });
});
