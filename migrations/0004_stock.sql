-- Unified stock (统一出入库): lots, the append-only ledger, balances kept with it, and stock documents.
-- Quantities are signed base units; unit costs micro-yuan per base unit; amounts fen.

-- Accounting periods ('YYYY-MM'). A month without a row is open.
CREATE TABLE periods (
  period        TEXT PRIMARY KEY,
  status        TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  closed_at     TEXT,
  closed_by     INTEGER REFERENCES users (id),
  reopened_at   TEXT,
  reopened_by   INTEGER REFERENCES users (id),
  reopen_reason TEXT
) STRICT;

-- A lot: one received batch of one drug at one cost (a receipt line). Identity of stock everywhere.
CREATE TABLE lots (
  id               INTEGER PRIMARY KEY,
  drug_id          INTEGER NOT NULL REFERENCES drugs (id),
  batch_no         TEXT NOT NULL,           -- 批号 (manufacturer's lot number)
  mfg_date         TEXT,                    -- 生产日期
  expiry_date      TEXT NOT NULL,           -- 有效期至
  unit_cost        INTEGER NOT NULL CHECK (unit_cost >= 0),
  supplier_id      INTEGER REFERENCES suppliers (id),
  created_at       TEXT NOT NULL
) STRICT;
CREATE INDEX lots_drug ON lots (drug_id, expiry_date);

-- Stock on hand per store × lot, updated in the same transaction as each ledger row.
CREATE TABLE stock_balances (
  store_id  INTEGER NOT NULL REFERENCES stores (id),
  lot_id    INTEGER NOT NULL REFERENCES lots (id),
  drug_id   INTEGER NOT NULL REFERENCES drugs (id),
  qty       INTEGER NOT NULL CHECK (qty >= 0),
  value     INTEGER NOT NULL CHECK (value >= 0),
  PRIMARY KEY (store_id, lot_id),
  CHECK (qty > 0 OR value = 0)
) STRICT, WITHOUT ROWID;
CREATE INDEX stock_balances_drug ON stock_balances (store_id, drug_id);
CREATE INDEX stock_balances_drug_all ON stock_balances (drug_id);

-- Every movement, one immutable row. Corrections are new rows with reverses_id set.
CREATE TABLE ledger (
  id             INTEGER PRIMARY KEY,
  store_id       INTEGER NOT NULL REFERENCES stores (id),
  drug_id        INTEGER NOT NULL REFERENCES drugs (id),
  lot_id         INTEGER NOT NULL REFERENCES lots (id),
  movement       TEXT NOT NULL,
  qty            INTEGER NOT NULL CHECK (qty <> 0),
  unit_cost      INTEGER NOT NULL,
  amount         INTEGER NOT NULL,
  doc_type       TEXT NOT NULL,
  doc_id         INTEGER NOT NULL,
  doc_line_id    INTEGER,
  reverses_id    INTEGER REFERENCES ledger (id),
  business_date  TEXT NOT NULL,
  period         TEXT NOT NULL,
  user_id        INTEGER NOT NULL REFERENCES users (id),
  created_at     TEXT NOT NULL
) STRICT;
CREATE INDEX ledger_card ON ledger (store_id, drug_id, period, id);
CREATE INDEX ledger_period ON ledger (period, store_id);
CREATE INDEX ledger_doc ON ledger (doc_type, doc_id);
CREATE INDEX ledger_lot ON ledger (lot_id);
CREATE UNIQUE INDEX ledger_reversed_once ON ledger (reverses_id) WHERE reverses_id IS NOT NULL;

CREATE TRIGGER ledger_append_only_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_append_only_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;

-- Monthly totals per store × drug × movement, kept with each ledger row, so statements and stock cards
-- read a few rows per drug however many years of history exist.
CREATE TABLE stock_period_totals (
  store_id  INTEGER NOT NULL,
  drug_id   INTEGER NOT NULL,
  period    TEXT NOT NULL,
  movement  TEXT NOT NULL,
  qty       INTEGER NOT NULL,
  amount    INTEGER NOT NULL,
  PRIMARY KEY (store_id, drug_id, period, movement)
) STRICT, WITHOUT ROWID;
CREATE INDEX stock_period_totals_period ON stock_period_totals (period, store_id);
