-- Unified purchasing (统一购药): clinic requisitions, hub review, aggregation into purchase orders.
-- Quantities are base units; prices micro-yuan per pack; amounts fen. Lines keep a snapshot of the drug
-- as it was when the document was made, so later catalog edits never rewrite history.

CREATE TABLE requisitions (
  id            INTEGER PRIMARY KEY,
  doc_no        TEXT NOT NULL UNIQUE,
  clinic_id     INTEGER NOT NULL REFERENCES clinics (id),
  status        TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'reviewed', 'closed', 'cancelled')),
  note          TEXT,
  -- Idempotency key sent by the client with "submit": a retried or double-clicked submit finds it.
  submit_token  TEXT UNIQUE,
  created_by    INTEGER NOT NULL REFERENCES users (id),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  submitted_at  TEXT,
  submitted_by  INTEGER REFERENCES users (id),
  reviewed_at   TEXT,
  reviewed_by   INTEGER REFERENCES users (id)
) STRICT;
CREATE INDEX requisitions_clinic ON requisitions (clinic_id, status);
CREATE INDEX requisitions_status ON requisitions (status, submitted_at);

CREATE TABLE requisition_lines (
  id              INTEGER PRIMARY KEY,
  requisition_id  INTEGER NOT NULL REFERENCES requisitions (id),
  line_no         INTEGER NOT NULL,
  drug_id         INTEGER NOT NULL REFERENCES drugs (id),
  requested_qty   INTEGER NOT NULL CHECK (requested_qty > 0),
  entered_in      TEXT NOT NULL CHECK (entered_in IN ('pack', 'base')),
  -- What the doctor saw when submitting: stock on hand, average monthly consumption, in transit, suggestion.
  stock_on_hand   INTEGER,
  amc             INTEGER,
  in_transit      INTEGER,
  suggested_qty   INTEGER,
  decision        TEXT NOT NULL DEFAULT 'pending' CHECK (decision IN ('pending', 'approved', 'adjusted', 'rejected')),
  approved_qty    INTEGER CHECK (approved_qty IS NULL OR approved_qty >= 0),
  decision_reason TEXT,
  decided_by      INTEGER REFERENCES users (id),
  decided_at      TEXT,
  -- Delivered to the clinic so far by stock issues (出库配送).
  issued_qty      INTEGER NOT NULL DEFAULT 0 CHECK (issued_qty >= 0),
  UNIQUE (requisition_id, line_no),
  CHECK (decision <> 'adjusted' OR decision_reason IS NOT NULL)
) STRICT;
CREATE INDEX requisition_lines_drug ON requisition_lines (drug_id);

-- One aggregation run (汇总): the requisitions it took and the orders it made.
CREATE TABLE aggregations (
  id          INTEGER PRIMARY KEY,
  doc_no      TEXT NOT NULL UNIQUE,
  note        TEXT,
  created_by  INTEGER NOT NULL REFERENCES users (id),
  created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE aggregation_requisitions (
  aggregation_id INTEGER NOT NULL REFERENCES aggregations (id),
  requisition_id INTEGER NOT NULL REFERENCES requisitions (id),
  PRIMARY KEY (aggregation_id, requisition_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE purchase_orders (
  id              INTEGER PRIMARY KEY,
  doc_no          TEXT NOT NULL UNIQUE,
  supplier_id     INTEGER NOT NULL REFERENCES suppliers (id),
  aggregation_id  INTEGER REFERENCES aggregations (id),
  status          TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'partly_received', 'received', 'cancelled')),
  total_amount    INTEGER NOT NULL DEFAULT 0,
  note            TEXT,
  created_by      INTEGER NOT NULL REFERENCES users (id),
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  sent_at         TEXT,
  sent_by         INTEGER REFERENCES users (id),
  cancelled_at    TEXT,
  cancelled_by    INTEGER REFERENCES users (id),
  cancel_reason   TEXT
) STRICT;
CREATE INDEX purchase_orders_supplier ON purchase_orders (supplier_id, status);
CREATE INDEX purchase_orders_status ON purchase_orders (status, created_at);

CREATE TABLE purchase_order_lines (
  id               INTEGER PRIMARY KEY,
  po_id            INTEGER NOT NULL REFERENCES purchase_orders (id),
  line_no          INTEGER NOT NULL,
  drug_id          INTEGER NOT NULL REFERENCES drugs (id),
  drug_name        TEXT NOT NULL,
  spec             TEXT NOT NULL,
  dosage_form      TEXT NOT NULL,
  manufacturer     TEXT NOT NULL,
  pack_unit        TEXT NOT NULL,
  base_unit        TEXT NOT NULL,
  pack_size        INTEGER NOT NULL CHECK (pack_size > 0),
  insurance_class  TEXT NOT NULL,
  vbp              INTEGER NOT NULL,
  qty              INTEGER NOT NULL CHECK (qty > 0),          -- base units, whole packs
  pack_price       INTEGER NOT NULL CHECK (pack_price >= 0),
  amount           INTEGER NOT NULL,                          -- fen
  received_qty     INTEGER NOT NULL DEFAULT 0 CHECK (received_qty >= 0),
  UNIQUE (po_id, line_no),
  CHECK (qty % pack_size = 0)
) STRICT;
CREATE INDEX purchase_order_lines_drug ON purchase_order_lines (drug_id);

-- Which clinics' requisition lines each order line serves (the rest is the hub's own replenishment).
CREATE TABLE purchase_order_line_sources (
  po_line_id           INTEGER NOT NULL REFERENCES purchase_order_lines (id),
  requisition_line_id  INTEGER NOT NULL REFERENCES requisition_lines (id),
  qty                  INTEGER NOT NULL CHECK (qty > 0),
  PRIMARY KEY (po_line_id, requisition_line_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX purchase_order_line_sources_req ON purchase_order_line_sources (requisition_line_id);
