import { defineHandlers } from '../../api/context';
import { buildExport, exportStores, previewOf } from './build';
import { jsonFile, workbookFile } from './files';

export const insuranceExportHandlers = defineHandlers({
  'insuranceExport.preview': (ctx, input) => previewOf(buildExport(ctx, input.period, exportStores(ctx, input.storeId))),
  'insuranceExport.download': {
    async: async (ctx, input) => {
      const data = buildExport(ctx, input.period, exportStores(ctx, input.storeId));
      return input.format === 'json' ? jsonFile(data) : workbookFile(data);
    },
  },
});
