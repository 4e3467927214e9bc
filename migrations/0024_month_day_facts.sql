-- The closed months' movement per store × drug × day (issue 24): a month fact like those of 0016, kind 'days'.
-- The open month's screens look back over earlier months day by day (the stock-out walk starts up to four
-- months back, the dispensing-spike rule compares with 12 weeks before): they read those months here, in
-- primary-key order, instead of every ledger row of them. A month without a valid 'days' set is read from the
-- ledger, exactly as before. Derived figures only; the ledger stays the record.
CREATE TABLE month_day_facts (
  period         TEXT NOT NULL,
  store_id       INTEGER NOT NULL REFERENCES stores (id),
  drug_id        INTEGER NOT NULL REFERENCES drugs (id),
  business_date  TEXT NOT NULL,
  qty            INTEGER NOT NULL,  -- base units, net of every movement of the day
  dispensed_qty  INTEGER NOT NULL,  -- base units, net of the day's dispense rows (a reversal counts negative)
  dispense_rows  INTEGER NOT NULL,  -- the day's dispense rows, reversals included (the stock-out rule's "used")
  PRIMARY KEY (period, store_id, drug_id, business_date)
) STRICT, WITHOUT ROWID;
