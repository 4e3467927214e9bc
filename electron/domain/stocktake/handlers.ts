import { defineHandlers } from '../context';
import { clinicScope } from '../scope';
import { accessibleStore } from '../stock/common';
import { accuracy } from './accuracy';
import { addLine, foundLots, recordCounts, submitCount } from './counting';
import { createStocktake } from './create';
import { accessibleHead, listStocktakes, stocktakeDetail } from './read';
import { approveStocktake, cancelStocktake, requestRecount, verifySelection } from './review';

export const stocktakeHandlers = defineHandlers({
  'stocktakes.create': createStocktake,
  'stocktakes.list': (ctx, input) => {
    if (input.storeId) accessibleStore(ctx, input.storeId);
    return listStocktakes(ctx, { ...input, clinicId: clinicScope(ctx, input.clinicId) });
  },
  'stocktakes.get': (ctx, input) => stocktakeDetail(ctx, accessibleHead(ctx, input.id).id),
  'stocktakes.count': recordCounts,
  'stocktakes.foundLots': foundLots,
  'stocktakes.addLine': addLine,
  'stocktakes.submit': submitCount,
  'stocktakes.requestRecount': requestRecount,
  'stocktakes.approve': approveStocktake,
  'stocktakes.cancel': cancelStocktake,
  'stocktakes.verifySelection': verifySelection,
  'stocktakes.accuracy': accuracy,
});
