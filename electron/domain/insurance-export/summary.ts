/**
 * The preview of a month's 进销存 export without writing its rows. The preview shows per interface how many
 * rows, base units and fen the upload holds, and the warnings; building every row's fields for that (documents,
 * settlements, trace codes, ~30 fields and a memo per ledger row) cost the open month seconds at quick scale and
 * would cost ten times more at ten years. Here the month's ledger is summed in SQL by lot, movement and
 * direction (which is all that decides a row's interface), and the warnings are replayed in the order the
 * rows are written, with the very helpers buildExport uses: the result equals previewOf(buildExport(…)).
 */
import type { ReadContext } from '../context';
import type { ReadDb } from '../../db/database';
import type { InsuranceExportPreview } from '../../../shared/contract/insurance-export';
import { INTERFACE_CODES, INTERFACE_NAMES, MAPPING_NOTES, NOT_KEPT, type InterfaceCode } from '../../../shared/insurance-export';
import type { Movement } from '../../../shared/stock';
import { hubName } from '../settings';
import { addLotWarnings, addRowWarnings, checkSnapshots, classify, type ExportStore, loadDrugs, loadLots, monthEndBalances, monthScope } from './build';

/** The month's ledger rows of one lot, movement and direction: they all go to the same interface. */
interface LedgerGroup {
  lotId: number;
  drugId: number;
  movement: Movement;
  inward: number;
  rows: number;
  qty: number;
  amount: number;
  /** The group's first ledger row: where its warnings fall among the rows as written. */
  firstId: number;
}

function ledgerGroups(db: ReadDb, period: string, storeIds: number[]): LedgerGroup[] {
  if (storeIds.length === 0) return [];
  return db
    .prepare(
      `SELECT lot_id AS lotId, drug_id AS drugId, movement, qty > 0 AS inward, count(*) AS rows, sum(abs(qty)) AS qty, sum(abs(amount)) AS amount,
              min(id) AS firstId
         FROM ledger INDEXED BY ledger_period
        WHERE period = ? AND store_id IN (${storeIds.map(() => '?').join(',')})
        GROUP BY lot_id, drug_id, movement, inward ORDER BY firstId`,
    )
    .all(period, ...storeIds) as LedgerGroup[];
}

export function previewExport(ctx: ReadContext, period: string, stores: ExportStore[]): InsuranceExportPreview {
  const db = ctx.db;
  const scope = monthScope(ctx, period, stores);
  const groups = ledgerGroups(db, period, scope.storeIds);
  const balances = monthEndBalances(db, period, scope.storeIds);
  const drugs = loadDrugs(db, [...groups.map((g) => g.drugId), ...balances.map((b) => b.drugId)]);
  const lots = loadLots(db, [...groups.map((g) => g.lotId), ...balances.map((b) => b.lotId)]);

  const totals = Object.fromEntries(INTERFACE_CODES.map((code) => [code, { rows: 0, qty: 0, amount: 0 }])) as Record<
    InterfaceCode,
    { rows: number; qty: number; amount: number }
  >;
  for (const b of balances) {
    addLotWarnings(scope.warnings, drugs.get(b.drugId)!, lots.get(b.lotId)!, false);
    const t = totals['3501'];
    t.rows += 1;
    t.qty += Math.abs(b.qty);
    t.amount += Math.abs(b.value);
  }
  let ledgerRows = 0;
  for (const g of groups) {
    const { code } = classify(g.movement, g.inward ? 1 : -1);
    addRowWarnings(scope.warnings, code, drugs.get(g.drugId)!, lots.get(g.lotId)!);
    const t = totals[code];
    t.rows += g.rows;
    t.qty += g.qty;
    t.amount += g.amount;
    ledgerRows += g.rows;
  }
  checkSnapshots(db, period, scope, balances, drugs);
  if (ledgerRows === 0 && balances.length === 0) scope.warnings.add('empty', '所选库房本月没有业务，也没有结存');

  return {
    hubName: hubName(db),
    period,
    closed: scope.closed,
    invdate: scope.invdate,
    stores,
    interfaces: INTERFACE_CODES.map((code) => ({ code, name: INTERFACE_NAMES[code], ...totals[code] })),
    ledgerRows,
    warnings: scope.warnings.list(),
    notKept: INTERFACE_CODES.flatMap((code) => (NOT_KEPT[code] ?? []).map((n) => ({ code, fields: n.fields, why: n.why }))),
    notes: MAPPING_NOTES,
  };
}
