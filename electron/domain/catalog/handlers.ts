import { defineHandlers, type HandlerContext } from '../context';
import { forbiddenClinic } from '../scope';
import { sql, type ReadDb } from '../../db/database';
import { AppError, notFound } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import {
  assertDefaultSupplier,
  drugIdByCode,
  getDrug,
  getDrugs,
  insertDrug,
  packChangeProblem,
  toRecord,
  updateDrug,
  DRUG_RECORD_SELECT,
  type DrugRecord,
} from './drugs';
import { rankedDrugIds, searchDrugs } from './search';
import { commitOffThread, failingRowsOffThread, previewOffThread, runningImport } from './off-thread';
import { importUnderway } from './import-underway';
import { exportCatalog } from './export';
import { catalogImportTemplate } from './template';
import { bookSight } from '../stocktake/blind';
import { receivedBytes } from '../uploaded-file';
import type { FileInput } from '../../../shared/contract/common';
import { readUploadedWorkbook } from '../uploaded-workbook';

/** A store the caller may see stock of: a village doctor only their own clinic's store. */
function checkStore(ctx: HandlerContext, storeId: number | undefined): number | null {
  if (storeId === undefined) return null;
  const store = sql(ctx.db, 'SELECT kind, clinic_id AS clinicId FROM stores WHERE id = ?').get(storeId) as
    | { kind: string; clinicId: number | null }
    | undefined;
  const user = ctx.user;
  if (user.role === 'village_doctor') {
    if (store?.kind !== 'clinic' || store.clinicId !== user.clinicId) throw forbiddenClinic();
  } else if (!store) {
    throw notFound('库房');
  }
  return storeId;
}

function assertCodeFree(db: ReadDb, nhsaCode: string, exceptId: number | null): void {
  const found = drugIdByCode(db, nhsaCode);
  if (found !== null && found !== exceptId) {
    throw new AppError('DUPLICATE', `医保药品编码“${nhsaCode}”已被其他药品使用`, [{ path: 'nhsaCode', message: '该编码已存在' }]);
  }
}

type DrugFields = ParsedInput<'catalog.create'>;

function toDrugRecord(input: DrugFields, active: boolean): DrugRecord {
  return {
    nhsaCode: input.nhsaCode,
    genericName: input.genericName,
    tradeName: input.tradeName,
    dosageForm: input.dosageForm,
    spec: input.spec,
    packUnit: input.packUnit,
    baseUnit: input.baseUnit,
    packSize: input.packSize,
    manufacturer: input.manufacturer,
    approvalNo: input.approvalNo,
    insuranceClass: input.insuranceClass,
    essential: input.essential,
    vbp: input.vbp,
    vbpBatch: input.vbpBatch,
    vbpPrice: input.vbpPrice,
    referencePrice: input.referencePrice,
    rx: input.rx,
    zeroMarkup: input.zeroMarkup,
    defaultSupplierId: input.defaultSupplierId,
    hubMin: input.hubMin,
    hubMax: input.hubMax,
    clinicMin: input.clinicMin,
    clinicMax: input.clinicMax,
    tracePrefix: input.tracePrefix,
    gtin: input.gtin,
    active,
  };
}

function currentRecord(db: ReadDb, id: number): DrugRecord {
  const row = sql(db, `${DRUG_RECORD_SELECT} FROM drugs d WHERE d.id = ?`).get(id) as Record<string, unknown> | undefined;
  if (!row) throw notFound('药品');
  const { id: _id, ...rec } = toRecord(row);
  return rec;
}

/** Listing with q: the search's ranking decides the order; this many matches at most. */
const LIST_SEARCH_CAP = 2000;

/**
 * The uploaded catalog file read once per hub (lib/sheets' worker, cached by SHA-256: the preview, a remap and the
 * commit share the parse), handed to the import's worker as the compact model with the user's sheet choices.
 */
async function readCatalogUpload(ctx: HandlerContext, input: { file: FileInput; sheets?: string[]; skipHiddenRows: boolean }) {
  const file = await receivedBytes(ctx, input.file);
  const { workbook } = await readUploadedWorkbook(ctx.hub, file);
  return { filename: file.filename, workbook: workbook.data, choices: { sheets: input.sheets, skipHiddenRows: input.skipHiddenRows } };
}

function exportFilename(today: string): string {
  return `药品目录-${today.replace(/-/g, '')}.xlsx`;
}

export const catalogHandlers = defineHandlers({
  'catalog.search': (ctx, input) => {
    const storeId = checkStore(ctx, input.storeId);
    const hits = searchDrugs(ctx.db, { q: input.q, storeId, today: ctx.today, limit: input.limit, includeInactive: input.includeInactive });
    // During a blind count the counter does not see the book of the drugs under count (stocktake/blind.ts).
    const sight = bookSight(ctx);
    return hits.map((h) =>
      storeId !== null && sight.hides(storeId, h.id) ? { ...h, stockQty: null, expiredQty: null, bookHidden: true } : { ...h, bookHidden: false },
    );
  },

  'catalog.get': (ctx, input) => getDrug(ctx.db, input.id),

  'catalog.list': (ctx, input) => {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (input.status !== 'all') where.push(input.status === 'active' ? 'd.active = 1' : 'd.active = 0');
    if (input.vbp !== undefined) {
      where.push('d.vbp = @vbp');
      params.vbp = input.vbp ? 1 : 0;
    }
    if (input.essential !== undefined) {
      where.push('d.essential = @essential');
      params.essential = input.essential ? 1 : 0;
    }
    if (input.insuranceClass) {
      where.push('d.insurance_class = @insuranceClass');
      params.insuranceClass = input.insuranceClass;
    }
    if (input.supplierId) {
      where.push(
        '(d.default_supplier_id = @supplierId OR EXISTS (SELECT 1 FROM supplier_prices sp WHERE sp.drug_id = d.id AND sp.supplier_id = @supplierId AND sp.active = 1))',
      );
      params.supplierId = input.supplierId;
    }
    const offset = (input.page - 1) * input.pageSize;
    const q = input.q?.trim();
    if (q) {
      const ranked = rankedDrugIds(ctx.db, q, { includeInactive: true, limit: LIST_SEARCH_CAP });
      where.push('d.id IN (SELECT value FROM json_each(@ids))');
      params.ids = JSON.stringify(ranked);
      const keep = new Set(
        sql(ctx.db, `SELECT d.id FROM drugs d WHERE ${where.join(' AND ')}`)
          .pluck()
          .all(params) as number[],
      );
      const ids = ranked.filter((id) => keep.has(id));
      return { rows: getDrugs(ctx.db, ids.slice(offset, offset + input.pageSize)), total: ids.length, page: input.page, pageSize: input.pageSize };
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = sql(ctx.db, `SELECT count(*) FROM drugs d ${whereSql}`).pluck().get(params) as number;
    const ids = sql(
      ctx.db,
      `SELECT d.id FROM drugs d LEFT JOIN search_names n ON n.name = d.generic_name ${whereSql}
       ORDER BY n.sort_key, d.generic_name, d.dosage_form, d.spec, d.manufacturer, d.id LIMIT @limit OFFSET @offset`,
    )
      .pluck()
      .all({ ...params, limit: input.pageSize, offset }) as number[];
    return { rows: getDrugs(ctx.db, ids), total, page: input.page, pageSize: input.pageSize };
  },

  'catalog.create': (ctx, input) => {
    assertCodeFree(ctx.db, input.nhsaCode, null);
    assertDefaultSupplier(ctx.db, input.defaultSupplierId);
    const id = insertDrug(ctx.db, toDrugRecord(input, true), ctx.now.toISOString());
    ctx.audit.target = `drug:${id}`;
    return getDrug(ctx.db, id);
  },

  'catalog.update': (ctx, input) => {
    const before = currentRecord(ctx.db, input.id);
    const after = toDrugRecord(input, input.active);
    assertCodeFree(ctx.db, input.nhsaCode, input.id);
    if (after.defaultSupplierId !== before.defaultSupplierId) assertDefaultSupplier(ctx.db, after.defaultSupplierId);
    const packProblem = packChangeProblem(ctx.db, input.id, before, after);
    if (packProblem) throw new AppError('BUSINESS_RULE', packProblem, [{ path: 'packSize', message: '已有业务记录，不能修改' }]);
    updateDrug(ctx.db, input.id, after, ctx.now.toISOString());
    ctx.audit.target = `drug:${input.id}`;
    return getDrug(ctx.db, input.id);
  },

  'catalog.setActive': (ctx, input) => {
    currentRecord(ctx.db, input.id);
    sql(ctx.db, 'UPDATE drugs SET active = ?, updated_at = ? WHERE id = ?').run(input.active ? 1 : 0, ctx.now.toISOString(), input.id);
    ctx.audit.target = `drug:${input.id}`;
    return getDrug(ctx.db, input.id);
  },

  'catalog.importPreview': {
    // Reading and checking 150,000 rows takes seconds: on a worker (off-thread.ts), never on the server's thread.
    async: async (ctx, input) => previewOffThread(ctx.hub, { ...(await readCatalogUpload(ctx, input)), mapping: input.mapping }),
  },

  'catalog.importCommit': {
    // The file is read, its names indexed (short transactions) and its drugs written (one transaction, with the
    // audit row) on a worker with a connection of its own; this thread's writes wait at the hub's write gate.
    offThread: async (ctx, input, audit) =>
      commitOffThread(ctx.hub, {
        ...(await readCatalogUpload(ctx, input)),
        mapping: input.mapping,
        mode: input.mode,
        nowMs: ctx.now.getTime(),
        audit,
      }),
  },

  'catalog.export': {
    async: async (ctx, input) => {
      const data = await exportCatalog(ctx.db, { includeInactive: input.includeInactive });
      return { filename: exportFilename(ctx.today), base64: data.toString('base64') };
    },
  },

  'catalog.importErrorsExport': {
    async: async (ctx, input) => {
      const read = await readCatalogUpload(ctx, input);
      const { data, rows } = await failingRowsOffThread(ctx.hub, { ...read, mapping: input.mapping });
      const stem = read.filename.replace(/\.[^.]*$/, '') || '药品目录';
      return { filename: `${stem}-错误数据.xlsx`, base64: Buffer.from(data).toString('base64'), rows };
    },
  },
  // The note of a batched import (import-underway.ts) with none running: one cut off between two batches.
  'catalog.importInterrupted': (ctx) => (runningImport(ctx.hub) ? null : importUnderway(ctx.db)),

  'catalog.importTemplate': {
    async: async () => ({ filename: '药品目录导入模板.xlsx', base64: (await catalogImportTemplate()).toString('base64') }),
  },
});
