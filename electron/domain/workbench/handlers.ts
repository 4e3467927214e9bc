import type { HandlerContext } from '../context';
import { defineHandlers } from '../context';
import { sql, type ReadDb } from '../../db/database';
import type { TodoItem } from '../../../shared/contract/workbench';
import { addDays, chinaMinute, periodOf, previousPeriod } from '../../../shared/dates';
import { retentionState } from '../reconciliation/privacy';
import { NEAR_EXPIRY_DAYS } from '../../../shared/stock';
import { isPeriodClosed } from '../stock/ledger';
import { collectAlerts } from '../stock/watch';
import { hasActivity } from '../settlement/checks';
import { supplierBalancesAtEnd } from '../settlement/suppliers';
import { storageProblem } from '../../db/storage';
import { storageToday } from '../storage/readings';

type Todo = Omit<TodoItem, 'hint'> & { hint?: string | null };

const count = (db: ReadDb, text: string, ...params: unknown[]) => (sql(db, text).get(...params) as { n: number }).n;

/** Lots on a store's shelf that are past or near their expiry date. */
/** The 库存预警 view a card counts: the same store and the same kinds (the page keeps its filters in the address). */
function alertsLink(db: ReadDb, clinicId: number | null, kinds: string): string {
  const store = sql(db, clinicId === null ? "SELECT id FROM stores WHERE kind = 'hub'" : "SELECT id FROM stores WHERE kind = 'clinic' AND clinic_id = ?").get(
    ...(clinicId === null ? [] : [clinicId]),
  ) as { id: number } | undefined;
  return `/stock/alerts?${store ? `store=${store.id}&` : ''}kind=${kinds}`;
}

/** Lots expired or expiring within 180 days (before the near-expiry limit, as 库存预警 counts them). */
function expiringLots(db: ReadDb, today: string, clinicId: number | null): number {
  const storeFilter = clinicId === null ? "st.kind = 'hub'" : "st.kind = 'clinic' AND st.clinic_id = ?";
  return count(
    db,
    `SELECT count(*) AS n FROM stock_balances b JOIN lots l ON l.id = b.lot_id JOIN stores st ON st.id = b.store_id
      WHERE ${storeFilter} AND b.qty > 0 AND l.expiry_date < ?`,
    ...(clinicId === null ? [] : [clinicId]),
    addDays(today, NEAR_EXPIRY_DAYS),
  );
}

function pharmacistTodos(db: ReadDb, today: string): Todo[] {
  return [
    {
      key: 'requisitions_review',
      label: '待审核的请领单',
      tone: 'act',
      link: '/purchasing/review',
      count: count(db, "SELECT count(*) AS n FROM requisitions WHERE status = 'submitted'"),
    },
    {
      key: 'requisitions_aggregate',
      label: '已审核待汇总的请领单',
      tone: 'act',
      link: '/purchasing/aggregate',
      count: count(db, "SELECT count(*) AS n FROM requisitions WHERE status = 'reviewed' AND aggregation_id IS NULL"),
    },
    {
      key: 'orders_draft',
      label: '未发送的采购订单',
      tone: 'act',
      link: '/purchasing/orders',
      count: count(db, "SELECT count(*) AS n FROM purchase_orders WHERE status = 'draft'"),
    },
    {
      key: 'orders_to_receive',
      label: '待验收入库的订单',
      tone: 'act',
      link: '/stock/receipts',
      count: count(db, "SELECT count(*) AS n FROM purchase_orders WHERE status IN ('sent', 'partly_received')"),
    },
    {
      key: 'deliveries_discrepancy',
      label: '签收有差异的配送单',
      tone: 'act',
      link: '/stock/deliveries',
      count: count(db, "SELECT count(*) AS n FROM deliveries WHERE status = 'discrepancy'"),
    },
    {
      key: 'writeoffs_pending',
      label: '待审批的报损',
      tone: 'act',
      link: '/stock/writeoffs',
      count: count(db, "SELECT count(*) AS n FROM writeoffs WHERE status = 'pending'"),
    },
    {
      key: 'returns_pending',
      label: '待确认的卫生室退货',
      tone: 'act',
      link: '/stock/returns',
      count: count(db, "SELECT count(*) AS n FROM stock_returns WHERE kind = 'clinic_to_hub' AND status = 'submitted'"),
    },
    {
      key: 'stocktakes_review',
      label: '待审批的盘点',
      tone: 'act',
      link: '/stocktake',
      count: count(db, "SELECT count(*) AS n FROM stocktakes WHERE status = 'submitted'"),
    },
    {
      key: 'deliveries_in_transit',
      label: '在途（村医未签收）的配送单',
      tone: 'watch',
      link: '/stock/deliveries',
      count: count(db, "SELECT count(*) AS n FROM deliveries WHERE status = 'in_transit'"),
    },
    {
      key: 'hub_expiring',
      label: `中心库过期或 ${NEAR_EXPIRY_DAYS / 30} 个月内到期的批次`,
      tone: 'watch',
      link: alertsLink(db, null, 'expired,near_expiry'),
      count: expiringLots(db, today, null),
    },
  ];
}

/** Last month has business and is not closed yet. */
function periodCloseTodo(db: ReadDb, today: string): Todo {
  const last = previousPeriod(periodOf(today));
  const unclosed = !isPeriodClosed(db, last) && hasActivity(db, last);
  return {
    key: 'period_close',
    label: '上月尚未结账',
    tone: 'act',
    link: '/settlement/periods',
    count: unclosed ? 1 : 0,
    hint: unclosed ? `${last.slice(0, 4)}年${Number(last.slice(5))}月` : null,
  };
}

function financeTodos(db: ReadDb, today: string): Todo[] {
  return [
    periodCloseTodo(db, today),
    {
      key: 'suppliers_owed',
      label: '有应付余额的配送企业',
      tone: 'watch',
      link: '/settlement/suppliers',
      count: [...supplierBalancesAtEnd(db, periodOf(today)).values()].filter((owed) => owed > 0).length,
    },
  ];
}

/** The disk under the database: a write that failed for it, or free space running out (db/storage.ts). */
function storageTodo(writeDb: ReadDb, now: Date): Todo {
  const problem = storageProblem(writeDb, now);
  return { key: 'storage', label: '数据库所在磁盘的问题', tone: 'act', link: '/system/integrity', count: problem ? 1 : 0, hint: problem?.message ?? null };
}

function adminTodos(db: ReadDb, now: Date, today: string): Todo[] {
  const latest = sql(db, 'SELECT max(created_at) AS at FROM backups WHERE deleted_at IS NULL AND verified = 1').get() as { at: string | null };
  const stale = latest.at === null || now.getTime() - Date.parse(latest.at) > 36 * 3600_000;
  const retention = retentionState(db, today);
  return [
    {
      key: 'backup_stale',
      label: '超过一天没有通过校验的备份',
      tone: 'act',
      link: '/system/backup',
      count: stale ? 1 : 0,
      hint: latest.at ? `最近一次：${chinaMinute(new Date(latest.at))}` : '尚无备份',
    },
    // Patients' identities kept past the hub's retention (个人信息保护法): the administrator clears them on the
    // settings page, where the retention is set; the purge is audited.
    {
      key: 'identity_retention',
      label: '超过保存期限、待清除的医保结算明细患者身份信息（行）',
      tone: 'act',
      link: '/system/settings',
      count: retention.due,
      hint: retention.due > 0 ? `保存 ${retention.identityMonths} 个月：${retention.cutoff} 以前的结算明细` : null,
    },
  ];
}

function doctorTodos(db: ReadDb, today: string, clinicId: number): Todo[] {
  return [
    {
      key: 'deliveries_to_sign',
      label: '待签收的配送单',
      tone: 'act',
      link: '/clinic/deliveries',
      count: count(db, "SELECT count(*) AS n FROM deliveries WHERE clinic_id = ? AND status = 'in_transit'", clinicId),
    },
    {
      key: 'stocktakes_to_count',
      label: '待本室清点的盘点',
      tone: 'act',
      link: '/stocktake',
      count: count(db, "SELECT count(*) AS n FROM stocktakes WHERE clinic_id = ? AND counter_mode = 'self' AND status = 'counting'", clinicId),
    },
    {
      key: 'requisitions_draft',
      label: '未提交的请领单',
      tone: 'act',
      link: '/purchasing/requisitions',
      count: count(db, "SELECT count(*) AS n FROM requisitions WHERE clinic_id = ? AND status = 'draft'", clinicId),
    },
    {
      key: 'clinic_expiring',
      label: `本室过期或 ${NEAR_EXPIRY_DAYS / 30} 个月内到期的批次`,
      tone: 'watch',
      link: alertsLink(db, clinicId, 'expired,near_expiry'),
      count: expiringLots(db, today, clinicId),
    },
  ];
}

/** The clinic's own 常用药 out of stock or below its 下限: the count of the 库存预警 view the card opens. */
function clinicLowStockTodo(ctx: HandlerContext, clinicId: number): Todo {
  const { counts } = collectAlerts(ctx, { kinds: ['out_of_stock', 'below_min'] });
  return {
    key: 'clinic_low_stock',
    label: '本室常用药缺货或低于下限',
    tone: 'watch',
    link: alertsLink(ctx.db, clinicId, 'out_of_stock,below_min'),
    count: counts.out_of_stock + counts.below_min,
  };
}

/**
 * The temperature and humidity log: areas still to be read in this half of the day, and excursions or missed
 * readings of the last 7 days not yet followed by a reading in range (the doctor: own clinic; the hub: all).
 */
function storageTodos(ctx: HandlerContext, hubOnlyDue: boolean): Todo[] {
  const today = storageToday(ctx, {});
  const due = today.areas.filter((a) => (!hubOnlyDue || a.clinicId === null) && !a[today.currentSlot].reading).length;
  return [
    { key: 'storage_due', label: `${today.currentSlot === 'am' ? '上午' : '下午'}待记录温湿度的储存区`, tone: 'act', link: '/storage', count: due },
    { key: 'storage_issues', label: '温湿度超标未复测正常或缺记（近 7 天）', tone: 'watch', link: '/storage', count: today.issues.length },
  ];
}

export function workbenchTodos(ctx: HandlerContext) {
  const { db, user, today } = ctx;
  let items: Todo[];
  switch (user.role) {
    case 'village_doctor':
      items = [...storageTodos(ctx, false), ...doctorTodos(db, today, user.clinicId!), clinicLowStockTodo(ctx, user.clinicId!)];
      break;
    case 'pharmacist':
      items = [...pharmacistTodos(db, today), ...storageTodos(ctx, true)];
      break;
    case 'finance':
    case 'director': // the 院长 follows the same month-end figures, on pages that are read-only to them
      items = financeTodos(db, today);
      break;
    case 'admin':
      items = [storageTodo(ctx.hub.db, ctx.now), ...adminTodos(db, ctx.now, today), periodCloseTodo(db, today)];
      break;
  }
  return { today, items: items.map((t) => ({ ...t, hint: t.hint ?? null })) };
}

export const workbenchHandlers = defineHandlers({
  'workbench.todos': (ctx) => workbenchTodos(ctx),
});
