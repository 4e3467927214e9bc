import { afterEach, describe, expect, it } from 'vitest';
import { api } from '../../shared/contract';
import { chinaDate } from '../../shared/dates';
import { LongReadWorker } from '../../electron/db/long-read-pool';
import { startHttpServer } from '../../electron/http/server';
import { runLongRead } from '../../electron/api/long-reads';
import { loadAuthedUser } from '../../electron/domain/auth/sessions';
import { sql } from '../../electron/db/database';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';

/** The supervision screens run on the long-read worker: same answers, same refusals, and a fallback. */
let hub: TestHub | null = null;
afterEach(async () => {
  await hub?.close();
  hub = null;
});

const window = { from: '2026-01', to: '2026-03' };

describe('long reads', () => {
  it('answer from the worker exactly what the handler answers on this thread, and see every committed write', async () => {
    hub = await createTestHub();
    await createClinic(hub, 'C01', '东村卫生室');
    const pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
    const app = hub.runtime.app;

    const fromWorker = await pharmacist.call('supervision.dashboard', window);
    expect(app.longReads.answered).toBe(1);
    const now = app.clock.now();
    const userId = (sql(app.db, "SELECT id FROM users WHERE username = 'yaoku'").get() as { id: number }).id;
    const user = loadAuthedUser(app.db, userId)!;
    const here = runLongRead(
      'supervision.dashboard',
      { db: app.readDb, now, today: chinaDate(now), user, optionalUser: user },
      api['supervision.dashboard'].input.parse(window),
    );
    expect(fromWorker).toEqual(JSON.parse(JSON.stringify(here)));
    expect(fromWorker.insurance.clinics.map((c) => c.clinicName)).toEqual(['东村卫生室']);

    // A clinic created a moment ago is on the worker's next answer: it reads the file, not a snapshot of it.
    await createClinic(hub, 'C02', '西村卫生室');
    const again = await pharmacist.call('supervision.dashboard', window);
    expect(again.insurance.clinics.map((c) => c.clinicName)).toEqual(['东村卫生室', '西村卫生室']);
    expect(app.longReads.answered).toBe(2);
  });

  it('carry a refusal back as the same error code and Chinese message', async () => {
    hub = await createTestHub();
    const pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
    const refused = await pharmacist.call('supervision.signals', { from: '2026-01-01', to: '2026-01-31', clinicId: 99_999 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('村卫生室') });
    expect(hub.runtime.app.longReads.answered).toBe(1);
  });

  it('run on the request thread when no worker can', async () => {
    // A worker whose file cannot be opened dies at start: the read still waiting runs here instead.
    const broken = new LongReadWorker('/nonexistent/santong.sqlite');
    const user = { id: 1, username: 'admin', displayName: '管理员', role: 'admin' as const, clinicId: null, clinicName: null, mustChangePassword: false };
    await expect(broken.run('supervision.dashboard', window, new Date('2026-03-02T01:00:00.000Z'), user, () => 'answered here')).resolves.toBe('answered here');
    expect(broken.answered).toBe(0);
    // And from then on without trying the worker again.
    await expect(broken.run('supervision.dashboard', window, new Date('2026-03-02T01:00:00.000Z'), user, () => 'here again')).resolves.toBe('here again');
    await broken.close();

    hub = await createTestHub();
    const pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
    await hub.runtime.app.longReads.close();
    const dash = await pharmacist.call('supervision.dashboard', window);
    expect(dash.insurance.total.amount).toBe(0);
    expect(hub.runtime.app.longReads.answered).toBe(0);
  });
});

describe('the long-read worker of a serving hub', () => {
  it('starts when the server listens, before any long read, and the first long read uses it', async () => {
    hub = await createTestHub();
    const pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
    const longReads = hub.runtime.app.longReads;
    expect(longReads.starts, 'no worker before anything serves').toBe(0);
    const server = await startHttpServer({ runtime: hub.runtime, host: '127.0.0.1', port: 0 });
    try {
      expect(longReads.starts).toBe(1);
      // The worker says when its connection is open: no read has been asked of it yet.
      await expect(longReads.whenReady()).resolves.toBe(true);
      expect(longReads.answered).toBe(0);
      const health = await fetch(new URL('/api/health', server.url));
      expect(health.status).toBe(200);

      await pharmacist.call('supervision.dashboard', window);
      expect(longReads.answered).toBe(1);
      expect(longReads.starts, 'the first long read started no worker of its own').toBe(1);
    } finally {
      await server.close();
    }
  });

  it('is replaced when it dies, and stopped with the hub before the close settles', async () => {
    hub = await createTestHub();
    const pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
    hub.runtime.startLongReadsAhead();
    const longReads = hub.runtime.app.longReads;
    await expect(longReads.whenReady()).resolves.toBe(true);
    const first = longReads.thread!;
    const firstExited = new Promise((resolve) => first.once('exit', resolve));
    await first.terminate();
    await firstExited;

    expect(longReads.starts).toBe(2);
    await expect(longReads.whenReady()).resolves.toBe(true);
    await pharmacist.call('supervision.dashboard', window);
    expect(longReads.answered).toBe(1);

    // The hub's close waits for the thread to be gone (its read-only handle on the file with it).
    const second = longReads.thread!;
    let secondExited = false;
    second.once('exit', () => {
      secondExited = true;
    });
    await hub.close();
    hub = null;
    expect(secondExited).toBe(true);
  });
});
