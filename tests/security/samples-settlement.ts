/** Access-matrix and fuzz samples for the settlement methods (see the rules at the top of samples.ts). */
import { chinaDate, periodOf } from '../../shared/dates';
import type { SampleContext, SampleRegistry } from './samples';
import { clinicIdOf, stockWorld } from './stock-fixture';

type Side = 'A' | 'B';
const both = <T>(build: (ctx: SampleContext, side: Side) => T) => ({
  own: (ctx: SampleContext) => build(ctx, 'A'),
  other: (ctx: SampleContext) => build(ctx, 'B'),
});
const today = ({ f }: SampleContext) => chinaDate(f.hub.clock.now());
/** This month: its statements have the fixture's stock in them, and it cannot be closed yet (it has not ended). */
const period = (ctx: SampleContext) => periodOf(today(ctx));

/** A payment to the fixture's supplier, made afresh (reversing consumes it). */
async function payment(ctx: SampleContext) {
  const w = await stockWorld(ctx.f);
  const { payment: p } = await ctx.f.finance.call('payments.create', {
    supplierId: w.supplierId,
    payDate: today(ctx),
    voucherNo: `SEC-${ctx.f.seq()}`,
    amount: 1_000,
  });
  return p;
}

export const settlementSamples: SampleRegistry = {
  'statements.hub': { input: (ctx) => ({ period: period(ctx) }) },
  'statements.clinic': both(async (ctx, side) => {
    await stockWorld(ctx.f);
    return { period: period(ctx), clinicId: clinicIdOf(ctx.f, side) };
  }),
  'statements.clinics': { input: (ctx) => ({ period: period(ctx) }) },
  'statements.suppliers': { input: (ctx) => ({ period: period(ctx) }) },
  'statements.supplier': { input: async (ctx) => ({ supplierId: (await stockWorld(ctx.f)).supplierId, period: period(ctx) }) },
  'statements.export': both(async (ctx, side) => {
    await stockWorld(ctx.f);
    return { kind: 'clinic' as const, period: period(ctx), clinicId: clinicIdOf(ctx.f, side) };
  }),

  'payments.create': {
    input: async (ctx) => ({
      supplierId: (await stockWorld(ctx.f)).supplierId,
      payDate: today(ctx),
      voucherNo: `SEC-${ctx.f.seq()}`,
      amount: 500,
      method: 'transfer' as const,
    }),
  },
  'payments.reverse': { input: async (ctx) => ({ id: (await payment(ctx)).id, reason: '安全测试冲销' }) },
  'payments.list': { input: async (ctx) => ({ supplierId: (await stockWorld(ctx.f)).supplierId }) },

  'periods.list': { input: () => ({}) },
  'periods.checks': { input: (ctx) => ({ period: period(ctx) }) },
  // This month has not ended: every allowed caller gets 422 and nothing closes.
  'periods.close': { input: (ctx) => ({ period: period(ctx), acknowledgeWarnings: true }) },
  // Nothing is closed in the fixture: every allowed caller gets 409 and nothing reopens.
  'periods.reopen': { input: () => ({ period: '2026-01', reason: '安全测试反结账' }) },
  'periods.history': { input: () => ({}) },
};
