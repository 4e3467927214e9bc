import { afterEach, describe, expect, it } from 'vitest';
import { sql, type ReadDb, type WriteDb } from '../../electron/db/database';
import type { Handler, HandlerContext, WriteContext } from '../../electron/domain/context';
import type { OpenHub } from '../../electron/domain/ports';
import { createTestHub, type TestHub } from '../helpers/runtime';

/**
 * A read method's handler gets the read-only connection, typed so that a write through it does not compile, and
 * sees the hub without its writer (the hub's own connection typed as a reader).
 * The `@ts-expect-error` lines are the test: `npm run typecheck` fails when a line below them compiles, i.e. when
 * the types stop telling the two handles apart. The run-time half: the read connection refuses writes too.
 */

// Compile-time half: never called, only type-checked.
const readHandlerCannotWrite: Handler<'catalog.search'> = (ctx) => {
  // @ts-expect-error a read handler's statements have no run()
  sql(ctx.db, 'DELETE FROM drugs').run();
  // @ts-expect-error nor has its handle exec() or transaction()
  ctx.db.exec('DELETE FROM drugs');
  // @ts-expect-error a read handler cannot hand its context to a helper that writes
  needsWriter(ctx);
  // @ts-expect-error nor reach the writer through the hub it sees
  sql(ctx.hub.db, 'DELETE FROM drugs').run();
  // @ts-expect-error nor hand the hub to a helper that writes through it
  needsHubWriter(ctx.hub);
  return { items: [], total: 0 } as never;
};

const writeHandlerMayReadAndWrite: Handler<'catalog.update'> = (ctx) => {
  readsOnly(ctx);
  needsWriter(ctx);
  needsHubWriter(ctx.hub);
  sql(ctx.db, 'SELECT 1').get();
  return undefined as never;
};

function needsWriter(ctx: WriteContext): WriteDb {
  return ctx.db;
}

function needsHubWriter(hub: OpenHub): WriteDb {
  return hub.db;
}

function readsOnly(ctx: HandlerContext): ReadDb {
  return ctx.db;
}

describe('read and write handles', () => {
  let hub: TestHub | undefined;
  afterEach(() => hub?.close());

  it('the handlers above are what the contract handler types accept', () => {
    expect([readHandlerCannotWrite, writeHandlerMayReadAndWrite].map((h) => typeof h)).toEqual(['function', 'function']);
  });

  it('the read connection refuses a write even past the types', async () => {
    hub = await createTestHub();
    const read = hub.runtime.app.readDb as WriteDb;
    expect(() => read.prepare("INSERT INTO settings (key, value) VALUES ('probe', '1')").run()).toThrow(/readonly/i);
    expect(sql(hub.runtime.app.db, "SELECT count(*) AS n FROM settings WHERE key = 'probe'").get()).toEqual({ n: 0 });
  });
});
