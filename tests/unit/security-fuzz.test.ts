import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type AnyMethod, type MethodName, type Role } from '../../shared/contract';
import { ERROR_STATUS } from '../../shared/errors';
import { tokenHash } from '../../electron/domain/auth/sessions';
import { checkLedgerInvariants } from '../../electron/domain/stock/ledger';
import { createSecurityFixture, type FixtureUser, type SecurityFixture } from '../security/fixture';
import { samples, type MethodSample } from '../security/samples';
import { businessTables, changedTables, tableChecksums } from '../security/checksum';
import { inputSchema, mutate, Rng, valueFromSchema, type FuzzRequest, type JsonSchema } from '../security/fuzz-gen';

/**
 * Hostile input: at least 10,000 malformed requests over HTTP across every API method, as administrator,
 * pharmacist, village doctor and without a session. Every answer must be a clean JSON 4xx with a stable code
 * and a Chinese message (or a 200 when a mutation happens to be valid); no 5xx ever; a refused request
 * changes no business table (checked per request with change-recording triggers), and at the end every
 * business table that no accepted write touched has exactly the checksum it had before.
 *
 *   FUZZ_SEED=123 FUZZ_REQUESTS=50000 npx vitest run tests/unit/security-fuzz.test.ts
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 10_400);
const DEFAULT_BODY_LIMIT = 1024 * 1024;
type Who = Role | 'anonymous';
const ROLE_CYCLE: Who[] = ['admin', 'pharmacist', 'village_doctor', 'admin', 'pharmacist', 'village_doctor', 'anonymous'];
const FUZZ_ROLES: Role[] = ['admin', 'pharmacist', 'village_doctor'];

let f: SecurityFixture;
let agent: http.Agent;
beforeAll(async () => {
  f = await createSecurityFixture();
  agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
}, 120_000);
afterAll(async () => {
  agent?.destroy();
  await f?.close();
});

function send(path: string, req: FuzzRequest, cookie: string | null): Promise<{ status: number; contentType: string; text: string }> {
  const url = new URL(f.hub.server.url);
  const body = Buffer.from(req.body, 'utf8');
  const headers: Record<string, string | number> = { 'content-length': body.length };
  if (req.contentType !== null) headers['content-type'] = req.contentType;
  if (cookie) headers.cookie = cookie;
  return new Promise((resolve, reject) => {
    const r = http.request({ host: url.hostname, port: url.port, method: 'POST', path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(body);
  });
}

/** What is wrong with an answer, or null when it is a clean 200 or 4xx. */
function problemWith(res: { status: number; contentType: string; text: string }): string | null {
  if (res.status >= 500) return `server fault ${res.status}`;
  if (!res.contentType.startsWith('application/json')) return `not JSON (${res.contentType})`;
  let json: any;
  try {
    json = JSON.parse(res.text);
  } catch {
    return 'unparseable JSON';
  }
  if (res.status === 200) return null;
  if (res.status < 400) return `unexpected status ${res.status}`;
  const code = json?.error?.code;
  if (typeof code !== 'string' || !(code in ERROR_STATUS)) return `no stable error code: ${res.text.slice(0, 200)}`;
  if (ERROR_STATUS[code as keyof typeof ERROR_STATUS] !== res.status) return `code ${code} with status ${res.status}`;
  if (typeof json.error.message !== 'string' || !/[\u4e00-\u9fa5]/.test(json.error.message)) return `message not Chinese: ${json.error.message}`;
  if (/\bat .+\.(ts|js|cjs):\d+/.test(res.text)) return 'a stack trace leaked';
  return null;
}

describe('fuzz: hostile input over HTTP', () => {
  it(`sends at least 10,000 malformed requests across all methods: no 5xx, clean 4xx, no change from a refused request`, async () => {
    const db = f.hub.runtime.app.db;
    const methods = Object.keys(api) as MethodName[];
    const perMethod = Math.max(40, Math.ceil(TOTAL / methods.length));

    // The accounts the fuzz runs as; replaced when a fuzzed write happens to demote, disable or reset one.
    const users = new Map<Role, FixtureUser>(FUZZ_ROLES.map((r) => [r, f.newUser(r)]));
    const stillUsable = (u: FixtureUser) =>
      Boolean(
        db
          .prepare('SELECT 1 FROM users WHERE id = ? AND role = ? AND active = 1 AND must_change_password = 0 AND clinic_id IS ?')
          .get(u.id, u.role, u.clinicId),
      );

    // Valid starting points, so mutations reach real records: the access-matrix samples, or the schema.
    const schemas = new Map<MethodName, JsonSchema>();
    const bases = new Map<string, unknown>();
    for (const m of methods) {
      schemas.set(m, inputSchema((api[m] as AnyMethod).input));
      const sample = samples[m] as MethodSample<MethodName> | undefined;
      for (const role of FUZZ_ROLES) {
        const ctx = { f, user: users.get(role)! };
        for (const variant of ['own', 'other'] as const) {
          let base: unknown;
          try {
            if (!sample) base = valueFromSchema(schemas.get(m)!);
            else if ('input' in sample) base = await sample.input(ctx);
            else base = await (variant === 'other' && 'other' in sample ? sample.other : sample.own)(ctx);
          } catch {
            base = valueFromSchema(schemas.get(m)!);
          }
          bases.set(`${m}|${role}|${variant}`, base);
        }
      }
    }

    // Every insert, update and delete of a business table leaves a row here (test database only).
    db.exec('CREATE TABLE fuzz_changes (seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL) STRICT');
    for (const t of businessTables(db)) {
      for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
        db.exec(`CREATE TRIGGER "fuzz_watch_${t}_${op}" AFTER ${op} ON "${t}" BEGIN INSERT INTO fuzz_changes (tbl) VALUES ('${t}'); END`);
      }
    }
    const lastChange = () => (db.prepare('SELECT coalesce(max(seq), 0) AS s FROM fuzz_changes').get() as { s: number }).s;
    const tablesChangedSince = (seq: number) =>
      (db.prepare('SELECT DISTINCT tbl FROM fuzz_changes WHERE seq > ?').all(seq) as { tbl: string }[]).map((r) => r.tbl);

    const startSums = tableChecksums(db);
    const touchedByAccepted = new Set<string>();
    const rng = new Rng(SEED);
    const failures: string[] = [];
    type Row = { sent: number; ok: number; accepted: number; ms: number; byStatus: Record<number, number> };
    const stats = new Map<string, Row>();
    const tally = (key: string, status: number, accepted: boolean, ms: number) => {
      const row = stats.get(key) ?? { sent: 0, ok: 0, accepted: 0, ms: 0, byStatus: {} };
      row.ms += ms;
      row.sent++;
      if (status === 200) row.ok++;
      if (accepted) row.accepted++;
      row.byStatus[status] = (row.byStatus[status] ?? 0) + 1;
      stats.set(key, row);
    };

    // One session per account, renewed when a fuzzed call ends it (logout, password change…).
    const cookies = new Map<number, string>();
    const cookieOf = (user: FixtureUser) => {
      const known = cookies.get(user.id);
      if (known && db.prepare('SELECT 1 FROM sessions WHERE token_hash = ?').get(tokenHash(known.split('=')[1]))) return known;
      const fresh = f.cookieFor(user);
      cookies.set(user.id, fresh);
      return fresh;
    };

    async function fire(key: string, path: string, spec: AnyMethod | null, who: Who, req: FuzzRequest) {
      let user: FixtureUser | null = null;
      if (who !== 'anonymous') {
        user = users.get(who)!;
        if (!stillUsable(user)) {
          user = f.newUser(who);
          users.set(who, user);
        }
      }
      const cookie = user ? cookieOf(user) : null;
      const before = lastChange();
      const started = performance.now();
      const res = await send(path, req, cookie);
      const ms = performance.now() - started;
      const changed = tablesChangedSince(before);
      const accepted = res.status === 200 && Boolean(spec?.write);
      const problem = problemWith(res) ?? (changed.length && !accepted ? `a ${res.status} answer changed ${changed.join(', ')}` : null);
      if (problem && failures.length < 25) {
        failures.push(`${key} as ${who} [${req.kind}] → ${problem}\n    body: ${req.body.slice(0, 160)}\n    answer: ${res.status} ${res.text.slice(0, 200)}`);
      }
      if (accepted) changed.forEach((t) => touchedByAccepted.add(t));
      tally(key, res.status, accepted && changed.length > 0, ms);
    }

    for (const m of methods) {
      const spec = api[m] as AnyMethod;
      const limit = spec.maxBodyBytes ?? DEFAULT_BODY_LIMIT;
      for (let i = 0; i < perMethod; i++) {
        const who = ROLE_CYCLE[i % ROLE_CYCLE.length];
        const role = who === 'anonymous' ? 'admin' : who;
        const variant = role === 'village_doctor' && i % 2 === 1 ? 'other' : 'own';
        const req = mutate(bases.get(`${m}|${role}|${variant}`), schemas.get(m)!, rng, SEED, limit > 4 * DEFAULT_BODY_LIMIT ? DEFAULT_BODY_LIMIT : limit);
        await fire(m, `/api/${m}`, spec, who, req);
      }
    }
    // Paths that are not methods at all.
    const odd = [
      '/api/__proto__',
      '/api/constructor',
      '/api/hasOwnProperty',
      '/api/..%2f..%2fetc%2fpasswd',
      '/api/auth.login%00',
      `/api/${'x'.repeat(300)}`,
      '/api/',
      '/api/auth.login/extra',
      '/api/AUTH.LOGIN',
      '/api/auth.login?x=1&x=2',
    ];
    for (const [i, path] of odd.entries())
      await fire('(not a method)', path, null, ROLE_CYCLE[i % ROLE_CYCLE.length], { kind: 'unknown path', body: '{}', contentType: 'application/json' });

    // The end state: every table no accepted write touched is exactly as before.
    const endSums = tableChecksums(db);
    const unexpected = changedTables(startSums, endSums).filter((t) => !touchedByAccepted.has(t));

    const statuses = [...new Set([...stats.values()].flatMap((r) => Object.keys(r.byStatus).map(Number)))].sort((a, b) => a - b);
    const lines = [
      `fuzz (seed ${SEED}): requests per method and the statuses they got`,
      ['method'.padEnd(28), 'sent'.padStart(5), ...statuses.map((s) => String(s).padStart(5)), 'accepted writes'.padStart(16), 'seconds'.padStart(8)].join(' '),
      ...[...stats.entries()].map(([k, r]) =>
        [
          k.padEnd(28),
          String(r.sent).padStart(5),
          ...statuses.map((s) => String(r.byStatus[s] ?? 0).padStart(5)),
          String(r.accepted).padStart(16),
          (r.ms / 1000).toFixed(1).padStart(8),
        ].join(' '),
      ),
    ];
    const total = [...stats.values()].reduce((n, r) => n + r.sent, 0);
    lines.push(`total: ${total} requests over ${stats.size} rows; tables changed by accepted writes: ${[...touchedByAccepted].sort().join(', ') || 'none'}`);
    console.log(lines.join('\n'));

    expect(failures, failures.join('\n')).toEqual([]);
    // Whatever was accepted, the stock book still adds up: balances and monthly totals equal the ledger.
    expect(checkLedgerInvariants(db)).toEqual([]);
    expect(unexpected, `business tables changed without an accepted write: ${unexpected.join(', ')}`).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(10_000);
    expect(stats.size).toBe(methods.length + 1);
  }, 600_000);
});
