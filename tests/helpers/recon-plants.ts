/**
 * Two months of three insured clinics' days for the settlement-difference rules, played through the real
 * handlers: deliveries signed, each visit dispensed (dispensing.create with its visit number) and settled in
 * the insurance client, the week's settlement details imported as the client exports them
 * (reconciliation.importPreview / importCommit). The clean history carries the differences that are not
 * anomalies: dispensing recorded a day after the settlement, self-paid visits marked as such, a line settled
 * in error and reversed. Planted cases, each at a known clinic × drug × month, are listed with every
 * fingerprint they should raise (a swapped or overstocked settlement is also settled-not-dispensed).
 */
import { addDays, periodOf } from '../../shared/dates';
import { isoWeekday, makeFingerprint, type RuleKey } from '../../shared/supervision';
import { sql } from '../../electron/db/database';
import { createClinic, createUser } from './runtime';
import { createSettlementHub, fee, importFees, stockClinic, type Fee, type SettlementDrug, type SettlementHub } from './reconciliation';
import { rng, type Plant } from './supervision';

export const RECON_START = '2026-03-02'; // a Monday
export const RECON_END = '2026-04-30';

/** Lot costs per base unit (micro-yuan) of the settlement hub's drugs: what the client prices them at. */
const COST: Record<string, number> = { amox: 120_000, ibu: 490_000, met: 100_000, amoxB: 200_000 };
/** Usual quantities per visit. */
const DOSES: Record<string, number[]> = { amox: [12, 24], ibu: [10, 20], met: [24, 48], amoxB: [36] };
/** What each clinic stocks and uses: C01 has no 二甲双胍, C02 no 36 粒 阿莫西林, C03 only a box or two of it. */
const USES: string[][] = [
  ['amox', 'ibu'],
  ['amox', 'ibu', 'met'],
  ['amox', 'met'],
];

export interface ReconPlantHub {
  h: SettlementHub;
  plants: Plant[];
  start: string;
  end: string;
}

type DrugKey = 'amox' | 'ibu' | 'met' | 'amoxB';

interface Visit {
  visit: string;
  /** Dispensed (posted through dispensing.create), on the visit's day or `lag` days later. */
  given: { drug: DrugKey; qty: number }[];
  /** Settled in the client (imported). */
  settled: { drug: DrugKey; qty: number }[];
  lag?: number;
  selfPay?: boolean;
  /** A line settled by mistake and reversed in the same export. */
  reversed?: { drug: DrugKey; qty: number };
}

export async function buildReconPlantHub(opts: { plants: boolean; seed?: number }): Promise<ReconPlantHub> {
  const h = await createSettlementHub({ day: RECON_START });
  const c3 = await createClinic(h.hub, 'C03', '南山村卫生室');
  await createUser(h.hub, { username: 'cy03', role: 'village_doctor', clinicId: c3.id, displayName: '陈立新' });
  const store3 = (sql(h.hub.runtime.app.db, "SELECT id FROM stores WHERE clinic_id = ? AND kind = 'clinic'").get(c3.id) as { id: number }).id;
  h.clinics.push({ id: c3.id, storeId: store3, doctor: 'cy03' });
  const r = rng(opts.seed ?? 22);
  const drug = (k: DrugKey): SettlementDrug => h.drugs[k];

  const restock = async (tag: string) => {
    for (const [i, uses] of USES.entries()) for (const k of uses) await stockClinic(h, i, drug(k as DrugKey), 6000, `${tag}${i}${k}`);
  };
  await restock('R1');
  await stockClinic(h, 2, drug('amoxB'), 72, 'B-C03'); // a small stock C03 does not use day to day

  // Planned visits by clinic and day: the clean history first, then the plants.
  const visits = new Map<string, Visit[]>();
  const at = (clinic: number, day: string) => {
    const key = `${clinic}|${day}`;
    if (!visits.has(key)) visits.set(key, []);
    return visits.get(key)!;
  };
  let seq = 0;
  const visitNo = (clinic: number, day: string) => `MD${clinic + 1}${day.replaceAll('-', '').slice(2)}${String(++seq).padStart(4, '0')}`;
  const dose = (k: DrugKey) => DOSES[k][r.int(0, DOSES[k].length - 1)];
  for (let day = RECON_START; day <= RECON_END; day = addDays(day, 1)) {
    if (isoWeekday(day) === 7) continue;
    for (const [c, uses] of USES.entries()) {
      for (let n = r.int(2, 4); n > 0; n--) {
        const drugs = [...new Set([uses[r.int(0, uses.length - 1)], ...(r.chance(0.3) ? [uses[r.int(0, uses.length - 1)]] : [])])] as DrugKey[];
        const lines = drugs.map((k) => ({ drug: k, qty: dose(k) }));
        const v: Visit = { visit: visitNo(c, day), given: lines, settled: lines };
        if (r.chance(0.08)) Object.assign(v, { settled: [], selfPay: true });
        else if (r.chance(0.1)) v.lag = r.int(1, 2);
        else if (r.chance(0.05)) v.reversed = { drug: uses[0] as DrugKey, qty: dose(uses[0] as DrugKey) };
        at(c, day).push(v);
      }
    }
  }

  const plants: Plant[] = [];
  const plant = (rule: RuleKey, clinic: number, drugs: DrugKey[], month: string, what: string) =>
    plants.push({
      rule,
      fingerprint: makeFingerprint(
        rule,
        h.clinics[clinic].id,
        drugs.map((k) => drug(k).id),
        month,
      ),
      what,
    });
  if (opts.plants) {
    // 虚开: settled, never dispensed.
    for (const day of ['2026-03-10', '2026-03-17', '2026-03-24']) at(0, day).push({ visit: visitNo(0, day), given: [], settled: [{ drug: 'ibu', qty: 20 }] });
    plant('notgiven', 0, ['ibu'], '2026-03', 'C01 三次就诊结算布洛芬 20 粒，未发药');
    for (const day of ['2026-04-08', '2026-04-22']) at(1, day).push({ visit: visitNo(1, day), given: [], settled: [{ drug: 'met', qty: 48 }] });
    plant('notgiven', 1, ['met'], '2026-04', 'C02 两次就诊结算二甲双胍 48 片，未发药');
    for (const day of ['2026-03-12', '2026-03-19'])
      at(2, day).push({ visit: visitNo(2, day), given: [{ drug: 'amox', qty: 12 }], settled: [{ drug: 'amox', qty: 24 }] });
    plant('notgiven', 2, ['amox'], '2026-03', 'C03 两次就诊结算阿莫西林 24 粒，只发 12 粒');

    // 串换: settled one drug, gave another in the same visit.
    for (const day of ['2026-03-11', '2026-03-25'])
      at(1, day).push({ visit: visitNo(1, day), given: [{ drug: 'amox', qty: 24 }], settled: [{ drug: 'ibu', qty: 20 }] });
    plant('visitswap', 1, ['ibu', 'amox'], '2026-03', 'C02 两次就诊结算布洛芬、发阿莫西林');
    plant('notgiven', 1, ['ibu'], '2026-03', '（同上）结算的布洛芬未发');
    at(2, '2026-04-15').push({ visit: visitNo(2, '2026-04-15'), given: [{ drug: 'met', qty: 48 }], settled: [{ drug: 'amoxB', qty: 36 }] });
    plant('visitswap', 2, ['amoxB', 'met'], '2026-04', 'C03 一次就诊结算阿莫西林（36 粒）、发二甲双胍');
    plant('notgiven', 2, ['amoxB'], '2026-04', '（同上）结算的阿莫西林（36 粒）未发');
    at(0, '2026-04-14').push({ visit: visitNo(0, '2026-04-14'), given: [{ drug: 'amox', qty: 24 }], settled: [{ drug: 'ibu', qty: 20 }], lag: 1 });
    plant('visitswap', 0, ['ibu', 'amox'], '2026-04', 'C01 一次就诊结算布洛芬、次日登记发阿莫西林');
    plant('notgiven', 0, ['ibu'], '2026-04', '（同上）结算的布洛芬未发');

    // Settled above what the shelf held.
    at(0, '2026-03-18').push({ visit: visitNo(0, '2026-03-18'), given: [], settled: [{ drug: 'met', qty: 48 }] });
    plant('overstock', 0, ['met'], '2026-03', 'C01 从未配送二甲双胍，却结算 48 片');
    plant('notgiven', 0, ['met'], '2026-03', '（同上）未发药');
    at(2, '2026-03-26').push({ visit: visitNo(2, '2026-03-26'), given: [{ drug: 'amoxB', qty: 20 }], settled: [{ drug: 'amoxB', qty: 100 }] });
    plant('overstock', 2, ['amoxB'], '2026-03', 'C03 阿莫西林（36 粒）只有 72 粒，一次结算 100 粒');
    plant('notgiven', 2, ['amoxB'], '2026-03', '（同上）发 20 粒，结算 100 粒');
    at(1, '2026-04-21').push({ visit: visitNo(1, '2026-04-21'), given: [], settled: [{ drug: 'amoxB', qty: 72 }] });
    plant('overstock', 1, ['amoxB'], '2026-04', 'C02 从未配送阿莫西林（36 粒），却结算 72 粒');
    plant('notgiven', 1, ['amoxB'], '2026-04', '（同上）未发药');
  }

  // Play the days: dispensing as recorded (lagged visits a day or two later), the week's settlements
  // imported every Sunday and at the end.
  const pending: Fee[][] = USES.map(() => []);
  const lagged = new Map<string, { clinic: number; v: Visit }[]>();
  const selfPaid = new Map<string, number>();
  const importWeek = async () => {
    for (const [c, fees] of pending.entries()) {
      if (fees.length) await importFees(h, c, fees, `结算明细-${c + 1}-${seq++}.csv`);
      pending[c] = [];
    }
  };
  const dispense = (clinic: number, day: string, v: Visit) =>
    h
      .as(h.clinics[clinic].doctor)
      .call('dispensing.create', { businessDate: day, visitNo: v.visit, lines: v.given.map((g) => ({ drugId: drug(g.drug).id, qty: g.qty })) });
  for (let day = RECON_START; day <= addDays(RECON_END, 2); day = addDays(day, 1)) {
    h.on(day);
    if (day === '2026-04-01') await restock('R2');
    for (const { clinic, v } of lagged.get(day) ?? []) await dispense(clinic, day, v);
    for (let c = 0; c < USES.length; c++) {
      for (const [i, v] of (day <= RECON_END ? (visits.get(`${c}|${day}`) ?? []) : []).entries()) {
        if (v.given.length && v.lag) lagged.set(addDays(day, v.lag), [...(lagged.get(addDays(day, v.lag)) ?? []), { clinic: c, v }]);
        else if (v.given.length) await dispense(c, day, v);
        if (v.selfPay) {
          for (const g of v.given) {
            const marked = selfPaid.get(`${c}|${day}|${g.drug}`) ?? 0;
            selfPaid.set(`${c}|${day}|${g.drug}`, marked + g.qty);
            await h
              .as(h.clinics[c].doctor)
              .call('reconciliation.markSelfPay', { date: day, drugId: drug(g.drug).id, qty: marked + g.qty, note: '患者未带医保卡' });
          }
        }
        const time = `${day} ${String(8 + (i % 9)).padStart(2, '0')}:${String(10 + i).padStart(2, '0')}:00`;
        v.settled.forEach((s, n) => pending[c].push(fee(v.visit, time, drug(s.drug), s.qty, COST[s.drug], { sn: `${v.visit}-${n}` })));
        if (v.reversed) {
          const wrong = fee(v.visit, time, drug(v.reversed.drug), v.reversed.qty, COST[v.reversed.drug], { sn: `${v.visit}-X` });
          pending[c].push(wrong, {
            ...fee(v.visit, time, drug(v.reversed.drug), -v.reversed.qty, COST[v.reversed.drug]),
            sn: `${v.visit}-XR`,
            init: `${v.visit}-X`,
          });
        }
      }
    }
    if (isoWeekday(day) === 7 || day === addDays(RECON_END, 2) || periodOf(addDays(day, 1)) !== periodOf(day)) await importWeek();
  }
  return { h, plants, start: RECON_START, end: RECON_END };
}
