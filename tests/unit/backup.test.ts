import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { Runtime } from '../../electron/runtime';
import { backupNow, checkDepthOf } from '../../electron/domain/backup/backup';
import { startBackupScheduler } from '../../electron/domain/backup/scheduler';
import { parseBackupName } from '../../electron/domain/backup/names';
import { backupOffThread } from '../../electron/db/off-thread';
import { ADMIN_PASSWORD, createClinic, createTestHub, createUser, scratchDirs, tempDir, type TestHub } from '../helpers/runtime';

let hub: TestHub;
const scratchDir = scratchDirs();
beforeEach(async () => {
  hub = await createTestHub();
});
afterEach(() => hub.close());

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const backupsDir = () => path.join(hub.dataDir, 'backups');
const filesIn = (dir: string) => fs.readdirSync(dir).sort();

/** Reads a table's rows straight from a file, the way someone inspecting a backup would. */
function rowsIn(file: string, query: string): unknown[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(query).all();
  } finally {
    db.close();
  }
}

async function adminClient(runtime = hub.runtime): Promise<InternalClient> {
  const c = new InternalClient(runtime, '127.0.0.1');
  await c.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
  return c;
}

describe('backups', () => {
  it('writes a verified, self-contained, recorded copy named after the hub, the China-time moment and the reason', async () => {
    await createClinic(hub, 'C01', '东湖村卫生室');
    const entry = await hub.admin.call('backup.create', { note: '月底前' });
    // The manual clock stands at 2026-03-02 01:00 UTC = 09:00 in China.
    expect(entry.fileName).toBe('santong-测试镇卫生院-20260302-090000-manual.sqlite');
    expect(entry).toMatchObject({ reason: 'manual', automatic: false, recorded: true, verified: true, problem: null, createdBy: 'admin', note: '月底前' });
    const file = path.join(backupsDir(), entry.fileName);
    expect(entry.sha256).toBe(sha256(file));
    expect(entry.sizeBytes).toBe(fs.statSync(file).size);
    // One file: no -wal/-shm companions, no leftovers of the write.
    expect(filesIn(backupsDir())).toEqual([entry.fileName]);
    expect(fs.readFileSync(file).subarray(18, 20)).toEqual(Buffer.from([1, 1]));
    expect(rowsIn(file, 'SELECT code, name FROM clinics')).toEqual([{ code: 'C01', name: '东湖村卫生室' }]);
    expect(rowsIn(file, 'PRAGMA application_id')).toEqual([{ application_id: 0x53544e47 }]);

    // A second one in the same second gets its own name.
    const again = await hub.admin.call('backup.create', {});
    expect(again.fileName).toBe('santong-测试镇卫生院-20260302-090000-manual-1.sqlite');

    const list = await hub.admin.call('backup.list', {});
    expect(list.map((e) => e.fileName)).toEqual([again.fileName, entry.fileName]);
    const status = await hub.admin.call('backup.status', {});
    expect(status).toMatchObject({ dir: backupsDir(), usingDefaultDir: true, keep: 30, busy: false, todayDailyDone: false });
    expect(status.folder).toMatchObject({ ok: true, problem: null, sameDiskAsData: true });
    expect(status.lastBackup?.fileName).toBe(again.fileName);
  });

  it('copies and checks on a worker thread: the server keeps turning meanwhile, and a damaged copy is reported, not thrown', async () => {
    await createClinic(hub, 'C01', '东湖村卫生室');
    const work = scratchDir('santong-verify-');
    const copy = path.join(work, 'copy.sqlite');
    const version = hub.runtime.openApp!.schemaVersion;

    // Count event-loop turns while the copy is made and checked: doing it on this thread would allow none.
    let turns = 0;
    let copying = true;
    const spin = () => {
      turns++;
      if (copying) setImmediate(spin);
    };
    setImmediate(spin);
    const good = await backupOffThread(hub.runtime.dbFile, copy, version).finally(() => (copying = false));
    expect(turns).toBeGreaterThan(0);
    expect(good).toEqual({ verified: true, problem: null, sha256: sha256(copy), sizeBytes: fs.statSync(copy).size });
    expect(fs.readFileSync(copy).subarray(18, 20)).toEqual(Buffer.from([1, 1]));
    // The clinic written through the hub's own connection (still in its write-ahead log) is in the copy.
    expect(rowsIn(copy, 'SELECT code, name FROM clinics')).toEqual([{ code: 'C01', name: '东湖村卫生室' }]);

    // A damaged source gives a damaged copy: recorded as unverified, with the reason in words.
    const bytes = fs.readFileSync(copy);
    bytes.fill(0x5a, 4096 * 2, bytes.length - 4096);
    const damaged = path.join(work, 'damaged.sqlite');
    fs.writeFileSync(damaged, bytes);
    const bad = await backupOffThread(damaged, path.join(work, 'copy-of-damaged.sqlite'), version);
    expect(bad).toMatchObject({ verified: false, problem: expect.stringContaining('损坏'), sha256: sha256(path.join(work, 'copy-of-damaged.sqlite')) });

    // A folder that vanished (USB disk pulled) is a failure, with its code kept for the message.
    await expect(backupOffThread(hub.runtime.dbFile, path.join(work, 'unplugged', 'x.sqlite'), version)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads a daily or before-close copy back with quick_check, and with the full integrity_check once a week and for every other backup', async () => {
    const app = hub.runtime.app;
    const lastFull = () => (app.db.prepare("SELECT value FROM settings WHERE key = 'backup.lastFullCheck'").get() as { value: string } | undefined)?.value;
    expect(checkDepthOf(app.db, 'daily', '2026-03-02')).toBe('full'); // never checked fully yet
    await backupNow(app, 'daily');
    expect(lastFull()).toBe('2026-03-02');
    for (let day = 3; day <= 8; day++) expect(checkDepthOf(app.db, 'daily', `2026-03-0${day}`), `day ${day}`).toBe('quick');
    expect(checkDepthOf(app.db, 'daily', '2026-03-09')).toBe('full');
    expect(checkDepthOf(app.db, 'before-close', '2026-03-03')).toBe('quick');
    expect(checkDepthOf(app.db, 'before-close', '2026-03-09')).toBe('full');
    expect(checkDepthOf(app.db, 'manual', '2026-03-03')).toBe('full');
    hub.clock.advance(86_400_000);
    const quick = await backupNow(app, 'daily');
    expect(quick).toMatchObject({ verified: true, problem: null });
    expect(lastFull()).toBe('2026-03-02'); // a quick check does not count as the week's full one
    hub.clock.advance(7 * 86_400_000);
    await backupNow(app, 'daily');
    expect(lastFull()).toBe('2026-03-10');
  });

  it('is for administrators only', async () => {
    const clinic = await createClinic(hub, 'C01');
    const pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
    const doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId: clinic.id });
    for (const c of [pharmacist, doctor]) {
      expect(await codeOf(c.call('backup.create', {}))).toBe('FORBIDDEN');
      expect(await codeOf(c.call('backup.list', {}))).toBe('FORBIDDEN');
      expect(await codeOf(c.call('backup.restore', { fileName: 'santong-x-20260302-090000-manual.sqlite' }))).toBe('FORBIDDEN');
      expect(await codeOf(c.call('system.integrityCheck', {}))).toBe('FORBIDDEN');
    }
  });

  it('accepts only a folder that exists and can be written, and then backs up there', async () => {
    const missing = path.join(hub.dataDir, 'no-such-usb-disk');
    await expect(hub.admin.call('backup.updateSettings', { dir: missing, keep: 10 })).rejects.toMatchObject({
      code: 'BACKUP_FOLDER',
      message: expect.stringContaining('备份目录不存在'),
    });
    expect(await codeOf(hub.admin.call('backup.updateSettings', { dir: 'relative/folder', keep: 10 }))).toBe('BACKUP_FOLDER');
    const aFile = path.join(hub.dataDir, 'a-file');
    fs.writeFileSync(aFile, 'x');
    expect(await codeOf(hub.admin.call('backup.updateSettings', { dir: aFile, keep: 10 }))).toBe('BACKUP_FOLDER');
    expect(await codeOf(hub.admin.call('backup.updateSettings', { dir: hub.dataDir, keep: 1 }))).toBe('VALIDATION');
    // Nothing changed by the refusals.
    expect((await hub.admin.call('backup.status', {})).dir).toBe(backupsDir());

    const usb = scratchDir('santong-usb-');
    const status = await hub.admin.call('backup.updateSettings', { dir: `${usb}${path.sep}`, keep: 10 });
    expect(status).toMatchObject({ dir: usb, keep: 10, usingDefaultDir: false });
    const entry = await hub.admin.call('backup.create', {});
    expect(entry.dir).toBe(usb);
    expect(fs.existsSync(path.join(usb, entry.fileName))).toBe(true);
    // The choice belongs to this PC: a file beside the database, read again by a fresh start.
    expect(JSON.parse(fs.readFileSync(path.join(hub.dataDir, 'backup-settings.json'), 'utf8'))).toEqual({ dir: usb, keep: 10 });

    // The USB disk is unplugged: a clear refusal, and the status says why.
    fs.rmSync(usb, { recursive: true, force: true });
    await expect(hub.admin.call('backup.create', {})).rejects.toMatchObject({ code: 'BACKUP_FOLDER', message: expect.stringContaining('U盘') });
    expect((await hub.admin.call('backup.status', {})).folder).toMatchObject({ ok: false, problem: expect.stringContaining('不存在') });
  });

  it('keeps the newest N automatic backups of each kind, and never removes manual ones', async () => {
    await hub.admin.call('backup.updateSettings', { dir: backupsDir(), keep: 3 });
    const manual = await hub.admin.call('backup.create', {});
    const daily: string[] = [];
    for (let day = 0; day < 5; day++) {
      hub.clock.advance(24 * 60 * 60 * 1000);
      daily.push((await backupNow(hub.runtime.app, 'daily')).fileName);
    }
    const close = await backupNow(hub.runtime.app, 'before-close');
    // A file that is not ours stays, even with our prefix.
    fs.writeFileSync(path.join(backupsDir(), 'santong-notes.txt'), 'x');
    expect(filesIn(backupsDir())).toEqual([...daily.slice(2), close.fileName, manual.fileName, 'santong-notes.txt'].sort());
    const list = await (await adminClient()).call('backup.list', {});
    expect(list.filter((e) => e.reason === 'daily').map((e) => e.fileName)).toEqual(daily.slice(2).reverse());
    // The history keeps a row for each, with the pruned ones marked.
    const rows = hub.runtime.app.db.prepare("SELECT file_name AS f, deleted_at AS d FROM backups WHERE reason = 'daily' ORDER BY id").all() as {
      f: string;
      d: string | null;
    }[];
    expect(rows.map((r) => r.d !== null)).toEqual([true, true, false, false, false]);
  });

  it('makes the daily backup once a day from the scheduler, and reports a failing folder', async () => {
    const scheduler = startBackupScheduler(hub.runtime, { firstDelayMs: 3_600_000 });
    try {
      await scheduler.tick();
      await scheduler.tick();
      let names = filesIn(backupsDir());
      expect(names).toHaveLength(1);
      expect(parseBackupName(names[0])).toMatchObject({ reason: 'daily' });
      expect((await hub.admin.call('backup.status', {})).todayDailyDone).toBe(true);

      // 23:30 the same China day: still done. Past midnight China time: a new one.
      hub.clock.set('2026-03-02T15:30:00.000Z');
      // (Sessions idle out over such a day: log in again where the test reads the status.)
      await scheduler.tick();
      expect(filesIn(backupsDir())).toHaveLength(1);
      hub.clock.set('2026-03-02T16:05:00.000Z');
      await scheduler.tick();
      names = filesIn(backupsDir());
      expect(names).toHaveLength(2);
      expect(names[1]).toContain('-20260303-000500-daily');

      // The chosen USB disk disappears: the next day's attempt fails, and the failure is visible.
      const usb = tempDir('santong-usb-');
      await (await adminClient()).call('backup.updateSettings', { dir: usb, keep: 30 });
      fs.rmSync(usb, { recursive: true });
      hub.clock.advance(24 * 60 * 60 * 1000);
      await scheduler.tick();
      const status = await (await adminClient()).call('backup.status', {});
      expect(status.scheduler).toMatchObject({ running: true, lastError: expect.stringContaining('每日自动备份失败'), lastErrorAt: expect.any(String) });
      expect(status.todayDailyDone).toBe(false);
    } finally {
      scheduler.stop();
    }
    expect((await (await adminClient()).call('backup.status', {})).scheduler.running).toBe(false);
  });

  it('does not back up a hub that has not been set up', async () => {
    const dir = scratchDir();
    const fresh = new Runtime({ dataDir: dir, clock: hub.clock });
    const scheduler = startBackupScheduler(fresh, { firstDelayMs: 3_600_000 });
    try {
      await scheduler.tick();
      expect(fs.existsSync(path.join(dir, 'backups')) ? fs.readdirSync(path.join(dir, 'backups')) : []).toEqual([]);
    } finally {
      scheduler.stop();
      fresh.close();
    }
  });

  it('downloads a backup as base64', async () => {
    const entry = await hub.admin.call('backup.create', {});
    const out = await hub.admin.call('backup.download', { fileName: entry.fileName });
    expect(Buffer.from(out.base64, 'base64').equals(fs.readFileSync(path.join(backupsDir(), entry.fileName)))).toBe(true);
    expect(await codeOf(hub.admin.call('backup.download', { fileName: 'santong-../../santong.sqlite' }))).toBe('VALIDATION');
    expect(await codeOf(hub.admin.call('backup.download', { fileName: 'santong-x-20990101-000000-manual.sqlite' }))).toBe('NOT_FOUND');
  });
});

describe('restore', () => {
  it('puts the data back as it was, keeps a copy of what it replaced, and signs everyone out', async () => {
    await createClinic(hub, 'C01', '东湖村卫生室');
    const backup = await hub.admin.call('backup.create', {});
    hub.clock.advance(60 * 60 * 1000);
    await createClinic(hub, 'C02', '西岭村卫生室');
    const doctor = await createUser(hub, { username: 'cy02', role: 'village_doctor', clinicId: 2 });

    const admin = await adminClient();
    const result = await admin.call('backup.restore', { fileName: backup.fileName });
    expect(result).toMatchObject({ restoredFrom: backup.fileName, fileSchemaVersion: hub.runtime.latestSchemaVersion, hubName: '测试镇卫生院' });
    expect(path.basename(result.previousDataSavedAs!)).toBe('santong-测试镇卫生院-20260302-100000-before-restore.sqlite');

    // Every session is gone, in every client.
    for (const c of [admin, hub.admin, doctor]) expect(await codeOf(c.call('clinics.list', {}))).toBe('UNAUTHENTICATED');
    const again = await adminClient();
    expect((await again.call('clinics.list', {})).map((c) => c.code)).toEqual(['C01']);
    // The replaced data is in the before-restore copy, verified and listed.
    expect(rowsIn(result.previousDataSavedAs!, 'SELECT code FROM clinics ORDER BY code')).toEqual([{ code: 'C01' }, { code: 'C02' }]);
    const listed = await again.call('backup.list', {});
    expect(listed.find((e) => e.reason === 'before-restore')).toMatchObject({ recorded: true, verified: true, createdBy: 'admin' });
    // The restored data knows every backup file this PC has, including the one it came from.
    expect(listed.every((e) => e.recorded && e.verified)).toBe(true);
    expect(listed.find((e) => e.fileName === backup.fileName)).toMatchObject({ createdBy: 'admin', sha256: backup.sha256 });
    // The restored database's own audit log says who restored what.
    const audit = hub.runtime.app.db.prepare("SELECT username, target, details FROM audit_log WHERE method = 'backup.restore'").get() as {
      username: string;
      target: string;
      details: string;
    };
    expect(audit).toMatchObject({ username: 'admin', target: `backup:${backup.fileName}` });
    expect(JSON.parse(audit.details)).toMatchObject({ previousDataSavedAs: result.previousDataSavedAs, recovery: false });
    // No companions of the swap left behind.
    expect(filesIn(hub.dataDir).filter((f) => /restore-|\.previous/.test(f))).toEqual([]);
  });

  it('refuses a foreign, corrupt, tampered or newer file with a clear message, and changes nothing', async () => {
    await createClinic(hub, 'C01');
    const good = await hub.admin.call('backup.create', {});
    const goodFile = path.join(backupsDir(), good.fileName);
    await createClinic(hub, 'C02');
    const work = scratchDir('santong-files-');

    const upload = (filename: string, bytes: Buffer) => hub.admin.call('backup.restore', { upload: { filename, base64: bytes.toString('base64') } });

    const foreign = path.join(work, 'other.sqlite');
    const other = new Database(foreign);
    other.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)');
    other.close();

    const newer = path.join(work, 'newer.sqlite');
    fs.copyFileSync(goodFile, newer);
    const n = new Database(newer);
    n.pragma('user_version = 999');
    n.close();

    const corrupt = fs.readFileSync(goodFile);
    corrupt.fill(0x5a, 4096 * 2, corrupt.length - 4096);

    const cases: [Promise<unknown>, RegExp][] = [
      [upload('photo.jpg', Buffer.from('this is not a database at all'.repeat(200))), /不是数据库文件/],
      [upload('empty.sqlite', Buffer.alloc(0)), /空的/],
      [upload('other.sqlite', fs.readFileSync(foreign)), /不是三统药品管理系统的数据库/],
      [upload('newer.sqlite', fs.readFileSync(newer)), /更新版本.*999/],
      [upload('corrupt.sqlite', corrupt), /损坏/],
    ];
    for (const [call, message] of cases) await expect(call).rejects.toMatchObject({ code: 'BACKUP_INVALID', message: expect.stringMatching(message) });

    // A listed backup changed after it was made (same size, other bytes) is refused by its checksum.
    const tampered = new Database(goodFile);
    tampered.prepare("UPDATE clinics SET name = '改过' WHERE code = 'C01'").run();
    tampered.close();
    await expect(hub.admin.call('backup.restore', { fileName: good.fileName })).rejects.toMatchObject({
      code: 'BACKUP_INVALID',
      message: expect.stringContaining('校验值不符'),
    });
    expect(await codeOf(hub.admin.call('backup.restore', {}))).toBe('VALIDATION');
    expect(await codeOf(hub.admin.call('backup.restore', { fileName: 'santong-x-20990101-000000-manual.sqlite' }))).toBe('NOT_FOUND');

    // Nothing happened: same data, same session, no extra backups, no staging files.
    expect((await hub.admin.call('clinics.list', {})).map((c) => c.code)).toEqual(['C01', 'C02']);
    expect(filesIn(backupsDir())).toEqual([good.fileName]);
    expect(filesIn(hub.dataDir).filter((f) => f.startsWith('restore-'))).toEqual([]);
  });

  it('refuses to restore when the current data cannot be backed up first', async () => {
    // A backup in the default folder; then the administrator chose a USB disk, which is now unplugged.
    const backup = await hub.admin.call('backup.create', {});
    await createClinic(hub, 'C09');
    const usb = tempDir('santong-usb-');
    await hub.admin.call('backup.updateSettings', { dir: usb, keep: 30 });
    fs.rmSync(usb, { recursive: true });
    expect((await hub.admin.call('backup.list', {})).map((e) => e.fileName)).toEqual([backup.fileName]);
    await expect(hub.admin.call('backup.restore', { fileName: backup.fileName })).rejects.toMatchObject({
      code: 'BACKUP_FOLDER',
      message: expect.stringContaining('恢复已取消'),
    });
    expect((await hub.admin.call('clinics.list', {})).map((c) => c.code)).toEqual(['C09']);
  });
});

describe('recovery mode', () => {
  /** Closes the hub, lets `damage` spoil its files, and starts it again as the server would. */
  function restartAfter(damage: (dbFile: string) => void): Runtime {
    const dbFile = hub.runtime.dbFile;
    hub.runtime.close();
    damage(dbFile);
    hub.runtime = new Runtime({ dataDir: hub.dataDir, clock: hub.clock, validateOutputs: true });
    return hub.runtime;
  }

  function overwriteMiddle(dbFile: string): void {
    const size = fs.statSync(dbFile).size;
    const fd = fs.openSync(dbFile, 'r+');
    fs.writeSync(fd, Buffer.alloc(Math.floor(size / 2), 0x5a), 0, Math.floor(size / 2), Math.floor(size / 4));
    fs.closeSync(fd);
  }

  it('starts on a damaged file, answers only recovery, and lets the hub PC restore without login', async () => {
    for (let i = 1; i <= 30; i++) await createClinic(hub, `C${String(i).padStart(2, '0')}`);
    const backup = await hub.admin.call('backup.create', {});
    const runtime = restartAfter(overwriteMiddle);
    expect(runtime.recovery?.problem).toMatch(/损坏/);

    const local = new InternalClient(runtime, '127.0.0.1');
    const remote = new InternalClient(runtime, '10.0.0.9');
    await expect(local.call('system.status', {})).rejects.toMatchObject({ code: 'RECOVERY_MODE', message: expect.stringContaining('恢复模式') });
    expect(await codeOf(local.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD }))).toBe('RECOVERY_MODE');

    // A village clinic's browser learns only that the hub is in recovery; it sees no files and cannot restore.
    expect(await remote.call('recovery.status', {})).toMatchObject({ active: true, local: false, canRestore: false, backups: [], dataFile: '' });
    expect(await codeOf(remote.call('recovery.restore', { fileName: backup.fileName }))).toBe('FORBIDDEN');

    const status = await local.call('recovery.status', {});
    expect(status).toMatchObject({ active: true, local: true, canRestore: true, dataFile: runtime.dbFile });
    expect(status.backups.map((b) => b.fileName)).toEqual([backup.fileName]);

    const result = await local.call('recovery.restore', { fileName: backup.fileName });
    expect(runtime.recovery).toBeNull();
    // The damaged file is kept for whoever investigates.
    expect(path.dirname(result.previousDataSavedAs!)).toBe(path.join(hub.dataDir, 'damaged'));
    expect(fs.existsSync(result.previousDataSavedAs!)).toBe(true);

    const admin = await adminClient(runtime);
    expect(await admin.call('clinics.list', {})).toHaveLength(30);
    const report = await admin.call('system.integrityCheck', {});
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    const audit = runtime.app.db.prepare("SELECT username, ip, details FROM audit_log WHERE method = 'recovery.restore'").get() as {
      username: string | null;
      ip: string;
      details: string;
    };
    expect(audit).toMatchObject({ username: null, ip: '127.0.0.1' });
    expect(JSON.parse(audit.details)).toMatchObject({ recovery: true });
    // Back to normal: the recovery door is closed again.
    expect(await codeOf(local.call('recovery.restore', { fileName: backup.fileName }))).toBe('FORBIDDEN');
  });

  it('treats garbage, another program’s file and a file emptied while backups exist as damaged', async () => {
    const backup = await hub.admin.call('backup.create', {});
    const backupFile = path.join(backupsDir(), backup.fileName);
    const damages: [string, (f: string) => void, RegExp][] = [
      ['garbage', (f) => fs.writeFileSync(f, Buffer.alloc(64 * 1024, 0x41)), /无法识别为数据库/],
      [
        'foreign',
        (f) => {
          fs.rmSync(f);
          const other = new Database(f);
          other.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY)');
          other.close();
        },
        /不是三统的数据库/,
      ],
      ['emptied', (f) => fs.truncateSync(f, 0), /0 字节/],
    ];
    for (const [, damage, message] of damages) {
      const runtime = restartAfter((f) => {
        for (const s of ['-wal', '-shm']) fs.rmSync(`${f}${s}`, { force: true });
        damage(f);
      });
      expect(runtime.recovery?.problem).toMatch(message);
      await new InternalClient(runtime, '127.0.0.1').call('recovery.restore', { fileName: backup.fileName });
      expect(runtime.recovery).toBeNull();
      expect(fs.existsSync(backupFile)).toBe(true);
    }
    expect(fs.readdirSync(path.join(hub.dataDir, 'damaged')).filter((f) => f.endsWith('.sqlite'))).toHaveLength(3);
  });

  it('lets a new PC take over a hub from a backup before any account exists', async () => {
    await createClinic(hub, 'C01', '东湖村卫生室');
    const backup = await hub.admin.call('backup.create', {});
    const bytes = fs.readFileSync(path.join(backupsDir(), backup.fileName));

    const freshDir = scratchDir();
    const fresh = new Runtime({ dataDir: freshDir, clock: hub.clock, validateOutputs: true });
    try {
      const local = new InternalClient(fresh, '127.0.0.1');
      expect(await local.call('system.status', {})).toMatchObject({ setupRequired: true });
      expect(await local.call('recovery.status', {})).toMatchObject({ active: false, setupRequired: true, canRestore: true });
      expect(
        await codeOf(
          new InternalClient(fresh, '192.168.1.20').call('recovery.restore', { upload: { filename: 'b.sqlite', base64: bytes.toString('base64') } }),
        ),
      ).toBe('FORBIDDEN');
      const result = await local.call('recovery.restore', { upload: { filename: '备份.sqlite', base64: bytes.toString('base64') } });
      expect(result).toMatchObject({ restoredFrom: '备份.sqlite', hubName: '测试镇卫生院', previousDataSavedAs: null });
      await local.call('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
      expect((await local.call('clinics.list', {})).map((c) => c.name)).toEqual(['东湖村卫生室']);
      // Once the hub runs, only a logged-in administrator restores.
      expect(await codeOf(local.call('recovery.restore', { upload: { filename: 'b.sqlite', base64: bytes.toString('base64') } }))).toBe('FORBIDDEN');
    } finally {
      fresh.close();
    }
  });
});
