-- Supervision (三保监管): configurable thresholds of the anomaly rules, clinics' closed days, and dismissals
-- of anomaly signals. Signals themselves are computed from the ledger on demand and never stored; a
-- dismissal names a signal by its fingerprint (rule + clinic + drugs + the signal's own week or month).

-- A rule's threshold overriding its default (rules and defaults live in code). One row per rule × parameter.
CREATE TABLE supervision_thresholds (
  rule_key    TEXT NOT NULL,
  param       TEXT NOT NULL,
  value       REAL NOT NULL,
  updated_by  INTEGER NOT NULL REFERENCES users (id),
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (rule_key, param)
) STRICT, WITHOUT ROWID;

-- When a clinic is closed: weekly rest days (ISO weekday numbers 1 = Monday … 7 = Sunday, comma separated)
-- and holidays. A clinic without a row is open every day (the closed-day rule stays quiet for it).
CREATE TABLE clinic_schedules (
  clinic_id      INTEGER PRIMARY KEY REFERENCES clinics (id),
  rest_weekdays  TEXT NOT NULL DEFAULT '' CHECK (rest_weekdays NOT GLOB '*[^1-7,]*'),
  updated_by     INTEGER NOT NULL REFERENCES users (id),
  updated_at     TEXT NOT NULL
) STRICT;

CREATE TABLE clinic_holidays (
  clinic_id  INTEGER NOT NULL REFERENCES clinics (id),
  date       TEXT NOT NULL,
  name       TEXT,
  PRIMARY KEY (clinic_id, date)
) STRICT, WITHOUT ROWID;

-- Every dismissal of a signal, with the note the user gave and the signal's severity at that moment: a
-- signal whose severity later exceeds it (the numbers got worse) is shown again as reopened.
CREATE TABLE signal_dismissals (
  id            INTEGER PRIMARY KEY,
  fingerprint   TEXT NOT NULL,
  rule_key      TEXT NOT NULL,
  clinic_id     INTEGER NOT NULL REFERENCES clinics (id),
  severity      REAL NOT NULL,
  numbers       TEXT NOT NULL,                 -- JSON: the signal's numbers when dismissed
  note          TEXT NOT NULL CHECK (length(note) > 0),
  dismissed_by  INTEGER NOT NULL REFERENCES users (id),
  dismissed_at  TEXT NOT NULL
) STRICT;
CREATE INDEX signal_dismissals_fingerprint ON signal_dismissals (fingerprint, id);
CREATE INDEX signal_dismissals_clinic ON signal_dismissals (clinic_id, dismissed_at);
