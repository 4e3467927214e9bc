/** Access-matrix and fuzz samples for the 医保进销存 export (see the rules at the top of samples.ts). */
import { chinaDate, periodOf } from '../../shared/dates';
import type { SampleContext, SampleRegistry } from './samples';
import { stockWorld } from './stock-fixture';

/** This month: the fixture's stock is in it (a running month exports as of today). */
const period = ({ f }: SampleContext) => periodOf(chinaDate(f.hub.clock.now()));
/** Clinic A's store (the doctor's own) or clinic B's. */
const store = async (ctx: SampleContext, side: 'A' | 'B') => {
  const w = await stockWorld(ctx.f);
  return side === 'A' ? w.storeA : w.storeB;
};

export const exportSamples: SampleRegistry = {
  'insuranceExport.preview': {
    own: async (ctx) => ({ period: period(ctx), storeId: await store(ctx, 'A') }),
    other: async (ctx) => ({ period: period(ctx), storeId: await store(ctx, 'B') }),
  },
  'insuranceExport.download': {
    own: async (ctx) => ({ period: period(ctx), storeId: await store(ctx, 'A'), format: 'json' as const }),
    other: async (ctx) => ({ period: period(ctx), storeId: await store(ctx, 'B'), format: 'xlsx' as const }),
  },
};
