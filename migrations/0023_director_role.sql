-- 院长 (director): a hub-level reader who writes nothing. users.role's CHECK gains 'director'.
-- SQLite cannot alter a CHECK, so the table is rebuilt. The runner applies every migration in one transaction with
-- foreign keys ON (PRAGMA foreign_keys cannot change inside it), and a dozen tables reference users: dropping it
-- counts each of their rows as a violation. defer_foreign_keys holds that count until the commit, and the rows go
-- back into the renamed table AFTER the drop, so each one re-inserted settles the rows that point at it and the
-- count is zero again at the commit (a row missing there would still fail the upgrade).
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE users_before_0023 AS SELECT * FROM users;

CREATE TABLE users_0023 (
  id                   INTEGER PRIMARY KEY,
  username             TEXT NOT NULL COLLATE NOCASE UNIQUE,
  display_name         TEXT NOT NULL,
  role                 TEXT NOT NULL CHECK (role IN ('admin', 'pharmacist', 'finance', 'village_doctor', 'director')),
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

DROP TABLE users;
ALTER TABLE users_0023 RENAME TO users;
INSERT INTO users (id, username, display_name, role, clinic_id, phone, password_hash, must_change_password, active, last_login_at, created_at, updated_at)
SELECT id, username, display_name, role, clinic_id, phone, password_hash, must_change_password, active, last_login_at, created_at, updated_at
  FROM temp.users_before_0023;
DROP TABLE temp.users_before_0023;

CREATE INDEX users_clinic ON users (clinic_id);
