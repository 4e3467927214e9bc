import { createSimHub, simulate } from '../helpers/settlement';

/**
 * A hub with August–November 2026 of random business through the real handlers: August and September
 * closed (on the 3rd of the next month), October ended but still open, November under way. Returns the
 * data folder (the hub's runtime is closed, ready for the server). Passwords: admin Admin12345, the
 * others Changed123 (yaoku pharmacist, caiwu finance, cy01–cy03 village doctors).
 */
export async function seedSettlementHub(): Promise<string> {
  const sim = await createSimHub('2026-08-03');
  await simulate(sim, '2026-10-31', { seed: 20260803, opsPerDay: 4, close: true });
  sim.hub.clock.set('2026-11-01T02:00:00.000Z');
  await simulate(sim, '2026-11-20', { seed: 20261101, opsPerDay: 4, close: false });
  sim.hub.runtime.close();
  return sim.hub.dataDir;
}
