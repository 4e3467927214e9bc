import { defineHandlers } from '../context';
import { clinicScope } from '../scope';
import { createReceipt, getReceipt, listReceipts, openOrders, reverseReceipt } from './receiving';
import { createDelivery, getDelivery, listDeliveries, pendingIssues, previewDelivery, resolveDiscrepancy, signDelivery } from './deliveries';
import { createDispensing, listDispensings, reverseDispensing } from './dispensing';
import { cancelReturn, createReturn, decideReturn, listReturns } from './returns';
import { cancelWriteoff, createWriteoff, decideWriteoff, listWriteoffs } from './writeoffs';
import { stockCard, stockLots, stockOnHand } from './views';
import { onHandWorkbook, stockCardWorkbook } from './list-exports';
import { setWatch, stockAlerts, stockAlertsWorkbook, watchList } from './watch';
import { assertClinicAccess } from '../scope';
import { traceLookup } from './trace-lookup';
import { commitPackages, previewPackages, readPackageFile, type PackageFile } from './package-import';
import { openedBoxScan, setOpenedBoxScan } from './scan-rules';
import { sql, type ReadDb } from '../../db/database';
import { notFound } from '../../errors';
import { listStores } from '../master-data/stores';
import { receivedBytes } from '../uploaded-file';

export const stockHandlers = defineHandlers({
  'stock.stores': (ctx, input) => listStores(ctx.db, clinicScope(ctx), input.includeTransit),
  'stock.onHand': stockOnHand,
  'stock.lots': stockLots,
  'stock.card': stockCard,
  'stock.alerts': stockAlerts,
  'stock.alertsExport': { async: async (ctx, input) => stockAlertsWorkbook(ctx, input) },
  'stock.watchList': watchList,
  'stock.setWatch': setWatch,
  'stock.cardExport': { async: async (ctx, input) => stockCardWorkbook(ctx, input) },
  'stock.onHandExport': { async: async (ctx, input) => onHandWorkbook(ctx, input) },

  'receipts.create': createReceipt,
  'receipts.openOrders': (ctx, input) => openOrders(ctx.db, input.supplierId),
  'receipts.list': (ctx, input) => listReceipts(ctx.db, input),
  'receipts.get': (ctx, input) => getReceipt(ctx.db, input.id),
  'receipts.reverse': reverseReceipt,

  'deliveries.pending': pendingIssues,
  'deliveries.preview': previewDelivery,
  'deliveries.create': createDelivery,
  'deliveries.list': listDeliveries,
  'deliveries.get': (ctx, input) => {
    const owner = sql(ctx.db, 'SELECT clinic_id AS clinicId FROM deliveries WHERE id = ?').get(input.id) as { clinicId: number } | undefined;
    if (!owner) throw notFound('配送单');
    assertClinicAccess(ctx, owner.clinicId);
    return getDelivery(ctx.db, input.id);
  },
  'deliveries.sign': signDelivery,
  'deliveries.resolve': resolveDiscrepancy,

  'dispensing.create': createDispensing,
  'dispensing.list': listDispensings,
  'dispensing.reverse': reverseDispensing,

  'returns.create': createReturn,
  'returns.decide': decideReturn,
  'returns.cancel': cancelReturn,
  'returns.list': listReturns,

  'writeoffs.create': createWriteoff,
  'writeoffs.decide': decideWriteoff,
  'writeoffs.cancel': cancelWriteoff,
  'writeoffs.list': listWriteoffs,

  'trace.lookup': traceLookup,
  'trace.packagesPreview': {
    async: async (ctx, input) => {
      if (input.supplierId !== undefined) assertSupplier(ctx.db, input.supplierId);
      return previewPackages(ctx.db, await readPackageFile(ctx.hub, await receivedBytes(ctx, input.file), input.mapping));
    },
  },
  'trace.packagesImport': {
    prepare: async (ctx, input) => readPackageFile(ctx.hub, await receivedBytes(ctx, input.file), input.mapping),
    run: (ctx, input, file: PackageFile) => {
      if (input.supplierId !== undefined) assertSupplier(ctx.db, input.supplierId);
      const result = commitPackages(ctx.db, { userId: ctx.user.id, now: ctx.now, supplierId: input.supplierId ?? null }, file);
      ctx.audit.target = result.importId === null ? 'trace_packages' : `trace_package_import:${result.importId}`;
      ctx.audit.details = { file: file.fileName, sha256: file.sha256, added: result.added, known: result.known };
      return result;
    },
  },
  'trace.scanRules': (ctx) => ({ openedBoxScan: openedBoxScan(ctx.db) }),
  'trace.updateScanRules': (ctx, input) => {
    const before = openedBoxScan(ctx.db);
    setOpenedBoxScan(ctx.db, input.openedBoxScan);
    ctx.audit.target = 'settings:trace';
    ctx.audit.details = { openedBoxScan: { from: before, to: input.openedBoxScan } };
    return input;
  },
});

function assertSupplier(db: ReadDb, supplierId: number): void {
  if (!sql(db, 'SELECT 1 FROM suppliers WHERE id = ?').get(supplierId)) throw notFound('配送企业');
}
