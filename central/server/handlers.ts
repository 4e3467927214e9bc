/** Every central method's handler. Authorization by role happens in dispatch; county scoping here, per method. */
import ExcelJS from 'exceljs';
import { AppError } from '../../electron/errors';
import { publicKeyId } from '../../electron/domain/prefecture/seal';
import { CATALOG_TARGET_BP } from '../../shared/supervision';
import { CENTRAL_ROLE_LABELS, type CentralInput, type CentralMethodName, type CountyRank, type HubRank, type Kpis } from '../shared/contract';
import { changePassword, createUser, login, logout } from './auth';
import { countyScope, hubInScope, userOf, type CentralContext } from './context';
import { clinicFigures, emptyFigures, figuresBy, reporting } from './figures';
import { addCounty, registerHub } from './hubs';
import { ingestPackage } from './ingest';
import { listSignals, signalDetail } from './signals';

type Handler<K extends CentralMethodName> = (ctx: CentralContext, input: CentralInput<K>) => Promise<unknown>;

const monthsOf = (from: string, to: string) => {
  const out: string[] = [];
  for (let p = from; p <= to; ) {
    out.push(p);
    const y = Number(p.slice(0, 4));
    const m = Number(p.slice(5, 7));
    p = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  }
  return out;
};

async function countyNames(ctx: CentralContext): Promise<Map<string, string>> {
  return new Map((await ctx.pool.query<{ code: string; name: string }>('SELECT code, name FROM counties ORDER BY code')).rows.map((c) => [c.code, c.name]));
}

async function kpis(ctx: CentralContext, input: CentralInput<'overview.kpis'>): Promise<Kpis> {
  const county = countyScope(ctx, input.countyCode);
  const scope = { from: input.from, to: input.to, countyCode: county };
  const [total, byCounty, hubs, names] = await Promise.all([
    figuresBy(ctx.pool, null, scope),
    figuresBy(ctx.pool, 'county', scope),
    reporting(ctx.pool, scope),
    countyNames(ctx),
  ]);
  const clinics = (
    await ctx.pool.query<{ n: number }>(
      `SELECT count(DISTINCT (f.hub_id, f.clinic_code))::int AS n FROM clinic_facts f JOIN hubs h ON h.id = f.hub_id
        WHERE f.active AND f.period BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR h.county_code = $3)`,
      [`${input.from}-01`, `${input.to}-01`, county],
    )
  ).rows[0].n;
  const counties = county ? [county] : [...names.keys()];
  return {
    ...(total.get('*') ?? emptyFigures()),
    hubsTotal: hubs.length,
    hubsReporting: hubs.filter((h) => h.months > 0).length,
    clinicsReporting: clinics,
    months: monthsOf(input.from, input.to),
    catalogTargetBp: CATALOG_TARGET_BP,
    byCounty: counties.map((c) => ({ countyCode: c, countyName: names.get(c) ?? c, catalogShareBp: byCounty.get(c)?.catalogShareBp ?? null })),
  };
}

async function counties(ctx: CentralContext, input: CentralInput<'overview.counties'>): Promise<CountyRank[]> {
  const county = countyScope(ctx, input.countyCode);
  const scope = { from: input.from, to: input.to, countyCode: county };
  const [figs, hubs, names] = await Promise.all([figuresBy(ctx.pool, 'county', scope), reporting(ctx.pool, scope), countyNames(ctx)]);
  return [...names]
    .filter(([code]) => county === null || code === county)
    .map(([code, name]) => ({
      countyCode: code,
      countyName: name,
      hubsTotal: hubs.filter((h) => h.countyCode === code).length,
      hubsReporting: hubs.filter((h) => h.countyCode === code && h.months > 0).length,
      ...(figs.get(code) ?? emptyFigures()),
    }));
}

async function hubsRank(ctx: CentralContext, input: CentralInput<'overview.hubs'>): Promise<HubRank[]> {
  const county = countyScope(ctx, input.countyCode);
  const scope = { from: input.from, to: input.to, countyCode: county };
  const [figs, hubs] = await Promise.all([figuresBy(ctx.pool, 'hub', scope), reporting(ctx.pool, scope)]);
  return hubs.map((h) => ({
    hubId: h.hubId,
    hubCode: h.hubCode,
    hubName: h.hubName,
    countyCode: h.countyCode,
    countyName: h.countyName,
    monthsReported: h.months,
    clinics: h.clinics,
    ...(figs.get(String(h.hubId)) ?? emptyFigures()),
  }));
}

async function notReported(ctx: CentralContext, input: CentralInput<'overview.notReported'>) {
  const county = countyScope(ctx, input.countyCode);
  const rows = await reporting(ctx.pool, { from: input.period, to: input.period, countyCode: county });
  const last = (
    await ctx.pool.query<{ hubId: number; last: string | null }>(
      `SELECT hub_id AS "hubId", to_char(max(period), 'YYYY-MM') AS last FROM packages WHERE status = 'current' GROUP BY hub_id`,
    )
  ).rows;
  const lastBy = new Map(last.map((l) => [l.hubId, l.last]));
  return rows
    .filter((h) => h.months === 0)
    .map((h) => ({
      hubId: h.hubId,
      hubCode: h.hubCode,
      hubName: h.hubName,
      countyCode: h.countyCode,
      countyName: h.countyName,
      lastReported: lastBy.get(h.hubId) ?? null,
    }));
}

async function hubMonth(ctx: CentralContext, input: CentralInput<'overview.hubMonth'>) {
  const hub = await hubInScope(ctx, input.hubId);
  const first = `${input.period}-01`;
  const [figs, packages, signals, clinics] = await Promise.all([
    figuresBy(ctx.pool, null, { from: input.period, to: input.period, countyCode: null, hubId: hub.id }),
    ctx.pool.query(
      `SELECT id, version, status, received_at AS "receivedAt", closed_at AS "closedAt", bytes, (manifest->'sections'->'ledger'->>'rows')::int AS "ledgerRows"
         FROM packages WHERE hub_id = $1 AND period = $2 ORDER BY version DESC`,
      [hub.id, first],
    ),
    ctx.pool.query(
      `SELECT clinic_code AS "clinicCode", rule_title AS "ruleTitle", summary, severity, status, period_from AS "periodFrom", period_to AS "periodTo" FROM signal_facts
        WHERE hub_id = $1 AND period = $2 ORDER BY period_from, clinic_code`,
      [hub.id, first],
    ),
    clinicFigures(ctx.pool, hub.id, input.period, input.period),
  ]);
  return {
    hub,
    period: input.period,
    figures: figs.get('*') ?? emptyFigures(),
    packages: packages.rows.map((p) => ({
      ...p,
      receivedAt: new Date(p.receivedAt).toISOString(),
      closedAt: p.closedAt ? new Date(p.closedAt).toISOString() : null,
    })),
    hubSignals: signals.rows,
    clinics,
  };
}

async function packagesList(ctx: CentralContext, input: CentralInput<'packages.list'>) {
  const county = countyScope(ctx, null);
  if (input.hubId) await hubInScope(ctx, input.hubId);
  const rows = await ctx.pool.query(
    `SELECT p.id, h.code AS "hubCode", h.name AS "hubName", h.county_code AS "countyCode", to_char(p.period, 'YYYY-MM') AS period, p.version, p.status,
            p.received_at AS "receivedAt", p.bytes, (p.manifest->'sections'->'ledger'->>'rows')::int AS "ledgerRows"
       FROM packages p JOIN hubs h ON h.id = p.hub_id
      WHERE ($1::text IS NULL OR h.county_code = $1) AND ($2::date IS NULL OR p.period = $2::date) AND ($3::int IS NULL OR p.hub_id = $3)
      ORDER BY p.received_at DESC, p.id DESC LIMIT 500`,
    [county, input.period ? `${input.period}-01` : null, input.hubId ?? null],
  );
  return rows.rows.map((r) => ({ ...r, receivedAt: new Date(r.receivedAt).toISOString() }));
}

async function exportTable(ctx: CentralContext, input: CentralInput<'export.table'>) {
  const range = { from: input.from, to: input.to, countyCode: input.countyCode };
  const pct = (b: number | null) => (b === null ? '' : `${(b / 100).toFixed(2)}%`);
  const yuan = (f: number) => f / 100;
  let title: string;
  let columns: { header: string; key: string; width?: number }[];
  let rows: Record<string, unknown>[];
  const figureCols = [
    { header: '采购金额（元）', key: 'purchase' },
    { header: '目录内占比', key: 'catalog' },
    { header: '集采金额（元）', key: 'vbp' },
    { header: '较集采前降价', key: 'drop' },
    { header: '用药金额（元）', key: 'dispensed' },
    { header: '断货天数', key: 'stockout' },
    { header: '抽查相符率', key: 'accuracy' },
  ];
  const figureRow = (f: CountyRank | HubRank) => ({
    purchase: yuan(f.purchaseAmount),
    catalog: pct(f.catalogShareBp),
    vbp: yuan(f.vbpAmount),
    drop: pct(f.priceDropBp),
    dispensed: yuan(f.dispensedAmount),
    stockout: f.stockoutDays,
    accuracy: pct(f.accuracyBp),
  });
  switch (input.table) {
    case 'counties':
      title = '县区排名';
      columns = [{ header: '县区', key: 'name', width: 14 }, { header: '上报卫生院', key: 'hubs' }, ...figureCols];
      rows = (await counties(ctx, range)).map((c) => ({ name: c.countyName, hubs: `${c.hubsReporting}/${c.hubsTotal}`, ...figureRow(c) }));
      break;
    case 'hubs':
      title = '卫生院排名';
      columns = [{ header: '卫生院', key: 'name', width: 18 }, { header: '县区', key: 'county' }, { header: '上报月数', key: 'months' }, ...figureCols];
      rows = (await hubsRank(ctx, range)).map((h) => ({ name: h.hubName, county: h.countyName, months: h.monthsReported, ...figureRow(h) }));
      break;
    case 'clinics': {
      if (!input.hubId) throw new AppError('VALIDATION', '请指定卫生院', [{ path: 'hubId', message: '请指定卫生院' }]);
      const hub = await hubInScope(ctx, input.hubId);
      title = `${hub.name}村卫生室`;
      columns = [
        { header: '村卫生室', key: 'name', width: 16 },
        { header: '配送金额（元）', key: 'delivered' },
        { header: '目录内占比', key: 'catalog' },
        { header: '用药金额（元）', key: 'dispensed' },
        { header: '断货天数', key: 'stockout' },
        { header: '抽查相符率', key: 'accuracy' },
      ];
      rows = (await clinicFigures(ctx.pool, hub.id, input.from, input.to)).map((c) => ({
        name: c.clinicName,
        delivered: yuan(c.deliveredAmount),
        catalog: pct(c.catalogShareBp),
        dispensed: yuan(c.dispensedAmount),
        stockout: c.stockoutDays,
        accuracy: pct(c.accuracyBp),
      }));
      break;
    }
    case 'notReported':
      title = `${input.to}未上报`;
      columns = [
        { header: '卫生院', key: 'name', width: 18 },
        { header: '县区', key: 'county' },
        { header: '最近上报', key: 'last' },
      ];
      rows = (await notReported(ctx, { period: input.to, countyCode: input.countyCode })).map((h) => ({
        name: h.hubName,
        county: h.countyName,
        last: h.lastReported ?? '从未上报',
      }));
      break;
    case 'signals':
      title = '跨卫生院信号';
      columns = [
        { header: '信号', key: 'title', width: 24 },
        { header: '月份', key: 'period' },
        { header: '涉及卫生院', key: 'hubs', width: 24 },
        { header: '说明', key: 'summary', width: 80 },
      ];
      rows = (await listSignals(ctx.pool, input.from, input.to, countyScope(ctx, input.countyCode))).map((s) => ({
        title: s.title,
        period: s.period,
        hubs: s.hubs.map((h) => h.hubName).join('、'),
        summary: s.summary,
      }));
      break;
  }
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(title.slice(0, 31));
  ws.columns = columns.map((c) => ({ ...c, width: c.width ?? 14 }));
  ws.addRows(rows);
  ws.getRow(1).font = { bold: true };
  const buf = Buffer.from(await wb.xlsx.writeBuffer());
  return { filename: `${title}-${input.from}至${input.to}.xlsx`, base64: buf.toString('base64') };
}

export const centralHandlers: { [K in CentralMethodName]: Handler<K> } = {
  'auth.login': login,
  'auth.logout': logout,
  'auth.me': async (ctx) => ({ ...userOf(ctx), roleLabel: CENTRAL_ROLE_LABELS[userOf(ctx).role] }),
  'auth.changePassword': changePassword,
  'overview.periods': async (ctx) => ({
    periods: (
      await ctx.pool.query<{ p: string }>("SELECT DISTINCT to_char(period, 'YYYY-MM') AS p FROM packages WHERE status = 'current' ORDER BY 1 DESC LIMIT 120")
    ).rows.map((r) => r.p),
  }),
  'overview.kpis': kpis,
  'overview.counties': counties,
  'overview.hubs': hubsRank,
  'overview.clinics': async (ctx, input) => {
    const hub = await hubInScope(ctx, input.hubId);
    return { hub, rows: await clinicFigures(ctx.pool, hub.id, input.from, input.to) };
  },
  'overview.hubMonth': hubMonth,
  'overview.notReported': notReported,
  'signals.list': async (ctx, input) => listSignals(ctx.pool, input.from, input.to, countyScope(ctx, input.countyCode)),
  'signals.detail': async (ctx, input) => signalDetail(ctx.pool, input.key, input.from, input.to, countyScope(ctx, null)),
  'packages.list': packagesList,
  'packages.upload': async (ctx, input) => {
    // The USB path: the same bytes a hub would POST to /ingest, checked the same way; the audit names the uploader.
    const {
      packageId: _id,
      conflicts: _c,
      ...answer
    } = await ingestPackage(ctx.pool, Buffer.from(input.base64, 'base64'), ctx.now, { ip: ctx.ip, user: userOf(ctx), file: input.filename });
    ctx.audit.target = `file:${input.filename}`;
    ctx.audit.details = { outcome: answer.outcome, code: answer.code, hub: answer.hubCode, period: answer.period, version: answer.version };
    return answer;
  },
  'counties.list': async (ctx) => (await ctx.pool.query('SELECT code, name FROM counties ORDER BY code')).rows,
  'counties.create': async (ctx, input) => {
    await addCounty(ctx.pool, input.code, input.name);
    ctx.audit.target = `county:${input.code}`;
    return { ok: true };
  },
  'hubs.list': async (ctx, input) => {
    const county = countyScope(ctx, input.countyCode);
    return (
      await ctx.pool.query(
        `SELECT h.id, h.code, h.name, h.county_code AS "countyCode", c.name AS "countyName", h.key_id AS "keyId", h.active, h.registered_at AS "registeredAt",
                (SELECT to_char(max(period), 'YYYY-MM') FROM packages p WHERE p.hub_id = h.id AND p.status = 'current') AS "lastPeriod"
           FROM hubs h JOIN counties c ON c.code = h.county_code WHERE ($1::text IS NULL OR h.county_code = $1) ORDER BY h.county_code, h.code`,
        [county],
      )
    ).rows.map((r) => ({ ...r, registeredAt: new Date(r.registeredAt).toISOString() }));
  },
  'hubs.register': async (ctx, input) => {
    const out = await registerHub(ctx.pool, input, ctx.now, userOf(ctx).id);
    ctx.audit.target = `hub:${out.id}`;
    ctx.audit.details = { code: input.code, county: input.countyCode, keyId: out.keyId };
    return out;
  },
  'hubs.update': async (ctx, input) => {
    await hubInScope(ctx, input.hubId);
    if (input.active !== undefined) await ctx.pool.query('UPDATE hubs SET active = $2 WHERE id = $1', [input.hubId, input.active]);
    if (input.publicKey !== undefined) {
      let keyId: string;
      try {
        keyId = publicKeyId(input.publicKey);
        (await import('node:crypto')).createPublicKey({ key: Buffer.from(input.publicKey, 'base64'), format: 'der', type: 'spki' });
      } catch {
        throw new AppError('VALIDATION', '公钥格式不正确', [{ path: 'publicKey', message: '不是有效的公钥' }]);
      }
      await ctx.pool.query('UPDATE hubs SET public_key = $2, key_id = $3 WHERE id = $1', [input.hubId, input.publicKey, keyId]);
    }
    ctx.audit.target = `hub:${input.hubId}`;
    ctx.audit.details = { active: input.active ?? null, newKey: input.publicKey !== undefined };
    return { ok: true };
  },
  'users.list': async (ctx) =>
    (await ctx.pool.query('SELECT id, username, display_name AS "displayName", role, county_code AS "countyCode", active FROM users ORDER BY id')).rows,
  'users.create': async (ctx, input) => {
    const id = await createUser(
      ctx.pool,
      {
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        countyCode: input.countyCode,
        password: input.initialPassword,
        mustChange: true,
      },
      ctx.now,
    );
    ctx.audit.target = `user:${id}`;
    return { id };
  },
  'audit.list': async (ctx, input) => {
    const rows = await ctx.pool.query(
      `SELECT id, at, username, role, ip, method, outcome, error_code AS "errorCode", target, details FROM audit_log
        WHERE ($1::text IS NULL OR method = $1) ORDER BY id DESC LIMIT 100 OFFSET $2`,
      [input.method ?? null, (input.page - 1) * 100],
    );
    return rows.rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  },
  'export.table': exportTable,
};
