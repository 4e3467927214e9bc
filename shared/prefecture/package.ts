/**
 * The prefecture package (月度上报包): what a hub sends the county/prefecture server about one closed month.
 * One hub × one closed period × one version. Defined once here (zod schemas + types) for the hub that builds
 * it and the server that ingests it; docs/prefecture-package.md describes every field.
 *
 * - Every row carries the hub code, the clinic code (null for the hub store), the NHSA drug code and the period,
 *   so the server stores rows as they come and never remaps a hub's own ids.
 * - Units as in the hub: amounts integer fen, unit prices integer micro-yuan (per base unit unless the field says
 *   per pack), quantities integer base units.
 * - The manifest lists each section's row count and SHA-256 (of its canonical JSON, see canonical.ts) and is signed
 *   with the hub's Ed25519 key; the signature covers the canonical manifest, so it covers every row.
 * - A reopened and re-closed month is sent again as version n+1, which replaces version n at the server.
 * - The opening and closing snapshots let the server check the hub's own invariant without any earlier package:
 *   per store × drug, the month's ledger sums = closing − opening (quantity and value).
 */
import { z } from 'zod';
import { MOVEMENTS } from '../stock';
import { RULE_KEYS } from '../supervision';

export const PACKAGE_FORMAT = 'santong.prefecture-package';
export const PACKAGE_FORMAT_VERSION = 1;

const int = z.number().int();
const nonNeg = int.min(0);
export const hubCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{1,31}$/, '卫生院编码应为 2–32 位字母、数字或短横线');
/** 县级行政区划代码 (6 digits, e.g. 411621 扶沟县). */
export const countyCode = z.string().regex(/^\d{6}$/, '县区代码应为 6 位数字（行政区划代码）');
export const periodText = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '会计期间格式应为 YYYY-MM');
const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const clinicCode = z.string().min(1).max(32).nullable();
const nhsaCode = z.string().min(2).max(50);
/** 统一社会信用代码 of the supplier: the same supplier has the same code at every hub. */
const supplierCode = z.string().min(1).max(32);
export const STORE_KINDS = ['hub', 'clinic', 'transit'] as const;
const storeKind = z.enum(STORE_KINDS);

/** Fields every row has: compared with the manifest's own (validated) hub and period by foreignRows, not re-parsed per row. */
const rowBase = { hubCode: z.string(), period: z.string() };

export const clinicRow = z.object({ ...rowBase, clinicCode: z.string().min(1).max(32), name: z.string(), village: z.string().nullable(), active: z.boolean() });

export const drugRow = z.object({
  ...rowBase,
  nhsaCode,
  genericName: z.string(),
  dosageForm: z.string(),
  spec: z.string(),
  manufacturer: z.string(),
  packUnit: z.string(),
  baseUnit: z.string(),
  packSize: int.positive(),
  insuranceClass: z.enum(['A', 'B', 'none']),
  essential: z.boolean(),
  vbp: z.boolean(),
  vbpBatch: z.string().nullable(),
  /** 中选价格, micro-yuan per pack. */
  vbpPrice: nonNeg.nullable(),
  /** Price per pack before 集采 (micro-yuan), for the price drop. */
  referencePrice: nonNeg.nullable(),
});

export const supplierRow = z.object({ ...rowBase, supplierCode, name: z.string() });

/** Stock per store × drug at the start ('opening') or end ('closing') of the month; stores with stock only. */
export const snapshotRow = z.object({
  ...rowBase,
  kind: z.enum(['opening', 'closing']),
  storeKind,
  clinicCode,
  nhsaCode,
  qty: int,
  value: int,
});

/** One ledger row of the month, as the hub's ledger holds it. `ledgerId` is the hub's own row id (unique per hub). */
export const ledgerRow = z.object({
  ...rowBase,
  ledgerId: int.positive(),
  storeKind,
  clinicCode,
  nhsaCode,
  businessDate: dateText,
  movement: z.enum(MOVEMENTS),
  qty: int,
  unitCost: nonNeg,
  amount: int,
  docType: z.string().max(20),
  docKey: z.string().max(40),
  batchNo: z.string(),
  expiryDate: dateText,
  supplierCode: supplierCode.nullable(),
  reversesId: int.positive().nullable(),
});

/** The header of each document with ledger rows in the month. `docKey` = docType:id, unique per hub. */
export const documentRow = z.object({
  ...rowBase,
  docKey: z.string().max(40),
  docType: z.string().max(20),
  docNo: z.string().max(60),
  clinicCode,
  supplierCode: supplierCode.nullable(),
  businessDate: dateText,
  status: z.string().max(20),
  totalAmount: int,
  lines: nonNeg,
});

/** What the hub paid, per drug × batch × supplier × pack price, from the month's posted receipts. */
export const priceRow = z.object({
  ...rowBase,
  nhsaCode,
  batchNo: z.string(),
  supplierCode,
  /** micro-yuan per pack. */
  packPrice: nonNeg,
  packSize: int.positive(),
  /** base units received. */
  qty: nonNeg,
  /** fen. */
  amount: nonNeg,
  receipts: int.positive(),
});

/** 账实相符: approved stocktakes of the month per store (hub store: clinicCode null). */
export const accuracyRow = z.object({
  ...rowBase,
  clinicCode,
  stocktakes: nonNeg,
  countedLines: nonNeg,
  matchedLines: nonNeg,
  surplusAmount: nonNeg,
  shortageAmount: nonNeg,
});

/** Per clinic × formulary drug: days of the month the drug stood at zero (断货天数, the hub's own rule). */
export const stockoutRow = z.object({ ...rowBase, clinicCode: z.string().min(1).max(32), nhsaCode, outDays: nonNeg });

export const signalRow = z.object({
  ...rowBase,
  clinicCode: z.string().min(1).max(32),
  fingerprint: z.string().max(200),
  ruleKey: z.enum(RULE_KEYS),
  ruleTitle: z.string(),
  nhsaCodes: z.array(nhsaCode),
  periodFrom: dateText,
  periodTo: dateText,
  summary: z.string(),
  severity: z.number(),
  numbers: z.array(z.object({ label: z.string(), value: z.number().nullable(), unit: z.string() })),
  status: z.enum(['open', 'dismissed', 'reopened']),
});

export const dismissalRow = z.object({
  ...rowBase,
  clinicCode: z.string().min(1).max(32),
  fingerprint: z.string().max(200),
  ruleKey: z.enum(RULE_KEYS),
  severity: z.number(),
  note: z.string(),
  dismissedBy: z.string(),
  dismissedAt: z.string(),
});

export const TRACE_EVENTS = ['receipt', 'delivery', 'sign', 'dispense', 'return', 'writeoff'] as const;
/** A box's move (药品追溯码): which moves and sales a hub sends is electron/domain/prefecture/trace-events.ts. */
export const traceEventRow = z.object({
  ...rowBase,
  clinicCode,
  nhsaCode,
  traceCode: z.string().min(1).max(100),
  event: z.enum(TRACE_EVENTS),
  businessDate: dateText,
  docKey: z.string().max(40),
  ledgerId: int.positive().nullable(),
});

export const SECTION_SCHEMAS = {
  clinics: clinicRow,
  drugs: drugRow,
  suppliers: supplierRow,
  snapshots: snapshotRow,
  ledger: ledgerRow,
  documents: documentRow,
  prices: priceRow,
  accuracy: accuracyRow,
  stockouts: stockoutRow,
  signals: signalRow,
  dismissals: dismissalRow,
  traceEvents: traceEventRow,
} as const;
export type SectionName = keyof typeof SECTION_SCHEMAS;
export const SECTION_NAMES = Object.keys(SECTION_SCHEMAS) as SectionName[];
export type SectionRows = { [K in SectionName]: z.infer<(typeof SECTION_SCHEMAS)[K]>[] };
export type LedgerRow = z.infer<typeof ledgerRow>;
export type SnapshotRow = z.infer<typeof snapshotRow>;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const manifestSchema = z.object({
  format: z.literal(PACKAGE_FORMAT),
  formatVersion: z.literal(PACKAGE_FORMAT_VERSION),
  hub: z.object({
    code: hubCode,
    name: z.string().min(1).max(100),
    countyCode,
    /** First 16 hex digits of SHA-256 over the public key (DER SPKI): names the key that signed. */
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
  }),
  period: periodText,
  /** 1 for the first close of the month; each re-close after a reopen adds one. */
  version: int.positive(),
  /** When the hub closed the month (the close this version is of), ISO instant. */
  closedAt: z.string(),
  /**
   * `facts`: the sections that can change after a close (clinics, drugs, suppliers, signals, dismissals) and the
   * stable ones the close computes (accuracy, stockouts) were read from the month facts stored at the close, so
   * every send of this version carries the same; `live`: those facts were not stored yet (the close's worker still
   * running, a refill pending), every section was read from the hub's tables when the package was built. Absent in
   * packages of hubs before this field: live.
   */
  builtFrom: z.enum(['facts', 'live']).optional(),
  producedAt: z.string(),
  /** The hub's Ed25519 public key, DER SPKI in base64, so a file on a USB stick can be checked on its own. */
  publicKey: z.string().max(200),
  sections: z.object(
    Object.fromEntries(SECTION_NAMES.map((n) => [n, z.object({ rows: nonNeg, sha256: sha256Hex })])) as Record<
      SectionName,
      z.ZodObject<{ rows: typeof nonNeg; sha256: typeof sha256Hex }>
    >,
  ),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** The whole package as it travels (gzip-compressed JSON over HTTPS or in a .stpkg file). */
export const packageEnvelope = z.object({
  manifest: manifestSchema,
  /** Ed25519 signature (base64) over canonicalJson(manifest). */
  signature: z.string().max(200),
  sections: z.object(Object.fromEntries(SECTION_NAMES.map((n) => [n, z.array(z.unknown())])) as Record<SectionName, z.ZodArray<z.ZodUnknown>>),
});
export type PackageEnvelope = z.infer<typeof packageEnvelope>;
/** A package as the hub builds it: the same envelope with typed rows. */
export type BuiltPackage = Omit<PackageEnvelope, 'sections'> & { sections: SectionRows };

/** File name of a package on a USB stick. */
export function packageFileName(hub: string, period: string, version: number): string {
  return `santong-${hub}-${period}-v${version}.stpkg`;
}

/** What the server answers a submission. */
export const submitAnswer = z.object({
  outcome: z.enum(['accepted', 'replaced', 'unchanged', 'refused']),
  code: z.string(),
  message: z.string(),
  hubCode: z.string().nullable(),
  period: z.string().nullable(),
  version: z.number().nullable(),
  receivedAt: z.string().nullable(),
});
export type SubmitAnswer = z.infer<typeof submitAnswer>;

const storeKey = (r: { storeKind: string; clinicCode: string | null; nhsaCode: string }) => `${r.storeKind}|${r.clinicCode ?? ''}|${r.nhsaCode}`;

export interface InvariantProblem {
  storeKind: string;
  clinicCode: string | null;
  nhsaCode: string;
  ledgerQty: number;
  ledgerValue: number;
  snapshotQty: number;
  snapshotValue: number;
}

/**
 * The hub's own invariant, checked on the package alone: per store × drug, the month's ledger sums equal
 * closing − opening, in quantity and in value. Returns every store × drug where it fails.
 */
export function invariantProblems(rows: Pick<SectionRows, 'ledger' | 'snapshots'>): InvariantProblem[] {
  const acc = new Map<string, InvariantProblem>();
  const at = (r: { storeKind: string; clinicCode: string | null; nhsaCode: string }) => {
    const k = storeKey(r);
    let p = acc.get(k);
    if (!p)
      acc.set(
        k,
        (p = { storeKind: r.storeKind, clinicCode: r.clinicCode, nhsaCode: r.nhsaCode, ledgerQty: 0, ledgerValue: 0, snapshotQty: 0, snapshotValue: 0 }),
      );
    return p;
  };
  for (const r of rows.ledger) {
    const p = at(r);
    p.ledgerQty += r.qty;
    p.ledgerValue += r.amount;
  }
  for (const s of rows.snapshots) {
    const p = at(s);
    const sign = s.kind === 'closing' ? 1 : -1;
    p.snapshotQty += sign * s.qty;
    p.snapshotValue += sign * s.value;
  }
  return [...acc.values()].filter((p) => p.ledgerQty !== p.snapshotQty || p.ledgerValue !== p.snapshotValue);
}

/** Every row of a section must carry the manifest's hub and period: nothing is remapped centrally. */
export function foreignRows(rows: SectionRows, hub: string, period: string): { section: SectionName; index: number }[] {
  const out: { section: SectionName; index: number }[] = [];
  for (const name of SECTION_NAMES) {
    (rows[name] as { hubCode: string; period: string }[]).forEach((r, index) => {
      if (r.hubCode !== hub || r.period !== period) out.push({ section: name, index });
    });
  }
  return out;
}
