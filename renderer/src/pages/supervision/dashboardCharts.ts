import type { MethodOutput } from '../../../../shared/contract';
import type { LineSeriesOption } from 'echarts/charts';
import type { ChartOption } from './EChart';
import { bpText, monthLabel, pct, pctText, yuan, yuanAxis } from './format';
import { html, tooltipRows } from './tooltip';
import { periodOf } from '../../../../shared/dates';
import { hubToday } from '../../components/hubClock';

type Dashboard = MethodOutput<'supervision.dashboard'>;

export const TARGET = 70;
export const BLUE = '#1677ff';
export const GREEN = '#52c41a';
export const ORANGE = '#fa8c16';
export const RED = '#f5222d';
export const GREY = '#bfbfbf';

const targetLine = {
  silent: true,
  symbol: 'none',
  lineStyle: { color: RED, type: 'dashed' as const },
  label: { formatter: '70% 目标线', position: 'insideEndTop' as const, color: RED },
  data: [{ yAxis: TARGET }],
};

/** Line colours, given explicitly: a line drawn in two parts (whole months solid, the month so far dashed) keeps one colour. */
const PALETTE = ['#1677ff', '#52c41a', '#fa8c16', '#722ed1', '#13c2c2', '#eb2f96', '#faad14', '#2f54eb'];

export const lineColor = (i: number) => PALETTE[i % PALETTE.length];

/** How many clinics the consumption trend draws as lines; the rest are in the table under it. */
export const TOP_CLINICS = 5;

/** The month the hub is in: its figures run to today only, so the trends mark it and never draw it as a whole month. */
export interface PartialMonth {
  period: string;
  /** The hub's today, 'YYYY-MM-DD'. */
  today: string;
}

/** The hub's running month, by the hub's clock (never the device's). */
export function hubPartialMonth(): PartialMonth {
  const today = hubToday();
  return { period: periodOf(today), today };
}

/** '3月（至今）' for the hub's current month, '2月' for the others. */
export const monthAxisLabel = (period: string, partial: PartialMonth) => (period === partial.period ? `${monthLabel(period)}（至今）` : monthLabel(period));

/** The tooltip's heading for a month: the current month says up to which day. */
const monthHeading = (period: string, partial: PartialMonth) =>
  period === partial.period ? `${period}（本月至 ${Number(partial.today.slice(8, 10))} 日，不是整月）` : period;

/**
 * A month axis: every month labelled (ECharts would otherwise skip some, the running month's longer label first),
 * '（至今）' on a second line so six months fit a phone's width.
 */
const monthCategoryAxis = (labels: string[]) => ({
  type: 'category' as const,
  data: labels,
  axisLabel: { interval: 0, hideOverlap: false, formatter: (v: string) => v.replace('（', '\n（'), lineHeight: 14 },
});

/** Diagonal hatching over the bar of the month so far. */
const HATCH = { symbol: 'rect', symbolSize: 1, dashArrayX: [1, 0], dashArrayY: [3, 4], rotation: -Math.PI / 4, color: 'rgba(255,255,255,0.6)' };

/** A bar's value, hatched and lighter when it is the month so far. */
function barValue(value: number | null, color: string, isPartial: boolean) {
  return isPartial ? { value, itemStyle: { color, opacity: 0.75, decal: HATCH } } : { value, itemStyle: { color } };
}

/**
 * A trend line in two parts under one name (one legend entry): whole months solid, the step into the month so far
 * dashed, its point hollow.
 */
function trendLine<T extends object>(name: string, values: (number | null)[], color: string, partialIndex: number, extra: T = {} as T): LineSeriesOption[] {
  const solid: LineSeriesOption = {
    ...extra,
    name,
    type: 'line',
    connectNulls: false,
    itemStyle: { color },
    lineStyle: { color },
    data: values.map((v, i) => (i === partialIndex ? null : v)),
  };
  if (partialIndex < 0) return [solid];
  const dashed: LineSeriesOption = {
    ...extra,
    name,
    type: 'line',
    connectNulls: false,
    itemStyle: { color },
    lineStyle: { color, type: 'dashed' },
    symbol: 'emptyCircle',
    showSymbol: true,
    data: values.map((v, i) => (i === partialIndex || i === partialIndex - 1 ? v : null)),
  };
  return [solid, dashed];
}

const pctAxis = { type: 'value' as const, min: 0, max: 100, axisLabel: { formatter: '{value}%' } };
const grid = { left: 48, right: 24, top: 40, bottom: 32, containLabel: true };

/**
 * The dashboard's charts; tooltips are built with `html`, so names typed by users stay text. Clinic names come with
 * the figures (also of a clinic since closed, which the page's list of active clinics leaves out); the lookup is unused.
 */
export function buildCharts(d: Dashboard, _clinicName: (id: number) => string, partial: PartialMonth = hubPartialMonth()) {
  const months = d.insurance.months;
  const periods = months.map((m) => m.period);
  const monthAxis = (list: string[]) => list.map((p) => monthAxisLabel(p, partial));
  const insuranceMonths: ChartOption = {
    grid,
    legend: { top: 0 },
    tooltip: {
      trigger: 'axis',
      formatter: (ps: unknown) => {
        const i = (ps as { dataIndex: number }[])[0].dataIndex;
        const m = months[i];
        return html`${monthHeading(m.period, partial)}<br/>${tooltipRows([
          ['采购金额', yuan(m.amount)],
          ['目录内金额', yuan(m.catalogAmount)],
          ['金额占比', pctText(pct(m.catalogAmount, m.amount))],
          ['品种', `${m.catalogItems} / ${m.items}`],
          ['品种占比', pctText(pct(m.catalogItems, m.items))],
        ])}`.text;
      },
    },
    xAxis: monthCategoryAxis(monthAxis(periods)),
    yAxis: pctAxis,
    series: [
      {
        name: '金额占比',
        type: 'bar',
        data: months.map((m) => barValue(pct(m.catalogAmount, m.amount), BLUE, m.period === partial.period)),
        itemStyle: { color: BLUE },
        markLine: targetLine,
        barMaxWidth: 36,
      },
      ...trendLine(
        '品种占比',
        months.map((m) => pct(m.catalogItems, m.items)),
        GREEN,
        periods.indexOf(partial.period),
      ),
    ],
  };
  const ic = d.insurance.clinics;
  const insuranceClinics: ChartOption = {
    grid,
    tooltip: {
      trigger: 'axis',
      formatter: (ps: unknown) => {
        const c = ic[(ps as { dataIndex: number }[])[0].dataIndex];
        return html`${c.clinicName}<br/>${tooltipRows([
          ['配送金额', yuan(c.amount)],
          ['目录内金额', yuan(c.catalogAmount)],
          ['金额占比', pctText(pct(c.catalogAmount, c.amount))],
          ['品种占比', pctText(pct(c.catalogItems, c.items))],
        ])}`.text;
      },
    },
    xAxis: { type: 'category', data: ic.map((c) => c.clinicName.replace('村卫生室', '')), axisLabel: { interval: 0, rotate: ic.length > 8 ? 40 : 0 } },
    yAxis: pctAxis,
    series: [
      {
        name: '金额占比',
        type: 'bar',
        barMaxWidth: 28,
        data: ic.map((c) => {
          const v = pct(c.catalogAmount, c.amount);
          return { value: v, itemStyle: { color: v !== null && v < TARGET ? RED : BLUE } };
        }),
        markLine: targetLine,
      },
    ],
  };
  const vm = d.vbp.months;
  const vbp: ChartOption = {
    grid: { ...grid, right: 56 },
    legend: { top: 0 },
    tooltip: {
      trigger: 'axis',
      formatter: (ps: unknown) => {
        const m = vm[(ps as { dataIndex: number }[])[0].dataIndex];
        return html`${monthHeading(m.period, partial)}<br/>${tooltipRows([
          ['集采药品金额', yuan(m.vbpAmount)],
          ['非集采金额', yuan(m.amount - m.vbpAmount)],
          ['集采占比', pctText(pct(m.vbpAmount, m.amount))],
          ['节约金额', yuan(m.savings)],
        ])}`.text;
      },
    },
    xAxis: monthCategoryAxis(monthAxis(vm.map((m) => m.period))),
    yAxis: [
      { type: 'value', name: '元', axisLabel: { formatter: yuanAxis } },
      { type: 'value', name: '占比', min: 0, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
    ],
    series: [
      {
        name: '集采药品',
        type: 'bar',
        stack: 'a',
        data: vm.map((m) => barValue(m.vbpAmount, BLUE, m.period === partial.period)),
        itemStyle: { color: BLUE },
        barMaxWidth: 36,
      },
      {
        name: '非集采药品',
        type: 'bar',
        stack: 'a',
        data: vm.map((m) => barValue(m.amount - m.vbpAmount, GREY, m.period === partial.period)),
        itemStyle: { color: GREY },
      },
      {
        name: '节约金额',
        type: 'bar',
        data: vm.map((m) => barValue(m.savings, GREEN, m.period === partial.period)),
        itemStyle: { color: GREEN },
        barMaxWidth: 20,
      },
      ...trendLine(
        '集采占比',
        vm.map((m) => pct(m.vbpAmount, m.amount)),
        ORANGE,
        vm.findIndex((m) => m.period === partial.period),
        { yAxisIndex: 1 },
      ),
    ],
  };
  const so = d.stockouts.clinics;
  const stockouts: ChartOption = {
    grid,
    tooltip: {
      trigger: 'axis',
      formatter: (ps: unknown) => {
        const c = so[(ps as { dataIndex: number }[])[0].dataIndex];
        return html`${c.clinicName}<br/>${tooltipRows([
          ['断货天数（药品·天）', String(c.stockoutDays)],
          ['断过货的药品', `${c.drugsOut} / ${c.formularyDrugs} 种`],
        ])}`.text;
      },
    },
    xAxis: { type: 'category', data: so.map((c) => c.clinicName.replace('村卫生室', '')), axisLabel: { interval: 0, rotate: so.length > 8 ? 40 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: '断货天数',
        type: 'bar',
        barMaxWidth: 28,
        data: so.map((c) => ({ value: c.stockoutDays, itemStyle: { color: c.stockoutDays > 0 ? ORANGE : GREEN } })),
      },
    ],
  };
  // The trend draws the clinics that used the most over the range (22 lines are unreadable); the rest are in the table.
  const ranked = [...d.consumption.clinics].sort((a, b) => b.amount - a.amount || a.clinicCode.localeCompare(b.clinicCode));
  const topClinics = ranked.filter((c) => c.amount > 0).slice(0, TOP_CLINICS);
  const cm = new Map(d.consumption.months.map((m) => [`${m.clinicId}:${m.period}`, m.amount]));
  const consumptionPartial = periods.indexOf(partial.period);
  const consumptionSeries = topClinics.flatMap((c, i) =>
    trendLine(
      c.clinicName.replace('村卫生室', ''),
      periods.map((p) => cm.get(`${c.clinicId}:${p}`) ?? 0),
      lineColor(i),
      consumptionPartial,
      { symbolSize: 8 },
    ).map((s) => ({ series: s, clinicId: c.clinicId })),
  );
  const consumption: ChartOption = {
    grid: { ...grid, top: 56 },
    legend: { top: 0, type: 'scroll' },
    tooltip: {
      trigger: 'axis',
      formatter: (ps: unknown) => {
        // One point (an item's tooltip) or the whole column (the axis's).
        if (!Array.isArray(ps)) {
          const x = ps as { seriesName: string; name: string; value: number };
          return html`${x.seriesName} ${x.name}<br/>用药金额：<b>${yuan(x.value)}</b>`.text;
        }
        const p = periods[(ps as { dataIndex: number }[])[0].dataIndex];
        return html`${monthHeading(p, partial)}<br/>${tooltipRows(topClinics.map((c) => [c.clinicName, yuan(cm.get(`${c.clinicId}:${p}`) ?? 0)]))}`.text;
      },
    },
    xAxis: monthCategoryAxis(monthAxis(periods)),
    yAxis: { type: 'value', name: '元', axisLabel: { formatter: yuanAxis } },
    series: consumptionSeries.map((s) => s.series),
  };
  /** The clinic of each series of the consumption trend (by series index), for its clicks. */
  const consumptionClinics = consumptionSeries.map((s) => s.clinicId);
  const ne = d.nearExpiry.stores;
  const nearExpiry: ChartOption = {
    grid,
    tooltip: {
      trigger: 'axis',
      formatter: (ps: unknown) => {
        const s = ne[(ps as { dataIndex: number }[])[0].dataIndex];
        return html`${s.storeName}<br/>${tooltipRows([
          ['近效期金额', yuan(s.value)],
          ['其中已过期', yuan(s.expiredValue)],
          ['批次数', String(s.lots)],
        ])}`.text;
      },
    },
    xAxis: {
      type: 'category',
      data: ne.map((s) => s.storeName.replace('村卫生室', '').replace('中心药库', '中心库')),
      axisLabel: { interval: 0, rotate: ne.length > 8 ? 40 : 0 },
    },
    yAxis: { type: 'value', name: '元', axisLabel: { formatter: yuanAxis } },
    series: [
      { name: '未过期', type: 'bar', stack: 'a', barMaxWidth: 28, data: ne.map((s) => s.value - s.expiredValue), itemStyle: { color: ORANGE } },
      { name: '已过期', type: 'bar', stack: 'a', data: ne.map((s) => s.expiredValue), itemStyle: { color: RED } },
    ],
  };
  const am = d.accuracy.months;
  const accuracy: ChartOption = {
    grid,
    tooltip: {
      trigger: 'axis',
      formatter: (ps: unknown) => {
        const m = am[(ps as { dataIndex: number }[])[0].dataIndex];
        return html`${monthHeading(m.period, partial)}<br/>${tooltipRows([
          ['相符率', bpText(m.matchRateBp)],
          ['盘点批次行', `${m.matchedLines} / ${m.countedLines} 相符`],
        ])}`.text;
      },
    },
    xAxis: monthCategoryAxis(monthAxis(am.map((m) => m.period))),
    yAxis: { type: 'value', min: 50, max: 100, axisLabel: { formatter: '{value}%' } },
    series: trendLine(
      '相符率',
      am.map((m) => (m.matchRateBp === null ? null : m.matchRateBp / 100)),
      BLUE,
      am.findIndex((m) => m.period === partial.period),
      { symbolSize: 10 },
    ).map((s, i) =>
      i === 0
        ? { ...s, markLine: { silent: true, symbol: 'none', lineStyle: { color: GREEN, type: 'dashed' }, label: { formatter: '95%' }, data: [{ yAxis: 95 }] } }
        : s,
    ),
  };
  return { periods, insuranceMonths, insuranceClinics, vbp, stockouts, consumption, consumptionClinics, ranked, topClinics, nearExpiry, accuracy };
}
