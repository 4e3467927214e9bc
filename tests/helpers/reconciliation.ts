/**
 * A hub for the settlement tests: two clinics with their doctors, a pharmacist, drugs with real NHSA codes,
 * stock received at the hub (with production dates, as the 3505 export wants) and delivered to the clinics
 * through the real handlers; and settlement files written as an insurance client writes them (CSV).
 */
import { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { createClinic, createTestHub, createUser, ManualClock, type TestHub } from './runtime';
import { seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from './stock';

export interface SettlementDrug extends SeedDrug {
  code: string;
  baseUnit: string;
  packUnit: string;
}

export interface SettlementHub {
  hub: TestHub;
  clinics: { id: number; storeId: number; doctor: string }[];
  supplierId: number;
  drugs: Record<'amox' | 'ibu' | 'met' | 'amoxB', SettlementDrug>;
  as(username: string): InternalClient;
  /** Moves the clock to 09:00 China time of a day. */
  on(day: string): void;
}

export const SETTLEMENT_DAY = '2026-03-16';

export async function createSettlementHub(opts: { day?: string } = {}): Promise<SettlementHub> {
  const day = opts.day ?? SETTLEMENT_DAY;
  const hub = await createTestHub({ clock: new ManualClock(new Date(`${day}T01:00:00.000Z`)) });
  const db = hub.runtime.app.db;
  const clinics = [];
  for (const [i, name] of ['东湖村卫生室', '西岭村卫生室'].entries()) {
    const c = await createClinic(hub, `C0${i + 1}`, name);
    await createUser(hub, { username: `cy0${i + 1}`, role: 'village_doctor', clinicId: c.id, displayName: i === 0 ? '王建国' : '李秀英' });
    const storeId = (sql(db, "SELECT id FROM stores WHERE clinic_id = ? AND kind = 'clinic'").get(c.id) as { id: number }).id;
    clinics.push({ id: c.id, storeId, doctor: `cy0${i + 1}` });
  }
  await createUser(hub, { username: 'yaoku', role: 'pharmacist', displayName: '周药师' });
  await createUser(hub, { username: 'caiwu', role: 'finance', displayName: '孙会计' });
  const supplierId = seedSupplier(hub);
  const drug = (name: string, code: string, packSize: number, packPrice: number, baseUnit = '粒'): SettlementDrug => {
    const d = seedDrug(hub, { name, packSize, supplierId, packPrice });
    sql(db, 'UPDATE drugs SET nhsa_code = ?, base_unit = ?, approval_no = ? WHERE id = ?').run(
      code,
      baseUnit,
      `国药准字H2000${String(d.id).padStart(4, '0')}`,
      d.id,
    );
    return { ...d, code, baseUnit, packUnit: '盒' };
  };
  const drugs = {
    amox: drug('阿莫西林胶囊', 'XJ01CAA040A001010100001', 24, 2_880_000),
    ibu: drug('布洛芬缓释胶囊', 'XM01AEB090E001010100002', 20, 9_800_000),
    met: drug('二甲双胍片', 'XA10BAA010A001010100003', 48, 4_800_000, '片'),
    amoxB: drug('阿莫西林胶囊', 'XJ01CAA040A001010100009', 36, 7_200_000),
  };
  return {
    hub,
    clinics,
    supplierId,
    drugs,
    as: (username) => InternalClient.asUser(hub.runtime, username),
    on: (d) => hub.clock.set(`${d}T01:00:00.000Z`),
  };
}

/** Receives `qty` at the hub (a batch with its production date) and delivers and signs it to the clinic, today. */
export async function stockClinic(
  h: SettlementHub,
  clinicIndex: number,
  drug: SettlementDrug,
  qty: number,
  batchNo: string,
  /** traceCodes: boxes recorded at receipt; scanAtDelivery: the hub scans them at picking, so they reach the clinic. */
  opts: { expiryDate?: string; traceCodes?: string[]; scanAtDelivery?: boolean } = {},
) {
  const { poId, lineIds } = seedSentOrder(h.hub, h.supplierId, [{ drug, qty, packPrice: unitPackPrice(drug) }]);
  const ph = h.as('yaoku');
  const receipt = await ph.call('receipts.create', {
    poId,
    invoiceNo: `FP-${batchNo}`,
    lines: [{ poLineId: lineIds[0], batchNo, mfgDate: '2025-12-01', expiryDate: opts.expiryDate ?? '2028-06-30', qty, traceCodes: opts.traceCodes ?? [] }],
  });
  const clinic = h.clinics[clinicIndex];
  const req = seedApprovedRequisition(h.hub, clinic.id, [{ drug, qty }]);
  const delivery = await ph.call('deliveries.create', {
    clinicId: clinic.id,
    lines: [{ requisitionLineId: req[0], qty, traceCodes: opts.scanAtDelivery ? (opts.traceCodes ?? []) : [] }],
  });
  await h
    .as(clinic.doctor)
    .call('deliveries.sign', { id: delivery.id, lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty, reason: null })) });
  return { receipt: receipt.receipt, delivery, lotId: receipt.receipt.lines[0].lotId };
}

/** The pack prices the seeded drugs are bought at (the orders' price, so the lots' unit costs are known). */
export function unitPackPrice(drug: SettlementDrug): number {
  return { 24: 2_880_000, 20: 9_800_000, 48: 4_800_000, 36: 7_200_000 }[drug.packSize] ?? 2_880_000;
}

/** A CSV as a client writes it: a header row, then the rows (values quoted when they need it). */
export function csvOf(headers: string[], rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `${[headers, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

export function fileOf(filename: string, text: string | Buffer) {
  return { filename, base64: Buffer.from(text).toString('base64') };
}

/** The NHSA field codes of a 2204/2207 export, in the order clients print them. */
export const NHSA_HEADERS = [
  'feedetl_sn',
  'init_feedetl_sn',
  'mdtrt_id',
  'setl_id',
  'psn_no',
  'psn_name',
  'psn_cert_type',
  'certno',
  'rxno',
  'fee_ocur_time',
  'med_list_codg',
  'medins_list_codg',
  'hilist_name',
  'cnt',
  'pric',
  'det_item_fee_sumamt',
  'bilg_dr_name',
  'drug_trac_codg',
  'hi_feesetl_type',
  'mdtrt_setl_type',
];

export interface Fee {
  sn?: string;
  init?: string;
  visit: string;
  setl?: string;
  time: string;
  code: string;
  name?: string;
  cnt: number | string;
  pric: number | string;
  amount: number | string;
  doctor?: string;
  codes?: string;
  psnNo?: string;
  psnName?: string;
  certno?: string;
  /** 医保费用结算类型 / 就诊结算类型 as the client printed them; empty cells when not given. */
  hiFeesetlType?: string;
  mdtrtSetlType?: string;
}

export function nhsaRow(f: Fee): (string | number | null)[] {
  return [
    f.sn ?? null,
    f.init ?? null,
    f.visit,
    f.setl ?? `ST${f.visit.slice(2)}`,
    f.psnNo ?? '43000000000000001234',
    f.psnName ?? '赵某某',
    '01',
    f.certno ?? '430102195001011234',
    `CF${f.visit.slice(-4)}`,
    f.time,
    f.code,
    null,
    f.name ?? null,
    f.cnt,
    f.pric,
    f.amount,
    f.doctor ?? '王建国',
    f.codes ?? null,
    f.hiFeesetlType ?? null,
    f.mdtrtSetlType ?? null,
  ];
}

export const nhsaCsv = (fees: Fee[]) => csvOf(NHSA_HEADERS, fees.map(nhsaRow));

/** Imports fees as the clinic's doctor (preview, then commit with the mapping the preview found). */
export async function importFees(h: SettlementHub, clinicIndex: number, fees: Fee[], name = 'settlement.csv') {
  const doctor = h.as(h.clinics[clinicIndex].doctor);
  const file = fileOf(name, nhsaCsv(fees));
  const preview = await doctor.call('reconciliation.importPreview', { file });
  if (preview.errorRows) throw new Error(`import errors: ${JSON.stringify(preview.errors)}`);
  return doctor.call('reconciliation.importCommit', { file, mapping: preview.mapping, mode: 'all' });
}

/** A fee of `qty` base units at the drug's lot cost per base unit (micro-yuan), priced per base unit. */
export function fee(visit: string, time: string, drug: SettlementDrug, qty: number, unitCost: number, more: Partial<Fee> = {}): Fee {
  const price = (unitCost / 1_000_000).toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
  const fen = Math.round((qty * unitCost) / 10_000);
  return { visit, time, code: drug.code, name: drug.name, cnt: qty, pric: price, amount: (fen / 100).toFixed(2), ...more };
}
