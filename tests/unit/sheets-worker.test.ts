import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isSheetFileRefused,
  limitsWith,
  readSheetFile,
  readWorkbookData,
  sha256Of,
  SheetFileCache,
  Workbook,
  type ReadOptions,
  type ReadProgress,
} from '../../electron/lib/sheets';
import { ManualClock } from '../helpers/runtime';
import { workbookAsData } from '../helpers/sheets';

/**
 * Parsing off the request thread: the worker (dist/electron/sheets-worker.cjs, `npm run build`) gives exactly
 * what a read on this thread gives, refuses the same files, stays within its heap cap and its time, and the
 * cache parses a file once.
 */
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/sheets');
const bytesOf = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

const refusalOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => (isSheetFileRefused(e) ? { reason: e.reason, message: e.message, appCode: e.appCode } : { error: String(e) }),
  );

/** A CSV of `rows` rows of ten distinct fields each (nothing for the string pool to share). */
function bigCsv(rows: number): Buffer {
  const lines = ['药品代码,注册名称,规格,数量,单价,批号,有效期,厂家,备注,序号'];
  for (let i = 0; i < rows; i++) lines.push(`X${i},药品${i},${i}mg,${i % 97},${i}.5,B${i},2027-01-01,厂${i},备注${i},${i}`);
  return Buffer.from(lines.join('\n'));
}

describe('reading on a worker thread', () => {
  it.each(['catalog.xlsx', 'catalog.xls', 'catalog.ods', 'spreadsheetml-2003.xls', 'catalog-html-gbk.xls', 'catalog-gbk.csv', 'catalog-tab.txt'])(
    '%s: the same workbook as a read on this thread (its texts sent in many small parts)',
    async (name) => {
      const here = new Workbook(await readWorkbookData(bytesOf(name), limitsWith()));
      expect(workbookAsData(await readSheetFile(bytesOf(name), { charsPerMessage: 40 }))).toEqual(workbookAsData(here));
    },
  );

  it('leaves the caller’s bytes as they were (the worker gets a copy)', async () => {
    const bytes = bytesOf('catalog.xlsx');
    const before = await sha256Of(bytes);
    await readSheetFile(bytes);
    expect(bytes.length).toBeGreaterThan(0);
    expect(await sha256Of(bytes)).toBe(before);
  });

  it('refuses the same files, with the same reason, code and message', async () => {
    expect(await refusalOf(readSheetFile(bytesOf('renamed-exe.xls')))).toEqual({
      reason: 'EXECUTABLE',
      appCode: 'UNSUPPORTED_MEDIA_TYPE',
      message: '这是一个 Windows 程序（.exe/.dll），不是表格文件，已拒绝读取。请勿打开来历不明的文件',
    });
    expect(await refusalOf(readSheetFile(bytesOf('zip-bomb.xlsx')))).toMatchObject({ reason: 'ZIP_BOMB', appCode: 'PAYLOAD_TOO_LARGE' });
    expect(await refusalOf(readSheetFile(bytesOf('catalog.xlsx'), { limits: { maxCells: 50 } }))).toMatchObject({ reason: 'TOO_MANY_CELLS' });
  });

  it('reports progress: checking, reading, converting each sheet, then the texts as they arrive', async () => {
    const events: ReadProgress[] = [];
    const wb = await readSheetFile(bytesOf('catalog.xlsx'), { onProgress: (p) => events.push(p), charsPerMessage: 50 });
    const phases = events.map((e) => e.phase).filter((p, i, all) => p !== all[i - 1]);
    expect(phases).toEqual(['checking', 'reading', 'converting', 'receiving']);
    expect(events.filter((e) => e.phase === 'converting' && e.done === 0).map((e) => e.sheet)).toEqual(wb.sheets.map((s) => s.name));
    const received = events.filter((e) => e.phase === 'receiving');
    expect(received.length).toBeGreaterThan(5);
    expect(received.map((e) => e.done)).toEqual([...received.map((e) => e.done)].sort((a, b) => a! - b!));
    expect(received.at(-1)).toMatchObject({ done: received.at(-1)!.total });
  });

  it('refuses a file that needs more than the worker’s heap cap, and reads a small one under the same cap', async () => {
    const cap: ReadOptions = { memoryMb: 64 };
    expect(workbookAsData(await readSheetFile(bytesOf('catalog.xlsx'), cap)).sheets).toHaveLength(5);
    expect(await refusalOf(readSheetFile(bigCsv(250_000), cap))).toEqual({
      reason: 'OUT_OF_MEMORY',
      appCode: 'PAYLOAD_TOO_LARGE',
      message: '文件内容过多，读取时超出了 64 MB 的内存上限，已停止：请删去不需要的工作表、行或列，或分成几个文件导入',
    });
  });

  it('stops a read that takes longer than its time, and says so', async () => {
    expect(await refusalOf(readSheetFile(bytesOf('catalog.xlsx'), { timeoutMs: 1 }))).toEqual({
      reason: 'TIMEOUT',
      appCode: 'PAYLOAD_TOO_LARGE',
      message: '读取超过 1 秒仍未完成，已停止：文件可能过大或已损坏，请删去不需要的内容或分成几个文件导入',
    });
  });

  it('fails loudly when the worker bundle is missing, rather than parsing on the request thread', async () => {
    await expect(readSheetFile(bytesOf('catalog.xlsx'), { workerScript: '/nonexistent/sheets-worker.cjs' })).rejects.toThrow();
  });
});

describe('the parse cache', () => {
  function counted(clock: ManualClock, opts: { maxEntries?: number; maxAgeMs?: number; maxCells?: number } = {}) {
    const reads: number[] = [];
    const cache = new SheetFileCache({
      now: () => clock.now().getTime(),
      ...opts,
      read: (bytes, o) => {
        reads.push(bytes.length);
        return readSheetFile(bytes, o);
      },
    });
    return { cache, reads };
  }

  it('parses a file once: the commit after the preview finds it by its SHA-256', async () => {
    const { cache, reads } = counted(new ManualClock());
    const preview = await cache.get(bytesOf('catalog.xlsx'));
    const commit = await cache.get(Buffer.from(bytesOf('catalog.xlsx'))); // the same bytes sent again
    expect([preview.fromCache, commit.fromCache, reads.length]).toEqual([false, true, 1]);
    expect(commit.workbook).toBe(preview.workbook);
    expect(commit.sha256).toBe(preview.sha256);
    expect(preview.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('shares one parse between two reads of the same file at the same time', async () => {
    const { cache, reads } = counted(new ManualClock());
    const [a, b] = await Promise.all([cache.get(bytesOf('catalog.ods')), cache.get(bytesOf('catalog.ods'))]);
    expect(a.workbook).toBe(b.workbook);
    expect(reads).toHaveLength(1);
  });

  it('drops entries unused for longer than their age, and the least recently used beyond its size', async () => {
    const clock = new ManualClock();
    const { cache, reads } = counted(clock, { maxEntries: 2, maxAgeMs: 10 * 60_000 });
    await cache.get(bytesOf('catalog.xlsx'));
    clock.advance(9 * 60_000);
    expect((await cache.get(bytesOf('catalog.xlsx'))).fromCache).toBe(true);
    clock.advance(11 * 60_000);
    expect((await cache.get(bytesOf('catalog.xlsx'))).fromCache).toBe(false);
    expect(reads).toHaveLength(2);

    await cache.get(bytesOf('catalog.xls'));
    clock.advance(1000);
    await cache.get(bytesOf('catalog.ods')); // third file: the least recently used (xlsx) goes
    expect(cache.size).toBe(2);
    expect((await cache.get(bytesOf('catalog.xls'))).fromCache).toBe(true);
    expect((await cache.get(bytesOf('catalog.xlsx'))).fromCache).toBe(false);
  });

  it('keeps no refusal: the same bad file is checked again', async () => {
    const { cache, reads } = counted(new ManualClock());
    for (let i = 0; i < 2; i++) expect(await refusalOf(cache.get(bytesOf('renamed-exe.xls')))).toMatchObject({ reason: 'EXECUTABLE' });
    expect([reads.length, cache.size]).toEqual([2, 0]);
  });

  it('hashes in slices, with the same digest as one pass', async () => {
    const bytes = bigCsv(20_000);
    const crypto = await import('node:crypto');
    expect(await sha256Of(bytes, 4096)).toBe(crypto.createHash('sha256').update(bytes).digest('hex'));
  });
});
