-- Insurance settlement details (医保结算明细) and their reconciliation with dispensing (对账).
--
-- A clinic that is an insurance point settles each visit in its insurance client (2204 fee details, 2207
-- settlement). Santong imports what that client exported, so what the fund paid can be compared with what
-- left the shelf, and the doctor can post dispensing from it instead of typing it twice. Only what the
-- reconciliation and the 3505/3506 upload need is kept (个人信息保护法: health data is sensitive): no
-- diagnosis, age, sex, address or phone ever reaches these tables, and the patient's name, ID number and
-- insurance person number are cleared once they pass the hub's retention (identity_purged_at).

-- One committed file of one clinic.
CREATE TABLE settlement_imports (
  id            INTEGER PRIMARY KEY,
  clinic_id     INTEGER NOT NULL REFERENCES clinics (id),
  file_name     TEXT NOT NULL,
  sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
  sheet         TEXT,
  first_date    TEXT,
  last_date     TEXT,
  added_lines   INTEGER NOT NULL CHECK (added_lines >= 0),
  known_lines   INTEGER NOT NULL CHECK (known_lines >= 0),
  skipped_rows  INTEGER NOT NULL CHECK (skipped_rows >= 0),
  imported_by   INTEGER NOT NULL REFERENCES users (id),
  imported_at   TEXT NOT NULL
) STRICT;
CREATE INDEX settlement_imports_clinic ON settlement_imports (clinic_id, id);

-- One fee detail of a drug as the fund settled it. A reversal (冲正/撤销) is a line of its own with a negative
-- quantity pointing at the line it reverses, and counts on that line's day. `line_key` is the client's fee
-- detail serial (feedetl_sn) or, without one, a digest of the line's fields: importing the same rows again
-- finds them here and changes nothing.
CREATE TABLE settlement_lines (
  id                  INTEGER PRIMARY KEY,
  clinic_id           INTEGER NOT NULL REFERENCES clinics (id),
  import_id           INTEGER NOT NULL REFERENCES settlement_imports (id),
  source_row          INTEGER NOT NULL,
  line_key            TEXT NOT NULL,
  feedetl_sn          TEXT,
  reverses_id         INTEGER REFERENCES settlement_lines (id),
  mdtrt_id            TEXT NOT NULL,            -- 就诊ID
  setl_id             TEXT,                     -- 结算ID
  rx_no               TEXT,
  fee_time            TEXT NOT NULL,            -- 费用发生时间, 'YYYY-MM-DD HH:mm:ss' as the client printed it
  business_date       TEXT NOT NULL,            -- the visit's day (a reversal: the day of the line it reverses)
  med_list_codg       TEXT NOT NULL,
  medins_list_codg    TEXT,
  item_name           TEXT,
  drug_id             INTEGER REFERENCES drugs (id),  -- null: the code is not in the hub's catalog
  qty                 INTEGER,                  -- signed base units; null when the drug is unknown
  file_cnt            TEXT NOT NULL,            -- 数量 exactly as in the file
  unit_factor         INTEGER,                  -- base units per unit the file counts in (1, or the pack size)
  unit_inferred       INTEGER NOT NULL DEFAULT 0 CHECK (unit_inferred IN (0, 1)),
  price               INTEGER NOT NULL CHECK (price >= 0),   -- micro-yuan per unit the file counts in
  amount              INTEGER NOT NULL,         -- fen, signed like the quantity
  doctor_name         TEXT,                     -- 开单医生 (3505 prsc_dr_name)
  med_type            TEXT,
  hi_feesetl_type     TEXT,
  mdtrt_setl_type     TEXT,
  psn_no              TEXT,
  psn_name            TEXT,
  psn_cert_type       TEXT,
  certno              TEXT,
  identity_purged_at  TEXT,
  UNIQUE (clinic_id, line_key),
  CHECK (amount = 0 OR qty IS NULL OR (qty < 0) = (amount < 0))
) STRICT;
CREATE INDEX settlement_lines_day ON settlement_lines (clinic_id, business_date, drug_id);
CREATE INDEX settlement_lines_visit ON settlement_lines (clinic_id, mdtrt_id);
CREATE UNIQUE INDEX settlement_lines_reversed_once ON settlement_lines (reverses_id) WHERE reverses_id IS NOT NULL;
-- The retention purge finds lines past their time that still hold a name, ID number or person number.
CREATE INDEX settlement_lines_identity ON settlement_lines (business_date) WHERE identity_purged_at IS NULL;

-- Boxes' traceability codes (drug_trac_codg) the client sent with a line.
CREATE TABLE settlement_trace_codes (
  code     TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 100),
  line_id  INTEGER NOT NULL REFERENCES settlement_lines (id),
  PRIMARY KEY (code, line_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX settlement_trace_codes_line ON settlement_trace_codes (line_id);

-- 一次录入: the dispensing a clinic posted from settlement lines (one line → one dispensing line).
CREATE TABLE settlement_postings (
  line_id             INTEGER PRIMARY KEY REFERENCES settlement_lines (id),
  dispensing_id       INTEGER NOT NULL REFERENCES dispensings (id),
  dispensing_line_id  INTEGER NOT NULL UNIQUE REFERENCES dispensing_lines (id),
  posted_by           INTEGER NOT NULL REFERENCES users (id),
  posted_at           TEXT NOT NULL
) STRICT;
CREATE INDEX settlement_postings_dispensing ON settlement_postings (dispensing_id);

-- Dispensing the clinic says was paid by the patient (自费): on that day, of that drug, up to this quantity,
-- nothing is owed by the fund, so the part not settled is no difference.
CREATE TABLE self_pay_marks (
  clinic_id      INTEGER NOT NULL REFERENCES clinics (id),
  business_date  TEXT NOT NULL,
  drug_id        INTEGER NOT NULL REFERENCES drugs (id),
  qty            INTEGER NOT NULL CHECK (qty > 0),
  note           TEXT,
  marked_by      INTEGER NOT NULL REFERENCES users (id),
  marked_at      TEXT NOT NULL,
  PRIMARY KEY (clinic_id, business_date, drug_id)
) STRICT, WITHOUT ROWID;

-- Dispensings are matched to settlements by visit (visit_no = 就诊ID).
CREATE INDEX dispensings_visit ON dispensings (clinic_id, visit_no) WHERE visit_no IS NOT NULL;
