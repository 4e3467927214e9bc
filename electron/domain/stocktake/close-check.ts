import { sql } from '../../db/database';
import type { PreCloseCheckDef } from '../settlement/check-def';

/**
 * A count started in the month and not yet approved would post its 盘盈/盘亏 into a month that is about to
 * close (approval cannot date before the count's start), so the month waits for it.
 */
export const stocktakesOpenCheck: PreCloseCheckDef = {
  key: 'stocktakes_open',
  title: '未审批的盘点',
  severity: 'block',
  rule: '盘点的盈亏在审批时记入盘点所在月份。本月开始的盘点要先审批或作废，才能结账。',
  link: '/stocktake',
  run: ({ db, last }) => {
    const rows = sql(
      db,
      `SELECT s.id, s.doc_no AS docNo, st.name AS storeName, s.start_date AS startDate, s.status
         FROM stocktakes s JOIN stores st ON st.id = s.store_id
        WHERE s.status IN ('counting', 'submitted') AND s.start_date <= ? ORDER BY s.id`,
    ).all(last) as { id: number; docNo: string; storeName: string; startDate: string; status: 'counting' | 'submitted' }[];
    // The check list shows the first few; runPreCloseChecks trims the items.
    return {
      count: rows.length,
      items: rows.map((r) => ({
        label: `${r.docNo} ${r.storeName}`,
        detail: `${r.startDate} 开始，${r.status === 'counting' ? '正在清点' : '待审批'}`,
        link: `/stocktake/${r.id}`,
      })),
    };
  },
};
