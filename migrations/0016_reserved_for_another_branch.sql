-- PLACEHOLDER, not for main: migration 0016 belongs to another branch. It exists here only so that this
-- branch's 0017 applies (the runner refuses gaps). Drop this file, its fixture step and
-- tests/fixtures/db/v16.sqlite when merging, then rebuild v17 on top of the real 0016:
--   npm run fixtures:db -- --rebuild 17
SELECT 1;
