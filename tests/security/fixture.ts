import { sql } from '../../electron/db/database';
import { InternalClient } from '../../electron/api/internal';
import { hashPassword } from '../../electron/domain/auth/passwords';
import { createSession } from '../../electron/domain/auth/sessions';
import type { ClinicRow } from '../../shared/contract/clinics';
import type { Role } from '../../shared/contract';
import { createClinic, createUser } from '../helpers/runtime';
import { createHttpHub, type HttpHub } from '../helpers/http';

/** The password of every account the fixture makes (they never need to change it). */
export const FIXTURE_PASSWORD = 'Fixture2026';

export interface FixtureUser {
  id: number;
  username: string;
  role: Role;
  clinicId: number | null;
  password: string;
}

/**
 * A hub behind the real HTTP server, seeded for security tests: two clinics (A is the village doctor's
 * own, B another), an API client per role to build records with, and fresh accounts and sessions on demand.
 *
 * Records that samples need are built lazily through `once` (shared, for reads) or afresh per call (for
 * writes that consume their target), through the real API, so the fixture grows with the contract.
 */
export interface SecurityFixture {
  hub: HttpHub;
  clinicA: ClinicRow;
  clinicB: ClinicRow;
  /** Signed-in API clients (in-process) for building records: admin, pharmacist, finance, doctors of A and B. */
  admin: InternalClient;
  pharmacist: InternalClient;
  finance: InternalClient;
  doctorA: InternalClient;
  doctorB: InternalClient;
  /** A brand-new account of a role (a village doctor belongs to clinic A unless told otherwise). Cheap: no hashing. */
  newUser(role: Role, clinicId?: number): FixtureUser;
  /** A session cookie ('santong_sid=…') for a user, made directly (no login round trip). */
  cookieFor(user: FixtureUser): string;
  /** Memoises a record shared by many samples, e.g. `f.once('requisitionA', () => …)`. */
  once<T>(key: string, build: () => Promise<T> | T): Promise<T>;
  /** A number unique within this fixture, for codes and names that must not repeat. */
  seq(): number;
  close(): Promise<void>;
}

export async function createSecurityFixture(): Promise<SecurityFixture> {
  const hub = await createHttpHub();
  const db = hub.runtime.app.db;
  const clinicA = await createClinic(hub, 'SA01', '甲村卫生室');
  const clinicB = await createClinic(hub, 'SB01', '乙村卫生室');
  const passwordHash = await hashPassword(FIXTURE_PASSWORD);
  let counter = 0;
  const seq = () => ++counter;

  const newUser = (role: Role, clinicId?: number): FixtureUser => {
    const username = `fx_${role}_${seq()}`;
    const clinic = role === 'village_doctor' ? (clinicId ?? clinicA.id) : null;
    const at = hub.clock.now().toISOString();
    const { lastInsertRowid } = sql(
      db,
      `INSERT INTO users (username, display_name, role, clinic_id, password_hash, must_change_password, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 0, ?, ?)`,
    ).run(username, username, role, clinic, passwordHash, at, at);
    return { id: Number(lastInsertRowid), username, role, clinicId: clinic, password: FIXTURE_PASSWORD };
  };
  const clientFor = (user: FixtureUser) => {
    const { token } = createSession(db, user.id, hub.clock.now(), { ip: '127.0.0.1' });
    return new InternalClient(hub.runtime, '127.0.0.1', token);
  };

  const memo = new Map<string, Promise<unknown>>();
  // A pharmacist made through the real API too, so the fixture also covers the normal path.
  const pharmacist = await createUser(hub, { username: 'fx_yaoku', role: 'pharmacist' });
  return {
    hub,
    clinicA,
    clinicB,
    admin: hub.admin,
    pharmacist,
    finance: clientFor(newUser('finance')),
    doctorA: clientFor(newUser('village_doctor', clinicA.id)),
    doctorB: clientFor(newUser('village_doctor', clinicB.id)),
    newUser,
    cookieFor(user) {
      const { token } = createSession(db, user.id, hub.clock.now(), { ip: '127.0.0.1' });
      return `santong_sid=${token}`;
    },
    once<T>(key: string, build: () => Promise<T> | T): Promise<T> {
      if (!memo.has(key)) memo.set(key, Promise.resolve().then(build));
      return memo.get(key) as Promise<T>;
    },
    seq,
    close: async () => {
      await hub.close();
    },
  };
}
