import { defineHandlers } from '../context';
import { clinicScope } from '../scope';
import { forbidden } from '../../errors';
import { clinicStatement, clinicsSummary, hubStatement } from './statements';
import { supplierStatement, suppliersSummary } from './suppliers';
import { createPayment, reversePayment } from './payments';
import { listPayments } from './payment-list';
import { assertNotClosed, closePeriod, listPeriods, periodChecks, periodHistory, refuseUnlessClosable, reopenPeriod } from './periods';
import { BOOKS_CHECK_KEY, type BooksCheckedBefore, ledgerMark } from './checks';
import { backupBeforeClose } from './backup';
import { clinicWorkbook, clinicsWorkbook, hubWorkbook, supplierWorkbook, suppliersWorkbook } from './export';

export const settlementHandlers = defineHandlers({
  'statements.hub': (ctx, input) => hubStatement(ctx, input.period),
  'statements.clinic': (ctx, input) => clinicStatement(ctx, input),
  'statements.clinics': (ctx, input) => clinicsSummary(ctx, input.period),
  'statements.suppliers': (ctx, input) => suppliersSummary(ctx.db, input.period),
  'statements.supplier': (ctx, input) => supplierStatement(ctx.db, input.supplierId, input.period),
  'statements.export': {
    async: async (ctx, input) => {
      if (input.kind === 'clinic') {
        clinicScope(ctx, input.clinicId);
        return clinicWorkbook(clinicStatement(ctx, input));
      }
      // Everything but a clinic's own statement is the hub's business.
      if (ctx.user.role === 'village_doctor') throw forbidden('村医只能导出本卫生室的结算单');
      switch (input.kind) {
        case 'hub':
          return hubWorkbook(hubStatement(ctx, input.period));
        case 'clinics':
          return clinicsWorkbook(clinicsSummary(ctx, input.period));
        case 'supplier':
          return supplierWorkbook(supplierStatement(ctx.db, input.supplierId, input.period));
        case 'suppliers':
          return suppliersWorkbook(suppliersSummary(ctx.db, input.period));
      }
    },
  },

  'payments.create': createPayment,
  'payments.reverse': reversePayment,
  'payments.list': (ctx, input) => listPayments(ctx.db, input),

  'periods.list': (ctx) => listPeriods(ctx.db, ctx.today),
  'periods.checks': (ctx, input) => periodChecks(ctx.db, input.period, ctx.today),
  'periods.close': {
    // Checked first on the long-read worker (a refused close leaves no backup behind, and the month's ledger is
    // read off the thread that answers the villages), backed up, then checked again and closed inside the write
    // transaction, where the books check found before is reused while no ledger row came since.
    prepare: async (ctx, input) => {
      assertNotClosed(ctx.db, input.period);
      const mark = ledgerMark(ctx.db); // before the worker's snapshot begins: a later row makes the transaction check again
      const { checks } = await ctx.longRead('periods.checks', { period: input.period });
      refuseUnlessClosable(input.period, checks, input.acknowledgeWarnings);
      const books = checks.find((c) => c.key === BOOKS_CHECK_KEY);
      return { backupFile: await backupBeforeClose(ctx, input.period), booksBefore: books && { ledgerMark: mark, result: books } };
    },
    run: (ctx, input, p: { backupFile: string; booksBefore?: BooksCheckedBefore }) => closePeriod(ctx, input, p.backupFile, p.booksBefore),
  },
  'periods.reopen': reopenPeriod,
  'periods.history': (ctx, input) => periodHistory(ctx.db, input.period),
});
