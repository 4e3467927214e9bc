-- Indexes found by timing every screen on the ten-year benchmark hub (BENCHMARKS.md).
--
-- The hub's 用药登记 list for all clinics, and the supervision rules over a month of every clinic's
-- dispensing, read `dispensings` by business date. The only index began with clinic_id, so with no clinic
-- named SQLite scanned every entry ever made: 3.8 million at ten years, a minute from a cold disk while the
-- server answered nobody else (BENCHMARKS.md). With this index they read only the days asked for.
CREATE INDEX dispensings_date ON dispensings (business_date);

-- The shortage rule looks back months of a clinic's count shortages (盘亏). They are a handful of rows among
-- a store's hundreds of thousands, which the (store_id, drug_id, …) index could only walk through.
CREATE INDEX ledger_count_shortages ON ledger (store_id, period) WHERE movement = 'count_shortage';

-- The supervision dashboard's insurance and 集采 shares read a range of months of receipts (hub-wide) and of
-- deliveries (per clinic) by business date; with no index on the date they read every line ever received.
-- The receipts list (newest first, optionally from a date) walks the same index.
CREATE INDEX receipts_date ON receipts (business_date);
CREATE INDEX deliveries_date ON deliveries (business_date);
