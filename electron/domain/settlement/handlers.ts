import { defineHandlers } from '../context';
import { clinicScope } from '../scope';
import { forbidden } from '../../errors';
import { clinicStatement, clinicsSummary, hubStatement } from './statements';
import { supplierStatement, suppliersSummary } from './suppliers';
import { createPayment, reversePayment } from './payments';
import { listPayments } from './payment-list';
import { assertClosable, closePeriod, listPeriods, periodChecks, periodHistory, reopenPeriod } from './periods';
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
    // Checked first (so a refused close leaves no backup behind), backed up, then checked again and
    // closed inside the write transaction.
    prepare: async (ctx, input) => {
      assertClosable(ctx.db, input.period, ctx.today, input.acknowledgeWarnings);
      return backupBeforeClose(ctx, input.period);
    },
    run: (ctx, input, backupFile: string) => closePeriod(ctx, input, backupFile),
  },
  'periods.reopen': reopenPeriod,
  'periods.history': (ctx, input) => periodHistory(ctx.db, input.period),
});
