-- Unified purchasing (统一购药): clinic requisitions, hub review, aggregation into purchase orders.
-- Quantities are base units; prices micro-yuan per pack; amounts fen. Lines keep a snapshot of the drug
-- as it was when the document was made, so later catalog edits never rewrite history.

CREATE TABLE requisitions (
  id            INTEGER PRIMARY KEY,
  doc_no        TEXT NOT NULL UNIQUE,
  clinic_id     INTEGER NOT NULL REFERENCES clinics (id),
  status        TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'reviewed', 'closed', 'cancelled')),
  note          TEXT,
  -- Idempotency key of the first save of a new draft: a retried "save" finds the draft it made.
  create_token  TEXT UNIQUE,
  -- Idempotency key sent by the client with "submit": a retried or double-clicked submit finds it.
  submit_token  TEXT UNIQUE,
  created_by    INTEGER NOT NULL REFERENCES users (id),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  submitted_at  TEXT,
  submitted_by  INTEGER REFERENCES users (id),
  reviewed_at   TEXT,
  reviewed_by   INTEGER REFERENCES users (id),
  -- The aggregation run (汇总) that took this requisition; NULL while it can still be aggregated.
  aggregation_id INTEGER REFERENCES aggregations (id),
  closed_at     TEXT,
  cancelled_at  TEXT,
  cancelled_by  INTEGER REFERENCES users (id),
  cancel_reason TEXT,
  CHECK (status = 'draft' OR status = 'cancelled' OR submitted_at IS NOT NULL)
) STRICT;
CREATE INDEX requisitions_clinic ON requisitions (clinic_id, status);
CREATE INDEX requisitions_status ON requisitions (status, submitted_at);
CREATE INDEX requisitions_aggregation ON requisitions (aggregation_id);

CREATE TABLE requisition_lines (
  id              INTEGER PRIMARY KEY,
  requisition_id  INTEGER NOT NULL REFERENCES requisitions (id),
  line_no         INTEGER NOT NULL,
  drug_id         INTEGER NOT NULL REFERENCES drugs (id),
  -- Snapshot of the drug (the one to be delivered: after a 集采 switch, the 集采 drug).
  drug_name       TEXT NOT NULL,
  spec            TEXT NOT NULL,
  dosage_form     TEXT NOT NULL,
  manufacturer    TEXT NOT NULL,
  pack_unit       TEXT NOT NULL,
  base_unit       TEXT NOT NULL,
  pack_size       INTEGER NOT NULL CHECK (pack_size > 0),
  insurance_class TEXT NOT NULL,
  vbp             INTEGER NOT NULL CHECK (vbp IN (0, 1)),
  requested_qty   INTEGER NOT NULL CHECK (requested_qty > 0),
  entered_in      TEXT NOT NULL CHECK (entered_in IN ('pack', 'base')),
  note            TEXT,
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
  -- 应采尽采: the drug the clinic asked for when the hub switched the line to a 集采 equivalent.
  original_drug_id      INTEGER REFERENCES drugs (id),
  original_drug_name    TEXT,
  original_spec         TEXT,
  original_manufacturer TEXT,
  switched_by           INTEGER REFERENCES users (id),
  switched_at           TEXT,
  -- Delivered to the clinic so far by stock issues (出库配送).
  issued_qty      INTEGER NOT NULL DEFAULT 0 CHECK (issued_qty >= 0),
  UNIQUE (requisition_id, line_no),
  CHECK (decision <> 'adjusted' OR decision_reason IS NOT NULL),
  -- Undecided lines have no approved quantity; decided ones always have one (0 when rejected).
  CHECK ((decision = 'pending') = (approved_qty IS NULL)),
  CHECK (decision <> 'rejected' OR approved_qty = 0),
  CHECK ((original_drug_id IS NULL) = (switched_at IS NULL))
) STRICT;
CREATE INDEX requisition_lines_drug ON requisition_lines (drug_id);
CREATE INDEX requisition_lines_req ON requisition_lines (requisition_id);

-- One aggregation run (汇总): the requisitions it took and the orders it made.
CREATE TABLE aggregations (
  id            INTEGER PRIMARY KEY,
  doc_no        TEXT NOT NULL UNIQUE,
  business_date TEXT NOT NULL,
  -- Whether the hub's own replenishment (hub min/max) was added to the clinics' demand.
  hub_replenishment INTEGER NOT NULL CHECK (hub_replenishment IN (0, 1)),
  -- Fingerprint of the preview the pharmacist confirmed (the same data gives the same fingerprint).
  fingerprint   TEXT NOT NULL,
  note          TEXT,
  created_by    INTEGER NOT NULL REFERENCES users (id),
  created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE aggregation_requisitions (
  aggregation_id INTEGER NOT NULL REFERENCES aggregations (id),
  requisition_id INTEGER NOT NULL REFERENCES requisitions (id),
  PRIMARY KEY (aggregation_id, requisition_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX aggregation_requisitions_req ON aggregation_requisitions (requisition_id);

-- The arithmetic of one run per drug, kept so an order quantity can always be explained later:
-- order_qty = packs-ceil(max(0, clinic_qty + replenish_qty - hub_available - on_order)).
CREATE TABLE aggregation_lines (
  aggregation_id INTEGER NOT NULL REFERENCES aggregations (id),
  drug_id        INTEGER NOT NULL REFERENCES drugs (id),
  clinic_qty     INTEGER NOT NULL CHECK (clinic_qty >= 0),
  replenish_qty  INTEGER NOT NULL CHECK (replenish_qty >= 0),
  hub_stock      INTEGER NOT NULL,
  hub_committed  INTEGER NOT NULL,
  hub_available  INTEGER NOT NULL,
  on_order       INTEGER NOT NULL CHECK (on_order >= 0),
  order_qty      INTEGER NOT NULL CHECK (order_qty >= 0),
  po_line_id     INTEGER REFERENCES purchase_order_lines (id),
  PRIMARY KEY (aggregation_id, drug_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE purchase_orders (
  id              INTEGER PRIMARY KEY,
  doc_no          TEXT NOT NULL UNIQUE,
  supplier_id     INTEGER NOT NULL REFERENCES suppliers (id),
  supplier_name   TEXT NOT NULL,                -- snapshot for the printed order
  aggregation_id  INTEGER REFERENCES aggregations (id),
  business_date   TEXT NOT NULL,                -- 订单日期
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
  cancel_reason   TEXT,
  CHECK (status IN ('draft', 'cancelled') OR sent_at IS NOT NULL),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
) STRICT;
CREATE INDEX purchase_orders_supplier ON purchase_orders (supplier_id, status);
CREATE INDEX purchase_orders_status ON purchase_orders (status, created_at);
CREATE INDEX purchase_orders_aggregation ON purchase_orders (aggregation_id);

CREATE TABLE purchase_order_lines (
  id               INTEGER PRIMARY KEY,
  po_id            INTEGER NOT NULL REFERENCES purchase_orders (id),
  line_no          INTEGER NOT NULL,
  drug_id          INTEGER NOT NULL REFERENCES drugs (id),
  nhsa_code        TEXT NOT NULL,
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
  CHECK (qty % pack_size = 0),
  CHECK (received_qty <= qty)
) STRICT;
CREATE INDEX purchase_order_lines_drug ON purchase_order_lines (drug_id);
CREATE INDEX purchase_order_lines_po ON purchase_order_lines (po_id);

-- Which clinics' requisition lines each order line serves (the rest is the hub's own replenishment).
-- qty: the part of the requisition line's approved quantity this run counted as demand.
CREATE TABLE purchase_order_line_sources (
  po_line_id           INTEGER NOT NULL REFERENCES purchase_order_lines (id),
  requisition_line_id  INTEGER NOT NULL REFERENCES requisition_lines (id),
  qty                  INTEGER NOT NULL CHECK (qty > 0),
  PRIMARY KEY (po_line_id, requisition_line_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX purchase_order_line_sources_req ON purchase_order_line_sources (requisition_line_id);
