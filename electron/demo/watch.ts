/**
 * The pharmacist's own 常用药 levels at a few clinics, set through the real handler after the history is
 * played: the 库存预警 and 常用药与上下限 screens show suggested levels beside ones a person set.
 */
import type { Runtime } from '../runtime';
import { InternalClient } from '../api/internal';

export async function setDemoStoreLevels(runtime: Runtime): Promise<void> {
  const ph = InternalClient.asUser(runtime, 'yaoku');
  const clinics = (await ph.call('stock.stores', {})).filter((s) => s.kind === 'clinic').slice(0, 3);
  for (const store of clinics) {
    const list = await ph.call('stock.watchList', { storeId: store.id, pageSize: 20 });
    const [first, second] = list.rows.filter((w) => w.suggestedMin !== null && w.suggestedMax !== null);
    // A drug the doctor wants more of on the shelf than its use suggests: one more pack on both levels.
    if (first)
      await ph.call('stock.setWatch', {
        storeId: store.id,
        drugId: first.drugId,
        watched: true,
        minQty: first.suggestedMin! + first.packSize,
        maxQty: first.suggestedMax! + first.packSize,
      });
    // A drug used only in season: taken off the list, its stock-outs no longer flagged.
    if (second) await ph.call('stock.setWatch', { storeId: store.id, drugId: second.drugId, watched: false, minQty: null, maxQty: null });
  }
}
