/**
 * Who does what in the demo plantings: the hub's pharmacist, a clinic's own doctor, and clients signed in as them
 * through the real handlers, signed out again when a planting ends.
 */
import { InternalClient } from '../api/internal';
import { sql } from '../db/database';
import type { Runtime } from '../runtime';

export const PHARMACIST = 'yaoku';

/** The clinic's first active village doctor (the demo gives every clinic one). */
export function doctorOf(runtime: Runtime, clinicId: number): string {
  return (
    sql(runtime.app.db, "SELECT username FROM users WHERE clinic_id = ? AND role = 'village_doctor' AND active = 1 ORDER BY id LIMIT 1").get(clinicId) as {
      username: string;
    }
  ).username;
}

/** Clients signed in as demo users for one planting; `logout` signs every one of them out. */
export function demoSessions(runtime: Runtime): { as(username: string): InternalClient; logout(): Promise<void> } {
  const clients: InternalClient[] = [];
  return {
    as(username) {
      const c = InternalClient.asUser(runtime, username);
      clients.push(c);
      return c;
    },
    async logout() {
      for (const c of clients.splice(0)) await c.call('auth.logout', {}).catch(() => undefined);
    },
  };
}
