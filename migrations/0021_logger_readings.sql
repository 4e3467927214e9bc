-- Temperature and humidity loggers (温湿度记录仪): a hub area's device file imported. Every logged row is kept
-- (append-only, one per area and minute, so the same file twice adds nothing); the row nearest each am/pm slot
-- becomes that slot's reading when the slot has none, marked as taken from the logger (来源：记录仪).
CREATE TABLE logger_imports (
  id           INTEGER PRIMARY KEY,
  area_id      INTEGER NOT NULL REFERENCES storage_areas (id),
  file_name    TEXT NOT NULL,
  sha256       TEXT NOT NULL,
  rows_new     INTEGER NOT NULL CHECK (rows_new >= 0),
  rows_known   INTEGER NOT NULL CHECK (rows_known >= 0),
  slots_filled INTEGER NOT NULL CHECK (slots_filled >= 0),
  imported_by  INTEGER NOT NULL REFERENCES users (id),
  imported_at  TEXT NOT NULL
) STRICT;
CREATE INDEX logger_imports_area ON logger_imports (area_id, imported_at);

CREATE TABLE logger_readings (
  id           INTEGER PRIMARY KEY,
  area_id      INTEGER NOT NULL REFERENCES storage_areas (id),
  measured_at  TEXT NOT NULL CHECK (measured_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]'), -- China time
  temperature  INTEGER NOT NULL CHECK (temperature BETWEEN -500 AND 600), -- tenths of ℃
  humidity     INTEGER NOT NULL CHECK (humidity BETWEEN 0 AND 100),      -- %RH
  in_range     INTEGER NOT NULL CHECK (in_range IN (0, 1)),
  import_id    INTEGER NOT NULL REFERENCES logger_imports (id),
  UNIQUE (area_id, measured_at)
) STRICT;

CREATE TRIGGER logger_readings_append_only_update BEFORE UPDATE ON logger_readings
BEGIN SELECT RAISE(ABORT, 'logger readings are append-only'); END;
CREATE TRIGGER logger_readings_append_only_delete BEFORE DELETE ON logger_readings
BEGIN SELECT RAISE(ABORT, 'logger readings are append-only'); END;
CREATE TRIGGER logger_imports_append_only_update BEFORE UPDATE ON logger_imports
BEGIN SELECT RAISE(ABORT, 'logger imports are append-only'); END;
CREATE TRIGGER logger_imports_append_only_delete BEFORE DELETE ON logger_imports
BEGIN SELECT RAISE(ABORT, 'logger imports are append-only'); END;

ALTER TABLE env_readings ADD COLUMN logger_reading_id INTEGER REFERENCES logger_readings (id);
