/**
 * HTML for chart tooltips. ECharts puts a formatter's string into the page as HTML, and clinic, store and drug
 * names are typed by users: every value interpolated into `html` is escaped, except HTML that `html` itself made.
 */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ENTITIES[c]);

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let text = strings[0];
  values.forEach((v, i) => {
    text += (v instanceof SafeHtml ? v.text : escapeHtml(String(v ?? ''))) + strings[i + 1];
  });
  return new SafeHtml(text);
}

/** `label：<b>value</b>` lines, both escaped. */
export function tooltipRows(rows: [string, string][]): SafeHtml {
  return new SafeHtml(rows.map(([k, v]) => html`${k}：<b>${v}</b>`.text).join('<br/>'));
}
