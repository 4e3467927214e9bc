import type { ParsedInput } from '../../../shared/contract';
import { defineHandlers, type ReadContext } from '../context';
import { buildExport, exportStores, previewOf } from './build';
import { jsonFile, workbookFile } from './files';

/** A month of every store's movements (seconds at 40 clinics): both run as long reads (api/long-reads.ts). */
export const previewInsuranceExport = (ctx: ReadContext, input: ParsedInput<'insuranceExport.preview'>) =>
  previewOf(buildExport(ctx, input.period, exportStores(ctx, input.storeId)));

export async function downloadInsuranceExport(ctx: ReadContext, input: ParsedInput<'insuranceExport.download'>) {
  const data = buildExport(ctx, input.period, exportStores(ctx, input.storeId));
  return input.format === 'json' ? jsonFile(data) : workbookFile(data);
}

export const insuranceExportHandlers = defineHandlers({
  'insuranceExport.preview': previewInsuranceExport,
  'insuranceExport.download': { async: downloadInsuranceExport },
});
