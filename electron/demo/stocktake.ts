/**
 * Spot checks for the demo hub's history, run through the real handlers like a pharmacist and a village
 * doctor would: draw, count (blind), a recount now and then, approval with reasons.
 *
 * The shelf is the book with a few realistic differences: most lots match; now and then a few tablets
 * short (dispensed and not recorded), a box damaged, a few over (recorded but not given), or a slip of the
 * counter that a recount puts right. The simulator moves the clock; this uses whatever "today" is.
 */
import type { InternalClient } from '../api/internal';
import type { VarianceReason } from '../../shared/stocktake';
import { mulberry32 } from '../domain/stocktake/selection';

export interface DemoSpotCheckOptions {
  /** Drugs to draw (default 6). */
  sampleSize?: number;
  /** Makes the invented shelf differences reproducible. */
  seed: number;
  /** Who counts (default: the clinic's doctor, blind). */
  counterMode?: 'self' | 'onsite';
  /** Share of lots that differ from the book, in percent (default 15). */
  variancePercent?: number;
}

export interface DemoSpotCheckResult {
  id: number;
  docNo: string;
  lines: number;
  variances: number;
}

type Slip = { delta: number; reason: VarianceReason | 'slip'; note: string | null };

function inventSlip(rand: () => number, book: number, packSize: number): Slip {
  const r = rand();
  if (r < 0.4 && book > 0) return { delta: -Math.min(book, 1 + Math.floor(rand() * 4)), reason: 'unrecorded_dispensing', note: '忙时发药未及时登记' };
  if (r < 0.55 && book >= packSize && packSize > 1) return { delta: -packSize, reason: 'damaged', note: '整盒受潮，未报损' };
  if (r < 0.7) return { delta: 1 + Math.floor(rand() * 3), reason: 'over_recorded', note: '登记数量多于实际发药' };
  if (r < 0.8 && book > 0) return { delta: -Math.min(book, 1 + Math.floor(rand() * 2)), reason: 'expired_unreported', note: '过期药品已丢弃，未报损' };
  // A counting slip that the reviewer sends back and the recount puts right.
  return { delta: rand() < 0.5 && book > 0 ? -1 : 1, reason: 'slip', note: null };
}

/**
 * Runs one spot check at a clinic from draw to approval. `pharmacist` draws, reviews and approves (and
 * counts when on site); `doctor` is that clinic's village doctor (counts a self-count).
 */
export async function runDemoSpotCheck(
  clients: { pharmacist: InternalClient; doctor: InternalClient },
  clinicId: number,
  opts: DemoSpotCheckOptions,
): Promise<DemoSpotCheckResult> {
  const rand = (() => {
    const next = mulberry32(opts.seed >>> 0);
    return () => next() / 2 ** 32;
  })();
  const mode = opts.counterMode ?? 'self';
  const counter = mode === 'self' ? clients.doctor : clients.pharmacist;

  // The shelf: the book as the hub sees it before the draw (once the pharmacist has drawn a count they go to
  // count, they are blind to it), with a few invented differences.
  const stores = await clients.pharmacist.call('stock.stores', {});
  const storeId = stores.find((s) => s.kind === 'clinic' && s.clinicId === clinicId)!.id;
  const lots = new Map<number, number>();
  for (let page = 1; ; page++) {
    const onHand = await clients.pharmacist.call('stock.onHand', { storeId, filter: 'in_stock', page, pageSize: 500 });
    for (const row of onHand.rows) for (const lot of row.lots) lots.set(lot.lotId, lot.qty);
    if (page * 500 >= onHand.total) break;
  }
  const st = await clients.pharmacist.call('stocktakes.create', { kind: 'spot', clinicId, sampleSize: opts.sampleSize ?? 6, counterMode: mode, blind: true });
  const slips = new Map<number, Slip>();
  for (const line of st.lines) {
    if (rand() * 100 < (opts.variancePercent ?? 15)) slips.set(line.id, inventSlip(rand, lots.get(line.lotId) ?? 0, line.packSize));
  }
  const shelf = (lineId: number, lotId: number) => Math.max(0, (lots.get(lotId) ?? 0) + (slips.get(lineId)?.delta ?? 0));
  await counter.call('stocktakes.count', { id: st.id, entries: st.lines.map((l) => ({ lineId: l.id, countedQty: shelf(l.id, l.lotId), note: null })) });
  await counter.call('stocktakes.submit', { id: st.id });

  // Counting slips go back for a recount, which finds the book right.
  const slipLines = st.lines.filter((l) => slips.get(l.id)?.reason === 'slip');
  if (slipLines.length > 0) {
    await clients.pharmacist.call('stocktakes.requestRecount', { id: st.id, lineIds: slipLines.map((l) => l.id), reason: '差异较小，请再数一次' });
    await counter.call('stocktakes.count', { id: st.id, entries: slipLines.map((l) => ({ lineId: l.id, countedQty: lots.get(l.lotId) ?? 0, note: '复盘' })) });
    await counter.call('stocktakes.submit', { id: st.id });
  }

  const review = await clients.pharmacist.call('stocktakes.get', { id: st.id });
  const reasons = review.lines
    .filter((l) => l.variance !== null && l.variance !== 0)
    .map((l) => {
      const slip = slips.get(l.id);
      const reasonCode: VarianceReason = slip && slip.reason !== 'slip' ? slip.reason : 'count_error';
      return { lineId: l.id, reasonCode, reasonNote: slip && slip.reason !== 'slip' ? slip.note : null };
    });
  const approved = await clients.pharmacist.call('stocktakes.approve', { id: st.id, reasons, note: reasons.length ? '差异已与村医核实' : null });
  return { id: approved.id, docNo: approved.docNo, lines: approved.lines.length, variances: reasons.length };
}
