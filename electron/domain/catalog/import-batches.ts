/**
 * A big import's drugs written in batches, each its own short transaction, so the hub's other writes go between
 * them. In one transaction a national file (150,000 drugs) held every posting of every village for 1.4–1.7 s on a
 * ten-year hub, however it was written: the rows alone take ~0.7 s, their indexes ~0.5 s.
 *
 * What that costs, and what stays:
 * - A file that writes at most ONE_TRANSACTION_UP_TO drugs (any hub's own catalog) is still written all or nothing.
 * - A bigger one is checked whole before its first batch (a refused file writes nothing), and its audit row is in
 *   the first batch. The drugs then appear batch by batch, each batch whole. Stopped or cut off by a crash, the
 *   batches written stay (each drug complete and valid); importing the same file again writes the rest and counts
 *   the written rows as unchanged.
 * - While it writes, the hub's settings say so (import-underway.ts): found there with no import running, the import
 *   was cut off, and the catalog page says how far it got.
 * - Each batch checks that what the rows were evaluated on still holds for it: its drugs unchanged since the first
 *   batch (their updated_at), the suppliers and the ledger's answers as read. When anything changed, the rest of
 *   the file is evaluated again and written in one transaction, as a small import is.
 */
import { AppError } from '../../errors';
import { CATALOG_IMPORT_ONE_TRANSACTION_UP_TO, CATALOG_IMPORT_ROWS_PER_BATCH } from '../../../shared/catalog-import';
import type { WriteDb } from '../../db/database';
import type { ImportMapping } from '../../../shared/contract/catalog';
import {
  aheadHoldsFor,
  aheadStillHolds,
  commitImport,
  committableCounts,
  resultOf,
  type AheadEvaluation,
  type CommitResult,
  type PacePoint,
  type ParsedWorkbook,
} from './import';
import {
  noteStagedUpdatesStamps,
  stagedCountsThrough,
  stagedNamesNotIndexed,
  stagedRanges,
  stagedRangeTouched,
  stagedRangeUpdates,
  writeStagedRange,
  type StagedRange,
} from './import-staging';
import { ensureSearchName } from './searchIndex';
import { clearImportUnderway, noteImportUnderway, type ImportUnderway } from './import-underway';

/** Drugs an import writes in one transaction at most (about 0.1–0.3 s of the hub's writes on this class of machine). */
export const ONE_TRANSACTION_UP_TO = CATALOG_IMPORT_ONE_TRANSACTION_UP_TO;
/**
 * Drugs per batch beyond that. With the drugs' indexes kept up a batch takes 15–70 ms on a ten-year hub as the catalog
 * grows (~30 µs a drug, most of it the name index); halving it made each batch hardly shorter and the import twice as long.
 */
export const ROWS_PER_BATCH = CATALOG_IMPORT_ROWS_PER_BATCH;

/** Runs `write` with the hub's write gate held for it (on a worker: import-worker.ts). */
export type GatedWrite = <T>(write: () => T) => Promise<T>;

export interface StagedCommit {
  db: WriteDb;
  filename: string;
  /** Who imports (the name the hub shows), for the note of an import under way (import-underway.ts). */
  startedBy: string | null;
  wb: ParsedWorkbook;
  mapping: ImportMapping;
  mode: 'all' | 'cleanRowsOnly';
  at: string;
  /** The evaluation ahead, its rows staged on `db` (stageAhead). */
  ahead: AheadEvaluation;
  gated: GatedWrite;
  pace: PacePoint;
  /** Records the import's audit row, inside the transaction that writes its first drugs. */
  audit: (details: Record<string, unknown>) => void;
  progress: (done: number, total: number) => void;
}

/** Writes the staged rows, batch by batch (see the module's note). */
export async function commitInBatches(job: StagedCommit): Promise<CommitResult> {
  const { db, ahead, mode, at } = job;
  const ranges = stagedRanges(db, ROWS_PER_BATCH);
  const first = await job.gated(() =>
    db
      .transaction(() => {
        // Checked whole before anything is written: the refusals of a small import, against the catalog as now.
        if (!aheadStillHolds(db, ahead)) return { batched: false as const, result: commitWhole(job) };
        const n = committableCounts(ahead.outcomes, mode);
        const result = resultOf(ahead.outcomes, n);
        noteStagedUpdatesStamps(db);
        job.audit({ ...importAuditDetails(mode, result), batches: ranges.length });
        writeStagedRange(db, ranges[0], at);
        const underway: ImportUnderway = {
          filename: job.filename,
          startedAt: at,
          startedBy: job.startedBy,
          batches: ranges.length,
          drugs: result.created + result.updated,
          writtenBatches: 1,
          writtenDrugs: ranges[0].to,
        };
        noteImportUnderway(db, underway);
        return { batched: true as const, result, underway };
      })
      .immediate(),
  );
  if (!first.batched) return first.result;
  const total = first.result.created + first.result.updated;
  job.progress(ranges[0].to, total);
  for (let i = 1; i < ranges.length; i++) {
    const range = ranges[i];
    // The requests under way are answered first; the gate then goes to writes already waiting for it.
    job.pace();
    const last = i === ranges.length - 1;
    const wrote = await job.gated(() => {
      try {
        return db
          .transaction(() => {
            if (stagedRangeTouched(db, range) || !aheadHoldsFor(db, ahead, stagedRangeUpdates(db, range))) return false;
            writeStagedRange(db, range, at);
            // The names were indexed ahead in short transactions; any the index lacks now are indexed here.
            if (last) {
              for (const name of stagedNamesNotIndexed(db)) ensureSearchName(db, name);
              clearImportUnderway(db);
            } else noteImportUnderway(db, { ...first.underway, writtenBatches: i + 1, writtenDrugs: range.to });
            return true;
          })
          .immediate();
      } catch (err) {
        // A code or GTIN someone else took meanwhile (the unique indexes check them): evaluated again below.
        if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
        throw err;
      }
    });
    if (!wrote) return await restAfterChange(job, ranges[i - 1]);
    job.progress(range.to, total);
  }
  return first.result;
}

/**
 * A small import's transaction (the caller's): evaluated against the catalog it sees (through `ahead` while that still
 * holds), written whole, its audit row in it. An import cut off earlier is no longer news: this one was made knowing
 * the catalog.
 */
export function commitWhole(job: Pick<StagedCommit, 'db' | 'wb' | 'mapping' | 'mode' | 'at' | 'audit' | 'progress'>, ahead?: AheadEvaluation): CommitResult {
  const result = commitImport(job.db, job.wb, job.mapping, job.mode, job.at, job.progress, ahead);
  job.audit(importAuditDetails(job.mode, result));
  clearImportUnderway(job.db);
  return result;
}

/**
 * The catalog changed under the batches after `written`: the whole file is evaluated again in one transaction (the
 * rows already written now read as unchanged) and what is left is written there, with an audit row of its own.
 */
async function restAfterChange(job: StagedCommit, written: StagedRange): Promise<CommitResult> {
  const before = stagedCountsThrough(job.db, written.to);
  try {
    const rest = await job.gated(() => job.db.transaction(() => commitWhole(job)).immediate());
    return {
      ...rest,
      created: before.created + rest.created,
      updated: before.updated + rest.updated,
      unchanged: rest.unchanged - before.created - before.updated,
    };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    throw new AppError(
      err.code,
      `导入期间药品目录或配送企业有改动，其余各行重新检查后未写入：此前已分批写入 ${before.created + before.updated} 种药品，其余未导入。${err.message.replace(/整个文件未导入，药品目录没有任何改动。/, '')}`,
      err.issues,
    );
  }
}

/** What an import's audit row says it wrote (shared/audit-details.ts labels each key). */
export function importAuditDetails(mode: 'all' | 'cleanRowsOnly', r: CommitResult): Record<string, unknown> {
  return { mode, created: r.created, updated: r.updated, unchanged: r.unchanged, skippedRows: r.skippedRows };
}
