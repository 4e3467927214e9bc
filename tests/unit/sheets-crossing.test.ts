import fs from 'node:fs';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { limitsWith, postWorkbook, readWorkbookData, Workbook, WorkbookReceiver, type WorkbookPiece } from '../../electron/lib/sheets';
import type { WorkbookData } from '../../electron/lib/sheets/model';
import { workbookAsData } from '../helpers/sheets';

/**
 * A read workbook crosses to another thread in pieces (lib/sheets/crossing.ts) rather than as one workerData: the
 * receiver rebuilds exactly the workbook sent, the sender keeps its own (the hub's cache reuses it), and the text
 * travels in several messages rather than one.
 */
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/sheets');

/** Sends `data` over a real MessagePort (structured clone, transfers) and collects what arrives. */
async function across(data: WorkbookData): Promise<{ received: WorkbookData; pieces: WorkbookPiece['type'][] }> {
  const { port1, port2 } = new MessageChannel();
  const receiver = new WorkbookReceiver();
  const pieces: WorkbookPiece['type'][] = [];
  port2.on('message', (m: WorkbookPiece) => {
    pieces.push(m.type);
    expect(receiver.accept(m)).toBe(true);
  });
  try {
    await postWorkbook(port1, data);
    return { received: await receiver.workbook, pieces };
  } finally {
    port1.close();
    port2.close();
  }
}

describe('a workbook handed to another thread', () => {
  it.each(['catalog-dirty.xlsx', 'catalog-dirty.ods', 'catalog.xls', 'catalog-gbk.csv'])(
    '%s arrives as it was read, and the sender keeps its own',
    async (name) => {
      const data = await readWorkbookData(fs.readFileSync(path.join(FIXTURES, name)), limitsWith({}));
      const before = workbookAsData(new Workbook(data));
      const { received } = await across(data);
      expect(workbookAsData(new Workbook(received))).toEqual(before);
      // Nothing of the sender's was transferred away: it still reads the same.
      expect(workbookAsData(new Workbook(data))).toEqual(before);
    },
  );

  it('sends a large text pool in several pieces, every text intact', async () => {
    const rows = 60_000;
    const text = (i: number) => `阿莫西林胶囊${i}-国药准字H${String(i).padStart(8, '0')}-华北制药股份有限公司第${i}车间`;
    const csv = `编码,名称\n${Array.from({ length: rows }, (_, i) => `X${i},${text(i)}`).join('\n')}\n`;
    const data = await readWorkbookData(Buffer.from(csv, 'utf8'), limitsWith({}));
    expect(data.strings.parts.join('').length).toBeGreaterThan(2 * (1 << 20));
    const { received, pieces } = await across(data);
    expect(pieces.filter((p) => p === 'workbook-text').length).toBeGreaterThan(1);
    const sheet = new Workbook(received).sheets[0];
    expect(sheet.rowCount).toBe(rows + 1);
    for (let i = 0; i < rows; i++) {
      expect(sheet.value(i + 2, 1)).toBe(`X${i}`);
      expect(sheet.value(i + 2, 2)).toBe(text(i));
    }
  });

  it('answers false for messages that are not its pieces', () => {
    const receiver = new WorkbookReceiver();
    expect(receiver.accept('go')).toBe(false);
    expect(receiver.accept(null)).toBe(false);
    expect(receiver.accept({ type: 'progress' })).toBe(false);
  });
});
