import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openApp } from '../../electron/app';
import { openDatabase } from '../../electron/db/database';
import { loadMigrations, migrate, schemaVersion } from '../../electron/db/migrate';
import { migrationsDir } from '../../electron/paths';
import type { AppError } from '../../electron/errors';
import { tempDir } from '../helpers/runtime';

const dirs: string[] = [];
const fresh = () => {
  const d = tempDir();
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('migrations', () => {
  it('are numbered without gaps and every table is STRICT', () => {
    const migrations = loadMigrations(migrationsDir());
    expect(migrations.length).toBeGreaterThan(0);
    const dir = fresh();
    const app = openApp({ dataDir: dir });
    const tables = app.db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
      name: string;
      sql: string;
    }[];
    for (const t of tables) expect(t.sql, t.name).toMatch(/\)\s*(STRICT(\s*,\s*WITHOUT ROWID)?|WITHOUT ROWID\s*,\s*STRICT)\s*$/i);
    expect(app.schemaVersion).toBe(migrations.length);
    const recorded = app.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[];
    expect(recorded.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
    expect(app.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(app.db.pragma('foreign_keys', { simple: true })).toBe(1);
    app.close();
  });

  it('refuses a database written by a newer version and leaves it untouched', () => {
    const dir = fresh();
    openApp({ dataDir: dir }).close();
    const file = path.join(dir, 'santong.sqlite');
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openApp({ dataDir: dir })).toThrowError(/更新版本/);
    try {
      openApp({ dataDir: dir });
    } catch (err) {
      expect((err as AppError).code).toBe('DB_TOO_NEW');
    }
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a SQLite file that is not a Santong database', () => {
    const dir = fresh();
    const raw = new Database(path.join(dir, 'santong.sqlite'));
    raw.exec('CREATE TABLE other_app (x INTEGER)');
    raw.close();
    expect(() => openApp({ dataDir: dir })).toThrowError(/不是三统/);
  });

  it('backs up before upgrading and applies all pending steps in one transaction', () => {
    const dir = fresh();
    const file = path.join(dir, 'db.sqlite');
    const base = loadMigrations(migrationsDir());
    const db = openDatabase(file);
    migrate(db, base, { backupDir: path.join(dir, 'backups'), now: new Date('2026-03-02T01:00:00.000Z') });
    db.prepare("INSERT INTO settings (key, value) VALUES ('hub.name', '保留')").run();

    const good = { version: base.length + 1, name: 'add_x', sql: 'CREATE TABLE x (id INTEGER PRIMARY KEY) STRICT;' };
    const bad = { version: base.length + 2, name: 'broken', sql: 'CREATE TABLE y (id INTEGER PRIMARY KEY) STRICT; INSERT INTO no_such_table VALUES (1);' };
    expect(() => migrate(db, [...base, good, bad], { backupDir: path.join(dir, 'backups'), now: new Date('2026-03-02T01:00:00.000Z') })).toThrow();
    // Neither step stuck: the version and the schema are as before.
    expect(schemaVersion(db)).toBe(base.length);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name IN ('x', 'y')").get()).toEqual({ n: 0 });

    const result = migrate(db, [...base, good], { backupDir: path.join(dir, 'backups'), now: new Date('2026-03-02T01:00:00.000Z') });
    expect(result).toMatchObject({ from: base.length, to: base.length + 1 });
    expect(result.backupFile && fs.existsSync(result.backupFile)).toBe(true);
    const backup = new Database(result.backupFile!, { readonly: true });
    expect(backup.pragma('user_version', { simple: true })).toBe(base.length);
    expect(backup.prepare("SELECT value FROM settings WHERE key = 'hub.name'").get()).toEqual({ value: '保留' });
    backup.close();
    db.close();
  });
});
