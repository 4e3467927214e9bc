import type { MethodOutput } from '../../../../shared/contract';
import type { ChartOption } from './EChart';
import { bpText, monthLabel, pct, pctText, yuan, yuanAxis } from './format';
import { html, tooltipRows } from './tooltip';

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

const pctAxis = { type: 'value' as const, min: 0, max: 100, axisLabel: { formatter: '{value}%' } };
const grid = { left: 48, right: 24, top: 40, bottom: 32, containLabel: true };

/** The dashboard's charts; tooltips are built with `html`, so names typed by users stay text. */
export function buildCharts(d: Dashboard, clinicName: (id: number) => string) {
  const months = d.insurance.months;
  const periods = months.map((m) => m.period);
  const insuranceMonths: ChartOption = {
    grid,
    legend: { top: 0 },
    tooltip: {
      trigger: 'axis',
      formatter: (ps: unknown) => {
        const i = (ps as { dataIndex: number }[])[0].dataIndex;
        const m = months[i];
        return html`${m.period}<br/>${tooltipRows([
          ['采购金额', yuan(m.amount)],
          ['目录内金额', yuan(m.catalogAmount)],
          ['金额占比', pctText(pct(m.catalogAmount, m.amount))],
          ['品种', `${m.catalogItems} / ${m.items}`],
          ['品种占比', pctText(pct(m.catalogItems, m.items))],
        ])}`.text;
      },
    },
    xAxis: { type: 'category', data: periods.map(monthLabel) },
    yAxis: pctAxis,
    series: [
      {
        name: '金额占比',
        type: 'bar',
        data: months.map((m) => pct(m.catalogAmount, m.amount)),
        itemStyle: { color: BLUE },
        markLine: targetLine,
        barMaxWidth: 36,
      },
      { name: '品种占比', type: 'line', data: months.map((m) => pct(m.catalogItems, m.items)), itemStyle: { color: GREEN }, connectNulls: false },
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
        return html`${m.period}<br/>${tooltipRows([
          ['集采药品金额', yuan(m.vbpAmount)],
          ['非集采金额', yuan(m.amount - m.vbpAmount)],
          ['集采占比', pctText(pct(m.vbpAmount, m.amount))],
          ['节约金额', yuan(m.savings)],
        ])}`.text;
      },
    },
    xAxis: { type: 'category', data: vm.map((m) => monthLabel(m.period)) },
    yAxis: [
      { type: 'value', name: '元', axisLabel: { formatter: yuanAxis } },
      { type: 'value', name: '占比', min: 0, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
    ],
    series: [
      { name: '集采药品', type: 'bar', stack: 'a', data: vm.map((m) => m.vbpAmount), itemStyle: { color: BLUE }, barMaxWidth: 36 },
      { name: '非集采药品', type: 'bar', stack: 'a', data: vm.map((m) => m.amount - m.vbpAmount), itemStyle: { color: GREY } },
      { name: '节约金额', type: 'bar', data: vm.map((m) => m.savings), itemStyle: { color: GREEN }, barMaxWidth: 20 },
      { name: '集采占比', type: 'line', yAxisIndex: 1, data: vm.map((m) => pct(m.vbpAmount, m.amount)), itemStyle: { color: ORANGE } },
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
  const consumptionClinics = [...new Set(d.consumption.months.map((m) => m.clinicId))];
  const cm = new Map(d.consumption.months.map((m) => [`${m.clinicId}:${m.period}`, m.amount]));
  const consumption: ChartOption = {
    grid: { ...grid, top: 56 },
    legend: { top: 0, type: 'scroll' },
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const x = p as { seriesName: string; name: string; value: number };
        return html`${x.seriesName} ${x.name}<br/>用药金额：<b>${yuan(x.value)}</b>`.text;
      },
    },
    xAxis: { type: 'category', data: periods.map(monthLabel) },
    yAxis: { type: 'value', name: '元', axisLabel: { formatter: yuanAxis } },
    series: consumptionClinics.map((id) => ({
      name: clinicName(id).replace('村卫生室', ''),
      type: 'line' as const,
      symbolSize: 8,
      data: periods.map((p) => cm.get(`${id}:${p}`) ?? 0),
    })),
  };
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
        return html`${m.period}<br/>${tooltipRows([
          ['相符率', bpText(m.matchRateBp)],
          ['盘点批次行', `${m.matchedLines} / ${m.countedLines} 相符`],
        ])}`.text;
      },
    },
    xAxis: { type: 'category', data: am.map((m) => monthLabel(m.period)) },
    yAxis: { type: 'value', min: 50, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      {
        name: '相符率',
        type: 'line',
        symbolSize: 10,
        data: am.map((m) => (m.matchRateBp === null ? null : m.matchRateBp / 100)),
        itemStyle: { color: BLUE },
        markLine: { silent: true, symbol: 'none', lineStyle: { color: GREEN, type: 'dashed' }, label: { formatter: '95%' }, data: [{ yAxis: 95 }] },
      },
    ],
  };
  return { periods, insuranceMonths, insuranceClinics, vbp, stockouts, consumption, consumptionClinics, nearExpiry, accuracy };
}
