-- 药品追溯码 along the whole chain: every box's code, where the box is now, and every move it made.

-- A drug's GS1 trade item number (GTIN-14), so a GS1 scan names its drug; imported with the catalog.
ALTER TABLE drugs ADD COLUMN gtin TEXT CHECK (gtin IS NULL OR (length(gtin) = 14 AND gtin NOT GLOB '*[^0-9]*'));
CREATE UNIQUE INDEX drugs_gtin ON drugs (gtin) WHERE gtin IS NOT NULL;

-- Boxes. Codes were 20 digits only; now any of 码上放心 (20 digits), GS1 (01<GTIN>21<serial>) or a maker's text
-- of up to 100. Each box has one place (store_id; NULL once it has left the books) and one state. last_date is the
-- business date of its latest move: a later move dated before it would put the box in two places at once.
CREATE TABLE trace_codes_new (
  code             TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 100),
  kind             TEXT NOT NULL CHECK (kind IN ('mssf', 'gs1', 'maker')),
  drug_id          INTEGER NOT NULL REFERENCES drugs (id),
  lot_id           INTEGER NOT NULL REFERENCES lots (id),
  receipt_line_id  INTEGER NOT NULL REFERENCES receipt_lines (id),
  state            TEXT NOT NULL CHECK (state IN ('untracked', 'in_stock', 'in_transit', 'opened', 'dispensed', 'written_off', 'returned')),
  store_id         INTEGER REFERENCES stores (id),
  used_qty         INTEGER NOT NULL DEFAULT 0 CHECK (used_qty >= 0),
  last_date        TEXT NOT NULL,
  CHECK ((store_id IS NULL) = (state IN ('dispensed', 'written_off', 'returned')))
) STRICT, WITHOUT ROWID;
-- Codes recorded at receipt before this version were never scanned again: where they are now is unknown
-- ('untracked', last seen at the hub), so a later scan of one anywhere is taken as its first sighting.
INSERT INTO trace_codes_new (code, kind, drug_id, lot_id, receipt_line_id, state, store_id, last_date)
SELECT t.code, 'mssf', t.drug_id, t.lot_id, t.receipt_line_id, 'untracked', (SELECT id FROM stores WHERE kind = 'hub' LIMIT 1), r.business_date
  FROM trace_codes t JOIN receipt_lines rl ON rl.id = t.receipt_line_id JOIN receipts r ON r.id = rl.receipt_id;
DROP TABLE trace_codes;
ALTER TABLE trace_codes_new RENAME TO trace_codes;
CREATE INDEX trace_codes_lot ON trace_codes (lot_id);
CREATE INDEX trace_codes_store ON trace_codes (store_id, drug_id) WHERE store_id IS NOT NULL;

-- Every scan that moved a box or was refused a move: append-only, with its document and ledger row.
-- anomaly names what the scan is evidence of (the supervision rules read it):
--   duplicate_sale  sold again after it was sold, returned to the supplier or written off (重复追溯码)
--   stray           scanned at a clinic it was never delivered to (串货)
--   unknown         a code the hub never received (体外采购)
--   mismatch        the code's product (prefix, GTIN, or the box's own drug) is not the drug dispensed (串换)
--   foreign         scanned at sign-off but not on the delivery
CREATE TABLE box_events (
  id             INTEGER PRIMARY KEY,
  code           TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 100),
  event          TEXT NOT NULL CHECK (event IN ('receipt', 'receipt_reversed', 'issue', 'sign', 'transit_back', 'transit_lost',
                                                'dispense', 'dispense_reversed', 'writeoff', 'return')),
  drug_id        INTEGER REFERENCES drugs (id),     -- NULL: a code scanned at sign-off that names no drug the hub knows
  lot_id         INTEGER REFERENCES lots (id),
  clinic_id      INTEGER REFERENCES clinics (id),   -- the clinic where it was scanned; NULL at the hub
  from_store_id  INTEGER REFERENCES stores (id),
  to_store_id    INTEGER REFERENCES stores (id),
  qty            INTEGER NOT NULL DEFAULT 0,
  doc_type       TEXT NOT NULL,
  doc_id         INTEGER NOT NULL,
  doc_line_id    INTEGER,
  ledger_id      INTEGER REFERENCES ledger (id),
  anomaly        TEXT CHECK (anomaly IS NULL OR anomaly IN ('duplicate_sale', 'stray', 'unknown', 'mismatch', 'foreign')),
  note           TEXT,
  business_date  TEXT NOT NULL,
  user_id        INTEGER NOT NULL REFERENCES users (id),
  created_at     TEXT NOT NULL
) STRICT;
CREATE INDEX box_events_code ON box_events (code, id);
CREATE INDEX box_events_doc ON box_events (doc_type, doc_id);
CREATE INDEX box_events_ledger ON box_events (ledger_id) WHERE ledger_id IS NOT NULL;
CREATE INDEX box_events_anomaly ON box_events (anomaly, clinic_id, business_date) WHERE anomaly IS NOT NULL;
CREATE TRIGGER box_events_append_only_update BEFORE UPDATE ON box_events
BEGIN SELECT RAISE(ABORT, 'box_events is append-only'); END;
CREATE TRIGGER box_events_append_only_delete BEFORE DELETE ON box_events
BEGIN SELECT RAISE(ABORT, 'box_events is append-only'); END;

INSERT INTO box_events (code, event, drug_id, lot_id, to_store_id, doc_type, doc_id, doc_line_id, ledger_id, business_date, user_id, created_at)
SELECT t.code, 'receipt', t.drug_id, t.lot_id, t.store_id, 'receipt', rl.receipt_id, rl.id,
       (SELECT g.id FROM ledger g WHERE g.doc_type = 'receipt' AND g.doc_line_id = rl.id AND g.reverses_id IS NULL LIMIT 1),
       r.business_date, r.created_by, r.created_at
  FROM trace_codes t JOIN receipt_lines rl ON rl.id = t.receipt_line_id JOIN receipts r ON r.id = rl.receipt_id;
