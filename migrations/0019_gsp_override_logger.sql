-- GSP, the rest (issue 21): a drug issued to a store that cannot keep it as its label says, only with an
-- override and a reason; and the readings of a data logger (温湿度记录仪) imported from its files.

-- 贮藏条件不符仍配送: who decided and why, on the delivery line (the note and the trace show it).
ALTER TABLE delivery_lines ADD COLUMN storage_override_reason TEXT;
ALTER TABLE delivery_lines ADD COLUMN storage_override_by INTEGER REFERENCES users (id);

-- One logger file imported for one storage area.
CREATE TABLE logger_imports (
  id            INTEGER PRIMARY KEY,
  area_id       INTEGER NOT NULL REFERENCES storage_areas (id),
  file_name     TEXT NOT NULL,
  rows_new      INTEGER NOT NULL CHECK (rows_new >= 0),
  rows_known    INTEGER NOT NULL CHECK (rows_known >= 0),
  imported_by   INTEGER NOT NULL REFERENCES users (id),
  imported_at   TEXT NOT NULL
) STRICT;

-- What the logger measured, one row per area and instant ('YYYY-MM-DD HH:MM', China time): importing the same
-- file again adds nothing. Append-only like the log it feeds. An out-of-range row that no slot took is an
-- excursion; it waits for the action taken (采取措施), recorded once in logger_actions.
CREATE TABLE logger_readings (
  id            INTEGER PRIMARY KEY,
  area_id       INTEGER NOT NULL REFERENCES storage_areas (id),
  measured_at   TEXT NOT NULL,
  temperature   INTEGER NOT NULL CHECK (temperature BETWEEN -500 AND 600),
  humidity      INTEGER NOT NULL CHECK (humidity BETWEEN 0 AND 100),
  in_range      INTEGER NOT NULL CHECK (in_range IN (0, 1)),
  import_id     INTEGER NOT NULL REFERENCES logger_imports (id),
  UNIQUE (area_id, measured_at)
) STRICT;

CREATE TABLE logger_actions (
  logger_reading_id  INTEGER PRIMARY KEY REFERENCES logger_readings (id),
  action             TEXT NOT NULL,
  recorded_by        INTEGER NOT NULL REFERENCES users (id),
  recorded_at        TEXT NOT NULL
) STRICT;

-- A slot's reading taken from the logger (来源：记录仪) points at the measurement it was.
ALTER TABLE env_readings ADD COLUMN logger_reading_id INTEGER REFERENCES logger_readings (id);

CREATE TRIGGER logger_readings_append_only_update BEFORE UPDATE ON logger_readings
BEGIN SELECT RAISE(ABORT, 'logger readings are append-only'); END;
CREATE TRIGGER logger_readings_append_only_delete BEFORE DELETE ON logger_readings
BEGIN SELECT RAISE(ABORT, 'logger readings are append-only'); END;
CREATE TRIGGER logger_actions_append_only_update BEFORE UPDATE ON logger_actions
BEGIN SELECT RAISE(ABORT, 'logger actions are append-only'); END;
CREATE TRIGGER logger_actions_append_only_delete BEFORE DELETE ON logger_actions
BEGIN SELECT RAISE(ABORT, 'logger actions are append-only'); END;
