import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { APPLICATION_ID } from '../../electron/db/database';
import { Runtime } from '../../electron/runtime';
import { ADMIN_PASSWORD, createClinic, createUser, scratchDirs } from '../helpers/runtime';
import { createHttpHub, sessionCookie, type HttpHub } from '../helpers/http';

/**
 * Forged and booby-trapped database files (issue 19, items 2, 3 and 11): refused before anything changes,
 * the hub keeps working (and starts again), the data check names what is wrong.
 */
const root = path.resolve(import.meta.dirname, '../..');
const scratchDir = scratchDirs();
let hub: HttpHub;
/** Runtimes a test started on the hub's folder after stopping the hub (closed after the test). */
const restarted: Runtime[] = [];
beforeEach(async () => {
  hub = await createHttpHub();
});
afterEach(async () => {
  restarted.splice(0).forEach((r) => r.close());
  await hub.close();
});

/** Stops the hub's server and runtime, as quitting the program would, and starts a runtime on `dataDir`. */
async function restart(dataDir = hub.dataDir): Promise<Runtime> {
  await hub.server.close();
  hub.runtime.close();
  const runtime = new Runtime({ dataDir, clock: hub.clock, validateOutputs: true });
  restarted.push(runtime);
  return runtime;
}

const backupsDir = () => path.join(hub.dataDir, 'backups');
const clinicCodes = async (client = hub.admin) => (await client.call('clinics.list', {})).map((c) => c.code);

/** An SQLite file with Santong's identity and the current version, but only two tables. */
function forgedFile(file: string): string {
  const db = new Database(file);
  db.exec(`CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
           CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT, password_hash TEXT, role TEXT);
           INSERT INTO settings VALUES ('hub.name', '假卫生院');`);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma(`user_version = ${hub.runtime.latestSchemaVersion}`);
  db.close();
  return file;
}

/** A genuine backup with the ledger's guards dropped and a trigger that makes whoever dispenses an administrator. */
function boobyTrapped(from: string, file: string): string {
  fs.copyFileSync(from, file);
  const db = new Database(file);
  db.exec(`DROP TRIGGER ledger_append_only_update;
           DROP TRIGGER ledger_append_only_delete;
           CREATE TRIGGER promote AFTER INSERT ON dispensings BEGIN UPDATE users SET role = 'admin'; END;`);
  db.close();
  return file;
}

const upload = (file: string, filename = path.basename(file)) => ({ upload: { filename, base64: fs.readFileSync(file).toString('base64') } });

function integrityCli(args: string[]) {
  const cli = path.join(root, 'dist/electron/integrity.cjs');
  expect(fs.existsSync(cli), 'build first: npm run build').toBe(true);
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

/** The hub answers as before: the same data, the same signed-in session, logins, the data check. */
async function expectHubWorking(cookie: string, codes: string[]) {
  expect(await clinicCodes()).toEqual(codes);
  expect((await hub.post('clinics.list', {}, { cookie })).status).toBe(200);
  expect((await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
  expect((await hub.post('recovery.status', {})).status).toBe(200);
  expect((await hub.post('system.status', {})).json).toMatchObject({ setupRequired: false, hubName: '测试镇卫生院' });
  expect((await hub.admin.call('system.integrityCheck', {})).checks.filter((c) => !c.ok)).toEqual([]);
}

describe('a forged backup', () => {
  it('is refused whether uploaded or found in the backup folder, changes nothing, and the hub restarts normally', async () => {
    await createClinic(hub, 'C01');
    const cookie = sessionCookie((await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD })).headers);
    const forged = forgedFile(path.join(scratchDir(), 'forged.sqlite'));
    fs.copyFileSync(forged, path.join(backupsDir(), 'santong-测试镇卫生院-20260301-090000-manual.sqlite'));

    for (const input of [upload(forged), { fileName: 'santong-测试镇卫生院-20260301-090000-manual.sqlite' }]) {
      const res = await hub.post('backup.restore', input, { cookie });
      expect(res.status).toBe(422);
      expect(res.json.error).toMatchObject({
        code: 'BACKUP_INVALID',
        message: expect.stringMatching(/结构不符（表 settings 的定义被改动.*共 \d+ 处）.*不能用于恢复/),
      });
    }
    await expectHubWorking(cookie, ['C01']);
    expect(fs.readdirSync(hub.dataDir).filter((f) => /restore-|\.previous/.test(f))).toEqual([]);

    // Started again on the same folder: the same hub, not recovery mode.
    const again = await restart();
    expect(again.recovery).toBeNull();
    const admin = new InternalClient(again, '127.0.0.1');
    await admin.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(await clinicCodes(admin)).toEqual(['C01']);
  });

  it('is reported by the data check from the command line, never "全部检查通过"', () => {
    const forged = forgedFile(path.join(scratchDir(), 'forged.sqlite'));
    const run = integrityCli(['--file', forged]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('[问题 FAIL] 数据库结构与其版本的定义一致');
    expect(run.stdout).toContain('- 缺少表 audit_log');
    expect(run.stdout).toContain('缺少保护触发器 ledger_append_only_update');
    expect(run.stdout).not.toContain('全部检查通过');
  });
});

describe('a genuine backup with planted triggers', () => {
  it('is refused by upload, by the hub PC without login on a fresh install, and as the live file at start-up', async () => {
    const clinic = await createClinic(hub, 'C01');
    await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId: clinic.id });
    const good = await hub.admin.call('backup.create', {});
    const trapped = boobyTrapped(path.join(backupsDir(), good.fileName), path.join(scratchDir(), 'trapped.sqlite'));
    const cookie = sessionCookie((await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD })).headers);

    const res = await hub.post('backup.restore', upload(trapped, '备份.sqlite'), { cookie });
    expect(res.status).toBe(422);
    expect(res.json.error.message).toMatch(/结构不符（多出触发器 promote（表 dispensings）；缺少触发器 ledger_append_only_delete（表 ledger）；/);
    await expectHubWorking(cookie, ['C01']);
    expect(hub.runtime.app.db.prepare("SELECT role FROM users WHERE username = 'cy01'").get()).toEqual({ role: 'village_doctor' });

    // A new PC taking over a hub from a backup (no login needed there) refuses it too.
    const freshDir = scratchDir();
    const fresh = new Runtime({ dataDir: freshDir, clock: hub.clock, validateOutputs: true });
    try {
      const local = new InternalClient(fresh, '127.0.0.1');
      await expect(local.call('recovery.restore', upload(trapped))).rejects.toMatchObject({
        code: 'BACKUP_INVALID',
        message: expect.stringContaining('promote'),
      });
      expect(await local.call('system.status', {})).toMatchObject({ setupRequired: true });
    } finally {
      fresh.close();
    }

    // Put in place of the live file while the hub is off: it starts in recovery mode instead of running the trap.
    await hub.server.close();
    hub.runtime.close();
    const dbFile = path.join(hub.dataDir, 'santong.sqlite');
    for (const s of ['-wal', '-shm']) fs.rmSync(`${dbFile}${s}`, { force: true });
    fs.copyFileSync(trapped, dbFile);
    const started = new Runtime({ dataDir: hub.dataDir, clock: hub.clock, validateOutputs: true });
    restarted.push(started);
    expect(started.recovery?.problem).toMatch(/数据库结构与版本 \d+ 应有的结构不符.*被其他程序改动或替换/);
    const local = new InternalClient(started, '127.0.0.1');
    await local.call('recovery.restore', { fileName: good.fileName });
    expect(started.recovery).toBeNull();
    expect(started.app.db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'promote'").get()).toEqual({ n: 0 });
  });

  it('fails the data check: the structure and the append-only guards, by name', async () => {
    const good = await hub.admin.call('backup.create', {});
    const trapped = boobyTrapped(path.join(backupsDir(), good.fileName), path.join(scratchDir(), 'trapped.sqlite'));
    const run = integrityCli(['--file', trapped, '--json']);
    expect(run.status).toBe(1);
    const failing = Object.fromEntries(
      (JSON.parse(run.stdout).checks as { key: string; ok: boolean; problems: string[] }[]).filter((c) => !c.ok).map((c) => [c.key, c.problems]),
    );
    expect(failing).toEqual({
      'schema.objects': [
        '多出触发器 promote（表 dispensings）',
        '缺少触发器 ledger_append_only_delete（表 ledger）',
        '缺少触发器 ledger_append_only_update（表 ledger）',
      ],
      'schema.appendOnly': [
        '表 ledger 缺少保护触发器 ledger_append_only_delete：记录可被删除',
        '表 ledger 缺少保护触发器 ledger_append_only_update：记录可被修改',
      ],
    });
  });
});

describe('a restore that fails after the files were swapped', () => {
  it('puts the previous file back: the hub keeps working, and starts again normally', async () => {
    await createClinic(hub, 'C01');
    const backup = await hub.admin.call('backup.create', {});
    await createClinic(hub, 'C02');
    const cookie = sessionCookie((await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD })).headers);
    // The restored file opens, then cannot take the restore's own rows (as a full disk or a damaged page would do).
    const reopen = hub.runtime.reopen.bind(hub.runtime);
    vi.spyOn(hub.runtime, 'reopen').mockImplementationOnce(async (swap) => {
      const app = await reopen(swap);
      app.db.exec('DROP TABLE sessions');
      return app;
    });
    const res = await hub.post('backup.restore', { fileName: backup.fileName }, { cookie });
    expect(res.status).toBe(422);
    expect(res.json.error).toMatchObject({ code: 'BACKUP_INVALID', message: expect.stringContaining('已放回原来的数据库文件') });
    await expectHubWorking(cookie, ['C01', 'C02']);

    const again = await restart();
    expect(again.recovery).toBeNull();
    const admin = new InternalClient(again, '127.0.0.1');
    await admin.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(await clinicCodes(admin)).toEqual(['C01', 'C02']);
  });
});

describe('backup checksums', () => {
  it('are checked by the backup file itself, after the data folder moved to another drive', async () => {
    await createClinic(hub, 'C01');
    const backup = await hub.admin.call('backup.create', {});
    await createClinic(hub, 'C02');
    // The whole data folder copied to another place (D:\santong → E:\santong), backups with it.
    await hub.server.close();
    hub.runtime.close();
    const moved = scratchDir('santong-moved-');
    fs.cpSync(hub.dataDir, moved, { recursive: true });
    const runtime = new Runtime({ dataDir: moved, clock: hub.clock, validateOutputs: true });
    restarted.push(runtime);
    const admin = new InternalClient(runtime, '127.0.0.1');
    await admin.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    expect((await admin.call('backup.list', {})).find((e) => e.fileName === backup.fileName)).toMatchObject({
      recorded: true,
      verified: true,
      sha256: backup.sha256,
    });

    // Altered there (same size, other bytes): refused by the checksum recorded when it was made.
    const file = path.join(moved, 'backups', backup.fileName);
    const tamper = new Database(file);
    tamper.prepare("UPDATE clinics SET name = '改过' WHERE code = 'C01'").run();
    tamper.close();
    await expect(admin.call('backup.restore', { fileName: backup.fileName })).rejects.toMatchObject({
      code: 'BACKUP_INVALID',
      message: expect.stringContaining('校验值不符'),
    });
    // Uploaded under its own name it is the same file: refused too.
    await expect(admin.call('backup.restore', upload(file))).rejects.toMatchObject({ code: 'BACKUP_INVALID', message: expect.stringContaining('校验值不符') });
    expect(await clinicCodes(admin)).toEqual(['C01', 'C02']);
  });
});
