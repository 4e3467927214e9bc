/**
 * A thin wrapper around echarts/core with only the chart types the supervision screens use (tree-shaken),
 * rendered to canvas (no eval, fine under the app's CSP). Resizes with its box.
 *
 * Clicks: on a bar or point they report the item; anywhere else in a column of the category axis (the empty space
 * above a short bar, the axis label under it) they report that column, so a small value is as easy to open as a
 * large one. Hovering shades the whole column, which says as much.
 */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, MarkAreaComponentOption, MarkLineComponentOption, TooltipComponentOption } from 'echarts/components';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | MarkAreaComponentOption | MarkLineComponentOption | TooltipComponentOption
>;

export interface ChartClick {
  /** Set when a bar or point itself was clicked; undefined for a click elsewhere in its column. */
  seriesName?: string;
  seriesIndex?: number;
  /** The column: the index in the category axis. */
  dataIndex: number;
  name: string;
}

interface EventParams {
  componentType?: string;
  targetType?: string;
  seriesName?: string;
  seriesIndex?: number;
  dataIndex?: number;
  tickIndex?: number;
  name?: string;
  value?: unknown;
}

/** The category axis's labels, to name a column clicked off its bar. */
function categories(option: ChartOption): string[] {
  const x = Array.isArray(option.xAxis) ? option.xAxis[0] : option.xAxis;
  const data = (x as { data?: unknown[] } | undefined)?.data ?? [];
  return data.map((d) => (d !== null && typeof d === 'object' && 'value' in d ? String((d as { value: unknown }).value) : String(d)));
}

/** Distinct legend entries: a series drawn in two parts (solid, then dashed for the month so far) counts once. */
const seriesNames = (option: ChartOption) =>
  new Set((Array.isArray(option.series) ? option.series : option.series ? [option.series] : []).map((s, i) => s.name ?? `#${i}`)).size;

/**
 * Where each column's middle is drawn (x, in CSS pixels from the chart's left), as `data-columns`: what a reader of
 * the page (a test, an accessibility tool) cannot get from the canvas.
 */
function markColumns(c: echarts.ECharts, el: HTMLElement, count: number) {
  const xs: number[] = [];
  for (let i = 0; i < count; i++) {
    const x = c.convertToPixel({ xAxisIndex: 0 }, i) as unknown;
    if (typeof x === 'number' && Number.isFinite(x)) xs.push(Math.round(x));
  }
  el.dataset.columns = xs.join(',');
}

export function EChart({
  option,
  height = 260,
  onClick,
  label,
  testId,
}: {
  option: ChartOption;
  height?: number;
  onClick?: (p: ChartClick) => void;
  label: string;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;
  const clickable = onClick !== undefined;
  const names = useRef<string[]>([]);
  names.current = categories(option);

  useEffect(() => {
    const el = box.current!;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    // One DOM click reaches both handlers below, in an order ECharts does not promise: the chart's (an item or an
    // axis label was hit) and the canvas's (anywhere). The canvas's waits for the end of the event, then reports the
    // item if there was one, else the column under the pointer.
    let hit: ChartClick | null = null;
    let pending = false;
    c.on('click', (raw) => {
      const p = raw as EventParams;
      if (p.componentType === 'series' && typeof p.dataIndex === 'number') {
        hit = { seriesName: p.seriesName, seriesIndex: p.seriesIndex, dataIndex: p.dataIndex, name: p.name ?? '' };
      } else if (p.componentType === 'xAxis' && p.targetType === 'axisLabel') {
        const i = p.dataIndex ?? p.tickIndex ?? names.current.indexOf(String(p.value));
        if (i >= 0) hit = { dataIndex: i, name: names.current[i] ?? String(p.value) };
      }
    });
    c.getZr().on('click', (e) => {
      if (pending) return;
      pending = true;
      const at = [e.offsetX, e.offsetY];
      queueMicrotask(() => {
        pending = false;
        const item = hit;
        hit = null;
        if (!click.current) return;
        if (item) return click.current(item);
        if (!c.containPixel('grid', at)) return;
        const x = c.convertFromPixel({ gridIndex: 0 }, at) as number[] | undefined;
        const count = names.current.length;
        if (!x || !Number.isFinite(x[0]) || count === 0) return;
        const i = Math.min(count - 1, Math.max(0, Math.round(x[0])));
        click.current({ dataIndex: i, name: names.current[i] });
      });
    });
    const ro = new ResizeObserver(() => {
      c.resize();
      markColumns(c, el, names.current.length);
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // Tooltips stay inside the chart (on a phone they otherwise run off the screen's edge) and wrap long names;
    // on a clickable chart an axis tooltip shades its whole column, the area a click opens.
    const base = option.tooltip && !Array.isArray(option.tooltip) ? option.tooltip : undefined;
    const tooltip = base
      ? {
          confine: true,
          extraCssText: 'max-width: 280px; white-space: normal;',
          ...(clickable && base.trigger === 'axis' && !base.axisPointer ? { axisPointer: { type: 'shadow' as const } } : {}),
          ...base,
        }
      : option.tooltip;
    // Axis labels report clicks too (a column is opened from its label as well as from its bar).
    const xAxis =
      !clickable || !option.xAxis
        ? option.xAxis
        : Array.isArray(option.xAxis)
          ? option.xAxis.map((a) => ({ ...a, triggerEvent: true }))
          : { ...option.xAxis, triggerEvent: true };
    const c = chart.current;
    if (!c) return;
    c.setOption({ animation: false, textStyle: { fontFamily: 'inherit' }, ...option, tooltip, xAxis } as ChartOption, true);
    markColumns(c, box.current!, names.current.length);
  }, [option, clickable]);

  return (
    <div
      ref={box}
      role="img"
      aria-label={label}
      aria-description={names.current.length ? `横轴：${names.current.join('、')}` : undefined}
      className="echart"
      data-testid={testId}
      data-series={seriesNames(option)}
      style={{ height, width: '100%', cursor: onClick ? 'pointer' : undefined }}
    />
  );
}
