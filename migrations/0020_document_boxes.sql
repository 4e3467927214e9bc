-- Boxes scanned on a return or write-off line. Both documents wait for the hub (a clinic's return for the hub's
-- acceptance, a write-off for approval) before the ledger moves; the boxes are named here when the document is
-- made and move with the posting, in its transaction. A box named by a waiting document is not named by another.
CREATE TABLE document_boxes (
  doc_type     TEXT NOT NULL CHECK (doc_type IN ('return', 'writeoff')),
  doc_id       INTEGER NOT NULL,
  doc_line_id  INTEGER NOT NULL,
  code         TEXT NOT NULL REFERENCES trace_codes (code),
  UNIQUE (doc_type, doc_line_id, code)
) STRICT; -- rowid keeps the scan order
CREATE INDEX document_boxes_code ON document_boxes (code);
CREATE INDEX document_boxes_doc ON document_boxes (doc_type, doc_id);
