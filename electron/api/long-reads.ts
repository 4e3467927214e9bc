import type { MethodName, ParsedInput } from '../../shared/contract';
import type { ReadContext } from '../domain/context';
import { supervisionDashboard } from '../domain/supervision/dashboard';
import { supervisionDrilldown } from '../domain/supervision/drilldown';
import { listSignals } from '../domain/supervision/signals';
import { downloadInsuranceExport, previewInsuranceExport } from '../domain/insurance-export/handlers';
import { periodChecks } from '../domain/settlement/periods';
import { WORKER_READS, type WorkerReadName } from '../domain/worker-reads';
import type { PackageBuilder } from '../domain/prefecture/auto-send';
import type { Manifest } from '../../shared/prefecture/package';
import { chinaDate } from '../../shared/dates';
import { AppError } from '../errors';
import type { Runtime } from '../runtime';

type LongReadHandler = (ctx: ReadContext, input: never) => unknown;

/**
 * Reads that cost seconds whatever the code does, because they summarise every clinic over months (the
 * supervision dashboard, its signals and drill-downs, and the national 进销存 export read hundreds of
 * thousands of ledger rows; the export's workbook is seconds of writing besides; the month's checks before a
 * close read its ledger twice). They run
 * on a worker thread with a read-only connection of its own, so the server keeps answering the villages
 * meanwhile. A handler listed here takes a ReadContext, so the compiler keeps it to what the worker has.
 */
export const LONG_READS = {
  'supervision.dashboard': supervisionDashboard,
  'supervision.signals': listSignals,
  'supervision.drilldown': supervisionDrilldown,
  'insuranceExport.preview': previewInsuranceExport,
  'insuranceExport.download': downloadInsuranceExport,
  'periods.checks': (ctx: ReadContext, input: ParsedInput<'periods.checks'>) => periodChecks(ctx.db, input.period, ctx.today),
} satisfies Partial<Record<MethodName, LongReadHandler>>;

export type LongReadMethod = keyof typeof LONG_READS;

export const isLongRead = (name: string): name is LongReadMethod => Object.hasOwn(LONG_READS, name);

/** Runs a long read or a worker read on this thread (the worker does; so does the server when no worker can run). May be a promise. */
export function runLongRead(method: LongReadMethod | WorkerReadName, ctx: ReadContext, input: unknown): unknown {
  // as never: each handler takes its own input, parsed by dispatch with the method's schema or typed by its caller.
  const table: Record<string, LongReadHandler> = Object.hasOwn(WORKER_READS, method) ? WORKER_READS : LONG_READS;
  return table[method](ctx, input as never);
}

/**
 * The prefecture package built on the long-read worker outside any request (the automatic sender): seconds of
 * reading, hashing and compressing on a ten-year hub that the villages must not wait for. No caller, no user: the
 * build needs none.
 */
export function packageBytesOffThread(runtime: Runtime): PackageBuilder {
  return async (_hub, period, signer) => {
    const app = runtime.app;
    const now = app.clock.now();
    const ctx: ReadContext = {
      db: app.readDb,
      now,
      today: chinaDate(now),
      get user(): never {
        throw new AppError('UNAUTHENTICATED', '自动上报没有登录用户');
      },
      optionalUser: null,
    };
    const input = { period, signer };
    return (await app.longReads.run('prefecture.packageBytes', input, now, null, () => runLongRead('prefecture.packageBytes', ctx, input))) as {
      manifest: Manifest;
      bytes: Uint8Array;
    };
  };
}
