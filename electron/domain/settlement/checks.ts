/**
 * Pre-close checks (结账前检查). Each says what it found, whether it blocks the close or only warns, and
 * why. The rule for choosing:
 *
 * - BLOCK when closing would leave the month's own books wrong or impossible to correct: the month has
 *   not ended, an earlier month with business is still open (months close in order), the books do not
 *   reconcile, or a document dated in the month is still waiting to post into it (a stocktake whose
 *   adjustments are dated in the month could never be posted once it is closed).
 * - WARN when the open item carries forward correctly: it will be booked on the day it is settled, in an
 *   open month (an order not fully received, goods in transit, a signed shortfall, a pending write-off or
 *   return). The closer sees the list, with links, and must acknowledge it.
 *
 * Every check is a row of PRE_CLOSE_CHECKS below, in the order the closer reads them; a check that belongs to
 * another workflow (stocktakes not approved) is defined there and listed here.
 */
import { sql, type ReadDb } from '../../db/database';
import type { PreCloseCheckResult } from '../../../shared/contract/settlement';
import { formatFen } from '../../../shared/money';
import { periodBounds, periodOf } from '../../../shared/dates';
import { periodLabel } from '../../../shared/settlement';
import { latestClosedPeriod } from '../stock/ledger';
import { negativeRunningBalances } from '../stock/invariants';
import { balancesAtEnd } from './balances';
import type { CheckContext, CheckItem, PreCloseCheckDef } from './check-def';
import { stocktakesOpenCheck } from '../stocktake/close-check';

const MAX_ITEMS = 50;

/** The China-time date of an ISO instant (columns that hold when something was created or sent). */
const CHINA_DATE = (column: string) => `date(${column}, '+8 hours')`;

/** The pre-close checks, in the order the closer reads them. */
/** The key of the books check (the expensive one: it reads the month's ledger twice). */
export const BOOKS_CHECK_KEY = 'books';

const PRE_CLOSE_CHECKS: readonly PreCloseCheckDef[] = [
  {
    key: 'period_ended',
    title: '月份已结束',
    severity: 'block',
    rule: '月末之后才能结账：结账后该月不能再记账。',
    run: ({ period, today }) =>
      period < periodOf(today) ? { items: [] } : { items: [{ label: `今天是 ${today}，${periodLabel(period)}尚未结束`, detail: null, link: null }] },
  },
  {
    key: 'earlier_open',
    title: '之前的月份已结账',
    severity: 'block',
    rule: '按月份顺序结账：之前有业务的月份未结账时，不能先结后面的月份。',
    link: '/settlement/periods',
    run: ({ db, period }) => {
      const latest = latestClosedPeriod(db) ?? '0000-00';
      const months = activeMonthsBetween(db, latest, period);
      return { items: months.map((m) => ({ label: `${periodLabel(m)}有业务，尚未结账`, detail: null, link: '/settlement/periods' })) };
    },
  },
  {
    key: BOOKS_CHECK_KEY,
    title: '账务一致',
    severity: 'block',
    rule: '库存月汇总、结存与台账必须一致，每个批次在任何日期的结存都不能为负，入库单与退货单金额必须等于台账金额，否则不能结账（请联系管理员处理）。',
    run: (c) => ({ items: booksProblems(c) }),
  },
  stocktakesOpenCheck,
  {
    key: 'orders_open',
    title: '未收齐的采购订单',
    severity: 'warn',
    rule: '已发送但未收齐的订单，货物可能已到而未验收入库。本月已到的货请先按到货日期验收入库；结账后只能记入下月。',
    link: '/purchasing/orders',
    run: ({ db, last }) => {
      const rows = sql(
        db,
        `SELECT po.id, po.doc_no AS docNo, s.name AS supplierName, ${CHINA_DATE('po.sent_at')} AS sentDate, po.status
           FROM purchase_orders po JOIN suppliers s ON s.id = po.supplier_id
          WHERE po.status IN ('sent', 'partly_received') AND ${CHINA_DATE('po.sent_at')} <= ? ORDER BY po.sent_at`,
      ).all(last) as { id: number; docNo: string; supplierName: string; sentDate: string; status: string }[];
      return {
        count: rows.length,
        items: rows.slice(0, MAX_ITEMS).map((r) => ({
          label: `${r.docNo} ${r.supplierName}`,
          detail: `${r.sentDate} 发送，${r.status === 'sent' ? '尚未收货' : '部分收货'}`,
          link: `/purchasing/orders/${r.id}`,
        })),
      };
    },
  },
  {
    key: 'deliveries_in_transit',
    title: '未签收的配送单',
    severity: 'warn',
    rule: '月末仍在途的药品按成本留在在途库，村医签收后计入签收当月卫生室的收入。已送达的请村医按实际日期签收后再结账。',
    link: '/stock/deliveries',
    run: ({ db, last }) => {
      const rows = sql(
        db,
        `SELECT d.id, d.doc_no AS docNo, c.name AS clinicName, d.business_date AS businessDate, d.total_amount AS amount
           FROM deliveries d JOIN clinics c ON c.id = d.clinic_id
          WHERE d.status = 'in_transit' AND d.business_date <= ? ORDER BY d.business_date, d.id`,
      ).all(last) as { id: number; docNo: string; clinicName: string; businessDate: string; amount: number }[];
      return {
        count: rows.length,
        items: rows.slice(0, MAX_ITEMS).map((r) => ({
          label: `${r.docNo} ${r.clinicName}`,
          detail: `${r.businessDate} 出库，¥${formatFen(r.amount)}，未签收`,
          link: '/stock/deliveries',
        })),
      };
    },
  },
  {
    key: 'delivery_discrepancies',
    title: '未处理的签收差异',
    severity: 'warn',
    rule: '签收差异的数量在途挂账；处理（退回中心库或报损）记入处理当月。',
    link: '/stock/deliveries',
    run: ({ db, last }) => {
      const rows = sql(
        db,
        `SELECT d.id, d.doc_no AS docNo, c.name AS clinicName, d.sign_date AS signDate
           FROM deliveries d JOIN clinics c ON c.id = d.clinic_id
          WHERE d.status = 'discrepancy' AND d.business_date <= ? ORDER BY d.business_date, d.id`,
      ).all(last) as { id: number; docNo: string; clinicName: string; signDate: string | null }[];
      return {
        count: rows.length,
        items: rows
          .slice(0, MAX_ITEMS)
          .map((r) => ({ label: `${r.docNo} ${r.clinicName}`, detail: `${r.signDate ?? ''} 签收有差异，待处理`, link: '/stock/deliveries' })),
      };
    },
  },
  {
    key: 'writeoffs_pending',
    title: '待审批的报损',
    severity: 'warn',
    rule: '报损在批准时按所填日期扣减库存。本月发生的损失要计入本月，请在结账前批准。',
    link: '/stock/writeoffs',
    run: ({ db, last }) => {
      const rows = sql(
        db,
        `SELECT w.id, w.doc_no AS docNo, st.name AS storeName, ${CHINA_DATE('w.created_at')} AS createdDate
           FROM writeoffs w JOIN stores st ON st.id = w.store_id
          WHERE w.status = 'pending' AND ${CHINA_DATE('w.created_at')} <= ? ORDER BY w.id`,
      ).all(last) as { id: number; docNo: string; storeName: string; createdDate: string }[];
      return {
        count: rows.length,
        items: rows.slice(0, MAX_ITEMS).map((r) => ({ label: `${r.docNo} ${r.storeName}`, detail: `${r.createdDate} 申请，待审批`, link: '/stock/writeoffs' })),
      };
    },
  },
  {
    key: 'returns_pending',
    title: '待确认的卫生室退货',
    severity: 'warn',
    rule: '卫生室的退货在中心库确认收货时按所填日期记账。本月退回的药品要计入本月，请在结账前确认。',
    link: '/stock/returns',
    run: ({ db, last }) => {
      const rows = sql(
        db,
        `SELECT r.id, r.doc_no AS docNo, c.name AS clinicName, ${CHINA_DATE('r.created_at')} AS createdDate
           FROM stock_returns r JOIN clinics c ON c.id = r.clinic_id
          WHERE r.kind = 'clinic_to_hub' AND r.status = 'submitted' AND ${CHINA_DATE('r.created_at')} <= ? ORDER BY r.id`,
      ).all(last) as { id: number; docNo: string; clinicName: string; createdDate: string }[];
      return {
        count: rows.length,
        items: rows.slice(0, MAX_ITEMS).map((r) => ({ label: `${r.docNo} ${r.clinicName}`, detail: `${r.createdDate} 提交，待确认`, link: '/stock/returns' })),
      };
    },
  },
];

/** Months strictly between two periods that have stock movements or payments. */
export function activeMonthsBetween(db: ReadDb, after: string, before: string): string[] {
  const rows = sql(
    db,
    `SELECT DISTINCT period FROM stock_period_totals WHERE period > ? AND period < ?
     UNION SELECT DISTINCT period FROM supplier_payments WHERE period > ? AND period < ?
     ORDER BY 1`,
  ).all(after, before, after, before) as { period: string }[];
  return rows.map((r) => r.period);
}

export function hasActivity(db: ReadDb, period: string): boolean {
  return Boolean(
    sql(db, 'SELECT 1 FROM stock_period_totals WHERE period = ? LIMIT 1').get(period) ??
      sql(db, 'SELECT 1 FROM supplier_payments WHERE period = ? LIMIT 1').get(period),
  );
}

/**
 * The books reconcile for the month: its monthly totals equal its ledger rows; the month's closing
 * balances carried forward through later totals equal the stock on hand now; and receipt / return
 * documents equal the ledger's receipt / supplier_return amounts per supplier.
 */
function booksProblems({ db, period, first, last }: CheckContext): CheckItem[] {
  const items: CheckItem[] = [];
  const totals = sql(
    db,
    `WITH l AS (SELECT store_id, drug_id, movement, sum(qty) AS qty, sum(amount) AS amount FROM ledger WHERE period = ? GROUP BY 1, 2, 3),
          t AS (SELECT store_id, drug_id, movement, qty, amount FROM stock_period_totals WHERE period = ?)
     SELECT count(*) AS n FROM (
       SELECT 1 FROM t LEFT JOIN l USING (store_id, drug_id, movement) WHERE l.qty IS NULL OR l.qty <> t.qty OR l.amount <> t.amount
       UNION ALL SELECT 1 FROM l LEFT JOIN t USING (store_id, drug_id, movement) WHERE t.qty IS NULL)`,
  ).get(period, period) as { n: number };
  if (totals.n > 0) items.push({ label: `${periodLabel(period)}的库存月汇总与台账不一致`, detail: `${totals.n} 处`, link: null });

  // Closing of the month, carried forward from the last snapshot through the monthly totals, + everything
  // booked after it = stock on hand now (kept separately, with each posting), per store × drug.
  const carried = balancesAtEnd(db, period, null, 'forward');
  for (const r of sql(
    db,
    // INDEXED BY: for the GROUP BY SQLite would walk the primary key, every month of every year.
    'SELECT store_id AS storeId, drug_id AS drugId, sum(qty) AS qty, sum(amount) AS value FROM stock_period_totals INDEXED BY stock_period_totals_period WHERE period > ? GROUP BY 1, 2',
  ).all(period) as { storeId: number; drugId: number; qty: number; value: number }[]) {
    let drugs = carried.get(r.storeId);
    if (!drugs) carried.set(r.storeId, (drugs = new Map()));
    const cur = drugs.get(r.drugId) ?? { qty: 0, value: 0 };
    drugs.set(r.drugId, { qty: cur.qty + r.qty, value: cur.value + r.value });
  }
  // Only lots with stock: every lot a store ever held keeps its row (a million at ten years), and the schema
  // keeps an empty one at value 0 (CHECK qty > 0 OR value = 0), so the others add nothing.
  const onHand = sql(
    db,
    'SELECT store_id AS storeId, drug_id AS drugId, sum(qty) AS qty, sum(value) AS value FROM stock_balances INDEXED BY stock_balances_live WHERE qty > 0 GROUP BY 1, 2',
  ).all() as {
    storeId: number;
    drugId: number;
    qty: number;
    value: number;
  }[];
  let mismatched = 0;
  const seen = new Set<string>();
  for (const r of onHand) {
    seen.add(`${r.storeId}:${r.drugId}`);
    const c = carried.get(r.storeId)?.get(r.drugId) ?? { qty: 0, value: 0 };
    if (c.qty !== r.qty || c.value !== r.value) mismatched += 1;
  }
  for (const [storeId, drugs] of carried) {
    for (const [drugId, c] of drugs) if (!seen.has(`${storeId}:${drugId}`) && (c.qty !== 0 || c.value !== 0)) mismatched += 1;
  }
  if (mismatched > 0) items.push({ label: '期末结存结转后与当前库存不一致', detail: `${mismatched} 个库房药品`, link: null });

  const receiptGap = sql(
    db,
    `WITH docs AS (
       SELECT supplier_id AS sid, sum(total_amount) AS amount FROM receipts WHERE business_date BETWEEN ? AND ? GROUP BY 1
       UNION ALL
       SELECT supplier_id, -total_amount FROM receipts r WHERE r.status = 'reversed'
          AND (SELECT min(g.business_date) FROM ledger g WHERE g.doc_type = 'receipt' AND g.doc_id = r.id AND g.reverses_id IS NOT NULL) BETWEEN ? AND ?),
     d AS (SELECT sid, sum(amount) AS amount FROM docs GROUP BY sid),
     l AS (SELECT lt.supplier_id AS sid, sum(g.amount) AS amount FROM ledger g JOIN lots lt ON lt.id = g.lot_id
            WHERE g.period = ? AND g.movement = 'receipt' GROUP BY 1)
     SELECT count(*) AS n FROM (
       SELECT 1 FROM d LEFT JOIN l USING (sid) WHERE coalesce(l.amount, 0) <> d.amount
       UNION ALL SELECT 1 FROM l LEFT JOIN d USING (sid) WHERE d.sid IS NULL AND l.amount <> 0)`,
  ).get(first, last, first, last, period) as { n: number };
  if (receiptGap.n > 0) items.push({ label: '入库单金额与台账购进金额不一致', detail: `${receiptGap.n} 家配送企业`, link: null });

  const returnGap = sql(
    db,
    `WITH d AS (SELECT supplier_id AS sid, sum(total_amount) AS amount FROM stock_returns
                 WHERE kind = 'hub_to_supplier' AND status = 'posted' AND business_date BETWEEN ? AND ? GROUP BY 1),
          l AS (SELECT lt.supplier_id AS sid, -sum(g.amount) AS amount FROM ledger g JOIN lots lt ON lt.id = g.lot_id
                 WHERE g.period = ? AND g.movement = 'supplier_return' GROUP BY 1)
     SELECT count(*) AS n FROM (
       SELECT 1 FROM d LEFT JOIN l USING (sid) WHERE coalesce(l.amount, 0) <> d.amount
       UNION ALL SELECT 1 FROM l LEFT JOIN d USING (sid) WHERE d.sid IS NULL AND l.amount <> 0)`,
  ).get(first, last, period) as { n: number };
  if (returnGap.n > 0) items.push({ label: '退货单金额与台账退货金额不一致', detail: `${returnGap.n} 家配送企业`, link: null });

  // Stock valid at every instant of the month (and of the open months after it), not only at its end.
  const negative = negativeRunningBalances(db, period);
  if (negative.length > 0)
    items.push({ label: '有批次在某一日的结存为负（补录的业务早于到货，或多于当时的库存）', detail: negative.slice(0, 5).join('；'), link: null });
  return items;
}

/**
 * The books check of a month as found under an earlier read snapshot, with the ledger's highest row id read just
 * before that snapshot began. It still holds while every ledger row beyond that mark belongs to a later month: the
 * ledger is append-only, and the month's totals, documents and running balances change only with a row of the month
 * or an earlier one. Rows of later months move the stock on hand and their own month's totals together, in their own
 * transactions, and are checked at those months' closes. (On a working day rows keep coming while a month is closed;
 * reading the month again inside the close's transaction held the server's thread for a second.)
 */
export interface BooksCheckedBefore {
  ledgerMark: number;
  result: PreCloseCheckResult;
}

/** The ledger's highest row id (0 when empty). */
export function ledgerMark(db: ReadDb): number {
  return (sql(db, 'SELECT coalesce(max(id), 0) AS id FROM ledger').get() as { id: number }).id;
}

/** True when no ledger row after `mark` is of `period` or an earlier month (a back-dated posting, a reversal). */
function onlyLaterMonthsSince(db: ReadDb, mark: number, period: string): boolean {
  // +period: the rows since the mark by their ids' range; the period index would walk every earlier month.
  return sql(db, 'SELECT 1 FROM ledger WHERE id > ? AND +period <= ? LIMIT 1').get(mark, period) === undefined;
}

export function runPreCloseChecks(db: ReadDb, period: string, today: string, booksBefore?: BooksCheckedBefore): PreCloseCheckResult[] {
  const { first, last } = periodBounds(period);
  const c: CheckContext = { db, period, first, last, today };
  const reuseBooks = booksBefore !== undefined && booksBefore.result.key === BOOKS_CHECK_KEY && onlyLaterMonthsSince(db, booksBefore.ledgerMark, period);
  return PRE_CLOSE_CHECKS.map((def) => {
    if (reuseBooks && def.key === BOOKS_CHECK_KEY) return booksBefore.result;
    const found = def.run(c);
    const count = found.count ?? found.items.length;
    const ok = count === 0;
    return {
      key: def.key,
      title: def.title,
      severity: def.severity,
      ok,
      message: found.message ?? (ok ? '通过' : `${def.severity === 'block' ? '不能结账' : '请确认'}：${count} 项`),
      rule: def.rule,
      items: found.items.slice(0, MAX_ITEMS),
      count,
      link: def.link ?? null,
    };
  });
}
