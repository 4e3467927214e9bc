import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inOneSnapshot, openDatabase, type WriteDb } from '../../electron/db/database';
import { tempDir } from '../helpers/runtime';

/**
 * A long read runs on a worker's connection while the server's thread commits: its statements must all see one
 * instant. The month's pre-close check compares the totals carried forward with the stock on hand in two reads; a
 * dispensing committed between them once made it refuse a sound month at ten years.
 */
const opened: WriteDb[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function writerAndReader() {
  const dir = tempDir('santong-snapshot-');
  dirs.push(dir);
  const file = path.join(dir, 'hub.sqlite');
  const writer = openDatabase(file);
  writer.exec('CREATE TABLE moves (qty INTEGER NOT NULL)');
  writer.prepare('INSERT INTO moves (qty) VALUES (5)').run();
  const reader = openDatabase(file, { readonly: true });
  opened.push(reader, writer);
  return { writer, reader };
}

/** Two reads with a commit by the other connection between them (and a turn of the event loop, as an async read has). */
async function twoReadsAroundACommit(writer: WriteDb, reader: WriteDb) {
  const total = () => (reader.prepare('SELECT sum(qty) AS n FROM moves').get() as { n: number }).n;
  const first = total();
  writer.prepare('INSERT INTO moves (qty) VALUES (-2)').run();
  await new Promise((r) => setImmediate(r));
  return [first, total()];
}

describe('a read in one snapshot', () => {
  it('sees one instant in every statement, whatever is committed meanwhile', async () => {
    const { writer, reader } = writerAndReader();
    expect(await inOneSnapshot(reader, () => twoReadsAroundACommit(writer, reader))).toEqual([5, 5]);
    // The commit is there for the next read.
    expect(reader.prepare('SELECT sum(qty) AS n FROM moves').get()).toEqual({ n: 3 });
    expect(reader.inTransaction).toBe(false);
  });

  it('is needed: statement by statement, the second read sees the commit the first did not', async () => {
    const { writer, reader } = writerAndReader();
    expect(await twoReadsAroundACommit(writer, reader)).toEqual([5, 3]);
  });

  it('ends its transaction when the read throws', async () => {
    const { reader } = writerAndReader();
    await expect(
      inOneSnapshot(reader, () => {
        reader.prepare('SELECT 1').get();
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(reader.inTransaction).toBe(false);
  });
});
