/**
 * The prefecture server's access matrix over real HTTP: every central method × (prefecture administrator, director,
 * county viewer of county A, anonymous), and for every county-scoped method the county viewer's call on county B (or
 * a hub of B) refused 403 while A is allowed; methods that list without naming a county return nothing of county B
 * to the county viewer. A method without a sample here fails the test, naming it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateHubKey } from '../../electron/domain/prefecture/key';
import { createUser } from '../../central/server/auth';
import { startCentralServer } from '../../central/server/http';
import { addCounty, registerHub } from '../../central/server/hubs';
import { centralApi, type CentralMethodName, type CentralRole } from '../../central/shared/contract';
import { startCentralDb, type CentralDb } from '../helpers/central';
import { scratchDirs } from '../helpers/runtime';

const scratch = scratchDirs();
const NOW = new Date('2026-04-10T01:00:00.000Z');
const A = '411621';
const B = '411622';
const RANGE = { from: '2026-01', to: '2026-03' };
let db: CentralDb;
let server: Awaited<ReturnType<typeof startCentralServer>>;
let hubA = 0;
let hubB = 0;
let signalA = '';
let signalB = '';
let seq = 0;

type Who = CentralRole | 'anonymous';
const WHO: Who[] = ['prefecture_admin', 'director', 'county_viewer', 'anonymous'];

interface Sample {
  own: () => unknown;
  /** The same call aimed at county B: a county viewer must get 403. */
  other?: () => unknown;
  /** For list methods called without a county: what in the answer belongs to county B. */
  foreign?: (out: any) => unknown[];
}

const SAMPLES: Record<CentralMethodName, Sample> = {
  'auth.login': { own: () => ({ username: 'nobody', password: 'wrong-password' }) },
  'auth.logout': { own: () => ({}) },
  'auth.me': { own: () => ({}) },
  'auth.changePassword': { own: () => ({ oldPassword: 'Password12345', newPassword: 'Password67890' }) },
  'overview.periods': { own: () => ({}) },
  'overview.kpis': {
    own: () => ({ ...RANGE, countyCode: A }),
    other: () => ({ ...RANGE, countyCode: B }),
    foreign: (o) => o.byCounty.filter((c: { countyCode: string }) => c.countyCode !== A),
  },
  'overview.counties': {
    own: () => ({ ...RANGE, countyCode: A }),
    other: () => ({ ...RANGE, countyCode: B }),
    foreign: (o) => o.filter((c: { countyCode: string }) => c.countyCode !== A),
  },
  'overview.hubs': {
    own: () => ({ ...RANGE, countyCode: A }),
    other: () => ({ ...RANGE, countyCode: B }),
    foreign: (o) => o.filter((h: { countyCode: string }) => h.countyCode !== A),
  },
  'overview.clinics': { own: () => ({ ...RANGE, hubId: hubA }), other: () => ({ ...RANGE, hubId: hubB }) },
  'overview.hubMonth': { own: () => ({ hubId: hubA, period: '2026-03' }), other: () => ({ hubId: hubB, period: '2026-03' }) },
  'overview.notReported': {
    own: () => ({ period: '2026-03', countyCode: A }),
    other: () => ({ period: '2026-03', countyCode: B }),
    foreign: (o) => o.filter((h: { countyCode: string }) => h.countyCode !== A),
  },
  'signals.list': {
    own: () => ({ ...RANGE, countyCode: A }),
    other: () => ({ ...RANGE, countyCode: B }),
    foreign: (o) => o.filter((s: { hubs: { countyCode: string }[] }) => !s.hubs.some((h) => h.countyCode === A)),
  },
  'signals.detail': { own: () => ({ key: signalA, ...RANGE }), other: () => ({ key: signalB, ...RANGE }) },
  'packages.list': {
    own: () => ({ hubId: hubA }),
    other: () => ({ hubId: hubB }),
    foreign: (o) => o.filter((p: { countyCode: string }) => p.countyCode !== A),
  },
  // A file that is no package: the administrator gets the refusal as an answer; the others never reach ingest.
  'packages.upload': { own: () => ({ filename: 'santong-H41162101-2026-03-v1.stpkg', base64: Buffer.from('不是上报包').toString('base64') }) },
  'counties.list': { own: () => ({}) },
  'counties.create': { own: () => ({ code: '411699', name: '测试县' }) },
  'hubs.list': {
    own: () => ({ countyCode: A }),
    other: () => ({ countyCode: B }),
    foreign: (o) => o.filter((h: { countyCode: string }) => h.countyCode !== A),
  },
  'hubs.register': {
    own: () => ({
      code: `H7${String(++seq).padStart(7, '0')}`,
      name: '新登记镇卫生院',
      countyCode: A,
      publicKey: loadOrCreateHubKey(scratch()).publicKeyBase64,
    }),
  },
  'hubs.update': { own: () => ({ hubId: hubA, active: true }), other: () => ({ hubId: hubB, active: true }) },
  'users.list': { own: () => ({}) },
  'users.create': { own: () => ({ username: `u${++seq}x`, displayName: '新用户', role: 'director', countyCode: null, initialPassword: 'Password12345' }) },
  'audit.list': { own: () => ({ page: 1 }) },
  'export.table': { own: () => ({ table: 'clinics', ...RANGE, hubId: hubA }), other: () => ({ table: 'clinics', ...RANGE, hubId: hubB }) },
};

async function session(who: Who): Promise<string | null> {
  if (who === 'anonymous') return null;
  const username = `${who}${++seq}`;
  await createUser(
    db.pool,
    { username, displayName: username, role: who, countyCode: who === 'county_viewer' ? A : null, password: 'Password12345', mustChange: false },
    NOW,
  );
  const res = await fetch(`${server.url}api/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'Password12345' }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0];
}

async function callAs(cookie: string | null, method: string, input: unknown) {
  const res = await fetch(`${server.url}api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  db = await startCentralDb();
  await addCounty(db.pool, A, '扶沟县');
  await addCounty(db.pool, B, '西华县');
  hubA = (
    await registerHub(db.pool, { code: 'H41162101', name: '甲镇卫生院', countyCode: A, publicKey: loadOrCreateHubKey(scratch()).publicKeyBase64 }, NOW, null)
  ).id;
  hubB = (
    await registerHub(db.pool, { code: 'H41162201', name: '乙镇卫生院', countyCode: B, publicKey: loadOrCreateHubKey(scratch()).publicKeyBase64 }, NOW, null)
  ).id;
  // One package row per hub, and a box sold twice within each hub, so lists and details have something of each county.
  for (const hub of [hubA, hubB]) {
    await db.pool.query(
      `INSERT INTO packages (hub_id, period, version, status, manifest_sha, manifest, received_at, bytes) VALUES ($1, '2026-03-01', 1, 'current', 'x', '{}', $2, 1)`,
      [hub, NOW.toISOString()],
    );
    await db.pool.query(
      `INSERT INTO trace_facts (hub_id, period, clinic_code, nhsa_code, trace_code, event, business_date, doc_key) VALUES ($1, '2026-03-01', 'C01', 'X01', $2, 'dispense', '2026-03-05', 'dispensing:1')`,
      [hub, `code-${hub}`],
    );
    const c = await db.pool.query<{ id: number }>(
      `INSERT INTO trace_conflicts (trace_code, first_hub_id, first_period, hub_id, period, clinic_code, nhsa_code, business_date, doc_key, found_at)
       VALUES ($2, $1, '2026-03-01', $1, '2026-03-01', 'C02', 'X01', '2026-03-09', 'dispensing:2', $3) RETURNING id`,
      [hub, `code-${hub}`, NOW.toISOString()],
    );
    if (hub === hubA) signalA = `duplicate_box:${c.rows[0].id}`;
    else signalB = `duplicate_box:${c.rows[0].id}`;
  }
  server = await startCentralServer({ pool: db.pool, host: '127.0.0.1', port: 0, clock: { now: () => NOW } });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await db?.close();
});

describe('central access matrix', () => {
  it('has a sample for every method', () => {
    expect(Object.keys(centralApi).filter((m) => !(m in SAMPLES))).toEqual([]);
  });

  for (const method of Object.keys(centralApi) as CentralMethodName[]) {
    it(method, async () => {
      const spec = centralApi[method];
      const sample = SAMPLES[method];
      for (const who of WHO) {
        const cookie = await session(who);
        const res = await callAs(cookie, method, sample.own());
        const cell = `${method} as ${who}`;
        expect(res.status, `${cell}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
        expect(res.body?.error?.code, `${cell}: a stale sample proves nothing`).not.toBe('VALIDATION');
        const allowed = spec.access === 'public' || (who !== 'anonymous' && (spec.access === 'authenticated' || spec.access.includes(who)));
        if (!allowed) {
          expect(res.status, cell).toBe(who === 'anonymous' ? 401 : 403);
          continue;
        }
        expect([401, 403].includes(res.status) && res.body.error.code !== 'BAD_CREDENTIALS', `${cell}: ${JSON.stringify(res.body)}`).toBe(false);
        if (who === 'county_viewer' && sample.other) {
          const other = await callAs(cookie, method, sample.other());
          expect(other.status, `${cell} on county B: ${JSON.stringify(other.body)}`).toBe(403);
        }
        if (who === 'county_viewer' && sample.foreign) {
          const input = { ...(sample.own() as object) } as Record<string, unknown>;
          delete input.countyCode;
          delete input.hubId;
          const listed = await callAs(cookie, method, input);
          expect(listed.status, cell).toBe(200);
          expect(sample.foreign(listed.body), `${cell} without a county lists county B`).toEqual([]);
        }
        if (who !== 'county_viewer' && sample.other) {
          const other = await callAs(cookie, method, sample.other());
          expect(other.status, `${cell} on county B`).not.toBe(403);
        }
      }
    });
  }

  it('refuses cross-site requests and audits every write and refusal', async () => {
    const cookie = await session('prefecture_admin');
    const res = await fetch(`${server.url}api/counties.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookie!, origin: 'https://evil.example' },
      body: JSON.stringify({ code: '411698', name: '跨站县' }),
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('CSRF');
    expect((await db.pool.query("SELECT 1 FROM counties WHERE code = '411698'")).rowCount).toBe(0);
    const audited = (
      await db.pool.query<{ method: string; outcome: string }>("SELECT method, outcome FROM audit_log WHERE method IN ('hubs.register', 'overview.clinics')")
    ).rows;
    expect(audited).toEqual(
      expect.arrayContaining([
        { method: 'hubs.register', outcome: 'ok' },
        { method: 'hubs.register', outcome: 'denied' },
        { method: 'overview.clinics', outcome: 'denied' },
      ]),
    );
  });
});
