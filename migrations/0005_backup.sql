-- Data safety: a record of every backup the app made (file, size, reason, checksum, verification).
-- The files themselves live in the backup folder the administrator chose; this table is the history,
-- the folder is what can be restored. Rows are kept when retention deletes a file (deleted_at is set).

CREATE TABLE backups (
  id              INTEGER PRIMARY KEY,
  file_name       TEXT NOT NULL,            -- santong-<hub>-<YYYYMMDD-HHmmss>-<reason>.sqlite
  dir             TEXT NOT NULL,            -- the folder it was written to
  size_bytes      INTEGER NOT NULL CHECK (size_bytes >= 0),
  reason          TEXT NOT NULL CHECK (reason IN ('daily', 'manual', 'before-migration', 'before-close', 'before-restore')),
  created_at      TEXT NOT NULL,
  sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
  -- 1 when the written file reopened read-only passed integrity_check with our application_id.
  verified        INTEGER NOT NULL CHECK (verified IN (0, 1)),
  problem         TEXT,                     -- why verification failed
  schema_version  INTEGER NOT NULL,
  -- Who asked for it (null for automatic ones). A name, not a user id: backups outlive restores.
  created_by      TEXT,
  note            TEXT,
  deleted_at      TEXT,                     -- removed by retention
  UNIQUE (dir, file_name)
) STRICT;
CREATE INDEX backups_created ON backups (created_at);
CREATE INDEX backups_reason ON backups (reason, created_at);
