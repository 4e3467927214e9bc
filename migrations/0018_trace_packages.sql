-- 药品追溯码的包装层级: a carton (大码) or middle pack (中码) stands for the codes packed in it, down to the boxes
-- (小码), as the supplier's code association file says (the file that comes with the 随货同行单).

-- One row per association file that added links: who imported it, when, and which file (by content).
CREATE TABLE trace_package_imports (
  id           INTEGER PRIMARY KEY,
  supplier_id  INTEGER REFERENCES suppliers (id),  -- whose file; NULL = not said
  file_name    TEXT NOT NULL,
  sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
  added        INTEGER NOT NULL CHECK (added > 0),
  known        INTEGER NOT NULL CHECK (known >= 0),
  imported_by  INTEGER NOT NULL REFERENCES users (id),
  imported_at  TEXT NOT NULL
) STRICT;

-- Parent → child. A child is packed in one parent only (the primary key); a parent is a 大码 (level 3) or 中码
-- (level 2), its children the next level down. Links are facts about packaging, never edited: append-only.
CREATE TABLE trace_packages (
  child_code   TEXT PRIMARY KEY CHECK (length(child_code) BETWEEN 1 AND 100),
  parent_code  TEXT NOT NULL CHECK (length(parent_code) BETWEEN 1 AND 100 AND parent_code <> child_code),
  level        INTEGER NOT NULL CHECK (level IN (2, 3)),
  import_id    INTEGER NOT NULL REFERENCES trace_package_imports (id),
  created_by   INTEGER NOT NULL REFERENCES users (id),
  created_at   TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX trace_packages_parent ON trace_packages (parent_code);
CREATE INDEX trace_packages_import ON trace_packages (import_id);
CREATE TRIGGER trace_packages_append_only_update BEFORE UPDATE ON trace_packages
BEGIN SELECT RAISE(ABORT, 'trace_packages is append-only'); END;
CREATE TRIGGER trace_packages_append_only_delete BEFORE DELETE ON trace_packages
BEGIN SELECT RAISE(ABORT, 'trace_packages is append-only'); END;
