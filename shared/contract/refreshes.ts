/**
 * What a write changes, for the screens that show it. After a write succeeds, the pages re-read every query of the
 * method families its family touches (the queries on screen are fetched again, the others marked stale). Declared
 * once here for every family that writes, so no screen keeps a list of its own that can miss one (dispensing once
 * left the stock card stale). tests/unit/refreshes.test.ts: every family with a write method is here, and every
 * family named exists in the contract.
 */

/** Everything the ledger feeds: a posting of stock changes what each of these shows. */
const BOOKS = [
  'stock',
  'statements',
  'trace',
  'workbench',
  'supervision',
  'reconciliation',
  'insuranceExport',
  'periods',
  'quarantine',
  'dispensing',
  'receipts',
  'deliveries',
  'returns',
  'writeoffs',
  'stocktakes',
] as const;

export const REFRESHES: Record<string, readonly string[]> = {
  system: ['system', 'workbench'],
  setup: ['system', 'auth'],
  auth: ['auth', 'users', 'workbench'],
  users: ['users', 'auth', 'audit', 'clinics'],
  clinics: ['clinics', 'stock', 'workbench', 'users'],
  purchasing: ['purchasing', 'requisitions'],
  requisitions: ['requisitions', 'aggregation', 'workbench'],
  aggregation: ['aggregation', 'requisitions', 'orders', 'workbench'],
  orders: ['orders', 'aggregation', 'requisitions', 'receipts', 'workbench'],
  stock: ['stock', 'workbench'],
  receipts: [...BOOKS, 'orders', 'gsp', 'suppliers', 'payments', 'catalog'],
  deliveries: [...BOOKS, 'requisitions'],
  dispensing: [...BOOKS, 'catalog'],
  returns: [...BOOKS, 'suppliers', 'payments'],
  writeoffs: BOOKS,
  trace: ['trace', 'catalog'],
  stocktakes: BOOKS,
  payments: ['payments', 'statements', 'periods', 'workbench'],
  periods: [...BOOKS, 'payments', 'prefecture'],
  backup: ['backup', 'workbench'],
  catalog: ['catalog', 'stock', 'suppliers', 'requisitions'],
  suppliers: ['suppliers', 'catalog', 'orders', 'requisitions'],
  supervision: ['supervision', 'workbench'],
  reconciliation: [...BOOKS, 'system'],
  gsp: ['gsp', 'catalog', 'stock', 'receipts'],
  quarantine: BOOKS,
  storage: ['storage', 'workbench', 'supervision'],
  prefecture: ['prefecture'],
};

/** The families a write method's success makes stale: its own family's entry (its family when none is declared). */
export function familiesRefreshedBy(method: string): Set<string> {
  const family = method.split('.')[0];
  return new Set([family, ...(REFRESHES[family] ?? [])]);
}
