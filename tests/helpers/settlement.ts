/**
 * A hub with months of random business driven through the real handlers (receipts, deliveries and
 * sign-offs with shortfalls, dispensing and its reversal, returns both ways, write-offs, receipt
 * reversals, payments and payment reversals, month-end closes), for settlement tests that compare
 * statements with sums taken straight from the ledger.
 */
import { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import type { AppError } from '../../electron/errors';
import { addDays, periodOf } from '../../shared/dates';
import { createClinic, createUser, ManualClock, type TestHub, createTestHub } from './runtime';
import { seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from './stock';

export interface SimHub {
  hub: TestHub;
  clinics: { id: number; storeId: number; doctor: string }[];
  hubStoreId: number;
  suppliers: number[];
  drugs: (SeedDrug & { supplierId: number; packPrice: number })[];
  /** Calls as a user, with a session made at the current clock (sessions expire as the clock jumps). */
  as(username: string): InternalClient;
  ops: Record<string, number>;
  refused: Record<string, number>;
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}

export async function createSimHub(start = '2026-01-05'): Promise<SimHub> {
  const clock = new ManualClock(new Date(`${start}T02:00:00.000Z`));
  const hub = await createTestHub({ clock });
  const db = hub.runtime.app.db;
  await createUser(hub, { username: 'yaoku', role: 'pharmacist', displayName: '周药师' });
  await createUser(hub, { username: 'caiwu', role: 'finance', displayName: '孙会计' });
  const clinics = [];
  for (const [i, name] of ['东湖', '西岭', '南塘'].entries()) {
    const code = `C0${i + 1}`;
    const c = await createClinic(hub, code, `${name}村卫生室`);
    const doctor = `cy0${i + 1}`;
    await createUser(hub, { username: doctor, role: 'village_doctor', clinicId: c.id });
    clinics.push({ id: c.id, storeId: c.storeId, doctor });
  }
  const hubStoreId = (sql(db, "SELECT id FROM stores WHERE kind = 'hub'").get() as { id: number }).id;
  const suppliers = [seedSupplier(hub, '国药控股青石医药有限公司'), seedSupplier(hub, '九州通医药集团某市有限公司')];
  // Prices chosen so that unit costs are not whole: per-unit rounding, and emptying a lot, take real fen.
  const specs = [
    { name: '阿莫西林胶囊', packSize: 24, packPrice: 12_500_000 },
    { name: '硝苯地平缓释片', packSize: 30, packPrice: 8_330_000 },
    { name: '二甲双胍片', packSize: 48, packPrice: 3_170_000 },
    { name: '头孢克肟分散片', packSize: 6, packPrice: 9_990_000 },
    { name: '复方甘草片', packSize: 100, packPrice: 4_010_000 },
    { name: '葡萄糖注射液', packSize: 1, packPrice: 2_330_000 },
  ];
  const drugs = specs.map((s, i) => {
    const supplierId = suppliers[i % 2];
    return { ...seedDrug(hub, { name: s.name, packSize: s.packSize, supplierId, packPrice: s.packPrice }), supplierId, packPrice: s.packPrice };
  });
  return {
    hub,
    clinics,
    hubStoreId,
    suppliers,
    drugs,
    as: (username) => InternalClient.asUser(hub.runtime, username),
    ops: {},
    refused: {},
  };
}

const EXPECTED_REFUSALS = new Set(['INSUFFICIENT_STOCK', 'INVALID_STATE']);

/**
 * Runs random business day by day from the clock's date up to `until` (inclusive). On the 3rd of each
 * month the previous month is closed (warnings acknowledged) when `close` is set; around the 10th the
 * finance user pays each supplier what was owed at the last month end.
 */
export async function simulate(sim: SimHub, until: string, opts: { seed: number; opsPerDay?: number; close?: boolean }): Promise<void> {
  const r = rng(opts.seed);
  const db = sim.hub.runtime.app.db;
  let day = sim.hub.clock.now().toISOString().slice(0, 10);
  let invoiceSeq = 0;
  const count = (k: string) => (sim.ops[k] = (sim.ops[k] ?? 0) + 1);
  const attempt = async (k: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      count(k);
    } catch (err) {
      const code = (err as AppError).code;
      if (!EXPECTED_REFUSALS.has(code)) throw err;
      sim.refused[k] = (sim.refused[k] ?? 0) + 1;
    }
  };
  const lotsAt = (storeId: number) =>
    sql(db, 'SELECT lot_id AS lotId, drug_id AS drugId, qty FROM stock_balances WHERE store_id = ? AND qty > 0').all(storeId) as {
      lotId: number;
      drugId: number;
      qty: number;
    }[];

  while (day <= until) {
    sim.hub.clock.set(`${day}T02:00:00.000Z`);
    const ph = sim.as('yaoku');
    const dd = Number(day.slice(8, 10));
    const period = periodOf(day);

    if (opts.close && dd === 3) {
      const previous = periodOf(addDays(`${period}-01`, -1));
      const list = await ph.call('periods.list', {});
      if (list.rows.find((p) => p.period === previous)?.canClose) {
        await ph.call('periods.close', { period: previous, acknowledgeWarnings: true });
        count('close');
      }
    }
    if (dd === 10 || dd === 11) {
      const finance = sim.as('caiwu');
      for (const supplierId of sim.suppliers) {
        if (dd === 11 && !r.chance(0.3)) continue;
        const st = await finance.call('statements.supplier', { supplierId, period });
        const amount = dd === 10 ? st.opening : r.int(1, 50_000);
        if (amount <= 0) continue;
        await finance.call('payments.create', {
          supplierId,
          payDate: day,
          voucherNo: `记-${period}-${dd}-${supplierId}`,
          amount,
          method: 'transfer',
          note: null,
        });
        count('payment');
      }
      if (dd === 11 && r.chance(0.5)) {
        const last = sql(
          db,
          'SELECT id FROM supplier_payments WHERE reverses_id IS NULL AND period = ? AND id NOT IN (SELECT reverses_id FROM supplier_payments WHERE reverses_id IS NOT NULL) ORDER BY id DESC',
        ).get(period) as { id: number } | undefined;
        if (last) {
          await finance.call('payments.reverse', { id: last.id, reason: '金额录错，冲销后重新登记' });
          count('paymentReversal');
        }
      }
    }

    const n = opts.opsPerDay ?? 5;
    for (let i = 0; i < n; i++) {
      const roll = r.next();
      const clinic = r.pick(sim.clinics);
      const doctor = sim.as(clinic.doctor);
      if (roll < 0.16) {
        const drug = r.pick(sim.drugs);
        const packs = r.int(2, 30);
        const packPrice = r.chance(0.2) ? drug.packPrice + r.int(-500_000, 500_000) : drug.packPrice;
        const { poId, lineIds } = seedSentOrder(sim.hub, drug.supplierId, [{ drug, qty: packs * drug.packSize, packPrice: drug.packPrice }]);
        invoiceSeq += r.chance(0.6) ? 1 : 0;
        await attempt('receipt', () =>
          ph.call('receipts.create', {
            poId,
            invoiceNo: r.chance(0.1) ? null : `FP${period.replace('-', '')}${String(invoiceSeq).padStart(3, '0')}`,
            invoiceDate: day,
            lines: [{ poLineId: lineIds[0], batchNo: `B${r.int(1000, 9999)}`, expiryDate: '2028-12-31', qty: packs * drug.packSize, packPrice }],
          }),
        );
      } else if (roll < 0.32) {
        const held = lotsAt(sim.hubStoreId);
        const drugIds = [...new Set(held.map((l) => l.drugId))];
        if (!drugIds.length) continue;
        const chosen = [...new Set([r.pick(drugIds), r.pick(drugIds)])];
        const lines = chosen.map((drugId) => {
          const avail = held.filter((l) => l.drugId === drugId).reduce((s, l) => s + l.qty, 0);
          return { drug: sim.drugs.find((d) => d.id === drugId)!, qty: Math.max(1, Math.min(avail, r.int(1, 200))) };
        });
        const ids = seedApprovedRequisition(sim.hub, clinic.id, lines);
        await attempt('delivery', () =>
          ph.call('deliveries.create', { clinicId: clinic.id, lines: ids.map((id, k) => ({ requisitionLineId: id, qty: lines[k].qty })) }),
        );
      } else if (roll < 0.46) {
        const pending = sql(db, "SELECT id, business_date AS d FROM deliveries WHERE status = 'in_transit' AND clinic_id = ? ORDER BY id").all(clinic.id) as {
          id: number;
          d: string;
        }[];
        if (!pending.length) continue;
        const delivery = await doctor.call('deliveries.get', { id: pending[0].id });
        const short = r.chance(0.15);
        await attempt('sign', () =>
          doctor.call('deliveries.sign', {
            id: delivery.id,
            lines: delivery.lines.map((l, k) =>
              short && k === 0 ? { lineId: l.id, receivedQty: Math.floor(l.qty / 2), reason: '破损' } : { lineId: l.id, receivedQty: l.qty },
            ),
          }),
        );
      } else if (roll < 0.5) {
        const open = sql(
          db,
          `SELECT d.id, dl.id AS lineId FROM deliveries d JOIN delivery_lines dl ON dl.delivery_id = d.id
            WHERE d.status = 'discrepancy' AND dl.received_qty < dl.qty AND dl.resolution IS NULL LIMIT 1`,
        ).get() as { id: number; lineId: number } | undefined;
        if (!open) continue;
        await attempt('resolve', () =>
          ph.call('deliveries.resolve', {
            id: open.id,
            lineId: open.lineId,
            resolution: r.chance(0.5) ? 'returned_to_hub' : 'written_off',
            note: '核实后处理',
          }),
        );
      } else if (roll < 0.78) {
        const held = lotsAt(clinic.storeId);
        if (!held.length) continue;
        const drugId = r.pick(held).drugId;
        const avail = held.filter((l) => l.drugId === drugId).reduce((s, l) => s + l.qty, 0);
        await attempt('dispense', () => doctor.call('dispensing.create', { lines: [{ drugId, qty: r.int(1, Math.min(avail, 40)) }] }));
      } else if (roll < 0.82) {
        const entry = sql(db, "SELECT id FROM dispensings WHERE clinic_id = ? AND status = 'posted' AND business_date >= ? ORDER BY id DESC LIMIT 1").get(
          clinic.id,
          `${period}-01`,
        ) as { id: number } | undefined;
        if (!entry) continue;
        await attempt('dispenseReversal', () => doctor.call('dispensing.reverse', { id: entry.id, reason: '登记错误' }));
      } else if (roll < 0.86) {
        const held = lotsAt(clinic.storeId);
        if (!held.length) continue;
        const lot = r.pick(held);
        await attempt('clinicReturn', async () => {
          const ret = await doctor.call('returns.create', {
            kind: 'clinic_to_hub',
            reasonCode: 'near_expiry',
            reason: null,
            lines: [{ lotId: lot.lotId, qty: r.int(1, lot.qty) }],
          });
          await ph.call('returns.decide', { id: ret.id, accept: true, note: null });
        });
      } else if (roll < 0.9) {
        const held = sql(
          db,
          'SELECT b.lot_id AS lotId, b.qty, l.supplier_id AS supplierId FROM stock_balances b JOIN lots l ON l.id = b.lot_id WHERE b.store_id = ? AND b.qty > 0',
        ).all(sim.hubStoreId) as { lotId: number; qty: number; supplierId: number }[];
        if (!held.length) continue;
        const lot = r.pick(held);
        await attempt('supplierReturn', () =>
          ph.call('returns.create', {
            kind: 'hub_to_supplier',
            supplierId: lot.supplierId,
            reasonCode: 'quality',
            reason: null,
            lines: [{ lotId: lot.lotId, qty: r.int(1, lot.qty) }],
          }),
        );
      } else if (roll < 0.95) {
        const storeId = r.chance(0.5) ? sim.hubStoreId : clinic.storeId;
        const held = lotsAt(storeId);
        if (!held.length) continue;
        const lot = r.pick(held);
        await attempt('writeoff', async () => {
          const w = await ph.call('writeoffs.create', {
            storeId,
            reasonCode: 'damaged',
            reason: null,
            lines: [{ lotId: lot.lotId, qty: r.int(1, Math.min(lot.qty, 10)) }],
          });
          await ph.call('writeoffs.decide', { id: w.id, approve: true, note: null });
        });
      } else {
        const receipt = sql(db, "SELECT id FROM receipts WHERE status = 'posted' ORDER BY id DESC LIMIT 1 OFFSET ?").get(r.int(0, 3)) as
          | { id: number }
          | undefined;
        if (!receipt) continue;
        await attempt('receiptReversal', () => ph.call('receipts.reverse', { id: receipt.id, reason: '批号录错' }));
      }
    }
    day = addDays(day, 1);
  }
}
