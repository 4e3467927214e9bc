import { defineHandlers } from '../context';
import { sql } from '../../db/database';
import { notFound } from '../../errors';
import { acceptanceRecords } from './acceptance';
import { assertStoresBookVisible } from '../stocktake/blind';
import { gspSettings, saveGspSettings } from './settings';
import { destroyQuarantined, listQuarantine } from '../stock/quarantine';
import { areaLog, listAreas, recordReading, saveArea, storageToday } from '../storage/readings';
import { hubStoreId } from '../master-data/stores';
import { loggerImports } from '../storage/logger-history';
import { commitLogger, loggerArea, previewLogger, readLoggerFile, type LoggerFile } from '../storage/logger-import';
import { receivedBytes } from '../uploaded-file';

export const gspHandlers = defineHandlers({
  'gsp.settings': (ctx) => gspSettings(ctx.db),
  'gsp.saveSettings': (ctx, input) => {
    const before = gspSettings(ctx.db);
    saveGspSettings(ctx.db, input);
    ctx.audit.target = 'settings:gsp';
    ctx.audit.details = { from: before, to: input };
    return gspSettings(ctx.db);
  },
  'gsp.setDrugStorage': (ctx, input) => {
    const { changes } = sql(ctx.db, 'UPDATE drugs SET storage_condition = ?, special_control = ?, updated_at = ? WHERE id = ?').run(
      input.storageCondition,
      input.specialControl ? 1 : 0,
      ctx.now.toISOString(),
      input.drugId,
    );
    if (changes === 0) throw notFound('药品');
    ctx.audit.target = `drug:${input.drugId}`;
    return input;
  },
  'gsp.acceptanceRecords': (ctx, input) => acceptanceRecords(ctx.db, input),
  'quarantine.list': (ctx, input) => {
    // Each quarantine lot's holding is a balance of the hub store: refused to whoever counts it blind.
    assertStoresBookVisible(ctx, [hubStoreId(ctx.db)], '查看不合格品区（列出各隔离批次的结存）');
    return listQuarantine(ctx.db, input);
  },
  'quarantine.destroy': destroyQuarantined,
  'storage.areas': listAreas,
  'storage.saveArea': saveArea,
  'storage.record': recordReading,
  'storage.log': areaLog,
  'storage.today': storageToday,
  'storage.loggerPreview': {
    async: async (ctx, input) => {
      const area = loggerArea(ctx.db, input.areaId);
      return previewLogger(ctx.db, area, await readLoggerFile(ctx.hub, await receivedBytes(ctx, input.file), input.mapping), ctx.now);
    },
  },
  'storage.loggerImport': {
    prepare: async (ctx, input) => readLoggerFile(ctx.hub, await receivedBytes(ctx, input.file), input.mapping),
    run: (ctx, input, file: LoggerFile) => {
      const area = loggerArea(ctx.db, input.areaId);
      const result = commitLogger(ctx.db, { userId: ctx.user.id, now: ctx.now }, area, file, { mode: input.mode, actions: input.actions });
      ctx.audit.target = result.importId === null ? `storage_area:${area.id}` : `logger_import:${result.importId}`;
      ctx.audit.details = { file: file.fileName, sha256: file.sha256, added: result.added, known: result.known, slotsFilled: result.slotsFilled };
      return result;
    },
  },
  'storage.loggerImports': (ctx, input) => loggerImports(ctx.db, input),
});
