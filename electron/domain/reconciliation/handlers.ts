/** 医保结算对账: import, reconciliation, record once, personal data. */
import { defineHandlers, type HandlerContext, type WriteContext } from '../context';
import { clinicScope } from '../scope';
import { sql } from '../../db/database';
import { rows as selectRows, given, sql as query } from '../../db/sql';
import type { MethodOutput } from '../../../shared/contract';
import { AppError } from '../../errors';
import { postingContext } from '../stock/common';
import type { PostingContext } from '../stock/ledger';
import { bookSight } from '../stocktake/blind';
import { formatQty } from '../../../shared/units';
import { readSettlementFile, type SettlementFile } from './file';
import { commitImport, previewImport } from './import';
import { candidates, postLines, recordPostings, type LineResult } from './posting';
import { purgeIdentity, retentionState, setIdentityMonths, settlementLinesView } from './privacy';
import { clinicHead, reconcile } from './reconcile';
import { monthlySheet, overview } from './report';
import { reconciliationWorkbook } from './export';
import { assertActiveClinic } from '../master-data/stores';
import { invalidateRule } from '../month-facts/store';
import { computeMonthFactsInBackground } from '../month-facts/background';
import { latestClosedPeriod } from '../stock/ledger';
import { RECON_RULE_KEYS } from '../../../shared/supervision';
import { receivedBytes } from '../uploaded-file';

/** Closed months whose settlement signals are stored again after a late import (as after a threshold change). */
const SETTLEMENT_REFILL_MONTHS = 24;

/** The clinic a call is about: a village doctor's own; a hub user must name one. */
function requireClinic(ctx: Pick<HandlerContext, 'user'>, requested: number | undefined): number {
  const clinicId = clinicScope(ctx, requested);
  if (clinicId === null) throw new AppError('VALIDATION', '请选择村卫生室', [{ path: 'clinicId', message: '请选择村卫生室' }]);
  return clinicId;
}

function previewLine(r: LineResult) {
  const l = r.line;
  return {
    lineId: l.id,
    mdtrtId: l.mdtrtId,
    rxNo: l.rxNo,
    feeTime: l.feeTime,
    drugId: l.drugId,
    drugName: l.drug?.name ?? l.itemName,
    spec: l.drug?.spec ?? null,
    packSize: l.drug?.packSize ?? null,
    packUnit: l.drug?.packUnit ?? null,
    baseUnit: l.drug?.baseUnit ?? null,
    medListCodg: l.medListCodg,
    qty: l.qty,
    canPost: r.reason === null,
    reason: r.reason,
    lots: r.lots,
    amount: r.amount,
  };
}

/** A posting that only tries (rolled back): no 补录 mark on the audit row of a review. */
function trialPosting(ctx: WriteContext, date: string): PostingContext {
  return { db: ctx.db, userId: ctx.user.id, businessDate: date, today: ctx.today, now: ctx.now };
}

export const reconciliationHandlers = defineHandlers({
  'reconciliation.importPreview': {
    async: async (ctx, input) => {
      const clinicId = requireClinic(ctx, input.clinicId);
      const clinic = clinicHead(ctx.db, clinicId);
      const file = await readSettlementFile(ctx.hub, await receivedBytes(ctx, input.file), input.sheets, input.mapping);
      return previewImport(ctx.db, clinicId, clinic.storeId, file, ctx.today);
    },
  },

  'reconciliation.importCommit': {
    prepare: async (ctx, input) => {
      requireClinic(ctx, input.clinicId);
      return readSettlementFile(ctx.hub, await receivedBytes(ctx, input.file), input.sheets, input.mapping);
    },
    run: (ctx, input, file: SettlementFile) => {
      const clinicId = requireClinic(ctx, input.clinicId);
      assertActiveClinic(ctx.db, clinicId);
      const clinic = clinicHead(ctx.db, clinicId);
      const result = commitImport(ctx.db, { clinicId, storeId: clinic.storeId, userId: ctx.user.id, now: ctx.now, today: ctx.today }, file, input.mode);
      if ((result.added > 0 || result.reversals > 0) && result.firstDate) forgetSettlementSignals(ctx, result.firstDate);
      ctx.audit.target = result.importId === null ? `clinic:${clinicId}` : `settlement_import:${result.importId}`;
      ctx.audit.clinicId = clinicId;
      ctx.audit.details = {
        file: file.fileName,
        sha256: file.sha256,
        added: result.added,
        known: result.known,
        reversals: result.reversals,
        skippedRows: result.skippedRows,
      };
      return result;
    },
  },

  'reconciliation.imports': (ctx, input) => {
    const clinicId = clinicScope(ctx, input.clinicId);
    return selectRows<MethodOutput<'reconciliation.imports'>[number]>(
      ctx.db,
      query`SELECT i.id, i.clinic_id AS clinicId, c.name AS clinicName, i.file_name AS fileName, i.first_date AS firstDate, i.last_date AS lastDate,
              i.added_lines AS added, i.known_lines AS known, i.skipped_rows AS skippedRows, u.display_name AS importedByName, i.imported_at AS importedAt
         FROM settlement_imports i JOIN clinics c ON c.id = i.clinic_id JOIN users u ON u.id = i.imported_by
        ${query.where(given(clinicId, (id) => query`i.clinic_id = ${id}`))} ORDER BY i.id DESC LIMIT ${input.limit}`,
    );
  },

  'reconciliation.overview': (ctx, input) => overview(ctx.db, input.period, ctx.today, clinicScope(ctx, input.clinicId)),

  'reconciliation.clinic': (ctx, input) => reconcile(ctx.db, requireClinic(ctx, input.clinicId), input.from, input.to),

  'reconciliation.sheet': (ctx, input) => monthlySheet(ctx.db, requireClinic(ctx, input.clinicId), input.period, ctx.today),

  'reconciliation.export': {
    async: async (ctx, input) => reconciliationWorkbook(monthlySheet(ctx.db, requireClinic(ctx, input.clinicId), input.period, ctx.today)),
  },

  'reconciliation.lines': (ctx, input) => {
    const clinicId = requireClinic(ctx, input.clinicId);
    clinicHead(ctx.db, clinicId);
    const rows = settlementLinesView(
      ctx.db,
      { clinicId, date: input.date, drugId: input.drugId, medListCodg: input.medListCodg, mdtrtId: input.mdtrtId },
      input.reveal,
    );
    ctx.audit.target = `clinic:${clinicId}`;
    ctx.audit.clinicId = clinicId;
    ctx.audit.details = {
      view: '结算明细',
      date: input.date,
      rows: rows.length,
      revealed: input.reveal,
      ...(input.reveal ? { reason: input.revealReason } : {}),
    };
    return rows;
  },

  'reconciliation.markSelfPay': (ctx, input) => {
    const clinicId = requireClinic(ctx, input.clinicId);
    const clinic = clinicHead(ctx.db, clinicId);
    forgetSettlementSignals(ctx, input.date);
    if (input.qty === 0) {
      sql(ctx.db, 'DELETE FROM self_pay_marks WHERE clinic_id = ? AND business_date = ? AND drug_id = ?').run(clinicId, input.date, input.drugId);
    } else {
      const dispensed = sql(
        ctx.db,
        `SELECT coalesce(-sum(qty), 0) AS q FROM ledger WHERE store_id = ? AND drug_id = ? AND period = ? AND movement = 'dispense' AND business_date = ?`,
      ).get(clinic.storeId, input.drugId, input.date.slice(0, 7), input.date) as { q: number };
      if (input.qty > dispensed.q) {
        const d = sql(ctx.db, 'SELECT generic_name AS name, pack_size AS packSize, pack_unit AS packUnit, base_unit AS baseUnit FROM drugs WHERE id = ?').get(
          input.drugId,
        ) as { name: string; packSize: number; packUnit: string; baseUnit: string } | undefined;
        const amount = d ? formatQty(dispensed.q, d.packSize, d.packUnit, d.baseUnit) : String(dispensed.q);
        throw new AppError('BUSINESS_RULE', `自费数量不能多于当天的用药数量（${d?.name ?? ''}${input.date} 登记了 ${amount}）`, [
          { path: 'qty', message: '多于用药数量' },
        ]);
      }
      sql(
        ctx.db,
        `INSERT INTO self_pay_marks (clinic_id, business_date, drug_id, qty, note, marked_by, marked_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (clinic_id, business_date, drug_id) DO UPDATE SET qty = excluded.qty, note = excluded.note, marked_by = excluded.marked_by, marked_at = excluded.marked_at`,
      ).run(clinicId, input.date, input.drugId, input.qty, input.note, ctx.user.id, ctx.now.toISOString());
    }
    ctx.audit.target = `clinic:${clinicId}`;
    ctx.audit.clinicId = clinicId;
    ctx.audit.details = { selfPay: { date: input.date, drugId: input.drugId, qty: input.qty } };
    return { ok: true as const };
  },

  'reconciliation.postingPreview': (ctx, input) => {
    const clinicId = requireClinic(ctx, input.clinicId);
    const clinic = clinicHead(ctx.db, clinicId);
    const lines = candidates(ctx.db, clinicId, input.date);
    const results = postLines(trialPosting(ctx, input.date), clinic.storeId, clinicId, lines, { dryRun: true, sight: bookSight(ctx) });
    const postable = results.filter((r) => r.reason === null);
    ctx.audit.target = `clinic:${clinicId}`;
    ctx.audit.clinicId = clinicId;
    ctx.audit.details = { review: input.date, lines: results.length, postable: postable.length };
    return {
      clinicId,
      date: input.date,
      lines: results.map(previewLine),
      postable: postable.length,
      entries: new Set(postable.map((r) => r.line.mdtrtId)).size,
      amount: postable.reduce((n, r) => n + r.amount, 0),
    };
  },

  'reconciliation.post': (ctx, input) => {
    const clinicId = requireClinic(ctx, input.clinicId);
    if (input.clientToken) {
      // A retried submit: the entries of the first one.
      const done = sql(ctx.db, "SELECT id, clinic_id AS clinicId FROM dispensings WHERE client_token LIKE ? ESCAPE '\\' ORDER BY id").all(
        `${input.clientToken.replace(/[\\%_]/g, '\\$&')}#%`,
      ) as { id: number; clinicId: number }[];
      if (done.length) {
        if (done.some((d) => d.clinicId !== clinicId)) throw new AppError('CONFLICT', '提交标识已被使用');
        const totals = sql(
          ctx.db,
          `SELECT count(*) AS n, coalesce(sum(l.amount), 0) AS amount FROM settlement_postings p JOIN dispensing_lines l ON l.id = p.dispensing_line_id
            WHERE p.dispensing_id IN (SELECT value FROM json_each(?))`,
        ).get(JSON.stringify(done.map((d) => d.id))) as { n: number; amount: number };
        return { dispensingIds: done.map((d) => d.id), lines: totals.n, amount: totals.amount };
      }
    }
    assertActiveClinic(ctx.db, clinicId);
    const clinic = clinicHead(ctx.db, clinicId);
    const all = new Map(candidates(ctx.db, clinicId, input.date).map((c) => [c.id, c]));
    const missing = input.lineIds.filter((id) => !all.has(id));
    if (missing.length) {
      throw new AppError('INVALID_STATE', `有 ${missing.length} 行不是 ${input.date} 待登记的结算明细（已登记、已冲正，或不属于本室这一天）：请重新核对`, [
        { path: 'lineIds', message: `结算明细 ${missing.slice(0, 10).join('、')}` },
      ]);
    }
    const chosen = [...new Set(input.lineIds)].map((id) => all.get(id)!);
    const results = postLines(postingContext(ctx, input.date), clinic.storeId, clinicId, chosen, {
      dryRun: false,
      sight: bookSight(ctx),
      clientToken: input.clientToken,
    });
    recordPostings(ctx.db, results, ctx.user.id, ctx.now);
    const ids = [...new Set(results.map((r) => r.dispensingId!))];
    ctx.audit.target = `dispensing:${ids[0]}`;
    ctx.audit.clinicId = clinicId;
    ctx.audit.details = { fromSettlement: { date: input.date, lines: results.length, dispensings: ids } };
    return { dispensingIds: ids, lines: results.length, amount: results.reduce((n, r) => n + r.amount, 0) };
  },

  'reconciliation.settings': (ctx) => retentionState(ctx.db, ctx.today),

  'reconciliation.updateSettings': (ctx, input) => {
    setIdentityMonths(ctx.db, input.identityMonths);
    ctx.audit.target = 'settings:reconciliation';
    ctx.audit.details = { identityMonths: input.identityMonths };
    return retentionState(ctx.db, ctx.today);
  },

  'reconciliation.purge': (ctx) => {
    const result = purgeIdentity(ctx.db, ctx.today, ctx.now);
    ctx.audit.target = 'settings:reconciliation';
    ctx.audit.details = { purge: result };
    return result;
  },
});

/**
 * Settlement details arrive late (a month's file after its close) and self-paid marks change what counts: when
 * a closed month is touched, the settlement rules' signals stored for closed months are dropped and computed
 * again on the month-facts worker once this change has committed (read live meanwhile).
 */
function forgetSettlementSignals(ctx: WriteContext, earliestDate: string): void {
  const closed = latestClosedPeriod(ctx.db);
  if (closed === null || earliestDate.slice(0, 7) > closed) return;
  for (const rule of RECON_RULE_KEYS) invalidateRule(ctx.db, rule);
  computeMonthFactsInBackground({ dbFile: ctx.hub.dbFile, months: [], refill: SETTLEMENT_REFILL_MONTHS, nowMs: ctx.now.getTime() });
}
