/**
 * Hidden sheets, rows and columns of an OpenDocument spreadsheet, read from content.xml: SheetJS 0.20.3 reads
 * neither `table:visibility` nor a table style's `table:display="false"`.
 */

export interface OdsVisibility {
  name: string;
  hidden: boolean;
  /** Inclusive ranges of sheet rows (1-based); repeated rows stay one range however many they are. */
  hiddenRows: [number, number][];
  hiddenColumns: [number, number][];
}

const TAG = /<(\/?)(table:table|table:table-row|table:table-column|style:style|style:table-properties)(?=[\s/>])([^>]*)>/g;

const attr = (attrs: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(attrs)?.[1] ?? null;
const unescapeXml = (s: string) => s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);

export function odsVisibility(contentXml: string): OdsVisibility[] {
  const hiddenTableStyles = new Set<string>();
  const tables: (OdsVisibility & { style: string | null })[] = [];
  let style: string | null = null;
  let depth = 0; // table nesting: only the sheet level (1) counts rows and columns
  let row = 0;
  let col = 0;
  for (const m of contentXml.matchAll(TAG)) {
    const [, closing, tag, attrs] = m;
    const selfClosing = attrs.endsWith('/');
    if (tag === 'style:style') {
      if (closing) style = null;
      else if (!selfClosing && attr(attrs, 'style:family') === 'table') style = attr(attrs, 'style:name');
    } else if (tag === 'style:table-properties') {
      if (style && attr(attrs, 'table:display') === 'false') hiddenTableStyles.add(style);
    } else if (tag === 'table:table') {
      if (closing) depth--;
      else if (!selfClosing) {
        depth++;
        if (depth === 1) {
          tables.push({
            name: unescapeXml(attr(attrs, 'table:name') ?? ''),
            style: attr(attrs, 'table:style-name'),
            hidden: false,
            hiddenRows: [],
            hiddenColumns: [],
          });
          row = 0;
          col = 0;
        }
      }
    } else if (!closing && depth === 1) {
      const table = tables[tables.length - 1];
      const visibility = attr(attrs, 'table:visibility');
      const hidden = visibility === 'collapse' || visibility === 'filter';
      if (tag === 'table:table-row') {
        const repeated = Number(attr(attrs, 'table:number-rows-repeated') ?? 1) || 1;
        if (hidden) table.hiddenRows.push([row + 1, row + repeated]);
        row += repeated;
      } else {
        const repeated = Number(attr(attrs, 'table:number-columns-repeated') ?? 1) || 1;
        if (hidden) table.hiddenColumns.push([col + 1, col + repeated]);
        col += repeated;
      }
    }
  }
  return tables.map(({ style: s, ...t }) => ({ ...t, hidden: s !== null && hiddenTableStyles.has(s) }));
}

/** The numbers of a list of ranges that fall within 1…max. */
export function expandRanges(ranges: [number, number][], max: number): number[] {
  const out: number[] = [];
  for (const [from, to] of ranges) for (let n = from; n <= Math.min(to, max); n++) out.push(n);
  return out;
}
