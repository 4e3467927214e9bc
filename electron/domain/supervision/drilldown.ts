/** The rows behind each dashboard figure: document lines, lots or drugs, each with a link to where it lives. */
import type { ReadContext } from '../context';
import { sql } from '../../db/database';
import { rows as selectRows, given, sql as query } from '../../db/sql';
import type { ParsedInput } from '../../../shared/contract';
import { periodBounds } from '../../../shared/dates';
import { formatFen } from '../../../shared/money';
import { clinicStoreList, maxDate, minDate } from './data';
import { isCatalog, rangeOf, savingsOf, stockoutDays } from './dashboard';
import { assertStoresBookVisible } from '../stocktake/blind';
import { SUPERVISION_READS_BOOK } from './types';
import { hubStoreId } from '../master-data/stores';
import { nearExpiryLimit } from '../master-data/expiry';

const LIMIT = 2000;
const CLASS_LABEL: Record<string, string> = { A: '甲类', B: '乙类', none: '非医保' };

type Row = {
  key: string;
  date: string | null;
  docLabel: string | null;
  link: string | null;
  clinicCode: string | null;
  storeName: string | null;
  storeId: number | null;
  drugId: number | null;
  drugName: string | null;
  spec: string | null;
  qty: number | null;
  packSize: number | null;
  packUnit: string | null;
  baseUnit: string | null;
  amount: number | null;
  tags: string[];
  note: string | null;
};

const card = (storeId: number, drugId: number) => `/stock/card?store=${storeId}&drug=${drugId}`;

/** Collapses consecutive dates into ranges: 3月1日–3月4日、3月9日. */
function dateRanges(dates: string[]): string {
  const parts: string[] = [];
  let start = dates[0];
  let prev = dates[0];
  const fmt = (d: string) => `${Number(d.slice(5, 7))}月${Number(d.slice(8))}日`;
  for (const d of [...dates.slice(1), '']) {
    if (d && Date.parse(d) - Date.parse(prev) === 86_400_000) {
      prev = d;
      continue;
    }
    parts.push(start === prev ? fmt(start) : `${fmt(start)}–${fmt(prev)}`);
    start = d;
    prev = d;
  }
  return parts.join('、');
}

export function supervisionDrilldown(ctx: ReadContext, input: ParsedInput<'supervision.drilldown'>) {
  assertStoresBookVisible(ctx, 'all', SUPERVISION_READS_BOOK);
  const db = ctx.db;
  const clinicId = input.clinicId ?? null;
  let { first, last } = rangeOf(input, ctx.today);
  if (input.period) {
    first = maxDate(first, periodBounds(input.period).first);
    last = minDate(last, periodBounds(input.period).last);
  }
  const month = input.period ? `${input.period} ` : '';
  let title = '';
  let rows: Row[] = [];

  if (input.figure === 'insurance' || input.figure === 'vbp') {
    const base = `d.id AS drugId, d.generic_name AS drugName, d.spec, d.pack_size AS packSize, d.pack_unit AS packUnit, d.base_unit AS baseUnit,
                  d.insurance_class AS insuranceClass, d.vbp, d.reference_price AS referencePrice, l.qty, l.amount`;
    const lines = (
      clinicId === null
        ? sql(
            db,
            `SELECT 'r' || l.id AS key, r.business_date AS date, '验收入库 ' || r.doc_no AS docLabel, NULL AS clinicCode, ? AS storeId, ${base}
               FROM receipts r JOIN receipt_lines l ON l.receipt_id = r.id JOIN drugs d ON d.id = l.drug_id
              WHERE r.status = 'posted' AND r.business_date BETWEEN ? AND ? ORDER BY r.business_date, l.id LIMIT ?`,
          ).all(hubStoreId(db), first, last, LIMIT * 5)
        : sql(
            db,
            `SELECT 'd' || l.id AS key, v.business_date AS date, '配送出库 ' || v.doc_no AS docLabel, c.code AS clinicCode, s.id AS storeId, ${base}
               FROM deliveries v JOIN delivery_lines l ON l.delivery_id = v.id JOIN drugs d ON d.id = l.drug_id JOIN clinics c ON c.id = v.clinic_id
               JOIN stores s ON s.clinic_id = v.clinic_id AND s.kind = 'clinic'
              WHERE v.business_date BETWEEN ? AND ? AND v.clinic_id = ? ORDER BY v.business_date, l.id LIMIT ?`,
          ).all(first, last, clinicId, LIMIT * 5)
    ) as (Omit<Row, 'tags' | 'note' | 'link' | 'storeName'> & {
      insuranceClass: string;
      vbp: number;
      referencePrice: number | null;
      qty: number;
      amount: number;
      packSize: number;
      storeId: number;
      drugId: number;
    })[];
    const wanted = lines.filter((l) =>
      input.figure === 'insurance'
        ? input.flag === undefined || isCatalog(l.insuranceClass) === input.flag
        : input.flag === undefined || (l.vbp === 1) === input.flag,
    );
    title =
      input.figure === 'insurance'
        ? `${month}${clinicId === null ? '中心库采购入库' : '配送到本室'}明细${input.flag === true ? '（医保目录内）' : input.flag === false ? '（目录外）' : ''}`
        : `${month}${clinicId === null ? '中心库采购入库' : '配送到本室'}明细${input.flag ? '（集采药品）' : ''}`;
    rows = wanted.map(({ insuranceClass, vbp, referencePrice, ...l }) => {
      const saving = savingsOf({ vbp, referencePrice, packSize: l.packSize, qty: l.qty, amount: l.amount });
      return {
        ...l,
        storeName: null,
        link: card(l.storeId, l.drugId),
        tags: [CLASS_LABEL[insuranceClass] ?? insuranceClass, ...(vbp ? ['集采'] : [])],
        note: vbp ? (saving === null ? '无集采前价格，未计节约' : `比集采前节约 ¥${formatFen(saving)}`) : null,
      };
    });
  } else if (input.figure === 'stockout') {
    title = `${first} 至 ${last} 断货明细（前 90 天用过的药品库存为零的天数）`;
    const drugs = sql(db, 'SELECT generic_name AS name, spec, pack_size AS packSize, pack_unit AS packUnit, base_unit AS baseUnit FROM drugs WHERE id = ?');
    for (const s of stockoutDays(db, clinicId, first, last)) {
      for (const p of s.perDrug.filter((x) => x.outDates.length > 0)) {
        const d = drugs.get(p.drugId) as { name: string; spec: string; packSize: number; packUnit: string; baseUnit: string };
        rows.push({
          key: `${s.storeId}:${p.drugId}`,
          date: p.outDates[0],
          docLabel: `断货 ${p.outDates.length} 天`,
          link: card(s.storeId, p.drugId),
          clinicCode: s.code,
          storeName: s.name,
          storeId: s.storeId,
          drugId: p.drugId,
          drugName: d.name,
          spec: d.spec,
          qty: null,
          packSize: d.packSize,
          packUnit: d.packUnit,
          baseUnit: d.baseUnit,
          amount: null,
          tags: [],
          note: dateRanges(p.outDates),
        });
      }
    }
  } else if (input.figure === 'nearExpiry') {
    const before = nearExpiryLimit(ctx.today);
    title = `近效期批次（${before} 前到期）`;
    // The live balances only, also for one store (its primary key would walk every lot it ever held).
    const filters = query.where([
      query`b.qty > 0`,
      query`l.expiry_date <= ${before}`,
      query`s.kind <> 'transit'`,
      ...given(clinicId, (id) => query`s.clinic_id = ${id}`),
      ...given(input.storeId, (id) => query`s.id = ${id}`),
    ]);
    rows = selectRows<Omit<Row, 'tags' | 'note' | 'link'>>(
      db,
      query`SELECT s.id || ':' || l.id AS key, l.expiry_date AS date, '批号 ' || l.batch_no AS docLabel, c.code AS clinicCode, s.name AS storeName, s.id AS storeId,
                d.id AS drugId, d.generic_name AS drugName, d.spec, b.qty, d.pack_size AS packSize, d.pack_unit AS packUnit, d.base_unit AS baseUnit, b.value AS amount
           FROM stock_balances b INDEXED BY stock_balances_live JOIN lots l ON l.id = b.lot_id JOIN stores s ON s.id = b.store_id JOIN drugs d ON d.id = b.drug_id
           LEFT JOIN clinics c ON c.id = s.clinic_id
          ${filters}
          ORDER BY l.expiry_date, s.id LIMIT ${LIMIT + 1}`,
    ).map((r) => ({ ...r, link: card(r.storeId!, r.drugId!), tags: r.date! < ctx.today ? ['已过期'] : [], note: null }));
  } else if (input.figure === 'consumption') {
    const stores = clinicStoreList(db, clinicId);
    title = `${month || `${input.from} 至 ${input.to} `}用药登记金额（按卫生室、药品）`;
    const from = input.period ?? input.from;
    const to = input.period ?? input.to;
    const stmt = sql(
      db,
      `SELECT t.drug_id AS drugId, d.generic_name AS drugName, d.spec, d.pack_size AS packSize, d.pack_unit AS packUnit, d.base_unit AS baseUnit,
              -sum(t.qty) AS qty, -sum(t.amount) AS amount
         FROM stock_period_totals t JOIN drugs d ON d.id = t.drug_id
        WHERE t.store_id = ? AND t.movement = 'dispense' AND t.period BETWEEN ? AND ? GROUP BY t.drug_id ORDER BY amount DESC`,
    );
    for (const s of stores) {
      for (const r of stmt.all(s.storeId, from, to) as (Omit<
        Row,
        'tags' | 'note' | 'link' | 'key' | 'date' | 'docLabel' | 'clinicCode' | 'storeName' | 'storeId'
      > & { drugId: number })[]) {
        if (r.qty === 0 && r.amount === 0) continue;
        rows.push({
          ...r,
          key: `${s.storeId}:${r.drugId}`,
          date: null,
          docLabel: null,
          clinicCode: s.code,
          storeName: s.name,
          storeId: s.storeId,
          link: card(s.storeId, r.drugId),
          tags: [],
          note: null,
        });
      }
    }
  } else {
    title = `${month}已审核的盘点与抽查`;
    const filters = query.where([
      query`t.status = 'approved'`,
      query`t.business_date BETWEEN ${first} AND ${last}`,
      ...given(clinicId, (id) => query`t.clinic_id = ${id}`),
      ...given(input.storeId, (id) => query`t.store_id = ${id}`),
    ]);
    rows = selectRows<{
      key: string;
      date: string;
      docLabel: string;
      link: string;
      clinicCode: string | null;
      storeName: string;
      storeId: number;
      kind: string;
      lineCount: number;
      matched: number;
      shortage: number;
      surplus: number;
    }>(
      db,
      query`SELECT 'st' || t.id AS key, t.business_date AS date, t.doc_no AS docLabel, '/stocktake/' || t.id AS link, c.code AS clinicCode, s.name AS storeName, s.id AS storeId,
                t.kind, t.line_count AS lineCount, t.matched_count AS matched, t.shortage_amount AS shortage, t.surplus_amount AS surplus
           FROM stocktakes t JOIN stores s ON s.id = t.store_id LEFT JOIN clinics c ON c.id = t.clinic_id
          ${filters}
          ORDER BY t.business_date, t.id LIMIT ${LIMIT + 1}`,
    ).map((t) => ({
      key: t.key,
      date: t.date,
      docLabel: t.docLabel,
      link: t.link,
      clinicCode: t.clinicCode,
      storeName: t.storeName,
      storeId: t.storeId,
      drugId: null,
      drugName: null,
      spec: null,
      qty: null,
      packSize: null,
      packUnit: null,
      baseUnit: null,
      amount: t.shortage,
      tags: [t.kind === 'spot' ? '抽查' : '全面盘点'],
      note: `相符 ${t.matched}/${t.lineCount} 行，盘盈 ¥${formatFen(t.surplus)}，盘亏 ¥${formatFen(t.shortage)}`,
    }));
  }
  return { title, rows: rows.slice(0, LIMIT), truncated: rows.length > LIMIT };
}
