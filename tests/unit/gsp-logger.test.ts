import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';

/**
 * Logger import (issue 21) through the real handlers on a real SQLite file: columns by header or as mapped,
 * hostile rows refused with row and column named, the same file twice adding nothing, the row nearest each
 * slot's time filling an empty slot, an out-of-range one only with its action, and logger rows append-only.
 * The clock is the ManualClock's (2026-03-02 09:00 China time); slots at the default 09:00 and 15:00.
 */
let hub: TestHub;
let pharmacist: InternalClient;
let areaId: number;

const db = () => hub.runtime.app.db;
const csv = (text: string, filename = '记录仪.csv') => ({ filename, base64: Buffer.from(text, 'utf8').toString('base64') });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: 'ok', message: '' }),
    (e: { code: string; message: string }) => ({ code: e.code, message: e.message }),
  );
const count = (table: string) => (sql(db(), `SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const slotReadings = () =>
  sql(
    db(),
    'SELECT reading_date AS date, slot, read_at AS readAt, temperature, humidity, action, logger_reading_id IS NOT NULL AS fromLogger FROM env_readings ORDER BY reading_date, slot',
  ).all();

beforeEach(async () => {
  hub = await createTestHub();
  await createClinic(hub, 'C01', '东湖村卫生室');
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist', displayName: '周药师' });
  const hubStore = (sql(db(), "SELECT id FROM stores WHERE kind = 'hub'").get() as { id: number }).id;
  areaId = (await pharmacist.call('storage.saveArea', { storeId: hubStore, name: '常温库', kind: 'room', tempMin: 100, tempMax: 300, rhMin: 35, rhMax: 75 }))
    .id;
});
afterEach(() => hub.close());

/** An English device export with its title lines above the header. */
const DEVICE_FILE = [
  'Device,RC-4HC',
  'Serial,EL2403118',
  'Time,Temperature(°C),Humidity(%RH)',
  '2026-03-01 07:00,18.1,52',
  '2026-03-01 08:50,18.4,53.4',
  '2026-03-01 09:20,18.6,54',
  '2026-03-01 13:30,21.0,50',
  '2026-03-01 17:30,22.5,49',
  '2026/3/2 8:00,17.9,51',
].join('\n');

describe('storage.loggerPreview', () => {
  it('finds 时间/温度/湿度 by header under the device lines and shows the slot each row would fill, writing nothing', async () => {
    const p = await pharmacist.call('storage.loggerPreview', { areaId, file: csv(DEVICE_FILE) });
    expect(p.headerRow).toBe(3);
    expect(p.mapping).toEqual({ measuredAt: 1, temperature: 2, humidity: 3 });
    expect(p.missingRequired).toEqual([]);
    expect([p.totalRows, p.newRows, p.knownRows, p.errorRows]).toEqual([6, 6, 0, 0]);
    expect([p.firstAt, p.lastAt]).toEqual(['2026-03-01 07:00', '2026-03-02 08:00']);
    // 08:50 is 10 min from 09:00 (09:20 is 20); 13:30 is 90 min from 15:00 (17:30 is 150, outside ±2 h).
    expect(p.slots.map((s) => [s.readingDate, s.slot, s.measuredAt, s.temperature, s.humidity, s.status])).toEqual([
      ['2026-03-01', 'am', '2026-03-01 08:50', 184, 53, 'fill'],
      ['2026-03-01', 'pm', '2026-03-01 13:30', 210, 50, 'fill'],
      ['2026-03-02', 'am', '2026-03-02 08:00', 179, 51, 'fill'],
    ]);
    expect(count('logger_readings') + count('logger_imports') + count('env_readings')).toBe(0);
  });

  it('takes the mapping the user gives when the headers name nothing it knows, and says which field is missing', async () => {
    const unknown = csv('A,B,C\n2026-03-01 09:00,5.2,60\n');
    // No header it knows: the message says what it looks for; with a mapping the first row is the header.
    expect((await failure(pharmacist.call('storage.loggerPreview', { areaId, file: unknown }))).message).toContain('如 时间、温度、湿度');
    const byHand = await pharmacist.call('storage.loggerPreview', { areaId, file: unknown, mapping: { measuredAt: 1, temperature: 2, humidity: 3 } });
    expect([byHand.headerRow, byHand.newRows, byHand.errorRows]).toEqual([1, 1, 0]);
    const named = csv('记录时间,T1,H1\n2026-03-01 09:00,5.2,60\n');
    const auto = await pharmacist.call('storage.loggerPreview', { areaId, file: named });
    expect(auto.missingRequired).toEqual(['temperature', 'humidity']);
    expect((await failure(pharmacist.call('storage.loggerImport', { areaId, file: named }))).message).toContain('没有“温度”、“湿度”所在的列');
    const mapped = await pharmacist.call('storage.loggerPreview', { areaId, file: named, mapping: { measuredAt: 1, temperature: 2, humidity: 3 } });
    expect(mapped.missingRequired).toEqual([]);
    expect(mapped.columns.map((c) => c.field)).toEqual(['measuredAt', 'temperature', 'humidity']);
    expect(mapped.slots[0]).toMatchObject({ temperature: 52, humidity: 60, status: 'needsAction' });
    const clash = await failure(pharmacist.call('storage.loggerPreview', { areaId, file: named, mapping: { measuredAt: 1, temperature: 2, humidity: 2 } }));
    expect(clash.message).toContain('B 列同时对应了“温度”和“湿度”');
  });

  it('refuses a clinic area: a village fridge is written by hand', async () => {
    const clinicStore = (sql(db(), "SELECT id FROM stores WHERE kind = 'clinic'").get() as { id: number }).id;
    const fridge = await pharmacist.call('storage.saveArea', {
      storeId: clinicStore,
      name: '冷藏柜',
      kind: 'cold',
      tempMin: 20,
      tempMax: 80,
      rhMin: 35,
      rhMax: 75,
    });
    const out = await failure(pharmacist.call('storage.loggerPreview', { areaId: fridge.id, file: csv(DEVICE_FILE) }));
    expect(out.code).toBe('VALIDATION');
    expect(out.message).toContain('只能导入卫生院的储存区');
  });
});

describe('storage.loggerImport', () => {
  it('names the row and column of each hostile row; all or nothing, or knowingly only the clean rows', async () => {
    const file = csv(
      [
        '时间,温度(℃),湿度(%RH)',
        '2026-03-01 09:00,18.2,55',
        '昨天上午,18.2,55',
        '2026-03-01 10:00,=1+2,55',
        '2026-03-01 11:00,18.2,120',
        '2026-03-01 09:00,18.3,56',
        '2026-03-03 09:00,18.2,55',
        '2026-03-01 12:00,,55',
      ].join('\n'),
    );
    const p = await pharmacist.call('storage.loggerPreview', { areaId, file });
    expect(p.errors.map((e) => `第${e.row}行 ${e.column}：${e.reason}`)).toEqual([
      '第3行 A 列（时间）：“昨天上午”不是日期时间（应如 2026-03-01 08:00）',
      '第4行 B 列（温度(℃)）：“=1+2”不是温度（℃，如 5.2；应在 −50 至 60 ℃ 之间）',
      '第5行 C 列（湿度(%RH)）：“120”不是相对湿度（%RH，0–100，如 56）',
      '第6行 A 列（时间）：与第 2 行是同一分钟 2026-03-01 09:00：每分钟只能有一个读数',
      '第7行 A 列（时间）：2026-03-03 09:00 晚于现在',
      '第8行 B 列（温度(℃)）：不能为空',
    ]);
    const refused = await failure(pharmacist.call('storage.loggerImport', { areaId, file }));
    expect(refused.code).toBe('VALIDATION');
    expect(refused.message).toContain('整个文件未导入');
    expect(count('logger_readings') + count('logger_imports') + count('env_readings')).toBe(0);
    const clean = await pharmacist.call('storage.loggerImport', { areaId, file, mode: 'cleanRowsOnly' });
    expect([clean.added, clean.skippedRows, clean.slotsFilled]).toEqual([1, 6, 1]);
  });

  it('adds nothing when the same file comes again; a later export overlapping it adds only its new rows', async () => {
    const first = await pharmacist.call('storage.loggerImport', { areaId, file: csv(DEVICE_FILE) });
    expect([first.added, first.known, first.slotsFilled]).toEqual([6, 0, 3]);
    expect(first.importId).not.toBeNull();
    const before = [count('logger_readings'), count('logger_imports'), count('env_readings')];
    const again = await pharmacist.call('storage.loggerImport', { areaId, file: csv(DEVICE_FILE, '再导一次.csv') });
    expect(again).toMatchObject({ importId: null, added: 0, known: 6, slotsFilled: 0 });
    expect([count('logger_readings'), count('logger_imports'), count('env_readings')]).toEqual(before);
    const later = await pharmacist.call('storage.loggerImport', { areaId, file: csv(`${DEVICE_FILE}\n2026-03-02 08:30,18.0,52`) });
    expect([later.added, later.known, later.slotsFilled]).toEqual([1, 6, 0]);
    // A row the logger already gave with other values is refused, never overwritten.
    const changed = await failure(pharmacist.call('storage.loggerImport', { areaId, file: csv('时间,温度,湿度\n2026-03-01 08:50,25.0,53') }));
    expect(changed.message).toContain('2026-03-01 08:50 已导入过不同的读数（温度 18.4 ℃、湿度 53%）');
  });

  it('lists past imports newest first with file, who, when and rows added or skipped as already imported', async () => {
    await pharmacist.call('storage.loggerImport', { areaId, file: csv(DEVICE_FILE, '常温库-2月.csv') });
    hub.clock.advance(60_000);
    await pharmacist.call('storage.loggerImport', { areaId, file: csv(`${DEVICE_FILE}\n2026-03-02 08:30,18.0,52`, '常温库-3月.csv') });
    // The same file again changed nothing, so it left no import behind.
    await pharmacist.call('storage.loggerImport', { areaId, file: csv(DEVICE_FILE, '再导一次.csv') });
    const past = await pharmacist.call('storage.loggerImports', { areaId });
    expect(past.map((p) => [p.fileName, p.areaName, p.importedByName, p.rowsNew, p.rowsKnown, p.slotsFilled])).toEqual([
      ['常温库-3月.csv', '常温库', '周药师', 1, 6, 0],
      ['常温库-2月.csv', '常温库', '周药师', 6, 0, 3],
    ]);
    expect(past[0].importedAt > past[1].importedAt).toBe(true);
    expect(await pharmacist.call('storage.loggerImports', {})).toHaveLength(2);
    const clinicId = (sql(db(), 'SELECT id FROM clinics LIMIT 1').get() as { id: number }).id;
    const doctor = await createUser(hub, { username: 'cy09', role: 'village_doctor', clinicId });
    expect((await failure(doctor.call('storage.loggerImports', {}))).code).toBe('FORBIDDEN');
  });

  it('fills only empty slots with the nearest row, marked as from the logger; a written slot keeps its reading', async () => {
    await pharmacist.call('storage.record', { areaId, readingDate: '2026-03-01', slot: 'pm', temperature: 205, humidity: 50 });
    const p = await pharmacist.call('storage.loggerPreview', { areaId, file: csv(DEVICE_FILE) });
    expect(p.slots.map((s) => s.status)).toEqual(['fill', 'taken', 'fill']);
    await pharmacist.call('storage.loggerImport', { areaId, file: csv(DEVICE_FILE) });
    expect(slotReadings()).toEqual([
      { date: '2026-03-01', slot: 'am', readAt: '08:50', temperature: 184, humidity: 53, action: null, fromLogger: 1 },
      { date: '2026-03-01', slot: 'pm', readAt: expect.any(String), temperature: 205, humidity: 50, action: null, fromLogger: 0 },
      { date: '2026-03-02', slot: 'am', readAt: '08:00', temperature: 179, humidity: 51, action: null, fromLogger: 1 },
    ]);
    const log = await pharmacist.call('storage.log', { areaId, period: '2026-03' });
    expect(log.days[0].am.reading).toMatchObject({ fromLogger: true, temperature: 184 });
    expect(log.days[0].pm.reading).toMatchObject({ fromLogger: false });
  });

  it('an out-of-range slot reading is written only with the action taken, like a hand-written one', async () => {
    const file = csv('时间,温度,湿度\n2026-03-01 09:05,31.5,60\n2026-03-01 15:00,24.0,58');
    const without = await pharmacist.call('storage.loggerImport', { areaId, file });
    expect(without.slotsFilled).toBe(1);
    expect(without.awaitingAction).toEqual([
      { readingDate: '2026-03-01', slot: 'am', measuredAt: '2026-03-01 09:05', temperature: 315, humidity: 60, inRange: false, status: 'needsAction' },
    ]);
    expect(slotReadings().map((r) => (r as { slot: string }).slot)).toEqual(['pm']);
    // The same file with the action: no new logger rows, the waiting slot filled with its action.
    const withAction = await pharmacist.call('storage.loggerImport', {
      areaId,
      file,
      actions: [{ readingDate: '2026-03-01', slot: 'am', action: '空调故障，已开窗通风并报修' }],
    });
    expect([withAction.added, withAction.known, withAction.slotsFilled, withAction.awaitingAction.length]).toEqual([0, 2, 1, 0]);
    expect(slotReadings()[0]).toMatchObject({ slot: 'am', temperature: 315, action: '空调故障，已开窗通风并报修', fromLogger: 1 });
    const today = await pharmacist.call('storage.today', {});
    expect(today.issues.some((i) => i.kind === 'out_of_range')).toBe(false); // the afternoon's reading was back in range
  });

  it('keeps logger rows and imports append-only', async () => {
    await pharmacist.call('storage.loggerImport', { areaId, file: csv(DEVICE_FILE) });
    expect(() => sql(db(), 'UPDATE logger_readings SET temperature = 50').run()).toThrow(/append-only/);
    expect(() => sql(db(), 'DELETE FROM logger_readings').run()).toThrow(/append-only/);
    expect(() => sql(db(), 'DELETE FROM logger_imports').run()).toThrow(/append-only/);
  });

  it('is for the hub roles that keep the log', async () => {
    const clinicId = (sql(db(), 'SELECT id FROM clinics').get() as { id: number }).id;
    const doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId });
    expect((await failure(doctor.call('storage.loggerImport', { areaId, file: csv(DEVICE_FILE) }))).code).toBe('FORBIDDEN');
  });
});
