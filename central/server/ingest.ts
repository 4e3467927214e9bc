/**
 * Ingest of a hub's monthly package. First it is verified — registered hub, the registered key, its signature,
 * every section's row count and checksum, every row's shape and its hub and period, the hub's own invariant
 * (ledger sums per store × drug = closing − opening) — and only then loaded, all or nothing, in one transaction:
 * - the same version again (same manifest) changes nothing ('unchanged');
 * - a newer version replaces the hub × month: its facts are deleted and the new ones loaded in the same transaction;
 * - an older version, or the same version with other contents, is refused.
 * Facts go in by COPY FROM STDIN. A refusal writes nothing but its audit row.
 */
import crypto from 'node:crypto';
import { canonicalJson } from '../../shared/prefecture/canonical';
import {
  foreignRows,
  invariantProblems,
  packageEnvelope,
  SECTION_NAMES,
  SECTION_SCHEMAS,
  type PackageEnvelope,
  type SectionRows,
  type SubmitAnswer,
} from '../../shared/prefecture/package';
import { decodePackage, publicKeyId, receivedMismatches, signatureValid, type DecodedPackage } from '../../electron/domain/prefecture/seal';
import { copyRows, type CopyValue } from './copy';
import { inTransaction, periodDate, type Client, type Pool } from './db';
import { ensureMonthPartitions } from './partitions';
import { writeAudit, type CentralUser } from './audit';

export class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Loader<K extends keyof SectionRows> = {
  table: string;
  columns: readonly string[];
  encode: (r: SectionRows[K][number]) => CopyValue[];
};

/** How each section's rows become a fact table's columns (after hub_id and period). */
const LOADERS: { [K in Exclude<keyof SectionRows, 'traceEvents'>]: Loader<K> } = {
  clinics: { table: 'clinic_facts', columns: ['clinic_code', 'name', 'village', 'active'], encode: (r) => [r.clinicCode, r.name, r.village, r.active] },
  drugs: {
    table: 'drug_facts',
    columns: [
      'nhsa_code',
      'generic_name',
      'dosage_form',
      'spec',
      'manufacturer',
      'pack_unit',
      'base_unit',
      'pack_size',
      'insurance_class',
      'essential',
      'vbp',
      'vbp_batch',
      'vbp_price',
      'reference_price',
    ],
    encode: (r) => [
      r.nhsaCode,
      r.genericName,
      r.dosageForm,
      r.spec,
      r.manufacturer,
      r.packUnit,
      r.baseUnit,
      r.packSize,
      r.insuranceClass,
      r.essential,
      r.vbp,
      r.vbpBatch,
      r.vbpPrice,
      r.referencePrice,
    ],
  },
  suppliers: { table: 'supplier_facts', columns: ['supplier_code', 'name'], encode: (r) => [r.supplierCode, r.name] },
  snapshots: {
    table: 'snapshot_facts',
    columns: ['kind', 'store_kind', 'clinic_code', 'nhsa_code', 'qty', 'value'],
    encode: (r) => [r.kind, r.storeKind, r.clinicCode, r.nhsaCode, r.qty, r.value],
  },
  ledger: {
    table: 'ledger_facts',
    columns: [
      'ledger_id',
      'store_kind',
      'clinic_code',
      'nhsa_code',
      'business_date',
      'movement',
      'qty',
      'unit_cost',
      'amount',
      'doc_type',
      'doc_key',
      'batch_no',
      'expiry_date',
      'supplier_code',
      'reverses_id',
    ],
    encode: (r) => [
      r.ledgerId,
      r.storeKind,
      r.clinicCode,
      r.nhsaCode,
      r.businessDate,
      r.movement,
      r.qty,
      r.unitCost,
      r.amount,
      r.docType,
      r.docKey,
      r.batchNo,
      r.expiryDate,
      r.supplierCode,
      r.reversesId,
    ],
  },
  documents: {
    table: 'document_facts',
    columns: ['doc_key', 'doc_type', 'doc_no', 'clinic_code', 'supplier_code', 'business_date', 'status', 'total_amount', 'lines'],
    encode: (r) => [r.docKey, r.docType, r.docNo, r.clinicCode, r.supplierCode, r.businessDate || null, r.status, r.totalAmount, r.lines],
  },
  prices: {
    table: 'price_facts',
    columns: ['nhsa_code', 'batch_no', 'supplier_code', 'pack_price', 'pack_size', 'qty', 'amount', 'receipts'],
    encode: (r) => [r.nhsaCode, r.batchNo, r.supplierCode, r.packPrice, r.packSize, r.qty, r.amount, r.receipts],
  },
  accuracy: {
    table: 'accuracy_facts',
    columns: ['clinic_code', 'stocktakes', 'counted_lines', 'matched_lines', 'surplus_amount', 'shortage_amount'],
    encode: (r) => [r.clinicCode, r.stocktakes, r.countedLines, r.matchedLines, r.surplusAmount, r.shortageAmount],
  },
  stockouts: { table: 'stockout_facts', columns: ['clinic_code', 'nhsa_code', 'out_days'], encode: (r) => [r.clinicCode, r.nhsaCode, r.outDays] },
  signals: {
    table: 'signal_facts',
    columns: ['clinic_code', 'fingerprint', 'rule_key', 'rule_title', 'nhsa_codes', 'period_from', 'period_to', 'summary', 'severity', 'numbers', 'status'],
    encode: (r) => [
      r.clinicCode,
      r.fingerprint,
      r.ruleKey,
      r.ruleTitle,
      r.nhsaCodes,
      r.periodFrom,
      r.periodTo,
      r.summary,
      r.severity,
      { json: r.numbers },
      r.status,
    ],
  },
  dismissals: {
    table: 'dismissal_facts',
    columns: ['clinic_code', 'fingerprint', 'rule_key', 'severity', 'note', 'dismissed_by', 'dismissed_at'],
    encode: (r) => [r.clinicCode, r.fingerprint, r.ruleKey, r.severity, r.note, r.dismissedBy, r.dismissedAt],
  },
};

/** Every fact table a hub × month has rows in (replaced together). */
export const FACT_TABLES = [...Object.values(LOADERS).map((l) => l.table), 'trace_facts'];

const TRACE_COLUMNS = ['hub_id', 'period', 'clinic_code', 'nhsa_code', 'trace_code', 'event', 'business_date', 'doc_key', 'ledger_id'];

interface HubRow {
  id: number;
  code: string;
  publicKey: string;
  active: boolean;
}

export interface IngestResult extends SubmitAnswer {
  packageId: number | null;
  conflicts: number;
}

const answer = (
  envelope: Partial<PackageEnvelope> | null,
  outcome: SubmitAnswer['outcome'],
  code: string,
  message: string,
  receivedAt: string | null,
): SubmitAnswer => ({
  outcome,
  code,
  message,
  hubCode: envelope?.manifest?.hub?.code ?? null,
  period: envelope?.manifest?.period ?? null,
  version: envelope?.manifest?.version ?? null,
  receivedAt,
});

/** Checks everything that needs no transaction; throws a Refusal naming the first problem. */
export async function verifyPackage(pool: Pool, decoded: DecodedPackage): Promise<{ envelope: PackageEnvelope; rows: SectionRows; hub: HubRow }> {
  const parsed = packageEnvelope.safeParse(decoded.raw);
  if (!parsed.success)
    throw new Refusal('PACKAGE_INVALID', `上报包格式不正确：${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim());
  const envelope = parsed.data;
  const m = envelope.manifest;
  const hub = (await pool.query<HubRow>('SELECT id, code, public_key AS "publicKey", active FROM hubs WHERE code = $1', [m.hub.code])).rows[0];
  if (!hub?.active) throw new Refusal('HUB_UNKNOWN', `卫生院 ${m.hub.code} 未在地市登记（或已停用），请联系地市医保局登记后再上报`);
  if (m.publicKey !== hub.publicKey || publicKeyId(m.publicKey) !== m.hub.keyId) {
    throw new Refusal('KEY_MISMATCH', `上报包的签名公钥与地市登记的 ${m.hub.code} 公钥不一致：可能换了电脑或重装，请地市管理员核实后更新登记的公钥`);
  }
  if (!signatureValid(m, envelope.signature, hub.publicKey)) throw new Refusal('SIGNATURE_INVALID', '上报包签名无效：内容在签名后被改动，或不是该卫生院签发的');
  const bad = receivedMismatches(m, decoded.digests);
  if (bad.length) throw new Refusal('CHECKSUM_MISMATCH', `上报包内容与清单不符（${bad.join('、')}）：文件损坏或被改动，请在卫生院重新导出`);
  const rows = {} as Record<string, unknown[]>;
  for (const name of SECTION_NAMES) {
    const schema = SECTION_SCHEMAS[name];
    const list = envelope.sections[name];
    const out = new Array<unknown>(list.length);
    for (let i = 0; i < list.length; i++) {
      const r = schema.safeParse(list[i]);
      if (!r.success)
        throw new Refusal('ROWS_INVALID', `上报包第 ${i + 1} 行（${name}）格式不正确：${r.error.issues[0]?.path.join('.')} ${r.error.issues[0]?.message}`);
      out[i] = r.data;
    }
    rows[name] = out;
  }
  const typed = rows as SectionRows;
  const foreign = foreignRows(typed, m.hub.code, m.period);
  if (foreign.length)
    throw new Refusal(
      'ROWS_FOREIGN',
      `上报包中有 ${foreign.length} 行不属于 ${m.hub.code} ${m.period}（如 ${foreign[0].section} 第 ${foreign[0].index + 1} 行）`,
    );
  const problems = invariantProblems(typed);
  if (problems.length) {
    const p = problems[0];
    throw new Refusal(
      'INVARIANT_FAILED',
      `上报包账目不平：${problems.length} 个库房×药品的本月台账合计不等于期末 − 期初（如 ${p.clinicCode ?? '中心库'}${p.storeKind === 'transit' ? '在途' : ''} 药品 ${p.nhsaCode}：台账 ${p.ledgerQty}，期末−期初 ${p.snapshotQty}）`,
    );
  }
  return { envelope, rows: typed, hub };
}

/** What a package says, as a hash: the manifest (which lists every section's checksum) without `producedAt`, so that a
 * resend rebuilt later from the same close hashes the same and only a changed content differs. */
export function manifestSha(envelope: PackageEnvelope): string {
  const { producedAt: _rebuiltAt, ...content } = envelope.manifest;
  return crypto.createHash('sha256').update(canonicalJson(content)).digest('hex');
}

async function deleteFacts(c: Client, hubId: number, first: string): Promise<void> {
  for (const table of FACT_TABLES) await c.query(`DELETE FROM ${table} WHERE hub_id = $1 AND period = $2`, [hubId, first]);
  // Sales this month's version made a second time are found again when the new version loads.
  await c.query('DELETE FROM trace_conflicts WHERE hub_id = $1 AND period = $2', [hubId, first]);
  // A second sale elsewhere was kept only as a conflict, its first sale being this month's, which is gone now: the
  // earliest such sale of each box becomes the sale on file, the others its conflicts. If the new version sells the box
  // again, it is now the second sale: the evidence survives a resend, whichever side sent last.
  await c.query(
    `WITH orphaned AS (
       DELETE FROM trace_conflicts WHERE first_hub_id = $1 AND first_period = $2
       RETURNING id, trace_code, hub_id, period, clinic_code, nhsa_code, business_date, doc_key, ledger_id, found_at
     ), promoted AS (
       INSERT INTO trace_facts (hub_id, period, clinic_code, nhsa_code, trace_code, event, business_date, doc_key, ledger_id)
       SELECT DISTINCT ON (trace_code) hub_id, period, clinic_code, nhsa_code, trace_code, 'dispense', business_date, doc_key, ledger_id
         FROM orphaned ORDER BY trace_code, id
       RETURNING hub_id, period, trace_code, doc_key, ledger_id
     )
     INSERT INTO trace_conflicts (trace_code, first_hub_id, first_period, hub_id, period, clinic_code, nhsa_code, business_date, doc_key, ledger_id, found_at)
     SELECT o.trace_code, p.hub_id, p.period, o.hub_id, o.period, o.clinic_code, o.nhsa_code, o.business_date, o.doc_key, o.ledger_id, o.found_at
       FROM orphaned o JOIN promoted p ON p.trace_code = o.trace_code
      WHERE NOT (p.hub_id = o.hub_id AND p.period = o.period AND p.doc_key = o.doc_key AND p.ledger_id IS NOT DISTINCT FROM o.ledger_id)`,
    [hubId, first],
  );
}

async function loadFacts(c: Client, hubId: number, first: string, rows: SectionRows, now: Date): Promise<number> {
  await ensureMonthPartitions(c, first);
  for (const [name, loader] of Object.entries(LOADERS) as [keyof typeof LOADERS, Loader<keyof typeof LOADERS>][]) {
    const list = rows[name] as readonly unknown[] as readonly never[];
    if (list.length === 0) continue;
    await copyRows(c, loader.table, ['hub_id', 'period', ...loader.columns], list, (r) => [hubId, first, ...loader.encode(r as never)]);
  }
  if (rows.traceEvents.length === 0) return 0;
  // Boxes: staged, then inserted with the sold-once index deciding; each refused second sale becomes a conflict.
  await c.query('CREATE TEMP TABLE trace_stage (LIKE trace_facts) ON COMMIT DROP');
  await copyRows(c, 'trace_stage', TRACE_COLUMNS, rows.traceEvents, (r) => [
    hubId,
    first,
    r.clinicCode,
    r.nhsaCode,
    r.traceCode,
    r.event,
    r.businessDate,
    r.docKey,
    r.ledgerId,
  ]);
  await c.query(
    `INSERT INTO trace_facts (${TRACE_COLUMNS.join(', ')}) SELECT ${TRACE_COLUMNS.join(', ')} FROM trace_stage ON CONFLICT (trace_code) WHERE event = 'dispense' DO NOTHING`,
  );
  const conflicts = await c.query(
    `INSERT INTO trace_conflicts (trace_code, first_hub_id, first_period, hub_id, period, clinic_code, nhsa_code, business_date, doc_key, ledger_id, found_at)
     SELECT s.trace_code, f.hub_id, f.period, s.hub_id, s.period, s.clinic_code, s.nhsa_code, s.business_date, s.doc_key, s.ledger_id, $1
       FROM trace_stage s JOIN trace_facts f ON f.trace_code = s.trace_code AND f.event = 'dispense'
      WHERE s.event = 'dispense' AND NOT (f.hub_id = s.hub_id AND f.period = s.period AND f.doc_key = s.doc_key AND f.ledger_id IS NOT DISTINCT FROM s.ledger_id)`,
    [now.toISOString()],
  );
  return conflicts.rowCount ?? 0;
}

/** Verifies and loads a package (bytes as received: gzip JSON, or plain JSON). Never throws for a bad package. */
/** A failure the sender caused, as a refusal; anything else (the server's own fault) is thrown on. */
function asRefusal(err: unknown): Refusal {
  if (err instanceof Refusal) return err;
  const code = String((err as { code?: string }).code ?? '');
  if (err instanceof SyntaxError || code === 'Z_DATA_ERROR' || code === 'ERR_BUFFER_TOO_LARGE')
    return new Refusal('PACKAGE_INVALID', '上报包无法读取：不是三统上报包文件，或文件已损坏');
  // PostgreSQL refused a row the checks let through (a repeated ledger id, a value out of range): the whole
  // transaction rolled back, so nothing was written.
  if (/^2[23]/.test(code))
    return new Refusal('ROWS_INVALID', `上报包中有重复或不合规的行，未入库：${(err as { detail?: string }).detail ?? (err as Error).message}`);
  throw err;
}

/** Who brought the package: a hub over the network (no user), or an administrator uploading a hub's file. */
export interface IngestMeta {
  ip: string;
  user?: CentralUser | null;
  file?: string;
}

export async function ingestPackage(pool: Pool, bytes: Buffer, now: Date, meta: IngestMeta): Promise<IngestResult> {
  let raw: unknown = null;
  try {
    const decoded = decodePackage(bytes);
    raw = decoded.raw;
    const { envelope, rows, hub } = await verifyPackage(pool, decoded);
    const m = envelope.manifest;
    const first = periodDate(m.period);
    const sha = manifestSha(envelope);
    const result = await inTransaction(pool, async (c) => {
      // One hub × month at a time: a retry racing its own first attempt waits, then finds it loaded.
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', [hub.id, Number(m.period.replace('-', ''))]);
      const current = (
        await c.query<{ id: number; version: number; sha: string }>(
          `SELECT id, version, manifest_sha AS sha FROM packages WHERE hub_id = $1 AND period = $2 AND status = 'current'`,
          [hub.id, first],
        )
      ).rows[0];
      const previous = (
        await c.query<{ id: number; sha: string }>('SELECT id, manifest_sha AS sha FROM packages WHERE hub_id = $1 AND period = $2 AND version = $3', [
          hub.id,
          first,
          m.version,
        ])
      ).rows[0];
      if (previous) {
        // Idempotent by (hub, period, version): a resend (rebuilt later, so produced at another instant) changes nothing.
        if (current?.id === previous.id) return { outcome: 'unchanged' as const, packageId: previous.id, conflicts: 0, sameContent: previous.sha === sha };
        throw new Refusal('VERSION_SUPERSEDED', `${m.hub.code} ${m.period} 第 ${m.version} 版已被第 ${current?.version} 版取代`);
      }
      if (current && current.version > m.version)
        throw new Refusal('VERSION_SUPERSEDED', `${m.hub.code} ${m.period} 已有更新的第 ${current.version} 版，第 ${m.version} 版不再接收`);
      if (current) {
        await deleteFacts(c, hub.id, first);
        await c.query(`UPDATE packages SET status = 'replaced', replaced_at = $2 WHERE id = $1`, [current.id, now.toISOString()]);
      }
      const conflicts = await loadFacts(c, hub.id, first, rows, now);
      const inserted = await c.query<{ id: number }>(
        `INSERT INTO packages (hub_id, period, version, status, manifest_sha, manifest, closed_at, produced_at, received_at, bytes)
         VALUES ($1, $2, $3, 'current', $4, $5, $6, $7, $8, $9) RETURNING id`,
        [hub.id, first, m.version, sha, JSON.stringify(m), m.closedAt || null, m.producedAt, now.toISOString(), bytes.length],
      );
      await writeAudit(c, {
        at: now,
        user: meta.user ?? null,
        ip: meta.ip,
        method: 'packages.ingest',
        outcome: 'ok',
        target: `package:${inserted.rows[0].id}`,
        details: {
          hub: m.hub.code,
          period: m.period,
          version: m.version,
          replaced: current?.version ?? null,
          rows: m.sections.ledger.rows,
          conflicts,
          ...(meta.file ? { file: meta.file } : {}),
        },
      });
      return { outcome: current ? ('replaced' as const) : ('accepted' as const), packageId: inserted.rows[0].id, conflicts, sameContent: true };
    });
    const message =
      result.outcome === 'unchanged'
        ? `${m.hub.code} ${m.period} 第 ${m.version} 版此前已收到，未作改动${result.sameContent ? '' : '（这次的内容与已收到的不同，按已收到的为准；如需更正请在卫生院反结账后重新结账，生成新版本）'}`
        : result.outcome === 'replaced'
          ? `已收到 ${m.hub.code} ${m.period} 第 ${m.version} 版，取代此前的版本`
          : `已收到 ${m.hub.code} ${m.period} 第 ${m.version} 版`;
    return {
      ...answer(envelope, result.outcome, result.outcome.toUpperCase(), message, now.toISOString()),
      packageId: result.packageId,
      conflicts: result.conflicts,
    };
  } catch (err) {
    const refusal = asRefusal(err);
    const env = raw as Partial<PackageEnvelope> | null;
    await writeAudit(pool, {
      at: now,
      user: meta.user ?? null,
      ip: meta.ip,
      method: 'packages.ingest',
      outcome: 'rejected',
      errorCode: refusal.code,
      target: null,
      details: {
        hub: env?.manifest?.hub?.code ?? null,
        period: env?.manifest?.period ?? null,
        version: env?.manifest?.version ?? null,
        message: refusal.message,
        ...(meta.file ? { file: meta.file } : {}),
      },
    }).catch(() => {});
    return { ...answer(env && typeof env === 'object' ? env : null, 'refused', refusal.code, refusal.message, null), packageId: null, conflicts: 0 };
  }
}
