import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCharts } from '../../renderer/src/pages/supervision/dashboardCharts';
import { escapeHtml, html, tooltipRows } from '../../renderer/src/pages/supervision/tooltip';
import { createClinic, createTestHub, type TestHub } from '../helpers/runtime';

/**
 * Names typed by users reach the supervision charts' tooltips, which ECharts inserts as HTML (issue 19, item 10).
 * The dashboard of a real hub whose clinic is named like an attack: every tooltip shows the name as text.
 */
const HOSTILE = `<img src=x onerror="alert('三统')">村卫生室`;
let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub();
  await createClinic(hub, 'C01', HOSTILE);
  await createClinic(hub, 'C02', '东村卫生室');
});
afterAll(() => hub.close());

type Formatter = (p: unknown) => string;
const formatterOf = (option: unknown) => (option as { tooltip: { formatter: Formatter } }).tooltip.formatter;

describe('chart tooltips', () => {
  it('show a clinic named like an HTML element as text, in every chart that names clinics or stores', async () => {
    const d = await hub.admin.call('supervision.dashboard', { from: '2026-01', to: '2026-03' });
    // Only stores holding near-expiry lots are listed, and this hub holds none: the clinic's store as one would be.
    const store = { storeId: 2, storeName: HOSTILE, clinicId: 1, value: 1000, expiredValue: 0, lots: 1 };
    d.nearExpiry.stores.push(store as (typeof d.nearExpiry.stores)[number]);
    const charts = buildCharts(d, (id) => (id === 1 ? HOSTILE : String(id)));
    const shown: string[] = [];
    for (const [key, list] of [
      ['insuranceClinics', d.insurance.clinics],
      ['stockouts', d.stockouts.clinics],
      ['nearExpiry', d.nearExpiry.stores],
    ] as const) {
      const at = list.findIndex((row) => JSON.stringify(row).includes('<img'));
      expect(at, `${key} lists the clinic`).toBeGreaterThanOrEqual(0);
      shown.push(formatterOf(charts[key])([{ dataIndex: at }]));
    }
    shown.push(formatterOf(charts.consumption)({ seriesName: HOSTILE, name: '3月', value: 12345 }));
    for (const text of shown) {
      expect(text).toContain('&lt;img src=x onerror=&quot;alert(&#39;三统&#39;)&quot;&gt;');
      expect(text).not.toMatch(/<img/i);
    }
    // The markup the tooltips are made of stays markup.
    expect(shown[0]).toMatch(/^&lt;img.*村卫生室<br\/>配送金额：<b>¥0\.00<\/b><br\/>/);
  });

  it('escape every value put into them, and only once', () => {
    expect(escapeHtml(`a&b<c>"d"'e'`)).toBe('a&amp;b&lt;c&gt;&quot;d&quot;&#39;e&#39;');
    const rows = tooltipRows([['<b>名称</b>', '<script>x</script>']]);
    expect(rows.text).toBe('&lt;b&gt;名称&lt;/b&gt;：<b>&lt;script&gt;x&lt;/script&gt;</b>');
    expect(html`${'<i>'}<br/>${rows}`.text).toBe(`&lt;i&gt;<br/>${rows.text}`);
  });
});
