/**
 * Demo settlement details for one clinic (C01): what its insurance client would have exported for last month
 * and this month so far, built from the clinic's own dispensing in the book and imported through the real
 * handlers (preview, commit), so the reconciliation screens show figures the real code computed. A few
 * differences of each kind are planted the way they happen in a village:
 *
 * - visits settled that never left the shelf (虚开, or dispensing not yet recorded: yesterday's can be posted);
 * - dispensing never settled (some the doctor marks self-paid, some left open);
 * - one visit settled as one drug while another was dispensed (串换), dispensed by the doctor with its visit number;
 * - a drug the hub never delivered to the clinic settled on two visits (more than the shelf ever held);
 * - a price above the hub's (零差率), a drug the hub never supplied, a box code settled twice, a box the hub
 *   received as another drug; and one reversal (冲正) that takes a settled line back.
 */
import { InternalClient } from '../api/internal';
import { sql } from '../db/database';
import type { Runtime } from '../runtime';
import { addDays, chinaDate, periodBounds, periodOf, previousPeriod } from '../../shared/dates';

const HEADERS = [
  '结算ID',
  '就诊ID',
  '费用明细流水号',
  '原费用流水号',
  '费用发生时间',
  '项目编码',
  '项目名称',
  '数量',
  '单位',
  '单价',
  '金额',
  '开单医生',
  '姓名',
  '证件号码',
  '人员编号',
  '药品追溯码',
];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林'];
const GIVEN = ['秀英', '桂兰', '建国', '玉梅', '志强', '国华', '淑珍', '海燕', '德明', '春花', '建华', '丽娟', '文斌', '金凤'];
/** A drug code the demo catalog does not have: a Chinese patent medicine the clinic bought elsewhere. */
const OUTSIDE_DRUG = { code: 'ZA04BAA0217010102345', name: '板蓝根颗粒', price: '12.8' };

interface BookLine {
  dispensingId: number;
  date: string;
  drugId: number;
  qty: number;
  code: string;
  name: string;
  baseUnit: string;
  unitCost: number;
}

interface Fee {
  visit: string;
  sn: string;
  init?: string;
  time: string;
  code: string;
  name: string;
  qty: number;
  unit: string;
  /** Micro-yuan per unit counted. */
  price: number;
  codes?: string;
}

const yuan = (micro: number) => (micro / 1_000_000).toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
const amountOf = (f: Fee) => (Math.round((f.qty * f.price) / 10_000) / 100).toFixed(2);

function csv(fees: Fee[], doctor: string, patient: (visit: string) => { name: string; certno: string; psnNo: string }): string {
  const rows = fees.map((f) => {
    const p = patient(f.visit);
    return [
      `JS${f.visit.slice(2)}`,
      f.visit,
      f.sn,
      f.init ?? '',
      f.time,
      f.code,
      f.name,
      String(f.qty),
      f.unit,
      yuan(f.price),
      amountOf(f),
      doctor,
      p.name,
      p.certno,
      p.psnNo,
      f.codes ?? '',
    ];
  });
  return `${[HEADERS, ...rows].map((r) => r.join(',')).join('\r\n')}\r\n`;
}

/** Builds the settlement details of clinic C01 for last month and this month up to yesterday, and imports them as its doctor. */
export async function generateDemoSettlement(runtime: Runtime): Promise<void> {
  const db = runtime.app.db;
  const clinic = sql(
    db,
    "SELECT c.id, u.username, u.display_name AS doctor FROM clinics c JOIN users u ON u.clinic_id = c.id AND u.role = 'village_doctor' WHERE c.code = 'C01'",
  ).get() as { id: number; username: string; doctor: string } | undefined;
  if (!clinic) return;
  const today = chinaDate(runtime.app.clock.now());
  const yesterday = addDays(today, -1);
  const from = periodBounds(previousPeriod(periodOf(today))).first;
  const doctor = InternalClient.asUser(runtime, clinic.username);

  // A swap (串换) the doctor records with the visit number: settled as one drug, another one left the shelf.
  const shelf = sql(
    db,
    `SELECT b.drug_id AS drugId, d.generic_name AS name, d.nhsa_code AS code, d.base_unit AS baseUnit, sum(b.qty) AS qty, max(l.unit_cost) AS unitCost
       FROM stock_balances b JOIN stores st ON st.id = b.store_id AND st.kind = 'clinic' AND st.clinic_id = ?
       JOIN drugs d ON d.id = b.drug_id JOIN lots l ON l.id = b.lot_id
      WHERE b.qty > 0 GROUP BY b.drug_id ORDER BY sum(b.qty) DESC`,
  ).all(clinic.id) as { drugId: number; name: string; code: string; baseUnit: string; qty: number; unitCost: number }[];
  const swapVisit = `MD${yesterday.replaceAll('-', '')}9001`;
  let swap: { settled: (typeof shelf)[number]; qty: number } | null = null;
  if (shelf.length >= 2) {
    const [given, settled] = shelf;
    const qty = Math.min(6, given.qty);
    try {
      await doctor.call('dispensing.create', { businessDate: yesterday, visitNo: swapVisit, lines: [{ drugId: given.drugId, qty }] });
      swap = { settled, qty };
    } catch {
      // Nothing to dispense yesterday after all: no swap to show.
    }
  }

  const book = sql(
    db,
    `SELECT d.id AS dispensingId, d.business_date AS date, l.drug_id AS drugId, l.qty, dr.nhsa_code AS code, dr.generic_name AS name, dr.base_unit AS baseUnit,
            (SELECT g.unit_cost FROM ledger g WHERE g.doc_type = 'dispensing' AND g.doc_line_id = l.id ORDER BY g.id LIMIT 1) AS unitCost
       FROM dispensings d JOIN dispensing_lines l ON l.dispensing_id = d.id JOIN drugs dr ON dr.id = l.drug_id
      WHERE d.clinic_id = ? AND d.status = 'posted' AND d.business_date BETWEEN ? AND ? AND d.visit_no IS NULL
      ORDER BY d.business_date, d.id, l.line_no`,
  ).all(clinic.id, from, yesterday) as BookLine[];
  if (book.length === 0) return;

  // Every entry of the book is one visit; a few are left out of the settlement (self-paid or not settled yet).
  const entries = [...new Set(book.map((b) => b.dispensingId))];
  const unsettled = new Set(entries.filter((_, i) => i % 37 === 11));
  const fees: Fee[] = [];
  let seq = 0;
  const visitOf = new Map<number, string>();
  for (const b of book) {
    if (unsettled.has(b.dispensingId)) continue;
    let visit = visitOf.get(b.dispensingId);
    if (!visit) {
      seq += 1;
      visit = `MD${b.date.replaceAll('-', '')}${String(seq).padStart(4, '0')}`;
      visitOf.set(b.dispensingId, visit);
    }
    const minute = 8 * 60 + ((seq * 7) % 540);
    const time = `${b.date} ${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00`;
    fees.push({
      visit,
      sn: `FY${String(fees.length + 1).padStart(6, '0')}`,
      time,
      code: b.code,
      name: b.name,
      qty: b.qty,
      unit: b.baseUnit,
      price: b.unitCost,
    });
  }
  if (fees.length < 20) return;

  // The planted differences, on days spread over the two months.
  const pick = (i: number) => fees[Math.floor((fees.length * i) / 10)];
  let plantedSeq = 0;
  const plantedSn = () => `FY9${String(++plantedSeq).padStart(5, '0')}`;
  const extra = (base: Fee, changes: Partial<Fee>): Fee => ({ ...base, codes: undefined, sn: plantedSn(), ...changes });
  const planted: Fee[] = [];
  // Settled, never dispensed: a visit of its own on three days, and yesterday (the doctor can still post it).
  for (const [i, base] of [pick(2), pick(5), pick(8)].entries()) {
    planted.push(extra(base, { visit: `${base.visit.slice(0, 10)}8${i}01`, qty: base.qty + 10, time: base.time.replace(/ \d\d:/, ' 16:') }));
  }
  const last = shelf[2] ?? shelf[0];
  if (last) {
    planted.push({
      visit: `MD${yesterday.replaceAll('-', '')}8101`,
      sn: plantedSn(),
      time: `${yesterday} 17:20:00`,
      code: last.code,
      name: last.name,
      qty: Math.min(4, last.qty),
      unit: last.baseUnit,
      price: last.unitCost,
    });
  }
  // Settled twice in the week before yesterday, a drug the hub has never delivered to this clinic (one of about
  // ¥2 a unit, as most are): more than the shelf ever held (结算量超出库存), and settled without dispensing.
  const neverHeld = sql(
    db,
    `SELECT d.id AS drugId, d.generic_name AS name, d.nhsa_code AS code, d.base_unit AS baseUnit, max(l.unit_cost) AS unitCost
       FROM drugs d JOIN lots l ON l.drug_id = d.id
      WHERE d.nhsa_code IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM ledger g JOIN stores st ON st.id = g.store_id AND st.kind = 'clinic' AND st.clinic_id = ? WHERE g.drug_id = d.id)
      GROUP BY d.id ORDER BY abs(max(l.unit_cost) - 2000000), d.id LIMIT 1`,
  ).get(clinic.id) as { drugId: number; name: string; code: string; baseUnit: string; unitCost: number } | undefined;
  if (neverHeld) {
    for (const [i, day] of [addDays(yesterday, -6), addDays(yesterday, -3)].entries()) {
      if (periodOf(day) !== periodOf(yesterday)) continue;
      planted.push({
        visit: `MD${day.replaceAll('-', '')}8201`,
        sn: plantedSn(),
        time: `${day} 1${5 + i}:05:00`,
        code: neverHeld.code,
        name: neverHeld.name,
        qty: 10,
        unit: neverHeld.baseUnit,
        price: neverHeld.unitCost,
      });
    }
  }
  // A price above what the hub charged the clinic.
  const dear = pick(3);
  dear.price = Math.round((dear.price * 1.25) / 1000) * 1000;
  // A drug the hub never supplied.
  const outside = pick(6);
  planted.push({ ...outside, codes: undefined, sn: plantedSn(), code: OUTSIDE_DRUG.code, name: OUTSIDE_DRUG.name, qty: 1, unit: '袋', price: 12_800_000 });
  // One box settled on two visits; and a box the hub received as another drug.
  const box = `8350000${String(clinic.id).padStart(6, '0')}0004242`;
  pick(4).codes = box;
  pick(7).codes = box;
  const received = sql(db, 'SELECT t.code, t.drug_id AS drugId FROM trace_codes t LIMIT 1').get() as { code: string; drugId: number } | undefined;
  const other = received
    ? fees.find((f) => f.code !== (sql(db, 'SELECT nhsa_code AS c FROM drugs WHERE id = ?').get(received.drugId) as { c: string }).c)
    : undefined;
  if (received && other) other.codes = received.code;
  // The swap's settlement side.
  if (swap) {
    planted.push({
      visit: swapVisit,
      sn: plantedSn(),
      time: `${yesterday} 15:40:00`,
      code: swap.settled.code,
      name: swap.settled.name,
      qty: swap.qty,
      unit: swap.settled.baseUnit,
      price: swap.settled.unitCost,
    });
  }

  const patients = new Map<string, { name: string; certno: string; psnNo: string }>();
  const patient = (visit: string) => {
    let p = patients.get(visit);
    if (!p) {
      const n = patients.size;
      p = {
        name: SURNAMES[n % SURNAMES.length] + GIVEN[(n * 5) % GIVEN.length],
        certno: `43012219${String(40 + (n % 50)).padStart(2, '0')}${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (n % 28)).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}${n % 10}`,
        psnNo: `43000000000000${String(100_000 + n).padStart(6, '0')}`,
      };
      patients.set(visit, p);
    }
    return p;
  };

  // Last month in one monthly export, this month in a second one with a reversal of one of its lines.
  const thisMonth = periodOf(today);
  const all = [...fees, ...planted].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const earlier = all.filter((f) => f.time.slice(0, 7) !== thisMonth);
  const current = all.filter((f) => f.time.slice(0, 7) === thisMonth);
  const taken = current.find((f) => !f.codes && f.code !== OUTSIDE_DRUG.code && !planted.includes(f));
  if (taken) {
    current.push({ ...taken, sn: `${taken.sn}-CZ`, init: taken.sn, qty: -taken.qty, time: taken.time.replace(/ \d\d:/, ' 18:') });
  }
  const files = [
    { filename: `门诊统筹费用明细-${previousPeriod(thisMonth)}.csv`, fees: earlier },
    { filename: `门诊统筹费用明细-${thisMonth}.csv`, fees: current },
  ];
  for (const f of files) {
    if (f.fees.length === 0) continue;
    const file = { filename: f.filename, base64: Buffer.from(csv(f.fees, clinic.doctor, patient)).toString('base64') };
    const preview = await doctor.call('reconciliation.importPreview', { file });
    await doctor.call('reconciliation.importCommit', { file, mapping: preview.mapping, mode: preview.errorRows ? 'cleanRowsOnly' : 'all' });
  }

  // The doctor explains two of the unsettled entries: the patients paid themselves.
  const marks = book.filter((b) => unsettled.has(b.dispensingId)).slice(0, 2);
  for (const m of marks) {
    await doctor.call('reconciliation.markSelfPay', { date: m.date, drugId: m.drugId, qty: m.qty, note: '患者未带医保卡，自费' }).catch(() => undefined);
  }
  await doctor.call('auth.logout', {}).catch(() => undefined);
}
