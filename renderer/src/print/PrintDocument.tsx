/**
 * A4 print layout shared by every printed document (purchase orders, settlement statements, …).
 *
 * Usage:
 *   <PrintDocument
 *     hubName="青石镇卫生院" title="药品采购订单" docNo="CG-202611-0007"
 *     meta={[{ label: '配送企业', value: '国药控股湖南有限公司', span: 2 }, { label: '订单日期', value: '2026-11-22' }]}
 *     columns={[{ key: 'name', title: '通用名', render: (r) => r.name }, { key: 'amount', title: '金额（元）', align: 'right', render: (r) => formatFen(r.amount) }]}
 *     rows={lines} rowKey={(r) => r.id}
 *     totals={{ label: '合计', cells: { amount: formatFen(total) } }}
 *     amountInWordsFen={total}
 *   />
 *
 * What it guarantees on paper (Chromium / Electron):
 * - A4 (portrait or landscape) via `@page`, with "第 x 页 共 y 页" in the bottom margin box;
 * - the table header repeats on every page (thead is a table-header-group) and rows never split;
 * - a right-aligned cell (an amount, a quantity) never wraps inside its number: when it is wider than its
 *   column its type is made smaller until it fits (fitNumbers), so no figure is cut or split across lines;
 * - totals row, amount in Chinese capital numerals (大写金额, from integer fen via amountInWords),
 *   and signature lines (经办人 / 审核人 / 负责人 by default) kept together at the end.
 * Wrap it in <PrintPage> for the on-screen toolbar (print / back) that never prints.
 */
import { useLayoutEffect, useRef, type CSSProperties, type ReactNode } from 'react';
import { amountInWords, formatFen } from '../../../shared/money';
import { DEFAULT_SIGNATURES } from '../../../shared/signatures';
import './print.css';

export interface PrintColumn<T> {
  key: string;
  title: ReactNode;
  /** CSS width, e.g. '12%' or '18mm'. */
  width?: string;
  align?: 'left' | 'right' | 'center';
  render: (row: T, index: number) => ReactNode;
}

export interface PrintMeta {
  label: string;
  value: ReactNode;
  /** Columns of the 3-column meta grid this item spans. */
  span?: 1 | 2 | 3;
}

/**
 * A paper other than A4: the CSS page size, the sheet width on screen, and whether to print compactly
 * (smaller type and padding for short continuous-form pages, e.g. 241 mm × a third of 279.4 mm).
 */
export interface PrintPaper {
  size: string;
  width: string;
  compact: boolean;
}

export interface PrintDocumentProps<T> {
  hubName: string;
  title: string;
  docNo?: string;
  meta: PrintMeta[];
  columns: PrintColumn<T>[];
  rows: T[];
  rowKey: (row: T, index: number) => string | number;
  /** The totals row: a label in the first column, then cells by column key. */
  totals?: { label: ReactNode; cells: Record<string, ReactNode> };
  /** Total in fen, written out in capital numerals under the table. */
  amountInWordsFen?: number;
  /** What the amount in words is, e.g. '本月用药金额（应结算）'; '合计金额' by default. */
  amountInWordsLabel?: string;
  /** Free text under the table (terms, remarks). */
  notes?: ReactNode;
  signatures?: readonly string[];
  orientation?: 'portrait' | 'landscape';
  /** Another paper than A4 (overrides orientation), e.g. 241 mm continuous forms. */
  paper?: PrintPaper;
  /** Shown at the bottom right, e.g. '打印时间 2026-11-22 10:30'. */
  footer?: ReactNode;
  /** Large faint word across the page for documents that are not final, e.g. '草稿' or '作废'. */
  watermark?: string;
}

/** The smallest type a figure is shrunk to (px): below it a number is no longer readable on paper. */
const MIN_FIGURE_PX = 7;

/**
 * Shrinks the type of each figure wider than its cell until it fits. Measured on the sheet, which has the
 * printed width on screen too (PrintPage scales the whole sheet on a narrow screen rather than reflowing it).
 */
function fitNumbers(root: HTMLElement) {
  for (const fig of root.querySelectorAll<HTMLElement>('.print-fit')) {
    fig.style.fontSize = '';
    const cell = fig.parentElement!;
    const style = getComputedStyle(cell);
    const room = cell.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
    const need = fig.scrollWidth;
    if (need <= room || room <= 0) continue;
    const size = Number.parseFloat(getComputedStyle(fig).fontSize);
    fig.style.fontSize = `${Math.max(MIN_FIGURE_PX, Math.floor(((size * room) / need) * 10) / 10)}px`;
  }
}

/** A right-aligned cell's content: a figure, kept on one line and fitted to its column. */
const figure = (content: ReactNode) => (content === '' || content == null ? content : <span className="print-fit">{content}</span>);

export function PrintDocument<T>(p: PrintDocumentProps<T>) {
  const ref = useRef<HTMLElement>(null);
  // Every render: rows and totals may have changed; the fonts may arrive after the first layout.
  useLayoutEffect(() => {
    const root = ref.current;
    if (!root) return;
    fitNumbers(root);
    void document.fonts?.ready.then(() => ref.current && fitNumbers(ref.current));
  });
  const signatures = p.signatures ?? DEFAULT_SIGNATURES;
  const orientation = p.orientation ?? 'portrait';
  const labelSpan = p.totals
    ? Math.max(
        1,
        p.columns.findIndex((c) => c.key in p.totals!.cells),
      )
    : 0;
  return (
    <article
      ref={ref}
      className={`print-doc print-${orientation}${p.paper ? ' print-custom-paper' : ''}${p.paper?.compact ? ' print-compact' : ''}`}
      style={p.paper ? ({ width: `calc(${p.paper.width} - 16mm)` } satisfies CSSProperties) : undefined}
    >
      {/* @page cannot be scoped to an element: the page size follows the document being shown. */}
      <style>{p.paper ? `@page { size: ${p.paper.size};${p.paper.compact ? ' margin: 6mm 8mm 9mm 8mm;' : ''} }` : `@page { size: A4 ${orientation}; }`}</style>
      {p.watermark && <div className="print-watermark">{p.watermark}</div>}
      <header className="print-head">
        <div className="print-hub">{p.hubName}</div>
        <h1 className="print-title">{p.title}</h1>
        {p.docNo && <div className="print-docno">No. {p.docNo}</div>}
      </header>
      <dl className="print-meta">
        {p.meta.map((m) => (
          <div key={m.label} className={`print-meta-item span-${m.span ?? 1}`}>
            <dt>{m.label}：</dt>
            <dd>{m.value}</dd>
          </div>
        ))}
      </dl>
      <table className="print-table">
        <colgroup>
          {p.columns.map((c) => (
            <col key={c.key} style={c.width ? { width: c.width } : undefined} />
          ))}
        </colgroup>
        <thead>
          <tr>
            {p.columns.map((c) => (
              <th key={c.key} style={{ textAlign: c.align ?? 'center' }}>
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((row, i) => (
            <tr key={p.rowKey(row, i)}>
              {p.columns.map((c) => (
                <td key={c.key} style={{ textAlign: c.align ?? 'left' }} className={c.align === 'right' ? 'print-num' : undefined}>
                  {c.align === 'right' ? figure(c.render(row, i)) : c.render(row, i)}
                </td>
              ))}
            </tr>
          ))}
          {p.totals && (
            <tr className="print-totals">
              <td colSpan={labelSpan} style={{ textAlign: 'center' }}>
                {p.totals.label}
              </td>
              {p.columns.slice(labelSpan).map((c) => (
                <td key={c.key} style={{ textAlign: c.align ?? 'left' }} className={c.align === 'right' ? 'print-num' : undefined}>
                  {c.align === 'right' ? figure(p.totals!.cells[c.key] ?? '') : (p.totals!.cells[c.key] ?? '')}
                </td>
              ))}
            </tr>
          )}
          {p.amountInWordsFen !== undefined && (
            <tr className="print-words">
              <td colSpan={p.columns.length}>
                {p.amountInWordsLabel ?? '合计金额'}（大写）：<strong>{amountInWords(p.amountInWordsFen)}</strong>
                <span className="print-words-small">（小写：¥{formatFen(p.amountInWordsFen)}）</span>
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <section className="print-end">
        {p.notes && <div className="print-notes">{p.notes}</div>}
        <div className="print-signatures">
          {signatures.map((s) => (
            <div key={s} className="print-signature">
              <span>{s}：</span>
              <span className="print-signature-line" />
              <span className="print-signature-date">日期：</span>
              <span className="print-signature-line short" />
            </div>
          ))}
        </div>
        {p.footer && <div className="print-footer">{p.footer}</div>}
      </section>
    </article>
  );
}
