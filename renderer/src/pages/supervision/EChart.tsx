/**
 * A thin wrapper around echarts/core with only the chart types the supervision screens use (tree-shaken),
 * rendered to canvas (no eval, fine under the app's CSP). Resizes with its box; clicks report the item.
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
  seriesName?: string;
  seriesIndex?: number;
  dataIndex: number;
  name: string;
}

export function EChart({ option, height = 260, onClick, label }: { option: ChartOption; height?: number; onClick?: (p: ChartClick) => void; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    const el = box.current!;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => click.current?.({ seriesName: p.seriesName, seriesIndex: p.seriesIndex, dataIndex: p.dataIndex, name: p.name }));
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // Tooltips stay inside the chart (on a phone they otherwise run off the screen's edge) and wrap long names.
    const tooltip =
      option.tooltip && !Array.isArray(option.tooltip)
        ? { confine: true, extraCssText: 'max-width: 280px; white-space: normal;', ...option.tooltip }
        : option.tooltip;
    chart.current?.setOption({ animation: false, textStyle: { fontFamily: 'inherit' }, ...option, tooltip }, true);
  }, [option]);

  return <div ref={box} role="img" aria-label={label} className="echart" style={{ height, width: '100%', cursor: onClick ? 'pointer' : undefined }} />;
}
