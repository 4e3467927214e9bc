/**
 * Cross-hub signals: evidence no single hub can see. Computed on demand from the facts, each with its rule in words
 * (thresholds filled in), the numbers that triggered it, and the rows behind it — like the hub's own signals.
 * - duplicate_box: a trace code sold twice — the second sale was refused by the sold-once index at ingest and kept
 *   in trace_conflicts (回流药, 串换 or 虚开).
 * - price_gap: the same drug, batch and supplier bought by two or more hubs at pack prices differing by ≥ 3 %.
 * - clinic_outlier: a clinic's dispensing amount in a month far above its peers' (the clinics of its county that
 *   month; the whole prefecture when the county has fewer than 8): robust z = 0.6745 × (x − median) ÷ MAD ≥ 3.5 and
 *   x ≥ 2 × median.
 * A county viewer sees the signals that involve at least one hub of the county (the other side's rows are the evidence).
 */
import { AppError } from '../../electron/errors';
import { SIGNAL_TITLES, type CrossSignal, type SignalDetail, type SignalKind } from '../shared/contract';
import type { Pool } from './db';

export const PRICE_GAP_MIN_BP = 300;
export const OUTLIER_Z = 3.5;
export const OUTLIER_MIN_RATIO = 2;
export const PEER_GROUP_MIN = 8;

export const RULE_TEXT: Record<SignalKind, string> = {
  duplicate_box:
    '药品追溯码（小码）每盒只能销售一次。两个卫生院（或同一卫生院两次）上报同一追溯码的销售时，数据库的唯一索引拒绝第二次销售，并记入冲突表：可能是回流药、串换或虚开。',
  price_gap: `同一药品、同一批号、同一配送企业，在统计区间内卖给不同卫生院的包装单价相差 ≥ ${PRICE_GAP_MIN_BP / 100}%（最高价 ÷ 最低价 − 1）时报警；多付金额 = Σ（该院单价 − 最低单价）× 数量，各院之和精确计算后四舍五入到分（恰为半分时进一分）；价差同样精确计算后四舍五入到 0.01%。`,
  clinic_outlier: `村卫生室当月用药登记金额与同县区同月各村卫生室比较（同县区不足 ${PEER_GROUP_MIN} 个时与全市比较）：稳健 Z 值 = 0.6745 ×（本室金额 − 中位数）÷ 绝对中位差（MAD）。Z ≥ ${OUTLIER_Z} 且金额 ≥ 中位数的 ${OUTLIER_MIN_RATIO} 倍时报警（只看偏高：虚开多发生在多记用药）。MAD 为 0 时以平均绝对偏差 × 1.2533 代替。`,
};

interface HubRef {
  hubId: number;
  hubCode: string;
  hubName: string;
  countyCode: string;
}

const first = (p: string) => `${p}-01`;
const yuan = (fen: number) => Math.round(fen) / 100;

async function hubsById(pool: Pool): Promise<Map<number, HubRef>> {
  const rows = (await pool.query<HubRef>('SELECT id AS "hubId", code AS "hubCode", name AS "hubName", county_code AS "countyCode" FROM hubs')).rows;
  return new Map(rows.map((h) => [h.hubId, h]));
}

const inCounty = (hubs: HubRef[], county: string | null) => county === null || hubs.some((h) => h.countyCode === county);

async function duplicateBoxes(pool: Pool, from: string, to: string, hubs: Map<number, HubRef>): Promise<CrossSignal[]> {
  const rows = (
    await pool.query<{ id: number; code: string; firstHub: number; hub: number; period: string; nhsa: string }>(
      `SELECT id, trace_code AS code, first_hub_id AS "firstHub", hub_id AS hub, to_char(period, 'YYYY-MM') AS period, nhsa_code AS nhsa
         FROM trace_conflicts WHERE period BETWEEN $1::date AND $2::date OR first_period BETWEEN $1::date AND $2::date ORDER BY id`,
      [first(from), first(to)],
    )
  ).rows;
  return rows.map((r) => {
    const a = hubs.get(r.firstHub)!;
    const b = hubs.get(r.hub)!;
    const same = r.firstHub === r.hub;
    return {
      key: `duplicate_box:${r.id}`,
      kind: 'duplicate_box' as const,
      title: SIGNAL_TITLES.duplicate_box,
      summary: same ? `追溯码 ${r.code} 在 ${a.hubName} 销售了两次` : `追溯码 ${r.code} 在 ${a.hubName} 和 ${b.hubName} 各销售一次`,
      severity: same ? 1 : 2,
      period: r.period,
      hubs: same ? [a] : [a, b],
      numbers: [{ label: '销售次数', value: 2, unit: '次' }],
    };
  });
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

/** n ÷ d rounded to the nearest integer, a half up (n ≥ 0, d > 0). */
const divHalfUp = (n: bigint, d: bigint): bigint => (2n * n + d) / (2n * d);

/**
 * A price gap's figures in integers: the gap in basis points of the lowest pack price, and what the hubs paid above
 * it in fen — Σ (pack price − lowest) × qty ÷ pack size over the hubs, summed exactly as a fraction (prices are
 * micro-yuan per pack, quantities base units) and rounded once, a half fen up. BigInt: a price difference times a
 * year's quantity passes 2^53 micro-yuan.
 */
export function priceGapFigures(
  hubs: readonly { price: number; qty: number; packSize: number }[],
  minPrice: number,
  maxPrice: number,
): { gapBp: number; extraFen: number } {
  const gapBp = Number(divHalfUp(BigInt(maxPrice - minPrice) * 10_000n, BigInt(minPrice)));
  let num = 0n;
  let den = 1n;
  for (const h of hubs) {
    const over = BigInt(h.price - minPrice) * BigInt(h.qty); // micro-yuan × base units per pack
    const per = BigInt(h.packSize) * 10_000n; // micro-yuan per fen × base units per pack
    const common = (den / gcd(den, per)) * per;
    num = num * (common / den) + over * (common / per);
    den = common;
  }
  return { gapBp, extraFen: Number(divHalfUp(num, den)) };
}

async function priceGaps(pool: Pool, from: string, to: string, hubs: Map<number, HubRef>): Promise<CrossSignal[]> {
  const rows = (
    await pool.query<{
      nhsa: string;
      batch: string;
      supplier: string;
      hubId: number;
      price: number;
      minPrice: number;
      maxPrice: number;
      qty: number;
      packSize: number;
      name: string | null;
      period: string;
    }>(
      `WITH per_hub AS (
         SELECT nhsa_code, batch_no, supplier_code, hub_id, max(pack_price) AS price, sum(qty) AS qty, max(pack_size) AS pack_size, to_char(max(period), 'YYYY-MM') AS period
           FROM price_facts WHERE period BETWEEN $1::date AND $2::date GROUP BY 1, 2, 3, 4),
       groups AS (
         SELECT nhsa_code, batch_no, supplier_code, min(price) AS min_price, max(price) AS max_price FROM per_hub
          GROUP BY 1, 2, 3 HAVING count(*) >= 2 AND min(price) > 0 AND (max(price) - min(price)) * 10000 >= $3 * min(price))
       SELECT p.nhsa_code AS nhsa, p.batch_no AS batch, p.supplier_code AS supplier, p.hub_id AS "hubId", p.price, g.min_price AS "minPrice", g.max_price AS "maxPrice",
              p.qty, p.pack_size AS "packSize", p.period,
              (SELECT generic_name || ' ' || spec FROM drug_facts d WHERE d.hub_id = p.hub_id AND d.nhsa_code = p.nhsa_code ORDER BY period DESC LIMIT 1) AS name
         FROM per_hub p JOIN groups g USING (nhsa_code, batch_no, supplier_code) ORDER BY 1, 2, 3, p.price`,
      [first(from), first(to), PRICE_GAP_MIN_BP],
    )
  ).rows;
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = [r.nhsa, r.batch, r.supplier].map(encodeURIComponent).join('|');
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups].map(([k, list]) => {
    const g = list[0];
    const { gapBp, extraFen: extra } = priceGapFigures(list, g.minPrice, g.maxPrice);
    return {
      key: `price_gap:${k}`,
      kind: 'price_gap' as const,
      title: SIGNAL_TITLES.price_gap,
      summary: `${g.name ?? g.nhsa} 批号 ${g.batch}：同一配送企业卖给 ${list.length} 个卫生院，包装单价 ${g.minPrice / 1e6}–${g.maxPrice / 1e6} 元，相差 ${gapBp / 100}%`,
      severity: gapBp,
      period: list
        .map((r) => r.period)
        .sort()
        .at(-1)!,
      hubs: list.map((r) => hubs.get(r.hubId)!),
      numbers: [
        { label: '最低包装单价', value: g.minPrice / 1e6, unit: '元' },
        { label: '最高包装单价', value: g.maxPrice / 1e6, unit: '元' },
        { label: '价差', value: gapBp / 100, unit: '%' },
        { label: '按最低价计多付', value: yuan(extra), unit: '元' },
      ],
    };
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? 0 : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Robust z of x among the peers (the hub's rule, shared shape): MAD, or mean absolute deviation × 1.2533 when MAD is 0. */
export function robustZ(x: number, peers: number[]): { median: number; mad: number; z: number | null } {
  const med = median(peers);
  const dev = peers.map((p) => Math.abs(p - med));
  let mad = median(dev);
  if (mad === 0) mad = (dev.reduce((a, b) => a + b, 0) / Math.max(dev.length, 1)) * 1.2533;
  return { median: med, mad, z: mad === 0 ? null : (0.6745 * (x - med)) / mad };
}

async function clinicOutliers(pool: Pool, from: string, to: string, hubs: Map<number, HubRef>): Promise<CrossSignal[]> {
  const rows = (
    await pool.query<{ hubId: number; clinic: string; period: string; amount: number; name: string | null }>(
      `SELECT f.hub_id AS "hubId", f.clinic_code AS clinic, to_char(f.period, 'YYYY-MM') AS period, -sum(f.amount) AS amount,
              (SELECT name FROM clinic_facts c WHERE c.hub_id = f.hub_id AND c.period = f.period AND c.clinic_code = f.clinic_code) AS name
         FROM ledger_facts f WHERE f.period BETWEEN $1::date AND $2::date AND f.movement = 'dispense' AND f.clinic_code IS NOT NULL
        GROUP BY f.hub_id, f.clinic_code, f.period`,
      [first(from), first(to)],
    )
  ).rows;
  const out: CrossSignal[] = [];
  const byMonth = new Map<string, typeof rows>();
  for (const r of rows) byMonth.set(r.period, [...(byMonth.get(r.period) ?? []), r]);
  for (const [period, list] of byMonth) {
    for (const r of list) {
      const county = hubs.get(r.hubId)!.countyCode;
      const countyPeers = list.filter((p) => hubs.get(p.hubId)!.countyCode === county && p !== r).map((p) => p.amount);
      const peers = countyPeers.length + 1 >= PEER_GROUP_MIN ? countyPeers : list.filter((p) => p !== r).map((p) => p.amount);
      if (peers.length + 1 < PEER_GROUP_MIN) continue;
      const { median: med, mad, z } = robustZ(r.amount, peers);
      if (r.amount < OUTLIER_MIN_RATIO * Math.max(med, 1)) continue;
      if (z !== null && z < OUTLIER_Z) continue;
      const hub = hubs.get(r.hubId)!;
      const scope = countyPeers.length + 1 >= PEER_GROUP_MIN ? '同县区' : '全市';
      out.push({
        key: `clinic_outlier:${r.hubId}|${encodeURIComponent(r.clinic)}|${period}`,
        kind: 'clinic_outlier',
        title: SIGNAL_TITLES.clinic_outlier,
        summary: `${hub.hubName} ${r.name ?? r.clinic} ${period} 用药金额 ${yuan(r.amount)} 元，为${scope}村卫生室中位数 ${yuan(med)} 元的 ${(r.amount / Math.max(med, 1)).toFixed(1)} 倍，稳健 Z 值 ${z === null ? '∞' : z.toFixed(1)}`,
        severity: z ?? 1e6,
        period,
        hubs: [hub],
        numbers: [
          { label: '本月用药金额', value: yuan(r.amount), unit: '元' },
          { label: `${scope}中位数`, value: yuan(med), unit: '元' },
          { label: '绝对中位差 MAD', value: yuan(mad), unit: '元' },
          { label: '稳健 Z 值', value: z === null ? null : Math.round(z * 100) / 100, unit: '' },
          { label: '比较的村卫生室', value: peers.length, unit: '个' },
        ],
      });
    }
  }
  return out;
}

export async function listSignals(pool: Pool, from: string, to: string, county: string | null): Promise<CrossSignal[]> {
  const hubs = await hubsById(pool);
  const all = [...(await duplicateBoxes(pool, from, to, hubs)), ...(await priceGaps(pool, from, to, hubs)), ...(await clinicOutliers(pool, from, to, hubs))];
  return all.filter((s) => inCounty(s.hubs, county)).sort((a, b) => (a.period === b.period ? b.severity - a.severity : a.period < b.period ? 1 : -1));
}

export async function signalDetail(pool: Pool, key: string, from: string, to: string, county: string | null): Promise<SignalDetail> {
  const signal = (await listSignals(pool, from, to, null)).find((s) => s.key === key);
  if (!signal) throw new AppError('NOT_FOUND', '该信号不存在（数据已更新，或不在所选月份内）');
  if (!inCounty(signal.hubs, county)) throw new AppError('FORBIDDEN', '只能查看涉及本县区卫生院的信号');
  const hubs = await hubsById(pool);
  const hubCols = (id: number) => ({ hubCode: hubs.get(id)!.hubCode, hubName: hubs.get(id)!.hubName, countyCode: hubs.get(id)!.countyCode });
  if (signal.kind === 'duplicate_box') {
    const id = Number(key.split(':')[1]);
    const c = (await pool.query('SELECT * FROM trace_conflicts WHERE id = $1', [id])).rows[0];
    const firstSale = (await pool.query("SELECT * FROM trace_facts WHERE trace_code = $1 AND event = 'dispense'", [c.trace_code])).rows[0];
    const rows = [firstSale, c].filter(Boolean).map((r, i) => ({
      sale: i === 0 ? '第一次销售' : '第二次销售（被拒）',
      ...hubCols(r.hub_id),
      clinicCode: r.clinic_code,
      traceCode: r.trace_code,
      nhsaCode: r.nhsa_code,
      businessDate: r.business_date,
      docKey: r.doc_key,
    }));
    return {
      signal,
      rule: RULE_TEXT.duplicate_box,
      columns: [
        { key: 'sale', title: '' },
        { key: 'hubName', title: '卫生院' },
        { key: 'countyCode', title: '县区' },
        { key: 'clinicCode', title: '村卫生室' },
        { key: 'traceCode', title: '追溯码' },
        { key: 'nhsaCode', title: '医保药品编码' },
        { key: 'businessDate', title: '销售日期' },
        { key: 'docKey', title: '单据' },
      ],
      rows,
    };
  }
  if (signal.kind === 'price_gap') {
    const [nhsa, batch, supplier] = key.slice('price_gap:'.length).split('|').map(decodeURIComponent);
    const rows = (
      await pool.query(
        `SELECT hub_id, to_char(period, 'YYYY-MM') AS period, pack_price, pack_size, qty, amount, receipts FROM price_facts
          WHERE nhsa_code = $1 AND batch_no = $2 AND supplier_code = $3 AND period BETWEEN $4::date AND $5::date ORDER BY pack_price, hub_id, period`,
        [nhsa, batch, supplier, first(from), first(to)],
      )
    ).rows.map((r) => ({
      ...hubCols(r.hub_id),
      period: r.period,
      packPrice: r.pack_price / 1e6,
      qty: r.qty,
      amount: r.amount / 100,
      receipts: r.receipts,
      supplierCode: supplier,
      batchNo: batch,
    }));
    return {
      signal,
      rule: RULE_TEXT.price_gap,
      columns: [
        { key: 'hubName', title: '卫生院' },
        { key: 'countyCode', title: '县区' },
        { key: 'period', title: '月份' },
        { key: 'supplierCode', title: '配送企业（信用代码）' },
        { key: 'batchNo', title: '批号' },
        { key: 'packPrice', title: '包装单价（元）' },
        { key: 'qty', title: '数量（最小单位）' },
        { key: 'amount', title: '金额（元）' },
        { key: 'receipts', title: '入库单数' },
      ],
      rows,
    };
  }
  const [hubId, clinic, period] = key.slice('clinic_outlier:'.length).split('|');
  const rows = (
    await pool.query(
      `SELECT f.nhsa_code, max(d.generic_name) AS name, max(d.spec) AS spec, -sum(f.qty) AS qty, -sum(f.amount) AS amount, count(*) AS lines
         FROM ledger_facts f LEFT JOIN drug_facts d ON d.hub_id = f.hub_id AND d.period = f.period AND d.nhsa_code = f.nhsa_code
        WHERE f.period = $1::date AND f.hub_id = $2 AND f.clinic_code = $3 AND f.movement = 'dispense'
        GROUP BY f.nhsa_code ORDER BY amount DESC LIMIT 30`,
      [first(period), Number(hubId), decodeURIComponent(clinic)],
    )
  ).rows.map((r) => ({
    ...hubCols(Number(hubId)),
    clinicCode: decodeURIComponent(clinic),
    nhsaCode: r.nhsa_code,
    drug: `${r.name ?? ''} ${r.spec ?? ''}`.trim(),
    qty: r.qty,
    amount: r.amount / 100,
    lines: r.lines,
  }));
  return {
    signal,
    rule: RULE_TEXT.clinic_outlier,
    columns: [
      { key: 'hubName', title: '卫生院' },
      { key: 'clinicCode', title: '村卫生室' },
      { key: 'nhsaCode', title: '医保药品编码' },
      { key: 'drug', title: '药品' },
      { key: 'qty', title: '用药数量（最小单位）' },
      { key: 'amount', title: '金额（元）' },
      { key: 'lines', title: '登记行数' },
    ],
    rows,
  };
}
