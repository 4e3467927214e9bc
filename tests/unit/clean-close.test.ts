import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../electron/runtime';
import { InternalClient } from '../../electron/api/internal';
import { recordCleanClose, takeCleanClose } from '../../electron/db/clean-close';
import { createTestHub, type TestHub } from '../helpers/runtime';

// A clean shutdown lets the next start skip the full quick_check (a minute on a ten-year hub); anything
// that touched the file since, or a start without a clean shutdown before it, checks it again.
let hub: TestHub | null = null;
afterEach(async () => {
  await hub?.close();
  hub = null;
});

describe('clean shutdown record', () => {
  it('is left by a clean close, consumed by the next start, and void once the file changed', async () => {
    hub = await createTestHub();
    const dbFile = hub.runtime.dbFile;
    const marker = `${dbFile}.clean-close.json`;
    hub.runtime.close();
    expect(fs.existsSync(marker)).toBe(true);
    expect(fs.existsSync(`${dbFile}-wal`) && fs.statSync(`${dbFile}-wal`).size > 0).toBe(false);

    // The next start takes the record: a crash during this run leaves none behind.
    hub.runtime = new Runtime({ dataDir: hub.dataDir, clock: hub.clock });
    expect(hub.runtime.recovery).toBeNull();
    expect(fs.existsSync(marker)).toBe(false);
    hub.runtime.close();

    expect(takeCleanClose(dbFile)).toBe(true);
    expect(takeCleanClose(dbFile)).toBe(false); // consumed

    recordCleanClose(dbFile);
    // A write after the record: the file's last byte written back as it was (the content stays a sound database;
    // a changed byte could land in a page the schema uses, as it did once migration 0025 grew the schema).
    const fd = fs.openSync(dbFile, 'r+');
    const last = Buffer.alloc(1);
    fs.readSync(fd, last, 0, 1, fs.statSync(dbFile).size - 1);
    fs.writeSync(fd, last, 0, 1, fs.statSync(dbFile).size - 1);
    fs.closeSync(fd);
    // wall-clock: the file system stamps the write with the machine's time; the test makes it later still.
    fs.utimesSync(dbFile, fs.statSync(dbFile).atime, new Date(fs.statSync(dbFile).mtimeMs + 5_000));
    expect(takeCleanClose(dbFile)).toBe(false); // written since

    recordCleanClose(dbFile);
    fs.writeFileSync(`${dbFile}-wal`, Buffer.alloc(4096, 1));
    expect(takeCleanClose(dbFile)).toBe(false); // a log not checkpointed: not as it was left
    fs.rmSync(`${dbFile}-wal`);
    // Without a valid record the next start checks the file before it serves, and the hub opens as it was.
    hub.runtime = new Runtime({ dataDir: hub.dataDir, clock: hub.clock });
    expect(hub.runtime.recovery).toBeNull();
    expect(hub.runtime.checking).toBeNull();
    expect(fs.existsSync(marker)).toBe(false);
    expect(await new InternalClient(hub.runtime).call('system.status', {})).toMatchObject({ setupRequired: false, hubName: '测试镇卫生院' });
  });
});
