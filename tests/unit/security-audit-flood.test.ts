import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_REFUSAL_ROWS_PER_MINUTE } from '../../electron/domain/audit/record';
import { createClinic, createUser } from '../helpers/runtime';
import { createHttpHub, sessionCookie, type HttpHub } from '../helpers/http';

/**
 * The audit log under a flood of refusals (issue 19, item 8): a signed-in user repeating forbidden calls, 50 at a
 * time, costs a bounded number of rows a minute, and the log still says how many there were.
 */
let hub: HttpHub;
beforeEach(async () => {
  hub = await createHttpHub();
});
afterEach(async () => {
  await hub.close();
});

const refusals = (username: string) =>
  hub.runtime.app.db
    .prepare("SELECT method, error_code AS code, details FROM audit_log WHERE username = ? AND outcome = 'denied' ORDER BY id")
    .all(username) as {
    method: string;
    code: string;
    details: string;
  }[];

/** A big forbidden request, as a flood would send to fill the disk fastest. */
const bigInput = (i: number) => ({ id: 999_000 + i, padding: 'x'.repeat(50_000) });

describe('a signed-in user repeating forbidden calls', () => {
  it('gets 20 rows and one summary a minute for bursts of 50 parallel requests, and the next minute says how many were left out', async () => {
    const clinic = await createClinic(hub, 'C01');
    await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId: clinic.id });
    const login = await hub.post('auth.login', { username: 'cy01', password: 'Changed123' });
    const cookie = sessionCookie(login.headers);

    for (let burst = 0; burst < 4; burst++) {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => hub.post('users.list', bigInput(i), { cookie })));
      expect(answers.every((a) => a.status === 403)).toBe(true);
      hub.clock.advance(5_000);
    }
    // 200 refusals within a minute: 20 rows, then one saying the rest is only counted.
    let rows = refusals('cy01');
    expect(rows).toHaveLength(MAX_REFUSAL_ROWS_PER_MINUTE + 1);
    expect(rows.every((r) => r.method === 'users.list' && r.code === 'FORBIDDEN')).toBe(true);
    expect(JSON.parse(rows.at(-1)!.details)).toMatchObject({ burst: true, note: expect.stringContaining('只计数') });
    expect(rows.reduce((n, r) => n + r.details.length, 0)).toBeLessThan(50_000);

    hub.clock.advance(60_000);
    await Promise.all(Array.from({ length: 50 }, (_, i) => hub.post('users.list', bigInput(i), { cookie })));
    rows = refusals('cy01');
    expect(rows).toHaveLength(2 * (MAX_REFUSAL_ROWS_PER_MINUTE + 1));
    expect(JSON.parse(rows[MAX_REFUSAL_ROWS_PER_MINUTE + 1].details)).toMatchObject({
      skippedBefore: 200 - MAX_REFUSAL_ROWS_PER_MINUTE - 1,
      note: '此前一分钟内另有 179 次被拒绝的请求未逐条记录',
    });
  });

  it('does not spend the limit of other users', async () => {
    const clinic = await createClinic(hub, 'C01');
    await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId: clinic.id });
    await createUser(hub, { username: 'cy02', role: 'village_doctor', clinicId: clinic.id });
    const [a, b] = await Promise.all(
      ['cy01', 'cy02'].map(async (u) => sessionCookie((await hub.post('auth.login', { username: u, password: 'Changed123' })).headers)),
    );
    await Promise.all(Array.from({ length: 50 }, (_, i) => hub.post('users.list', bigInput(i), { cookie: a })));
    await hub.post('users.list', {}, { cookie: b });
    expect(refusals('cy01')).toHaveLength(MAX_REFUSAL_ROWS_PER_MINUTE + 1);
    expect(refusals('cy02')).toHaveLength(1);
  });
});
