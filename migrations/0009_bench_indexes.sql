-- Indexes found by the ten-year benchmark (BENCHMARKS.md).
--
-- The drugs a store moved lately ("watched" drugs: stock on hand with the all / below-minimum / out-of-stock
-- filters, and the stock alerts page) were read as `stock_period_totals WHERE store_id = ? AND period >= ?`.
-- The primary key (store_id, drug_id, period, movement) can seek only on store_id, so the query walked every
-- month the store ever had: ten years of a clinic's totals to find six months' drugs, for each store.
-- With (store_id, period) it reads only the months asked for, however many years are kept.
CREATE INDEX stock_period_totals_store_period ON stock_period_totals (store_id, period, drug_id);

-- A supplier's statement looks for the receipts reversed in the month. A receipt can be reversed in any
-- later open month, so its own date does not bound the search, and the (supplier_id, business_date)
-- index walked every receipt of the supplier's years to find the few reversed ones. Only those are here.
CREATE INDEX receipts_reversed ON receipts (supplier_id, reversed_at) WHERE status = 'reversed';
