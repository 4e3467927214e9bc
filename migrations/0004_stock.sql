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

-- ───────────── Documents ─────────────
-- Every document line keeps a snapshot of the drug as it was, so catalog edits never rewrite history.

-- 验收入库: goods in from a supplier, against a purchase order. Each line creates one lot.
CREATE TABLE receipts (
  id              INTEGER PRIMARY KEY,
  doc_no          TEXT NOT NULL UNIQUE,
  po_id           INTEGER REFERENCES purchase_orders (id),
  supplier_id     INTEGER NOT NULL REFERENCES suppliers (id),
  invoice_no      TEXT,
  invoice_date    TEXT,
  business_date   TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('posted', 'reversed')),
  total_amount    INTEGER NOT NULL,
  note            TEXT,
  created_by      INTEGER NOT NULL REFERENCES users (id),
  created_at      TEXT NOT NULL,
  reversed_by     INTEGER REFERENCES users (id),
  reversed_at     TEXT,
  reverse_reason  TEXT
) STRICT;
CREATE INDEX receipts_supplier ON receipts (supplier_id, business_date);
CREATE INDEX receipts_po ON receipts (po_id);

CREATE TABLE receipt_lines (
  id            INTEGER PRIMARY KEY,
  receipt_id    INTEGER NOT NULL REFERENCES receipts (id),
  line_no       INTEGER NOT NULL,
  po_line_id    INTEGER REFERENCES purchase_order_lines (id),
  drug_id       INTEGER NOT NULL REFERENCES drugs (id),
  lot_id        INTEGER NOT NULL UNIQUE REFERENCES lots (id),
  batch_no      TEXT NOT NULL,
  mfg_date      TEXT,
  expiry_date   TEXT NOT NULL,
  qty           INTEGER NOT NULL CHECK (qty > 0),
  pack_price    INTEGER NOT NULL CHECK (pack_price >= 0),
  amount        INTEGER NOT NULL CHECK (amount >= 0),
  drug_name     TEXT NOT NULL,
  spec          TEXT NOT NULL,
  manufacturer  TEXT NOT NULL,
  pack_unit     TEXT NOT NULL,
  base_unit     TEXT NOT NULL,
  pack_size     INTEGER NOT NULL,
  UNIQUE (receipt_id, line_no)
) STRICT;
CREATE INDEX receipt_lines_po_line ON receipt_lines (po_line_id);

-- 药品追溯码: 20-digit codes of the boxes received, one row per box.
CREATE TABLE trace_codes (
  code             TEXT PRIMARY KEY CHECK (length(code) = 20 AND code NOT GLOB '*[^0-9]*'),
  drug_id          INTEGER NOT NULL REFERENCES drugs (id),
  lot_id           INTEGER NOT NULL REFERENCES lots (id),
  receipt_line_id  INTEGER NOT NULL REFERENCES receipt_lines (id)
) STRICT, WITHOUT ROWID;
CREATE INDEX trace_codes_lot ON trace_codes (lot_id);

-- 出库配送: hub → clinic. Goods stay in the clinic's transit store until the clinic signs for them.
CREATE TABLE deliveries (
  id             INTEGER PRIMARY KEY,
  doc_no         TEXT NOT NULL UNIQUE,
  clinic_id      INTEGER NOT NULL REFERENCES clinics (id),
  status         TEXT NOT NULL CHECK (status IN ('in_transit', 'signed', 'discrepancy', 'resolved')),
  business_date  TEXT NOT NULL,
  total_amount   INTEGER NOT NULL,
  note           TEXT,
  created_by     INTEGER NOT NULL REFERENCES users (id),
  created_at     TEXT NOT NULL,
  signed_by      INTEGER REFERENCES users (id),
  signed_at      TEXT,
  sign_date      TEXT,
  sign_note      TEXT
) STRICT;
CREATE INDEX deliveries_clinic ON deliveries (clinic_id, status);
CREATE INDEX deliveries_status ON deliveries (status, business_date);

CREATE TABLE delivery_lines (
  id                   INTEGER PRIMARY KEY,
  delivery_id          INTEGER NOT NULL REFERENCES deliveries (id),
  line_no              INTEGER NOT NULL,
  requisition_line_id  INTEGER REFERENCES requisition_lines (id),
  drug_id              INTEGER NOT NULL REFERENCES drugs (id),
  lot_id               INTEGER NOT NULL REFERENCES lots (id),
  batch_no             TEXT NOT NULL,
  expiry_date          TEXT NOT NULL,
  qty                  INTEGER NOT NULL CHECK (qty > 0),
  unit_cost            INTEGER NOT NULL,
  amount               INTEGER NOT NULL,
  drug_name            TEXT NOT NULL,
  spec                 TEXT NOT NULL,
  manufacturer         TEXT NOT NULL,
  pack_unit            TEXT NOT NULL,
  base_unit            TEXT NOT NULL,
  pack_size            INTEGER NOT NULL,
  -- Filled when the clinic signs: what actually arrived, and why not all of it.
  received_qty         INTEGER CHECK (received_qty IS NULL OR (received_qty >= 0 AND received_qty <= qty)),
  discrepancy_reason   TEXT,
  -- How the hub settled a discrepancy: brought back to the hub store, or written off as lost in transit.
  resolution           TEXT CHECK (resolution IS NULL OR resolution IN ('returned_to_hub', 'written_off')),
  resolution_note      TEXT,
  resolved_by          INTEGER REFERENCES users (id),
  resolved_at          TEXT,
  UNIQUE (delivery_id, line_no),
  CHECK (received_qty IS NULL OR received_qty = qty OR discrepancy_reason IS NOT NULL)
) STRICT;
CREATE INDEX delivery_lines_requisition ON delivery_lines (requisition_line_id);

-- 用药登记: drugs used on patients at a clinic. Lots are chosen first-expiry-first (ledger rows carry them).
CREATE TABLE dispensings (
  id              INTEGER PRIMARY KEY,
  clinic_id       INTEGER NOT NULL REFERENCES clinics (id),
  business_date   TEXT NOT NULL,
  rx_no           TEXT,
  visit_no        TEXT,
  note            TEXT,
  status          TEXT NOT NULL CHECK (status IN ('posted', 'reversed')),
  total_amount    INTEGER NOT NULL,
  client_token    TEXT UNIQUE,
  created_by      INTEGER NOT NULL REFERENCES users (id),
  created_at      TEXT NOT NULL,
  reversed_by     INTEGER REFERENCES users (id),
  reversed_at     TEXT,
  reverse_reason  TEXT
) STRICT;
CREATE INDEX dispensings_clinic ON dispensings (clinic_id, business_date);

CREATE TABLE dispensing_lines (
  id             INTEGER PRIMARY KEY,
  dispensing_id  INTEGER NOT NULL REFERENCES dispensings (id),
  line_no        INTEGER NOT NULL,
  drug_id        INTEGER NOT NULL REFERENCES drugs (id),
  qty            INTEGER NOT NULL CHECK (qty > 0),
  amount         INTEGER NOT NULL,
  drug_name      TEXT NOT NULL,
  spec           TEXT NOT NULL,
  pack_unit      TEXT NOT NULL,
  base_unit      TEXT NOT NULL,
  pack_size      INTEGER NOT NULL,
  UNIQUE (dispensing_id, line_no)
) STRICT;
CREATE INDEX dispensing_lines_drug ON dispensing_lines (drug_id);

-- 退货: clinic → hub (the doctor asks, the hub receives and posts) and hub → supplier.
CREATE TABLE stock_returns (
  id               INTEGER PRIMARY KEY,
  doc_no           TEXT NOT NULL UNIQUE,
  kind             TEXT NOT NULL CHECK (kind IN ('clinic_to_hub', 'hub_to_supplier')),
  clinic_id        INTEGER REFERENCES clinics (id),
  supplier_id      INTEGER REFERENCES suppliers (id),
  reason_code      TEXT NOT NULL CHECK (reason_code IN ('near_expiry', 'quality', 'damaged', 'overstock', 'recall', 'wrong_item', 'other')),
  reason           TEXT,
  status           TEXT NOT NULL CHECK (status IN ('submitted', 'posted', 'rejected', 'cancelled')),
  business_date    TEXT,
  total_amount     INTEGER NOT NULL DEFAULT 0,
  created_by       INTEGER NOT NULL REFERENCES users (id),
  created_at       TEXT NOT NULL,
  decided_by       INTEGER REFERENCES users (id),
  decided_at       TEXT,
  decision_note    TEXT,
  CHECK ((kind = 'clinic_to_hub') = (clinic_id IS NOT NULL)),
  CHECK ((kind = 'hub_to_supplier') = (supplier_id IS NOT NULL))
) STRICT;
CREATE INDEX stock_returns_kind ON stock_returns (kind, status);
CREATE INDEX stock_returns_clinic ON stock_returns (clinic_id, status);

CREATE TABLE stock_return_lines (
  id            INTEGER PRIMARY KEY,
  return_id     INTEGER NOT NULL REFERENCES stock_returns (id),
  line_no       INTEGER NOT NULL,
  drug_id       INTEGER NOT NULL REFERENCES drugs (id),
  lot_id        INTEGER NOT NULL REFERENCES lots (id),
  qty           INTEGER NOT NULL CHECK (qty > 0),
  amount        INTEGER,
  drug_name     TEXT NOT NULL,
  spec          TEXT NOT NULL,
  batch_no      TEXT NOT NULL,
  expiry_date   TEXT NOT NULL,
  pack_unit     TEXT NOT NULL,
  base_unit     TEXT NOT NULL,
  pack_size     INTEGER NOT NULL,
  UNIQUE (return_id, line_no)
) STRICT;

-- 报损: expired, damaged or lost stock, requested by whoever holds it and approved by the pharmacist.
CREATE TABLE writeoffs (
  id             INTEGER PRIMARY KEY,
  doc_no         TEXT NOT NULL UNIQUE,
  store_id       INTEGER NOT NULL REFERENCES stores (id),
  reason_code    TEXT NOT NULL CHECK (reason_code IN ('expired', 'damaged', 'lost', 'quality', 'other')),
  reason         TEXT,
  status         TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
  business_date  TEXT,
  total_amount   INTEGER NOT NULL DEFAULT 0,
  created_by     INTEGER NOT NULL REFERENCES users (id),
  created_at     TEXT NOT NULL,
  decided_by     INTEGER REFERENCES users (id),
  decided_at     TEXT,
  decision_note  TEXT
) STRICT;
CREATE INDEX writeoffs_store ON writeoffs (store_id, status);

CREATE TABLE writeoff_lines (
  id           INTEGER PRIMARY KEY,
  writeoff_id  INTEGER NOT NULL REFERENCES writeoffs (id),
  line_no      INTEGER NOT NULL,
  drug_id      INTEGER NOT NULL REFERENCES drugs (id),
  lot_id       INTEGER NOT NULL REFERENCES lots (id),
  qty          INTEGER NOT NULL CHECK (qty > 0),
  amount       INTEGER,
  drug_name    TEXT NOT NULL,
  spec         TEXT NOT NULL,
  batch_no     TEXT NOT NULL,
  expiry_date  TEXT NOT NULL,
  pack_unit    TEXT NOT NULL,
  base_unit    TEXT NOT NULL,
  pack_size    INTEGER NOT NULL,
  UNIQUE (writeoff_id, line_no)
) STRICT;

-- Stock on hand reads only live lots: emptied lots stay (their history matters) but are never scanned.
CREATE INDEX stock_balances_live ON stock_balances (store_id, drug_id) WHERE qty > 0;
