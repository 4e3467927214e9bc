-- Foundation: settings, clinics and their stores, users, sessions, audit log.
-- Timestamps are ISO-8601 UTC text ('2026-11-22T04:53:00.000Z'); business dates are 'YYYY-MM-DD' in China time.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE clinics (
  id         INTEGER PRIMARY KEY,
  code       TEXT NOT NULL COLLATE NOCASE UNIQUE,
  name       TEXT NOT NULL,
  village    TEXT,
  address    TEXT,
  phone      TEXT,
  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

-- Every place that holds stock in the hub's books: the hub store, one store per clinic, and per clinic
-- the goods on their way to it (issued by the hub, not yet signed for by the clinic).
CREATE TABLE stores (
  id        INTEGER PRIMARY KEY,
  kind      TEXT NOT NULL CHECK (kind IN ('hub', 'clinic', 'transit')),
  clinic_id INTEGER REFERENCES clinics (id),
  name      TEXT NOT NULL,
  CHECK ((kind = 'hub') = (clinic_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX stores_one_hub ON stores (kind) WHERE kind = 'hub';
CREATE UNIQUE INDEX stores_per_clinic ON stores (clinic_id, kind) WHERE clinic_id IS NOT NULL;

-- Document numbers: <prefix>-<YYYYMM>-<seq>, one sequence per prefix and month.
CREATE TABLE doc_sequences (
  prefix TEXT NOT NULL,
  period TEXT NOT NULL,
  last   INTEGER NOT NULL,
  PRIMARY KEY (prefix, period)
) STRICT, WITHOUT ROWID;

CREATE TABLE users (
  id                   INTEGER PRIMARY KEY,
  username             TEXT NOT NULL COLLATE NOCASE UNIQUE,
  display_name         TEXT NOT NULL,
  role                 TEXT NOT NULL CHECK (role IN ('admin', 'pharmacist', 'finance', 'village_doctor')),
  clinic_id            INTEGER REFERENCES clinics (id),
  phone                TEXT,
  password_hash        TEXT NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
  active               INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  last_login_at        TEXT,
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL,
  -- A village doctor is bound to exactly one clinic; nobody else is bound to any.
  CHECK ((role = 'village_doctor') = (clinic_id IS NOT NULL))
) STRICT;
CREATE INDEX users_clinic ON users (clinic_id);

-- Only a SHA-256 of the session token is stored, so a copied database file holds no live sessions.
CREATE TABLE sessions (
  token_hash   TEXT PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users (id),
  created_at   TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  ip           TEXT,
  user_agent   TEXT
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_attempts (
  id       INTEGER PRIMARY KEY,
  at       TEXT NOT NULL,
  username TEXT NOT NULL COLLATE NOCASE,
  ip       TEXT NOT NULL,
  success  INTEGER NOT NULL CHECK (success IN (0, 1))
) STRICT;
CREATE INDEX login_attempts_username ON login_attempts (username, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

-- Every write, and every refused attempt, append-only.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,
  user_id    INTEGER,
  username   TEXT,
  role       TEXT,
  clinic_id  INTEGER,
  ip         TEXT,
  transport  TEXT NOT NULL,
  method     TEXT NOT NULL,
  outcome    TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'rejected')),
  error_code TEXT,
  target     TEXT,
  details    TEXT
) STRICT;
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_id, at);
CREATE INDEX audit_log_clinic ON audit_log (clinic_id, at);
CREATE INDEX audit_log_method ON audit_log (method, at);

CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
