-- GSP records an inspector asks for: the acceptance of each received line (验收), the quarantine of refused or
-- doubtful goods (不合格品 / 待处理) and how they left it (退货 or 销毁), and the temperature and humidity log
-- of every storage area (温湿度记录). Temperatures are integer tenths of a degree Celsius (25.3 ℃ = 253).

-- How a drug must be stored (常温 10–30 ℃, 阴凉 ≤ 20 ℃, 冷藏 2–8 ℃, 冷冻), and whether it is under special
-- control (特殊管理药品), which with 冷藏/冷冻 may need a second acceptor.
ALTER TABLE drugs ADD COLUMN storage_condition TEXT NOT NULL DEFAULT 'room' CHECK (storage_condition IN ('room', 'cool', 'cold', 'frozen'));
ALTER TABLE drugs ADD COLUMN special_control INTEGER NOT NULL DEFAULT 0 CHECK (special_control IN (0, 1));

-- The acceptance of a receipt (one per receipt; receipts posted before this version have none).
CREATE TABLE receipt_acceptances (
  receipt_id          INTEGER PRIMARY KEY REFERENCES receipts (id),
  delivery_note_no    TEXT,                 -- 随货同行单号 (NHSA dynt_no)
  accepted_on         TEXT NOT NULL,        -- 验收日期
  acceptor_id         INTEGER NOT NULL REFERENCES users (id),
  second_acceptor_id  INTEGER REFERENCES users (id),
  CHECK (second_acceptor_id IS NULL OR second_acceptor_id <> acceptor_id)
) STRICT;

-- The acceptance of one received line: what arrived, what was accepted into stock and what went to
-- quarantine (with why), the conclusion, the drug as received, and for cold-chain drugs the arrival
-- temperature and the transport record.
CREATE TABLE receipt_line_acceptances (
  receipt_line_id     INTEGER PRIMARY KEY REFERENCES receipt_lines (id),
  accepted_qty        INTEGER NOT NULL CHECK (accepted_qty >= 0),
  rejected_qty        INTEGER NOT NULL CHECK (rejected_qty >= 0),
  reject_reason       TEXT CHECK (reject_reason IS NULL OR reject_reason IN ('damaged', 'short_expiry', 'batch_mismatch', 'cold_chain', 'note_mismatch', 'other')),
  reject_note         TEXT,
  conclusion          TEXT NOT NULL CHECK (conclusion IN ('pass', 'fail', 'pending')),
  quarantine_lot_id   INTEGER REFERENCES lots (id),
  storage_condition   TEXT NOT NULL CHECK (storage_condition IN ('room', 'cool', 'cold', 'frozen')),
  arrival_temp        INTEGER,              -- tenths of ℃, cold chain only
  transport_record    TEXT,                 -- 冷链运输记录 (vehicle / box, departure time, temperatures on the way)
  manufacturer        TEXT NOT NULL,        -- 生产企业 as received
  approval_no         TEXT,                 -- 批准文号 as received
  spec                TEXT NOT NULL,        -- 规格 as received
  CHECK ((rejected_qty > 0) = (reject_reason IS NOT NULL)),
  CHECK ((rejected_qty > 0) = (quarantine_lot_id IS NOT NULL)),
  CHECK ((rejected_qty = 0) = (conclusion = 'pass'))
) STRICT;

-- Quarantine (不合格品区 / 待处理区) of a store: a lot held there is its own lot (same batch and cost as the
-- lot it came from), so no first-expiry-first allocation ever sees it; it leaves only by a return to the
-- supplier or a destruction record.
CREATE TABLE quarantine_lots (
  lot_id          INTEGER PRIMARY KEY REFERENCES lots (id),
  origin_lot_id   INTEGER NOT NULL REFERENCES lots (id),
  status          TEXT NOT NULL CHECK (status IN ('fail', 'pending')),   -- 不合格 / 待处理
  reason_code     TEXT NOT NULL,
  reason          TEXT,
  source_type     TEXT NOT NULL CHECK (source_type IN ('receipt', 'return')),
  source_id       INTEGER NOT NULL,
  created_by      INTEGER NOT NULL REFERENCES users (id),
  created_at      TEXT NOT NULL
) STRICT;
CREATE INDEX quarantine_lots_origin ON quarantine_lots (origin_lot_id);

-- 销毁记录: a write-off of quarantined goods, with how, where and who witnessed it.
CREATE TABLE destruction_records (
  writeoff_id   INTEGER PRIMARY KEY REFERENCES writeoffs (id),
  method        TEXT NOT NULL,
  place         TEXT NOT NULL,
  witness       TEXT NOT NULL,
  executor_id   INTEGER NOT NULL REFERENCES users (id)
) STRICT;

-- Storage areas of every store (常温库 / 阴凉库 / 冷藏柜), with the ranges their readings must stay in.
CREATE TABLE storage_areas (
  id          INTEGER PRIMARY KEY,
  store_id    INTEGER NOT NULL REFERENCES stores (id),
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('room', 'cool', 'cold')),
  temp_min    INTEGER NOT NULL,
  temp_max    INTEGER NOT NULL,
  rh_min      INTEGER NOT NULL CHECK (rh_min BETWEEN 0 AND 100),
  rh_max      INTEGER NOT NULL CHECK (rh_max BETWEEN 0 AND 100),
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at  TEXT NOT NULL,
  CHECK (temp_min < temp_max),
  CHECK (rh_min < rh_max),
  UNIQUE (store_id, name)
) STRICT;

-- Readings, twice a day per area (上午 / 下午). Append-only: a correction is a new row pointing at the one it
-- corrects. A reading out of the area's range carries the action taken (采取措施).
CREATE TABLE env_readings (
  id                 INTEGER PRIMARY KEY,
  area_id            INTEGER NOT NULL REFERENCES storage_areas (id),
  reading_date       TEXT NOT NULL,
  slot               TEXT NOT NULL CHECK (slot IN ('am', 'pm')),
  read_at            TEXT NOT NULL,         -- 'HH:MM', China time
  temperature        INTEGER NOT NULL CHECK (temperature BETWEEN -500 AND 600),
  humidity           INTEGER NOT NULL CHECK (humidity BETWEEN 0 AND 100),
  in_range           INTEGER NOT NULL CHECK (in_range IN (0, 1)),
  action             TEXT,
  corrects_id        INTEGER REFERENCES env_readings (id),
  correction_reason  TEXT,
  recorded_by        INTEGER NOT NULL REFERENCES users (id),
  recorded_at        TEXT NOT NULL,
  CHECK (in_range = 1 OR action IS NOT NULL),
  CHECK ((corrects_id IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX env_readings_area ON env_readings (area_id, reading_date, slot);
CREATE UNIQUE INDEX env_readings_corrected_once ON env_readings (corrects_id) WHERE corrects_id IS NOT NULL;

CREATE TRIGGER env_readings_append_only_update BEFORE UPDATE ON env_readings
BEGIN SELECT RAISE(ABORT, 'temperature and humidity readings are append-only'); END;
CREATE TRIGGER env_readings_append_only_delete BEFORE DELETE ON env_readings
BEGIN SELECT RAISE(ABORT, 'temperature and humidity readings are append-only'); END;
