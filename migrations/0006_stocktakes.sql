-- Stocktakes (盘点) and random spot checks (随机抽查): count vs book, per lot, with the pharmacist's approval.
-- Quantities are base units, unit costs micro-yuan per base unit, amounts fen. Nothing is overwritten: every
-- count is a new row (with the book figure at the moment it was entered), a recount request is a new row,
-- and the approved adjustment is a ledger row (count_surplus / count_shortage, doc_type 'stocktake').

CREATE TABLE stocktakes (
  id                 INTEGER PRIMARY KEY,
  doc_no             TEXT NOT NULL UNIQUE,                       -- PD-YYYYMM-NNNN
  kind               TEXT NOT NULL CHECK (kind IN ('full', 'spot')),
  store_id           INTEGER NOT NULL REFERENCES stores (id),
  clinic_id          INTEGER REFERENCES clinics (id),            -- the store's clinic; NULL for the hub store
  -- Who counts: the hub pharmacist on site, or the clinic's own village doctor (self-count).
  counter_mode       TEXT NOT NULL CHECK (counter_mode IN ('onsite', 'self')),
  blind              INTEGER NOT NULL CHECK (blind IN (0, 1)),  -- the counter never sees book quantities
  status             TEXT NOT NULL CHECK (status IN ('counting', 'submitted', 'approved', 'cancelled')),
  note               TEXT,
  -- Movements during the count: the book figure of a line is read when its count is entered. The ledger
  -- position at the start lets the reviewer see what moved between the start and each entry.
  start_ledger_id    INTEGER NOT NULL,
  start_date         TEXT NOT NULL,                              -- business date the count began
  -- Random selection of a spot check: reproducible from these and the candidate rows.
  seed               INTEGER CHECK (seed IS NULL OR seed BETWEEN 0 AND 4294967295),
  algorithm          TEXT,
  sample_size        INTEGER CHECK (sample_size IS NULL OR sample_size > 0),
  created_by         INTEGER NOT NULL REFERENCES users (id),
  created_at         TEXT NOT NULL,
  submitted_by       INTEGER REFERENCES users (id),
  submitted_at       TEXT,
  decided_by         INTEGER REFERENCES users (id),
  decided_at         TEXT,
  decision_note      TEXT,
  business_date      TEXT,                                       -- date the adjustments were booked on
  line_count         INTEGER,                                    -- filled on approval
  matched_count      INTEGER,
  surplus_amount     INTEGER,                                    -- fen, ≥ 0
  shortage_amount    INTEGER,                                    -- fen, ≥ 0
  cancel_reason      TEXT,
  CHECK ((kind = 'spot') = (seed IS NOT NULL)),
  CHECK ((kind = 'spot') = (sample_size IS NOT NULL)),
  CHECK (status <> 'cancelled' OR cancel_reason IS NOT NULL),
  CHECK (status <> 'approved' OR (business_date IS NOT NULL AND line_count IS NOT NULL))
) STRICT;
CREATE INDEX stocktakes_store ON stocktakes (store_id, status);
CREATE INDEX stocktakes_clinic ON stocktakes (clinic_id, business_date);
CREATE INDEX stocktakes_status ON stocktakes (status, created_at);
-- Two open counts of one store would both adjust the same lots: one at a time.
CREATE UNIQUE INDEX stocktakes_one_open_per_store ON stocktakes (store_id) WHERE status IN ('counting', 'submitted');

-- The drugs a spot check drew from, with the inputs of their weights as they were at the draw, in the
-- order the sampler read them (pick_order is set for the drugs selected, 1 = first drawn).
CREATE TABLE stocktake_candidates (
  stocktake_id      INTEGER NOT NULL REFERENCES stocktakes (id),
  position          INTEGER NOT NULL,
  drug_id           INTEGER NOT NULL REFERENCES drugs (id),
  stock_value       INTEGER NOT NULL CHECK (stock_value >= 0),       -- fen on the book at the draw
  dispensed_amount  INTEGER NOT NULL CHECK (dispensed_amount >= 0),  -- fen dispensed in the window
  dispensed_qty     INTEGER NOT NULL,
  weight            INTEGER NOT NULL CHECK (weight > 0),
  pick_order        INTEGER,
  PRIMARY KEY (stocktake_id, position),
  UNIQUE (stocktake_id, drug_id)
) STRICT, WITHOUT ROWID;

-- One line per lot counted. Lines are made from the book at the start (origin 'book') or added by the
-- counter for a known batch the book does not show at this store (origin 'found').
CREATE TABLE stocktake_lines (
  id                 INTEGER PRIMARY KEY,
  stocktake_id       INTEGER NOT NULL REFERENCES stocktakes (id),
  line_no            INTEGER NOT NULL,
  origin             TEXT NOT NULL CHECK (origin IN ('book', 'found')),
  drug_id            INTEGER NOT NULL REFERENCES drugs (id),
  lot_id             INTEGER NOT NULL REFERENCES lots (id),
  book_qty_at_start  INTEGER NOT NULL CHECK (book_qty_at_start >= 0),
  drug_name          TEXT NOT NULL,
  spec               TEXT NOT NULL,
  manufacturer       TEXT NOT NULL,
  pack_unit          TEXT NOT NULL,
  base_unit          TEXT NOT NULL,
  pack_size          INTEGER NOT NULL,
  batch_no           TEXT NOT NULL,
  expiry_date        TEXT NOT NULL,
  unit_cost          INTEGER NOT NULL,
  added_by           INTEGER REFERENCES users (id),
  added_at           TEXT,
  -- Filled on approval: why the variance, and the ledger row that adjusted the book.
  reason_code        TEXT CHECK (reason_code IS NULL OR reason_code IN ('damaged', 'expired_unreported', 'unrecorded_dispensing', 'over_recorded', 'count_error', 'other')),
  reason_note        TEXT,
  final_count_id     INTEGER,
  adjustment_qty     INTEGER,
  adjustment_amount  INTEGER,
  ledger_id          INTEGER REFERENCES ledger (id),
  UNIQUE (stocktake_id, line_no),
  UNIQUE (stocktake_id, lot_id)
) STRICT;
CREATE INDEX stocktake_lines_lot ON stocktake_lines (lot_id);

-- Every count ever entered, never changed: a correction or a recount is a new row. book_qty is the book
-- at the moment of entry (movements before it are already in), book_ledger_id the ledger position then.
CREATE TABLE stocktake_counts (
  id              INTEGER PRIMARY KEY,
  stocktake_id    INTEGER NOT NULL REFERENCES stocktakes (id),
  line_id         INTEGER NOT NULL REFERENCES stocktake_lines (id),
  counted_qty     INTEGER NOT NULL CHECK (counted_qty >= 0),
  book_qty        INTEGER NOT NULL CHECK (book_qty >= 0),
  book_value      INTEGER NOT NULL CHECK (book_value >= 0),
  book_ledger_id  INTEGER NOT NULL,
  note            TEXT,
  counted_by      INTEGER NOT NULL REFERENCES users (id),
  counted_at      TEXT NOT NULL
) STRICT;
CREATE INDEX stocktake_counts_line ON stocktake_counts (line_id, id);
CREATE INDEX stocktake_counts_stocktake ON stocktake_counts (stocktake_id);

-- The reviewer sent a count back to be counted again. The count it rejects stays.
CREATE TABLE stocktake_recounts (
  id            INTEGER PRIMARY KEY,
  stocktake_id  INTEGER NOT NULL REFERENCES stocktakes (id),
  line_id       INTEGER NOT NULL REFERENCES stocktake_lines (id),
  count_id      INTEGER NOT NULL UNIQUE REFERENCES stocktake_counts (id),
  reason        TEXT NOT NULL,
  requested_by  INTEGER NOT NULL REFERENCES users (id),
  requested_at  TEXT NOT NULL
) STRICT;
CREATE INDEX stocktake_recounts_line ON stocktake_recounts (line_id);

CREATE TRIGGER stocktake_counts_append_only_update BEFORE UPDATE ON stocktake_counts
BEGIN SELECT RAISE(ABORT, 'stocktake_counts is append-only'); END;
CREATE TRIGGER stocktake_counts_append_only_delete BEFORE DELETE ON stocktake_counts
BEGIN SELECT RAISE(ABORT, 'stocktake_counts is append-only'); END;
CREATE TRIGGER stocktake_recounts_append_only_update BEFORE UPDATE ON stocktake_recounts
BEGIN SELECT RAISE(ABORT, 'stocktake_recounts is append-only'); END;
CREATE TRIGGER stocktake_recounts_append_only_delete BEFORE DELETE ON stocktake_recounts
BEGIN SELECT RAISE(ABORT, 'stocktake_recounts is append-only'); END;
CREATE TRIGGER stocktake_candidates_append_only_update BEFORE UPDATE ON stocktake_candidates
BEGIN SELECT RAISE(ABORT, 'stocktake_candidates is append-only'); END;
CREATE TRIGGER stocktake_candidates_append_only_delete BEFORE DELETE ON stocktake_candidates
BEGIN SELECT RAISE(ABORT, 'stocktake_candidates is append-only'); END;
