/**
 * A worker's long CPU work gives way to the request thread on every platform (lib/request-pressure.ts): dispatch
 * counts the requests this thread answers, a worker's pace points wait while any is under way, wake when the last
 * ends, and never wait past their bound. Outcomes and counts, never timings.
 */
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { answeredOnRequestThread } from '../../electron/api/dispatch';
import { handlers } from '../../electron/api/handlers';
import { importsOffThread } from '../../electron/domain/catalog/off-thread';
import { catalogRowsWorkbook, generateCatalogRows } from '../../electron/demo/catalog';
import { beginRequest, requestPacer, requestPressure } from '../../electron/lib/request-pressure';
import { sql } from '../../electron/db/database';
import { createTestHub, type TestHub } from '../helpers/runtime';

const underWay = () => Atomics.load(requestPressure(), 0);

const hubs: TestHub[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.close();
});

describe('request pressure', () => {
  it('counts a request until it ends, once however often it is ended', () => {
    const before = underWay();
    const end = beginRequest();
    const other = beginRequest();
    expect(underWay()).toBe(before + 2);
    end();
    end();
    expect(underWay()).toBe(before + 1);
    other();
    expect(underWay()).toBe(before);
  });

  it('lets a worker run while nothing is under way, and stops waiting at its bound when requests go on', () => {
    const shared = new Int32Array(new SharedArrayBuffer(4));
    const { pace, stats } = requestPacer(shared, { maxWaitMs: 5, runAfterTimeoutMs: 60_000 });
    expect(pace()).toBe('free');
    expect(stats.waits).toBe(0);
    Atomics.store(shared, 0, 3);
    expect(pace()).toBe('timed-out');
    // Kept waiting to its bound, it then runs before it waits again: it always finishes.
    expect(pace()).toBe('free');
    expect(stats).toMatchObject({ waits: 1, timedOut: 1 });
    expect(requestPacer(null).pace()).toBe('free');
  });

  it('wakes a waiting worker as soon as the last request ends', async () => {
    const shared = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(shared, 0, 1);
    // Another thread ends the request a moment after this one starts waiting (as the request thread would).
    const ender = new Worker(
      `const { workerData } = require('node:worker_threads');
       const shared = workerData;
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
       if (Atomics.sub(shared, 0, 1) === 1) Atomics.notify(shared, 0);`,
      { eval: true, workerData: shared },
    );
    const { pace, stats } = requestPacer(shared, { maxWaitMs: 120_000 });
    expect(pace()).toBe('cleared');
    expect(stats).toMatchObject({ waits: 1, timedOut: 0 });
    await new Promise((resolve) => ender.once('exit', resolve));
  });

  it("counts the calls this thread answers, not the long reads or the calls that wait for a worker's work", async () => {
    expect(answeredOnRequestThread('stock.onHand')).toBe(true);
    expect(answeredOnRequestThread('dispensing.create')).toBe(true);
    expect(answeredOnRequestThread('catalog.importCommit')).toBe(false);
    expect(answeredOnRequestThread('catalog.importPreview')).toBe(false);
    expect(answeredOnRequestThread('supervision.dashboard')).toBe(false);

    const h = await createTestHub();
    hubs.push(h);
    const table = handlers as unknown as Record<string, unknown>;
    const original = table['auth.me'] as (...args: unknown[]) => unknown;
    let seen = -1;
    table['auth.me'] = (...args: unknown[]) => {
      seen = underWay();
      return original(...args);
    };
    try {
      const before = underWay();
      await h.admin.call('auth.me', {});
      expect(seen).toBe(before + 1);
      expect(underWay()).toBe(before);
      // A refused call ends its count too.
      await expect(h.admin.call('stock.onHand', { storeId: 999_999 })).rejects.toThrow();
      expect(underWay()).toBe(before);
    } finally {
      table['auth.me'] = original;
    }
  });

  it('a catalog import waits at its pace points while a request is under way, and still writes every drug', async () => {
    const h = await createTestHub();
    hubs.push(h);
    const rows = generateCatalogRows(400, 11);
    const file = { filename: '目录-400.xlsx', base64: (await catalogRowsWorkbook(rows)).toString('base64') };
    const preview = await h.admin.call('catalog.importPreview', { file });

    const quietBefore = importsOffThread.waitsForRequests;
    const quiet = await h.admin.call('catalog.importCommit', { file, mapping: preview.mapping, mode: 'all' });
    expect(importsOffThread.waitsForRequests).toBe(quietBefore);

    const again = await createTestHub();
    hubs.push(again);
    const againPreview = await again.admin.call('catalog.importPreview', { file });
    const busyBefore = importsOffThread.waitsForRequests;
    // A request held under way for the whole import (a village's call that never ends): the import still finishes.
    const end = beginRequest();
    try {
      const busy = await again.admin.call('catalog.importCommit', { file, mapping: againPreview.mapping, mode: 'all' });
      expect(busy).toEqual(quiet);
    } finally {
      end();
    }
    expect(importsOffThread.waitsForRequests).toBeGreaterThan(busyBefore);
    const drugs = (db: typeof h.runtime.app.db) => (sql(db, 'SELECT count(*) AS n FROM drugs').get() as { n: number }).n;
    expect(drugs(again.runtime.app.db)).toBe(drugs(h.runtime.app.db));
  }, 120_000);
});
