/**
 * Supervision for the demo hub, through the real handlers: before the history is played, the hub sets
 * weekly rest days for some clinics (their doctors then do not dispense on those days); after it, a few
 * planted cases so the 异常信号 screen has something to show, each one a rule's textbook case:
 *
 * - 用药量突增: a clinic gets an urgent supply of its busiest drug and dispenses 8× its usual week;
 * - 整数数量重复登记: another clinic enters the same round quantity again and again;
 * - 休息日用药: two clinics record dispensing on their rest day;
 * - 串换嫌疑 + 用药超出配送量: at a full count, one of two same-name drugs comes up short while the other
 *   was dispensed heavily, and a drug the hub never delivered turns up on the shelf (盘盈) and is dispensed;
 * - 盘亏集中: one drug short at two counts in a row at the same clinic.
 *
 * Plants go into the current open month, on days before today (the clock is moved to each day, as the
 * purchasing simulator does). A plant that cannot be made (no suitable drug, a closed month) is skipped.
 */
import { InternalClient } from '../api/internal';
import type { Clock } from '../app';
import { sql } from '../db/database';
import type { Runtime } from '../runtime';
import { addDays, chinaDate, periodOf } from '../../shared/dates';
import { isoWeekday } from '../../shared/supervision';
import { isPeriodClosed } from '../domain/stock/ledger';
import { lotAvailableAt } from '../domain/stock/availability';
import { PHARMACIST, doctorOf } from './actors';

/** Every third clinic closes on Sundays (before the history is played, so its doctor rests then). */
export async function configureDemoSchedules(runtime: Runtime): Promise<void> {
  const clinics = sql(runtime.app.db, 'SELECT id FROM clinics WHERE active = 1 ORDER BY code').all() as { id: number }[];
  const ph = InternalClient.asUser(runtime, PHARMACIST);
  for (const [i, c] of clinics.entries()) {
    if (i % 3 === 0) await ph.call('supervision.setSchedule', { clinicId: c.id, restWeekdays: [7], holidays: [] });
  }
  await ph.call('auth.logout', {});
}

interface Ctx {
  runtime: Runtime;
  today: string;
  /** Runs fn with the clock on `day` (09:00 China time, a minute later per call). */
  on<T>(day: string, fn: (as: (username: string) => InternalClient) => Promise<T>): Promise<T>;
}

function clinicStore(runtime: Runtime, clinicId: number): number {
  return (sql(runtime.app.db, "SELECT id FROM stores WHERE clinic_id = ? AND kind = 'clinic'").get(clinicId) as { id: number }).id;
}

/** 紧急请领: the clinic asks, the hub approves, orders from the supplier, receives and delivers; the doctor signs. */
async function urgentSupply(ctx: Ctx, day: string, clinicId: number, lines: { drugId: number; qty: number }[]): Promise<void> {
  await ctx.on(day, async (as) => {
    const doctor = as(doctorOf(ctx.runtime, clinicId));
    const ph = as(PHARMACIST);
    const req = await doctor.call('requisitions.submit', {
      submitToken: `demo-urgent-${clinicId}-${day}-${lines[0].drugId}`,
      note: '用量增加，紧急请领',
      lines: lines.map((l) => ({ ...l, enteredIn: 'base' as const, note: null })),
    });
    const full = await ph.call('requisitions.get', { id: req.id });
    await ph.call('requisitions.decide', { id: req.id, lines: full.lines.map((l) => ({ lineId: l.id, decision: 'approved' as const, reason: null })) });
    const preview = await ph.call('aggregation.preview', { requisitionIds: [req.id], hubReplenishment: false });
    const made = await ph.call('aggregation.create', { requisitionIds: [req.id], hubReplenishment: false, fingerprint: preview.fingerprint, note: '紧急请领' });
    for (const o of made.orders) {
      await ph.call('orders.send', { id: o.id });
      const order = await ph.call('orders.get', { id: o.id });
      await ph.call('receipts.create', {
        poId: o.id,
        invoiceNo: `4300${String(o.id).padStart(6, '0')}`,
        invoiceDate: day,
        lines: order.lines.map((l, i) => ({
          poLineId: l.id,
          batchNo: `${day.slice(2, 4)}J${String(o.id * 10 + i).padStart(5, '0')}`,
          mfgDate: addDays(day, -90),
          expiryDate: addDays(day, 720),
          qty: l.qty,
        })),
      });
    }
    const approved = await ph.call('requisitions.get', { id: req.id });
    const delivery = await ph.call('deliveries.create', {
      clinicId,
      lines: approved.lines.map((l) => ({ requisitionLineId: l.id, qty: l.approvedQty ?? l.requestedQty })),
    });
    await doctor.call('deliveries.sign', { id: delivery.id, lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty, reason: null })) });
  });
}

async function dispense(ctx: Ctx, day: string, clinicId: number, lines: { drugId: number; qty: number }[]) {
  await ctx.on(day, (as) => as(doctorOf(ctx.runtime, clinicId)).call('dispensing.create', { businessDate: day, lines }));
}

/**
 * A full count of the clinic's store by the pharmacist on site: `shelf` says what is really there of the first
 * lot counted of each drug, or of the lot it names (default: the book).
 */
async function fullCount(
  ctx: Ctx,
  day: string,
  clinicId: number,
  shelf: (drugId: number, book: number, lotId: number) => number,
  found?: { drugId: number; batchNo: string; qty: number },
  onlyLot?: number,
) {
  await ctx.on(day, async (as) => {
    const ph = as(PHARMACIST);
    let st = await ph.call('stocktakes.create', {
      kind: 'full',
      storeId: clinicStore(ctx.runtime, clinicId),
      counterMode: 'onsite',
      blind: false,
      note: '监管抽查：全面盘点',
    });
    if (found) {
      const lot = (await ph.call('stocktakes.foundLots', { id: st.id, q: found.batchNo })).find((l) => l.drugId === found.drugId);
      if (lot) st = await ph.call('stocktakes.addLine', { id: st.id, lotId: lot.lotId });
    }
    const seen = new Set<number>();
    st = await ph.call('stocktakes.count', {
      id: st.id,
      entries: st.lines.map((l) => {
        const book = l.bookQtyAtStart ?? 0;
        let counted = book;
        if (found && l.drugId === found.drugId && l.origin === 'found') counted = found.qty;
        else if (onlyLot === undefined ? !seen.has(l.drugId) : l.lotId === onlyLot) counted = Math.max(0, shelf(l.drugId, book, l.lotId));
        seen.add(l.drugId);
        return { lineId: l.id, countedQty: counted, note: counted === book ? null : '现场清点' };
      }),
    });
    st = await ph.call('stocktakes.submit', { id: st.id });
    const reasons = st.lines
      .filter((l) => (l.variance ?? 0) !== 0)
      .map((l) =>
        (l.variance ?? 0) < 0
          ? { lineId: l.id, reasonCode: 'unrecorded_dispensing' as const, reasonNote: '村医称已发药未登记，待核实' }
          : { lineId: l.id, reasonCode: 'other' as const, reasonNote: '货架上有账外药品，来源待查' },
      );
    await ph.call('stocktakes.approve', { id: st.id, reasons, note: '差异已记录，移交监管核查' });
  });
}

/** Weekly dispensing of each clinic × drug in the last 8 weeks (busiest first). */
function busiest(runtime: Runtime, today: string) {
  return sql(
    runtime.app.db,
    `SELECT s.clinic_id AS clinicId, g.drug_id AS drugId, -sum(g.qty) AS qty, d.generic_name AS name, d.pack_size AS packSize
       FROM ledger g JOIN stores s ON s.id = g.store_id AND s.kind = 'clinic' JOIN drugs d ON d.id = g.drug_id
      WHERE g.movement = 'dispense' AND g.business_date >= ? GROUP BY s.clinic_id, g.drug_id ORDER BY qty DESC`,
  ).all(addDays(today, -56)) as { clinicId: number; drugId: number; qty: number; name: string; packSize: number }[];
}

function onHand(runtime: Runtime, clinicId: number, drugId: number): number {
  return (
    sql(runtime.app.db, 'SELECT coalesce(sum(qty), 0) AS q FROM stock_balances WHERE store_id = ? AND drug_id = ?').get(
      clinicStore(runtime, clinicId),
      drugId,
    ) as { q: number }
  ).q;
}

export async function plantDemoAnomalies(runtime: Runtime): Promise<string[]> {
  const db = runtime.app.db;
  const realClock = runtime.app.clock;
  const today = chinaDate(realClock.now());
  const planted: string[] = [];
  const clients = new Map<string, InternalClient>();
  let day = today;
  let minute = 0;
  const clock: Clock = { now: () => new Date(Date.parse(`${day}T09:00:00+08:00`) + minute++ * 60_000) };
  const ctx: Ctx = {
    runtime,
    today,
    async on(d, fn) {
      if (d !== day) {
        for (const c of clients.values()) await c.call('auth.logout', {}).catch(() => undefined);
        clients.clear();
        day = d;
        minute = 0;
      }
      return fn((u) => {
        let c = clients.get(u);
        if (!c) clients.set(u, (c = InternalClient.asUser(runtime, u)));
        return c;
      });
    },
  };
  const open = (d: string) => d < today && !isPeriodClosed(db, periodOf(d));
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
      planted.push(what);
    } catch (e) {
      // A plant that cannot be made in this hub's state is left out; the others still show.
      planted.push(`${what} skipped: ${(e as Error).message}`);
    }
  };
  runtime.app.clock = clock;
  try {
    const clinics = (sql(db, 'SELECT id FROM clinics WHERE active = 1 ORDER BY code').all() as { id: number }[]).map((c) => c.id);
    if (clinics.length < 6) return planted;
    const busy = busiest(runtime, today);
    const closedClinics = new Set(
      (sql(db, "SELECT clinic_id AS id FROM clinic_schedules WHERE rest_weekdays <> ''").all() as { id: number }[]).map((r) => r.id),
    );

    // 用药量突增: the busiest drug of a clinic, 8× its weekly use over one week (last week, or this one so far).
    const spike = busy.find((b) => b.clinicId === clinics[2]);
    const lastMonday = addDays(today, 1 - isoWeekday(today) - 7);
    const lastWeek = [0, 1, 2, 3, 4, 5].map((k) => addDays(lastMonday, k));
    const thisWeek = Array.from({ length: isoWeekday(today) - 1 }, (_, k) => addDays(lastMonday, 7 + k));
    const spikeDays = lastWeek.every(open) && open(addDays(lastMonday, -1)) ? lastWeek : thisWeek.filter(open);
    if (spike && spikeDays.length >= 3) {
      await attempt('spike', async () => {
        const extra = Math.max(1, Math.round(spike.qty / 8)) * 8;
        const supplyDay = open(addDays(spikeDays[0], -1)) ? addDays(spikeDays[0], -1) : spikeDays[0];
        await urgentSupply(ctx, supplyDay, spike.clinicId, [{ drugId: spike.drugId, qty: Math.ceil(extra / spike.packSize) * spike.packSize }]);
        const per = Math.ceil(extra / spikeDays.length);
        for (const d of spikeDays) {
          const qty = Math.min(per, onHand(runtime, spike.clinicId, spike.drugId));
          if (qty > 0) await dispense(ctx, d, spike.clinicId, [{ drugId: spike.drugId, qty }]);
        }
      });
    }

    // 整数数量重复登记: exactly 10 of a heavily used drug entered on every day of the month so far.
    const round = busy.find((b) => ![clinics[2], clinics[3], clinics[5]].includes(b.clinicId) && !closedClinics.has(b.clinicId) && b.qty >= 8 * 60);
    const roundDays = Array.from({ length: 20 }, (_, k) => addDays(today, -1 - k))
      .filter((d) => periodOf(d) === periodOf(today) && open(d))
      .reverse();
    if (round && roundDays.length >= 6) {
      await attempt('round', async () => {
        await urgentSupply(ctx, roundDays[0], round.clinicId, [
          { drugId: round.drugId, qty: Math.ceil((10 * roundDays.length) / round.packSize) * round.packSize },
        ]);
        for (const d of roundDays) await dispense(ctx, d, round.clinicId, [{ drugId: round.drugId, qty: 10 }]);
      });
    }

    // 休息日用药: two Sunday-closed clinics record dispensing on their last Sunday(s).
    const sundays = Array.from({ length: 14 }, (_, k) => addDays(today, -1 - k)).filter((d) => isoWeekday(d) === 7 && open(d));
    for (const clinicId of [...closedClinics].slice(1, 3)) {
      const drug = busy.find((b) => b.clinicId === clinicId && onHand(runtime, clinicId, b.drugId) >= 4);
      if (!drug || sundays.length === 0) continue;
      await attempt('closed', async () => {
        for (const d of sundays) await dispense(ctx, d, clinicId, [{ drugId: drug.drugId, qty: 2 + (clinicId % 3) }]);
      });
    }

    // 串换嫌疑 + 用药超出配送量: a clinic holds two drugs of one generic name; one is dispensed heavily, the
    // other comes up short at a full count, where an undelivered drug is also found on the shelf.
    const pairs = sql(
      db,
      `SELECT a.id AS a, b.id AS b, a.pack_size AS packA, b.pack_size AS packB FROM drugs a JOIN drugs b ON b.generic_name = a.generic_name AND b.dosage_form = a.dosage_form AND b.id <> a.id
        JOIN suppliers sa ON sa.id = a.default_supplier_id JOIN suppliers sb ON sb.id = b.default_supplier_id
        JOIN supplier_prices pa ON pa.drug_id = a.id AND pa.supplier_id = sa.id AND pa.active = 1 JOIN supplier_prices pb ON pb.drug_id = b.id AND pb.supplier_id = sb.id AND pb.active = 1
       WHERE a.active = 1 AND b.active = 1 ORDER BY a.id, b.id LIMIT 1`,
    ).get() as { a: number; b: number; packA: number; packB: number } | undefined;
    const swapClinic = clinics[5];
    const countDay = addDays(today, -2);
    const swapDays = Array.from({ length: 18 }, (_, k) => addDays(today, -3 - k)).filter(open);
    const foundDrug = sql(
      db,
      `SELECT l.drug_id AS drugId, l.batch_no AS batchNo FROM stock_balances b JOIN lots l ON l.id = b.lot_id JOIN stores s ON s.id = b.store_id AND s.kind = 'hub'
        WHERE b.qty >= 40 AND l.drug_id NOT IN (SELECT drug_id FROM ledger WHERE store_id = ?) AND l.drug_id NOT IN (?, ?) ORDER BY l.drug_id LIMIT 1`,
    ).get(clinicStore(runtime, swapClinic), pairs?.a ?? 0, pairs?.b ?? 0) as { drugId: number; batchNo: string } | undefined;
    if (pairs && open(countDay) && swapDays.length >= 10) {
      await attempt('swap', async () => {
        await urgentSupply(ctx, swapDays[swapDays.length - 1], swapClinic, [
          { drugId: pairs.a, qty: pairs.packA * Math.ceil(200 / pairs.packA) },
          { drugId: pairs.b, qty: pairs.packB * Math.ceil(60 / pairs.packB) },
        ]);
        for (const d of swapDays.slice(0, 10).reverse()) await dispense(ctx, d, swapClinic, [{ drugId: pairs.a, qty: 11 + (Number(d.slice(8)) % 7) }]);
        await fullCount(
          ctx,
          countDay,
          swapClinic,
          (drugId, book) => (drugId === pairs.b ? book - Math.min(book, Math.max(20, pairs.packB)) : book),
          foundDrug ? { ...foundDrug, qty: 36 } : undefined,
        );
        if (!foundDrug) planted.push('exceed skipped: no drug to find');
        if (foundDrug && open(addDays(today, -1))) {
          await dispense(ctx, addDays(today, -1), swapClinic, [{ drugId: foundDrug.drugId, qty: 13 }]);
          await dispense(ctx, addDays(today, -1), swapClinic, [{ drugId: foundDrug.drugId, qty: 12 }]);
        }
      });
    }

    // 盘亏集中: the same drug short at two counts at one clinic. The counts are dated back (the clock is moved
    // to each day), so the shortage must fit what the lot held on the first count's day and still held after
    // it (stock is valid at every instant): a costly drug with a lot that did.
    const shortClinic = clinics[3];
    const shortStore = clinicStore(runtime, shortClinic);
    const firstCount = addDays(today, -12);
    const secondCount = addDays(today, -3);
    const candidates = sql(
      db,
      `SELECT b.drug_id AS drugId, b.lot_id AS lotId, b.qty, l.unit_cost AS cost FROM stock_balances b JOIN lots l ON l.id = b.lot_id
        WHERE b.store_id = ? AND b.qty >= 8 ORDER BY l.unit_cost DESC, b.lot_id`,
    ).all(shortStore) as { drugId: number; lotId: number; qty: number }[];
    const shortLot = candidates
      .map((c) => ({ ...c, available: lotAvailableAt(db, shortStore, c.lotId, firstCount, c.qty).available }))
      .find((c) => c.available >= 8);
    if (shortLot && open(firstCount) && open(secondCount)) {
      await attempt('shortage', async () => {
        const short = Math.min(Math.max(4, Math.floor(shortLot.qty / 6)), Math.floor(shortLot.available / 2));
        const shelf = (_: number, book: number) => book - Math.min(book, short);
        await fullCount(ctx, firstCount, shortClinic, shelf, undefined, shortLot.lotId);
        await fullCount(ctx, secondCount, shortClinic, shelf, undefined, shortLot.lotId);
      });
    }
  } finally {
    for (const c of clients.values()) await c.call('auth.logout', {}).catch(() => undefined);
    runtime.app.clock = realClock;
  }
  return planted;
}
