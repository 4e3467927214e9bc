/** Access-matrix and fuzz samples for the settlement-detail import and reconciliation (see the rules at the top of samples.ts). */
import { sql } from '../../electron/db/database';
import { chinaDate, periodOf } from '../../shared/dates';
import type { SampleContext, SampleRegistry } from './samples';
import { clinicIdOf, doctorOf, stockWorld } from './stock-fixture';

type Side = 'A' | 'B';
const both = <T>(build: (ctx: SampleContext, side: Side) => T) => ({
  own: (ctx: SampleContext) => build(ctx, 'A'),
  other: (ctx: SampleContext) => build(ctx, 'B'),
});
const today = ({ f }: SampleContext) => chinaDate(f.hub.clock.now());

/** A day's settlement file of one visit (Chinese headers, a client's CSV) for the fixture's drug; `visit` makes it new. */
async function settlementFile(ctx: SampleContext, visit: string) {
  const w = await stockWorld(ctx.f);
  const code = (sql(ctx.f.hub.runtime.app.db, 'SELECT nhsa_code AS code FROM drugs WHERE id = ?').get(w.drug.id) as { code: string }).code;
  const text = ['就诊ID,费用发生时间,项目编码,项目名称,数量,单位,单价,金额', `${visit},${today(ctx)} 09:00:00,${code},${w.drug.name},2,粒,0.52,1.04`].join(
    '\r\n',
  );
  return { filename: `结算明细-${visit}.csv`, base64: Buffer.from(`${text}\r\n`).toString('base64') };
}

/** One imported settlement line per clinic, shared by the reads (its drug is on the clinic's shelf). */
const importedLine = (ctx: SampleContext, side: Side) =>
  ctx.f.once(`settlement-${side}`, async () => {
    const file = await settlementFile(ctx, `SEC-V-${side}`);
    const doctor = doctorOf(ctx.f, side);
    const preview = await doctor.call('reconciliation.importPreview', { file });
    await doctor.call('reconciliation.importCommit', { file, mapping: preview.mapping, mode: 'all' });
    const lines = await doctor.call('reconciliation.lines', { date: today(ctx) });
    return lines[0].id;
  });

export const reconciliationSamples: SampleRegistry = {
  'reconciliation.importPreview': both(async (ctx, side) => ({ clinicId: clinicIdOf(ctx.f, side), file: await settlementFile(ctx, `SEC-P-${ctx.f.seq()}`) })),
  'reconciliation.importCommit': both(async (ctx, side) => {
    const file = await settlementFile(ctx, `SEC-C-${ctx.f.seq()}`);
    const preview = await ctx.f.pharmacist.call('reconciliation.importPreview', { clinicId: clinicIdOf(ctx.f, side), file });
    return { clinicId: clinicIdOf(ctx.f, side), file, mapping: preview.mapping, mode: 'all' as const };
  }),
  'reconciliation.imports': {
    own: async (ctx) => {
      await importedLine(ctx, 'B');
      return { limit: 50 };
    },
    otherFiltered: (rows, { f }) => rows.filter((r) => r.clinicId !== f.clinicA.id).map((r) => `import ${r.id} of clinic ${r.clinicName}`),
  },
  'reconciliation.overview': {
    own: async (ctx) => {
      await importedLine(ctx, 'B');
      return { period: periodOf(today(ctx)) };
    },
    otherFiltered: (rows, { f }) => rows.filter((r) => r.clinicId !== f.clinicA.id).map((r) => `overview of clinic ${r.clinicName}`),
  },
  'reconciliation.clinic': both(async (ctx, side) => {
    await importedLine(ctx, side);
    return { clinicId: clinicIdOf(ctx.f, side), from: today(ctx), to: today(ctx) };
  }),
  'reconciliation.sheet': both(async (ctx, side) => {
    await importedLine(ctx, side);
    return { clinicId: clinicIdOf(ctx.f, side), period: periodOf(today(ctx)) };
  }),
  'reconciliation.export': both(async (ctx, side) => {
    await importedLine(ctx, side);
    return { clinicId: clinicIdOf(ctx.f, side), period: periodOf(today(ctx)) };
  }),
  'reconciliation.lines': both(async (ctx, side) => {
    await importedLine(ctx, side);
    return { clinicId: clinicIdOf(ctx.f, side), date: today(ctx), reveal: false };
  }),
  // Unmarking (qty 0) leaves the fixture as it was.
  'reconciliation.markSelfPay': both(async (ctx, side) => ({
    clinicId: clinicIdOf(ctx.f, side),
    date: today(ctx),
    drugId: (await stockWorld(ctx.f)).drug.id,
    qty: 0,
    note: null,
  })),
  'reconciliation.postingPreview': both(async (ctx, side) => {
    await importedLine(ctx, side);
    return { clinicId: clinicIdOf(ctx.f, side), date: today(ctx) };
  }),
  // A line of its own per call: posting consumes it.
  'reconciliation.post': both(async (ctx, side) => {
    const visit = `SEC-Q-${ctx.f.seq()}`;
    const file = await settlementFile(ctx, visit);
    const clinicId = clinicIdOf(ctx.f, side);
    const preview = await ctx.f.pharmacist.call('reconciliation.importPreview', { clinicId, file });
    await ctx.f.pharmacist.call('reconciliation.importCommit', { clinicId, file, mapping: preview.mapping, mode: 'all' });
    const lines = await ctx.f.pharmacist.call('reconciliation.lines', { clinicId, date: today(ctx), mdtrtId: visit });
    return { clinicId, date: today(ctx), lineIds: [lines[0].id] };
  }),
  'reconciliation.settings': { input: () => ({}) },
  'reconciliation.updateSettings': { input: () => ({ identityMonths: 36 }) },
  'reconciliation.purge': { input: () => ({}) },
};
