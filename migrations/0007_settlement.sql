-- Unified settlement (统一结算): payments to suppliers, the month-end close (月结) with its history, and the
-- closing snapshots statements read. Amounts are integer fen; quantities base units.
--
-- Closed months form a prefix of time: closing a month closes every earlier month with it (a month with
-- business in it must be closed first, explicitly), and only the latest closed month can be reopened.
-- So "is this date postable?" is one question: is any month at or after it closed (see ledger.ts).

-- 付款登记: what the hub paid each supplier. Append-only: a mistake is corrected by a reversal row
-- (红字冲销) with the opposite amount, pointing at the row it cancels, dated in an open month.
CREATE TABLE supplier_payments (
  id              INTEGER PRIMARY KEY,
  supplier_id     INTEGER NOT NULL REFERENCES suppliers (id),
  pay_date        TEXT NOT NULL,                    -- business date of the payment (China time)
  period          TEXT NOT NULL,                    -- 'YYYY-MM' of pay_date
  voucher_no      TEXT NOT NULL,                    -- 凭证号 of the accounting voucher
  amount          INTEGER NOT NULL CHECK (amount <> 0),
  method          TEXT NOT NULL CHECK (method IN ('transfer', 'cheque', 'cash', 'other')),
  note            TEXT,
  reverses_id     INTEGER UNIQUE REFERENCES supplier_payments (id),
  reverse_reason  TEXT,
  client_token    TEXT UNIQUE,
  created_by      INTEGER NOT NULL REFERENCES users (id),
  created_at      TEXT NOT NULL,
  CHECK (period = substr(pay_date, 1, 7)),
  -- A payment is positive; only a reversal is negative, and it says why.
  CHECK ((reverses_id IS NULL AND amount > 0 AND reverse_reason IS NULL) OR (reverses_id IS NOT NULL AND amount < 0 AND reverse_reason IS NOT NULL))
) STRICT;
CREATE INDEX supplier_payments_supplier ON supplier_payments (supplier_id, pay_date);
CREATE INDEX supplier_payments_period ON supplier_payments (period);

CREATE TRIGGER supplier_payments_append_only_update BEFORE UPDATE ON supplier_payments
BEGIN SELECT RAISE(ABORT, 'supplier_payments is append-only'); END;
CREATE TRIGGER supplier_payments_append_only_delete BEFORE DELETE ON supplier_payments
BEGIN SELECT RAISE(ABORT, 'supplier_payments is append-only'); END;

-- Every close and reopen of a month, never overwritten (the periods row holds only the current state).
CREATE TABLE period_events (
  id           INTEGER PRIMARY KEY,
  period       TEXT NOT NULL,
  action       TEXT NOT NULL CHECK (action IN ('close', 'reopen')),
  at           TEXT NOT NULL,
  user_id      INTEGER NOT NULL REFERENCES users (id),
  reason       TEXT,          -- why it was reopened (required), or the closer's note
  warnings     TEXT,          -- JSON: pre-close warnings the closer acknowledged
  backup_file  TEXT,          -- the backup taken just before closing
  summary      TEXT,          -- JSON: the month's totals as closed
  CHECK (action = 'close' OR reason IS NOT NULL)
) STRICT;
CREATE INDEX period_events_period ON period_events (period, id);

CREATE TRIGGER period_events_append_only_update BEFORE UPDATE ON period_events
BEGIN SELECT RAISE(ABORT, 'period_events is append-only'); END;
CREATE TRIGGER period_events_append_only_delete BEFORE DELETE ON period_events
BEGIN SELECT RAISE(ABORT, 'period_events is append-only'); END;

-- Closing stock per store × drug at the end of a closed month (rows with stock only), written by the close
-- event. Statements read the latest close of a month instead of summing years of history; the snapshots of
-- earlier closes of a reopened month stay, so what was signed off can always be shown.
CREATE TABLE period_closings (
  event_id  INTEGER NOT NULL REFERENCES period_events (id),
  store_id  INTEGER NOT NULL REFERENCES stores (id),
  drug_id   INTEGER NOT NULL REFERENCES drugs (id),
  qty       INTEGER NOT NULL,
  value     INTEGER NOT NULL,
  PRIMARY KEY (event_id, store_id, drug_id)
) STRICT, WITHOUT ROWID;

-- What the hub owed each supplier at the end of a closed month.
CREATE TABLE period_supplier_closings (
  event_id     INTEGER NOT NULL REFERENCES period_events (id),
  supplier_id  INTEGER NOT NULL REFERENCES suppliers (id),
  balance      INTEGER NOT NULL,
  PRIMARY KEY (event_id, supplier_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER period_closings_append_only_update BEFORE UPDATE ON period_closings
BEGIN SELECT RAISE(ABORT, 'period_closings is append-only'); END;
CREATE TRIGGER period_closings_append_only_delete BEFORE DELETE ON period_closings
BEGIN SELECT RAISE(ABORT, 'period_closings is append-only'); END;
CREATE TRIGGER period_supplier_closings_append_only_update BEFORE UPDATE ON period_supplier_closings
BEGIN SELECT RAISE(ABORT, 'period_supplier_closings is append-only'); END;
CREATE TRIGGER period_supplier_closings_append_only_delete BEFORE DELETE ON period_supplier_closings
BEGIN SELECT RAISE(ABORT, 'period_supplier_closings is append-only'); END;
