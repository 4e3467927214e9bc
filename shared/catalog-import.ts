/**
 * How a catalog import writes its drugs (electron/domain/catalog/import-batches.ts): up to ONE_TRANSACTION_UP_TO in
 * one transaction, all or nothing; more in batches of ROWS_PER_BATCH, each its own transaction. The import dialog
 * says which it will be.
 */
export const CATALOG_IMPORT_ONE_TRANSACTION_UP_TO = 10_000;
export const CATALOG_IMPORT_ROWS_PER_BATCH = 2_000;

/** Whether an import writing `drugs` new and updated drugs writes them in batches. */
export const catalogImportInBatches = (drugs: number) => drugs > CATALOG_IMPORT_ONE_TRANSACTION_UP_TO;
