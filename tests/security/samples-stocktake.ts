/**
 * Access-matrix and fuzz samples for the stocktake methods (see the rules at the top of samples.ts).
 *
 * A store holds one open stocktake at a time, so a sample that needs an open one cancels whatever is open
 * at that store first and draws anew. Every stocktake here is counted openly (not blind): a blind count
 * hides the counted drugs' book from its counter (stock.lots and stock.card refuse, stocktake/blind.ts),
 * which would spoil the stock samples' cells. tests/unit/blind-count-leaks.test.ts counts blind.
 */
import type { MethodOutput } from '../../shared/contract';
import type { SampleContext, SampleRegistry } from './samples';
import type { SecurityFixture } from './fixture';
import { clinicIdOf, doctorOf, receiveAtHub, stockWorld } from './stock-fixture';

type Side = 'A' | 'B';
type Detail = MethodOutput<'stocktakes.get'>;
const both = <T>(build: (ctx: SampleContext, side: Side) => T) => ({
  own: (ctx: SampleContext) => build(ctx, 'A'),
  other: (ctx: SampleContext) => build(ctx, 'B'),
});

/** Who counts for the caller: the clinic's doctor counts a self-count, hub staff an on-site one. */
const modeFor = (ctx: SampleContext) => (ctx.user?.role === 'village_doctor' ? ('self' as const) : ('onsite' as const));

/** A new stocktake of a clinic's store, counting, after cancelling whatever was open there. */
export async function newStocktake(f: SecurityFixture, side: Side, opts: { kind?: 'spot' | 'full'; counterMode: 'self' | 'onsite' }): Promise<Detail> {
  const w = await stockWorld(f);
  const storeId = side === 'A' ? w.storeA : w.storeB;
  for (const open of await f.pharmacist.call('stocktakes.list', { storeId })) {
    if (open.status === 'counting' || open.status === 'submitted') await f.pharmacist.call('stocktakes.cancel', { id: open.id, reason: '安全测试：重新发起' });
  }
  return opts.kind === 'full'
    ? f.pharmacist.call('stocktakes.create', { kind: 'full', storeId, counterMode: opts.counterMode, blind: false })
    : f.pharmacist.call('stocktakes.create', { kind: 'spot', clinicId: clinicIdOf(f, side), sampleSize: 1, counterMode: opts.counterMode, blind: false });
}

/** Counts every line at its book figure, as the one who counts, and submits. */
async function countedAndSubmitted(f: SecurityFixture, side: Side, counterMode: 'self' | 'onsite'): Promise<Detail> {
  const st = await newStocktake(f, side, { counterMode });
  const counter = counterMode === 'self' ? doctorOf(f, side) : f.pharmacist;
  await counter.call('stocktakes.count', { id: st.id, entries: st.lines.map((l) => ({ lineId: l.id, countedQty: l.bookQtyAtStart ?? 0 })) });
  return counter.call('stocktakes.submit', { id: st.id });
}

/** A self-counted spot check per clinic, shared by the reads (it may be cancelled later: still readable). */
const sharedStocktake = (f: SecurityFixture, side: Side) => f.once(`stocktake${side}`, () => newStocktake(f, side, { counterMode: 'self' }));

export const stocktakeSamples: SampleRegistry = {
  'stocktakes.create': {
    input: async ({ f }) => {
      const w = await stockWorld(f);
      for (const open of await f.pharmacist.call('stocktakes.list', { storeId: w.storeA })) {
        if (open.status === 'counting' || open.status === 'submitted')
          await f.pharmacist.call('stocktakes.cancel', { id: open.id, reason: '安全测试：重新发起' });
      }
      return { kind: 'spot' as const, clinicId: f.clinicA.id, sampleSize: 1, counterMode: 'self' as const, blind: false };
    },
  },
  'stocktakes.list': both(({ f }, side) => ({ clinicId: clinicIdOf(f, side) })),
  'stocktakes.get': both(async ({ f }, side) => ({ id: (await sharedStocktake(f, side)).id })),
  'stocktakes.count': both(async (ctx, side) => {
    const st = await newStocktake(ctx.f, side, { counterMode: modeFor(ctx) });
    return { id: st.id, entries: [{ lineId: st.lines[0].id, countedQty: 1 }] };
  }),
  'stocktakes.foundLots': both(async ({ f }, side) => ({ id: (await sharedStocktake(f, side)).id })),
  'stocktakes.addLine': both(async (ctx, side) => {
    const st = await newStocktake(ctx.f, side, { kind: 'full', counterMode: modeFor(ctx) });
    // A batch received at the hub and never issued: known, and not on the clinic's book.
    const { receipt } = await receiveAtHub(ctx.f, await stockWorld(ctx.f), 1);
    return { id: st.id, lotId: receipt.lines[0].lotId };
  }),
  'stocktakes.submit': both(async (ctx, side) => {
    const mode = modeFor(ctx);
    const st = await newStocktake(ctx.f, side, { counterMode: mode });
    const counter = mode === 'self' ? doctorOf(ctx.f, side) : ctx.f.pharmacist;
    await counter.call('stocktakes.count', { id: st.id, entries: st.lines.map((l) => ({ lineId: l.id, countedQty: l.bookQtyAtStart ?? 0 })) });
    return { id: st.id };
  }),
  'stocktakes.requestRecount': {
    input: async ({ f }) => {
      const st = await countedAndSubmitted(f, 'A', 'onsite');
      return { id: st.id, lineIds: [st.lines[0].id], reason: '请再数一次' };
    },
  },
  'stocktakes.approve': {
    // Everything counted at its book figure: approval posts nothing, so the stock samples keep their stock.
    input: async ({ f }) => ({ id: (await countedAndSubmitted(f, 'A', 'onsite')).id, reasons: [] }),
  },
  'stocktakes.cancel': {
    input: async ({ f }) => ({ id: (await newStocktake(f, 'A', { counterMode: 'onsite' })).id, reason: '安全测试：作废' }),
  },
  'stocktakes.verifySelection': { input: async ({ f }) => ({ id: (await sharedStocktake(f, 'A')).id }) },
  'stocktakes.accuracy': both(({ f }, side) => ({ from: '2026-01', to: '2026-12', clinicId: clinicIdOf(f, side) })),
};
