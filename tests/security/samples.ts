/**
 * Sample inputs for every API method, used by the access-matrix test (every method × role × own/other
 * clinic against the running HTTP server) and as the starting points of the fuzz test.
 *
 * ADDING A METHOD? Add its sample here, or tests/unit/security-matrix.test.ts fails naming the method.
 * - `input`: a VALID input (the matrix fails on a 400 VALIDATION answer: a stale sample proves nothing).
 *   A business refusal (404/409/422) is fine: the matrix checks who may call, not what the answer is.
 * - Clinic-scoped methods (`clinicScoped: true` in the contract) give `own` (records of clinic A, the village
 *   doctor's own) and `other` (records of clinic B: the doctor must get 403 FORBIDDEN_CLINIC). A method that
 *   names no clinic and silently limits a doctor to their own rows (a list) gives `otherFiltered` instead: a
 *   check that the doctor's answer holds nothing of clinic B.
 * - Writes must not spoil the fixture for later cells: a write that consumes or changes its target builds a
 *   fresh one per call (`f.newUser`, or create a record through `f.admin` / `f.pharmacist` / `f.doctorA`).
 *   Records many reads share are built once with `f.once(key, …)`. Each cell runs as a brand-new account of
 *   its role (`ctx.user`, null when anonymous), so logging out or changing a password harms nothing.
 * - Never let a sample do something that ends the fixture (restoring a backup over it): aim such methods at
 *   a file that does not exist, so the call is authorised and then answered 404.
 */
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract';
import type { ErrorCode } from '../../shared/errors';
import { FIXTURE_PASSWORD, type FixtureUser, type SecurityFixture } from './fixture';
import { stockSamples } from './samples-stock';
import { stocktakeSamples } from './samples-stocktake';
import { settlementSamples } from './samples-settlement';
import { purchasingSamples } from './samples-purchasing';
import { catalogSamples } from './samples-catalog';
import { exportSamples } from './samples-export';
import { supervisionSamples } from './samples-supervision';
import { reconciliationSamples } from './samples-reconciliation';
import { gspSamples } from './samples-gsp';
import { prefectureSamples } from './samples-prefecture';
import path from 'node:path';

export interface SampleContext {
  f: SecurityFixture;
  /** The account this call runs as; null for the anonymous column. */
  user: FixtureUser | null;
}

type Build<K extends MethodName> = (ctx: SampleContext) => MethodInput<K> | Promise<MethodInput<K>>;

/**
 * A refusal every caller gets in the fixture's state, by design and whatever the role (e.g. restoring
 * without login on a hub that is running normally answers 403 FORBIDDEN to everyone). The matrix then
 * accepts exactly this answer in its "allowed" cells; say why.
 */
export interface StateRefusal {
  status: 401 | 403;
  code: ErrorCode;
  why: string;
}

export type MethodSample<K extends MethodName> = (
  | { input: Build<K> }
  | { own: Build<K>; other: Build<K> }
  /** Returns the problems found in a village doctor's answer (empty when it holds only their own clinic). */
  | { own: Build<K>; otherFiltered: (output: MethodOutput<K>, ctx: SampleContext) => string[] }
) & { stateRefusal?: StateRefusal };

export type SampleRegistry = { [K in MethodName]?: MethodSample<K> };

const empty = () => ({});

export const samples: SampleRegistry = {
  // ── setup and sessions ─────────────────────────────────────────────────────────────────────────
  'system.status': { input: empty },
  // Already set up: every caller gets 409 INVALID_STATE, before any password is hashed.
  'setup.initialize': {
    input: () => ({ hubName: '另一个卫生院', adminUsername: 'intruder', adminDisplayName: '入侵者', adminPassword: 'Intrude2026' }),
  },
  'setup.enterDemo': { input: empty },
  'setup.leaveDemo': { input: empty },
  'auth.login': { input: ({ f, user }) => ({ username: (user ?? f.newUser('pharmacist')).username, password: FIXTURE_PASSWORD }) },
  'auth.logout': { input: empty },
  'auth.logoutAll': { input: empty },
  'auth.me': { input: empty },
  'workbench.todos': { input: empty },
  'auth.changePassword': { input: () => ({ oldPassword: FIXTURE_PASSWORD, newPassword: 'Changed2026x' }) },

  // ── users ──────────────────────────────────────────────────────────────────────────────────────
  'users.list': { input: () => ({ includeInactive: true }) },
  'users.create': {
    input: ({ f }) => ({
      username: `fx_new_${f.seq()}`,
      initialPassword: 'Initial2026',
      displayName: '新药师',
      role: 'pharmacist',
      clinicId: null,
      phone: null,
    }),
  },
  'users.update': {
    input: ({ f }) => ({ id: f.newUser('finance').id, displayName: '改名的会计', role: 'finance', clinicId: null, phone: '0731-1234567', active: true }),
  },
  'users.resetPassword': { input: ({ f }) => ({ id: f.newUser('finance').id, initialPassword: 'Reset2026x' }) },

  // ── clinics ────────────────────────────────────────────────────────────────────────────────────
  'clinics.list': {
    own: () => ({ includeInactive: true }),
    otherFiltered: (rows, { f }) => rows.filter((c) => c.id !== f.clinicA.id).map((c) => `clinic ${c.code} is not the doctor's own`),
  },
  'clinics.get': { own: ({ f }) => ({ id: f.clinicA.id }), other: ({ f }) => ({ id: f.clinicB.id }) },
  'clinics.create': { input: ({ f }) => ({ code: `SX${f.seq()}`, name: `新建${f.seq()}村卫生室`, village: null, address: null, phone: null }) },
  'clinics.update': {
    input: async ({ f }) => {
      const n = f.seq();
      const clinic = await f.admin.call('clinics.create', { code: `SU${n}`, name: `待改${n}村卫生室`, village: null, address: null, phone: null });
      return { id: clinic.id, code: clinic.code, name: `已改${n}村卫生室`, village: '某村', address: null, phone: null, active: true };
    },
  },

  // ── audit log ──────────────────────────────────────────────────────────────────────────────────
  'audit.list': { input: ({ f }) => ({ clinicId: f.clinicA.id, outcome: 'denied', from: '2026-01-01', page: 1, pageSize: 20 }) },
  'audit.deniedSummary': { input: () => ({ days: 7 }) },
  'audit.methods': { input: empty },
  'audit.export': { input: ({ f }) => ({ clinicId: f.clinicA.id, from: '2026-01-01' }) },

  // ── system settings (no LAN server runs in tests: the settings are only stored) ─────────────────
  'system.lanStatus': { input: empty },
  'system.updateLanSettings': { input: () => ({ enabled: false, port: 8686, https: false }) },
  'system.caCertificate': { input: empty },
  'system.postingRules': { input: empty },
  'system.updatePostingRules': { input: () => ({ maxBackdateDays: 7 }) },

  // ── backups and recovery (the restore samples name files that do not exist: never restore over the fixture) ──
  'backup.status': { input: empty },
  'backup.updateSettings': { input: ({ f }) => ({ dir: path.join(f.hub.dataDir, 'backups'), keep: 30 }) },
  'backup.create': { input: () => ({ note: '安全测试' }) },
  'backup.list': { input: empty },
  'backup.restore': { input: () => ({ fileName: 'santong-nohub-20260101-000000-manual.sqlite' }) },
  'backup.download': { input: () => ({ fileName: 'santong-nohub-20260101-000000-manual.sqlite' }) },
  'system.integrityCheck': { input: empty },
  'recovery.status': { input: empty },
  'recovery.restore': {
    input: () => ({ fileName: 'santong-nohub-20260101-000000-manual.sqlite' }),
    stateRefusal: { status: 403, code: 'FORBIDDEN', why: 'a hub that runs normally is restored by a signed-in administrator, never without login' },
  },

  // ── each domain's samples live beside its fixture ──────────────────────────────────────────────
  ...stockSamples,
  ...stocktakeSamples,
  ...settlementSamples,
  ...purchasingSamples,
  ...catalogSamples,
  ...exportSamples,
  ...supervisionSamples,
  ...reconciliationSamples,
  ...gspSamples,
  ...prefectureSamples,
};
