import type { Handlers } from '../domain/context';
import { authHandlers } from '../domain/auth/handlers';
import { userHandlers } from '../domain/users/handlers';
import { clinicHandlers } from '../domain/clinics/handlers';
import { purchasingHandlers } from '../domain/purchasing/handlers';
import { auditHandlers } from '../domain/audit/handlers';
import { systemHandlers } from '../domain/system/handlers';
import { stockHandlers } from '../domain/stock/handlers';
import { stocktakeHandlers } from '../domain/stocktake/handlers';
import { settlementHandlers } from '../domain/settlement/handlers';
import { workbenchHandlers } from '../domain/workbench/handlers';
import { backupHandlers } from '../domain/backup/handlers';
import { catalogHandlers } from '../domain/catalog/handlers';
import { supplierHandlers } from '../domain/suppliers/handlers';
import { insuranceExportHandlers } from '../domain/insurance-export/handlers';
import { supervisionHandlers } from '../domain/supervision/handlers';
import { reconciliationHandlers } from '../domain/reconciliation/handlers';
import { gspHandlers } from '../domain/gsp/handlers';
import { prefectureHandlers } from '../domain/prefecture/handlers';

/** Every contract method's handler. The type fails to check if a method has none. */
export const handlers: Handlers = {
  ...authHandlers,
  ...userHandlers,
  ...clinicHandlers,
  ...purchasingHandlers,
  ...auditHandlers,
  ...systemHandlers,
  ...stockHandlers,
  ...stocktakeHandlers,
  ...settlementHandlers,
  ...workbenchHandlers,
  ...backupHandlers,
  ...catalogHandlers,
  ...supplierHandlers,
  ...insuranceExportHandlers,
  ...supervisionHandlers,
  ...reconciliationHandlers,
  ...gspHandlers,
  ...prefectureHandlers,
};
