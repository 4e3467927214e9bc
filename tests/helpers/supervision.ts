/**
 * Synthetic clinic histories for the supervision rules, played day by day through the real handlers:
 * the hub receives, delivers every two weeks, clinics sign and dispense on their open days at their own
 * steady rates (seeded RNG). Planted anomalies, one kind per rule, each at a known clinic × drug × week or
 * month, are listed with the fingerprint the rule should give them; with `plants: false` the same history
 * runs without them (clean data).
 */
import { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { addDays } from '../../shared/dates';
import { isoWeekday, makeFingerprint, type RuleKey } from '../../shared/supervision';
import { ManualClock, createClinic, createTestHub, createUser, type TestHub } from './runtime';
import { seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from './stock';

export interface Plant {
  rule: RuleKey;
  fingerprint: string;
  what: string;
}

export interface SyntheticHub {
  hub: TestHub;
  plants: Plant[];
  clinicIds: number[];
  drugs: Record<string, SeedDrug>;
  start: string;
  end: string;
  pharmacist: InternalClient;
}

export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), chance: (p: number) => next() < p };
}

export const START = '2026-01-05'; // a Monday
export const END = '2026-06-30';

/** Clinics' rest days: S1–S3 close on Sundays; S3 also on 清明 (2026-04-05, a Sunday anyway) and 劳动节 (2026-05-01). */
const REST: Record<number, number[]> = { 0: [7], 1: [7], 2: [7] };
const HOLIDAYS: Record<number, string[]> = { 2: ['2026-05-01'] };

export async function buildSyntheticHub(opts: { plants: boolean; seed?: number }): Promise<SyntheticHub> {
  const clock = new ManualClock(new Date(`${START}T01:00:00.000Z`));
  const hub = await createTestHub({ clock });
  const db = hub.runtime.app.db;
  const r = rng(opts.seed ?? 7);
  const clinicIds: number[] = [];
  for (let i = 0; i < 6; i++) clinicIds.push((await createClinic(hub, `S${i + 1}`, `合成${i + 1}村卫生室`)).id);
  const pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
  await createUser(hub, { username: 'caiwu', role: 'finance' });
  for (let i = 0; i < 6; i++) await createUser(hub, { username: `cy${i + 1}`, role: 'village_doctor', clinicId: clinicIds[i] });
  const adminId = (sql(db, "SELECT id FROM users WHERE username = 'admin'").get() as { id: number }).id;
  for (const [i, days] of Object.entries(REST)) {
    sql(db, 'INSERT INTO clinic_schedules (clinic_id, rest_weekdays, updated_by, updated_at) VALUES (?, ?, ?, ?)').run(
      clinicIds[Number(i)],
      days.join(','),
      adminId,
      clock.now().toISOString(),
    );
  }
  for (const [i, dates] of Object.entries(HOLIDAYS)) {
    for (const d of dates) sql(db, 'INSERT INTO clinic_holidays (clinic_id, date, name) VALUES (?, ?, ?)').run(clinicIds[Number(i)], d, '节假日');
  }

  const supplierId = seedSupplier(hub);
  const mk = (name: string, packSize: number, yuan: number) => seedDrug(hub, { name, packSize, supplierId, packPrice: yuan * 1_000_000 });
  const drugs = {
    amoxA: mk('阿莫西林胶囊', 24, 48),
    amoxB: mk('阿莫西林胶囊', 36, 60),
    ibu: mk('布洛芬缓释胶囊', 20, 40),
    met: mk('二甲双胍片', 48, 50),
    nif: mk('硝苯地平缓释片', 30, 45),
    cef: mk('头孢克肟分散片', 12, 36),
    aml: mk('氨氯地平片', 28, 42),
    ome: mk('奥美拉唑肠溶胶囊', 14, 30),
    cal: mk('葡萄糖酸钙口服液', 10, 25),
  };
  const pool = [drugs.ibu, drugs.met, drugs.nif, drugs.cef, drugs.aml, drugs.ome];
  // Formulary: four common drugs each; S3 and S6 also keep both 阿莫西林 products (the swap pair).
  const formulary = clinicIds.map((_, i) => {
    const list = [pool[i % 6], pool[(i + 1) % 6], pool[(i + 2) % 6], pool[(i + 4) % 6]];
    if (i === 2 || i === 5) list.push(drugs.amoxA, drugs.amoxB);
    return list.map((drug) => ({ drug, perDay: r.int(8, 14) }));
  });

  // The hub buys enough of everything for the half year up front (one receipt per drug).
  const days = (Date.parse(END) - Date.parse(START)) / 86_400_000 + 1;
  for (const drug of Object.values(drugs)) {
    const need =
      formulary
        .flat()
        .filter((f) => f.drug.id === drug.id)
        .reduce((a, f) => a + f.perDay * days * 3, 0) +
      drug.packSize * 40;
    const qty = Math.ceil(need / drug.packSize) * drug.packSize;
    const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug, qty, packPrice: 40_000_000 }]);
    await pharmacist.call('receipts.create', {
      poId,
      invoiceNo: `FP${drug.id}`,
      lines: [{ poLineId: lineIds[0], batchNo: `B${drug.id}`, expiryDate: '2028-12-31', qty }],
    });
  }

  const plants: Plant[] = [];
  const plant = (rule: RuleKey, clinicIdx: number, drugIds: number[], period: string, what: string) => {
    if (opts.plants) plants.push({ rule, fingerprint: makeFingerprint(rule, clinicIds[clinicIdx], drugIds, period), what });
  };
  const on = opts.plants;
  // Spike: S1's first drug at 8× in the week of 2026-05-11; S4's second drug at 8× in the week of 2026-06-15.
  const spikes = [
    { c: 0, drug: formulary[0][0].drug, week: '2026-05-11' },
    { c: 3, drug: formulary[3][1].drug, week: '2026-06-15' },
  ];
  spikes.forEach((s) => plant('spike', s.c, [s.drug.id], s.week, `第 ${s.c + 1} 室一周 8 倍用量`));
  // Exceed: a drug the clinic never got from the hub turns up at a count (盘盈) and is dispensed.
  const exceeds = [
    { c: 1, date: '2026-04-20' },
    { c: 4, date: '2026-06-08' },
  ];
  exceeds.forEach((e) => plant('exceed', e.c, [drugs.cal.id], e.date.slice(0, 7), '盘盈药品被发出'));
  // Swap: 阿莫西林 A dispensed at 2× for 30 days while B comes up 40 short at the count.
  const swaps = [
    { c: 2, count: '2026-06-18' },
    { c: 5, count: '2026-04-17' },
  ];
  swaps.forEach((s) => plant('swap', s.c, [drugs.amoxA.id, drugs.amoxB.id], s.count.slice(0, 7), '串换'));
  // Round: the same round quantity entered on most days of a month.
  const rounds = [
    { c: 3, idx: 0, month: '2026-03' },
    { c: 0, idx: 2, month: '2026-06' },
  ];
  rounds.forEach((x) => plant('round', x.c, [formulary[x.c][x.idx].drug.id], x.month, '整数重复'));
  // Closed: S2 dispenses on two Sundays of May; S3 on 劳动节.
  const closedDays = [
    { c: 1, date: '2026-05-17' },
    { c: 1, date: '2026-05-24' },
    { c: 2, date: '2026-05-01' },
  ];
  plant('closed', 1, [], '2026-05', '周日用药');
  plant('closed', 2, [], '2026-05', '节日用药');
  // Shortage: S5's third drug short at three counts; the rule fires in the months of the 2nd and 3rd.
  const shortageDrug = formulary[4][2].drug;
  const shortageCounts = ['2026-03-25', '2026-05-25', '2026-06-25'];
  plant('shortage', 4, [shortageDrug.id], '2026-05', '反复盘亏');
  plant('shortage', 4, [shortageDrug.id], '2026-06', '反复盘亏');

  const stocktake = async (clinicIdx: number, variance: (drugId: number, book: number) => number, found?: { drugId: number; qty: number }) => {
    const storeId = (sql(db, "SELECT id FROM stores WHERE clinic_id = ? AND kind = 'clinic'").get(clinicIds[clinicIdx]) as { id: number }).id;
    const ph = InternalClient.asUser(hub.runtime, 'yaoku');
    let st = await ph.call('stocktakes.create', { kind: 'full', storeId, counterMode: 'onsite', blind: false });
    if (found) {
      const lot = (await ph.call('stocktakes.foundLots', { id: st.id })).find((l) => l.drugId === found.drugId)!;
      st = await ph.call('stocktakes.addLine', { id: st.id, lotId: lot.lotId });
    }
    const seen = new Set<number>();
    const entries = st.lines.map((l) => {
      const book = l.bookQtyAtStart ?? 0;
      let counted = book;
      if (found && l.drugId === found.drugId) counted = found.qty;
      else if (!seen.has(l.drugId)) counted = Math.max(0, book + variance(l.drugId, book));
      seen.add(l.drugId);
      return { lineId: l.id, countedQty: counted, note: null };
    });
    st = await ph.call('stocktakes.count', { id: st.id, entries });
    st = await ph.call('stocktakes.submit', { id: st.id });
    const reasons = st.lines.filter((l) => (l.variance ?? 0) !== 0).map((l) => ({ lineId: l.id, reasonCode: 'other' as const, reasonNote: '合成数据' }));
    await ph.call('stocktakes.approve', { id: st.id, reasons });
  };

  const onHandCheck = sql(
    db,
    "SELECT coalesce(sum(b.qty), 0) AS q FROM stock_balances b JOIN stores s ON s.id = b.store_id WHERE s.clinic_id = ? AND s.kind = 'clinic' AND b.drug_id = ?",
  );
  const have = (clinicIdx: number, drugId: number) => (onHandCheck.get(clinicIds[clinicIdx], drugId) as { q: number }).q;

  let fortnight = 0;
  for (let day = START; day <= END; day = addDays(day, 1)) {
    clock.set(new Date(`${day}T01:00:00.000Z`));
    const ph = InternalClient.asUser(hub.runtime, 'yaoku');
    // Every other Monday: deliver four weeks' worth at twice the usual rate, signed the same day.
    if (isoWeekday(day) === 1 && fortnight++ % 2 === 0) {
      for (const [i, items] of formulary.entries()) {
        const lines = items.map((f) => ({ drug: f.drug, qty: Math.ceil((f.perDay * 28 * (day === START ? 2 : 1)) / f.drug.packSize) * f.drug.packSize }));
        const reqLines = seedApprovedRequisition(hub, clinicIds[i], lines);
        const d = await ph.call('deliveries.create', {
          clinicId: clinicIds[i],
          lines: reqLines.map((id, k) => ({ requisitionLineId: id, qty: lines[k].qty })),
        });
        const doctor = InternalClient.asUser(hub.runtime, `cy${i + 1}`);
        await doctor.call('deliveries.sign', { id: d.id, lines: d.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty, reason: null })) });
      }
    }
    // Counts: plants and small everyday differences at S4 and S6.
    if (on) {
      for (const e of exceeds) if (e.date === day) await stocktake(e.c, () => 0, { drugId: drugs.cal.id, qty: 60 });
      for (const s of swaps) if (s.count === day) await stocktake(s.c, (drugId) => (drugId === drugs.amoxB.id ? -40 : 0));
      if (shortageCounts.includes(day)) await stocktake(4, (drugId) => (drugId === shortageDrug.id ? -(15 + r.int(0, 5)) : 0));
    }
    if (day.endsWith('-12')) {
      const pick = pool[r.int(0, 5)].id;
      await stocktake(3, (drugId) => (drugId === pick ? -r.int(1, 3) : 0));
      await stocktake(5, (drugId) => (drugId === pick ? r.int(1, 2) : 0));
    }

    for (const [i, items] of formulary.entries()) {
      const closed = (REST[i] ?? []).includes(isoWeekday(day)) || (HOLIDAYS[i] ?? []).includes(day);
      const forced = on && closedDays.some((c) => c.c === i && c.date === day);
      if (closed && !forced) continue;
      const lines: { drugId: number; qty: number }[] = [];
      for (const [k, f] of items.entries()) {
        if (forced && k > 0) break; // a closed-day entry: one drug
        if (!forced && !r.chance(0.8)) continue;
        let qty = r.int(1, 2 * f.perDay);
        if (on) {
          const spike = spikes.find((s) => s.c === i && s.drug.id === f.drug.id && day >= s.week && day <= addDays(s.week, 6));
          if (spike) qty = 8 * f.perDay + r.int(1, 5);
          const swap = swaps.find((s) => s.c === i && f.drug.id === drugs.amoxA.id && day > addDays(s.count, -30) && day <= s.count);
          if (swap) qty = 2 * qty;
          const round = rounds.find((x) => x.c === i && x.idx === k && day.startsWith(x.month) && Number(day.slice(8)) <= 22);
          if (round) qty = Math.max(10, Math.round(f.perDay / 10) * 10);
        }
        qty = Math.min(qty, have(i, f.drug.id));
        if (qty > 0) lines.push({ drugId: f.drug.id, qty });
      }
      if (on) {
        for (const e of exceeds) {
          if (e.c === i && day > e.date && day <= addDays(e.date, 7)) {
            const qty = Math.min(have(i, drugs.cal.id), r.int(6, 9));
            if (qty > 0) lines.push({ drugId: drugs.cal.id, qty });
          }
        }
      }
      if (lines.length === 0) continue;
      const doctor = InternalClient.asUser(hub.runtime, `cy${i + 1}`);
      await doctor.call('dispensing.create', { lines });
    }
  }
  return { hub, plants, clinicIds, drugs, start: START, end: END, pharmacist: InternalClient.asUser(hub.runtime, 'yaoku') };
}
