-- The closed months' dispensing per clinic store × drug × ISO week (issue 24): a month fact of kind 'weeks'.
-- The dispensing-spike rule compares each week with the 12 weeks before it; reading those weeks from the day
-- facts (0024) meant sorting every store × drug × day of three months into weeks on each call. A week that
-- spans two months has a row in each (its days of that month); the reader adds them up. A month without a
-- valid 'weeks' set is read from its day facts or the ledger, as before. Derived figures only.
CREATE TABLE month_week_facts (
  period         TEXT NOT NULL,
  store_id       INTEGER NOT NULL REFERENCES stores (id),
  drug_id        INTEGER NOT NULL REFERENCES drugs (id),
  week_monday    TEXT NOT NULL,     -- the Monday that starts the ISO week (may fall in the month before)
  dispensed_qty  INTEGER NOT NULL,  -- base units that went out, net of reversals, on the week's days of this month
  PRIMARY KEY (period, store_id, drug_id, week_monday)
) STRICT, WITHOUT ROWID;
