-- Month facts (月结数据): what every later read of a closed month needs, computed once when the month is
-- closed (and again at a re-close after a reopen), so that screens over closed months read a few rows
-- instead of the month's ledger. Only the open month is computed live.
--
-- A fact set is valid while its row in month_fact_sets exists: a reopen deletes the reopened months' sets,
-- a threshold change (or a clinic's rest days, for the closed-day rule) deletes that rule's signal sets of
-- every month. A month without a set is read live, exactly as before, until a close or a refill computes it.
-- These tables hold derived figures only; the ledger stays the record.

-- One row per month × kind of fact: 'figures' (store × drug), 'accuracy', 'export', 'signals:<rule>'.
CREATE TABLE month_fact_sets (
  period       TEXT NOT NULL,
  kind         TEXT NOT NULL,
  event_id     INTEGER NOT NULL REFERENCES period_events (id),  -- the close they belong to
  computed_at  TEXT NOT NULL,
  params       TEXT,                                            -- JSON: the rule's thresholds in force (signals)
  PRIMARY KEY (period, kind)
) STRICT, WITHOUT ROWID;

-- Per store × drug × month: the 三保 dashboard's figures. Purchases are the hub store's receipts and each
-- clinic store's deliveries; the drug's catalog class, 集采 mark and reference price as they stood at the
-- close (the month's figures do not move when the catalog is edited later). Savings is NULL for a 集采 drug
-- without a reference price (counted, not guessed).
CREATE TABLE month_store_drug_facts (
  period             TEXT NOT NULL,
  store_id           INTEGER NOT NULL REFERENCES stores (id),
  drug_id            INTEGER NOT NULL REFERENCES drugs (id),
  insurance_class    TEXT NOT NULL,
  vbp                INTEGER NOT NULL,
  reference_price    INTEGER,                -- micro-yuan per pack, at the close
  pack_size          INTEGER NOT NULL,
  purchased          INTEGER NOT NULL,       -- 1: the store bought the drug in the month (even netting to zero)
  purchased_qty      INTEGER NOT NULL,       -- base units received (hub) or delivered (clinic)
  purchased_amount   INTEGER NOT NULL,       -- fen
  savings            INTEGER,                -- fen; NULL: 集采 drug without a reference price, or not 集采
  in_formulary       INTEGER NOT NULL,       -- 1: the clinic used the drug on some day of the month (stock-out rule)
  stockout_days      INTEGER NOT NULL,
  dispensed_qty      INTEGER NOT NULL,       -- base units
  dispensed_amount   INTEGER NOT NULL,       -- fen, at cost
  near_expiry_value  INTEGER NOT NULL,       -- fen: lots on hand at month end expiring within NEAR_EXPIRY_DAYS of it
  PRIMARY KEY (period, store_id, drug_id)
) STRICT, WITHOUT ROWID;

-- Per store × month: stocktake accuracy (approved counts dated in the month).
CREATE TABLE month_accuracy_facts (
  period           TEXT NOT NULL,
  store_id         INTEGER NOT NULL REFERENCES stores (id),
  stocktakes       INTEGER NOT NULL,
  counted_lines    INTEGER NOT NULL,
  matched_lines    INTEGER NOT NULL,
  surplus_amount   INTEGER NOT NULL,
  shortage_amount  INTEGER NOT NULL,
  PRIMARY KEY (period, store_id)
) STRICT, WITHOUT ROWID;

-- Every signal of every rule the month's own window yields, with its numbers (JSON of the Signal). A weekly
-- signal belongs to the month its week ends in; a week running into the next month is kept too, cut at the
-- month's end (`tail` = 1), for a range that ends with this month.
CREATE TABLE month_signal_facts (
  period       TEXT NOT NULL,
  rule_key     TEXT NOT NULL,
  fingerprint  TEXT NOT NULL,
  tail         INTEGER NOT NULL CHECK (tail IN (0, 1)),
  clinic_id    INTEGER NOT NULL REFERENCES clinics (id),
  signal       TEXT NOT NULL,
  PRIMARY KEY (period, rule_key, fingerprint, tail)
) STRICT, WITHOUT ROWID;

-- The 进销存 export (3501–3506) of the month: per 定点 store (the hub's with its transit stores) and
-- interface, the rows' count and absolute quantity and amount, and the whole hub's preview (JSON).
CREATE TABLE month_export_facts (
  period   TEXT NOT NULL,
  store_id INTEGER NOT NULL REFERENCES stores (id),
  code     TEXT NOT NULL,
  rows     INTEGER NOT NULL,
  qty      INTEGER NOT NULL,
  amount   INTEGER NOT NULL,
  PRIMARY KEY (period, store_id, code)
) STRICT, WITHOUT ROWID;

CREATE TABLE month_export_previews (
  period   TEXT PRIMARY KEY,
  preview  TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX month_signal_facts_clinic ON month_signal_facts (clinic_id, period);
