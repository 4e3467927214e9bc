import type { ParsedInput } from '../../../shared/contract';
import { defineHandlers, type ReadContext } from '../context';
import { assertStoresBookVisible } from '../stocktake/blind';
import { buildExport, exportStores, type ExportStore } from './build';
import { previewExport } from './summary';
import { jsonFile, workbookFile } from './files';
import type { InsuranceExportPreview } from '../../../shared/contract/insurance-export';
import { readExportPreview } from '../month-facts/store';
import { clinicScope } from '../scope';
import { isPeriodClosed } from '../stock/ledger';

/**
 * 3501 is every lot's balance: a store under the caller's blind count cannot be exported until the count is
 * over (leaving its counted drugs out would make a wrong upload file, so the export is refused instead).
 */
function storesShownTo(ctx: ReadContext, storeId: number | undefined): ExportStore[] {
  const stores = exportStores(ctx, storeId);
  assertStoresBookVisible(
    ctx,
    stores.map((s) => s.id),
    '导出医保进销存：3501 盘存是各批次的账面结存',
  );
  return stores;
}

/**
 * A month of every store's movements (seconds at 40 clinics): both run as long reads (api/long-reads.ts).
 * The whole hub's preview of a closed month was computed at its close (month-facts/) and is read back; any
 * other month is summed without writing its rows (summary.ts).
 */
export function previewInsuranceExport(ctx: ReadContext, input: ParsedInput<'insuranceExport.preview'>): InsuranceExportPreview {
  const stores = storesShownTo(ctx, input.storeId);
  if (input.storeId === undefined && clinicScope(ctx, null) === null && isPeriodClosed(ctx.db, input.period)) {
    const stored = readExportPreview<InsuranceExportPreview>(ctx.db, input.period);
    if (stored) return stored;
  }
  return previewExport(ctx, input.period, stores);
}

export async function downloadInsuranceExport(ctx: ReadContext, input: ParsedInput<'insuranceExport.download'>) {
  const data = buildExport(ctx, input.period, storesShownTo(ctx, input.storeId));
  return input.format === 'json' ? jsonFile(data) : workbookFile(data);
}

export const insuranceExportHandlers = defineHandlers({
  'insuranceExport.preview': previewInsuranceExport,
  'insuranceExport.download': { async: downloadInsuranceExport },
});
