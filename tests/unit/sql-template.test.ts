import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type WriteDb } from '../../electron/db/database';
import { given, row, rows, run, scalar, sql } from '../../electron/db/sql';

describe('sql tagged template', () => {
  let db: WriteDb | undefined;
  afterEach(() => db?.close());

  function open(): WriteDb {
    db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'santong-sql-')), 't.sqlite'));
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, store INTEGER NOT NULL, name TEXT NOT NULL)');
    return db;
  }

  it('binds every value as a parameter, so a quote in a value is data, never SQL', () => {
    const w = open();
    const name = "x'); DROP TABLE t; --";
    run(w, sql`INSERT INTO t (store, name) VALUES (${1}, ${name})`);
    expect(rows<{ name: string }>(w, sql`SELECT name FROM t WHERE name = ${name}`)).toEqual([{ name }]);
    expect(sql`SELECT * FROM t WHERE id = ${5} AND name = ${'a'}`).toMatchObject({ text: 'SELECT * FROM t WHERE id = ? AND name = ?', params: [5, 'a'] });
  });

  it('builds WHERE from the filters given: each combination its own statement, none with (? IS NULL OR …)', () => {
    const w = open();
    for (const [store, name] of [
      [1, 'a'],
      [1, 'b'],
      [2, 'a'],
    ] as const)
      run(w, sql`INSERT INTO t (store, name) VALUES (${store}, ${name})`);
    const find = (store: number | null, name: string | null) =>
      sql`SELECT id FROM t ${sql.where([...given(store, (s) => sql`store = ${s}`), ...given(name, (n) => sql`name = ${n}`)])} ORDER BY id`;
    expect(find(null, null).text).toBe('SELECT id FROM t  ORDER BY id');
    expect(find(1, null)).toMatchObject({ text: 'SELECT id FROM t WHERE store = ? ORDER BY id', params: [1] });
    expect(rows(w, find(1, 'b'))).toEqual([{ id: 2 }]);
    expect(rows(w, find(null, 'a'))).toEqual([{ id: 1 }, { id: 3 }]);
    expect(scalar(w, sql`SELECT count(*) FROM t WHERE store IN ${sql.in([1, 2])}`, 0)).toBe(3);
    expect(scalar(w, sql`SELECT count(*) FROM t WHERE store IN ${sql.in([])}`, 0)).toBe(0);
    expect(row(w, sql`SELECT name FROM t WHERE id = ${99}`)).toBeUndefined();
  });

  it('refuses an undefined value and an identifier that is not one', () => {
    expect(() => sql`SELECT ${undefined}`).toThrow(/undefined/);
    expect(() => sql.identifier('t; DROP TABLE t')).toThrow(/identifier/);
    expect(sql`SELECT * FROM ${sql.identifier('ledger')}`.text).toBe('SELECT * FROM ledger');
  });
});
