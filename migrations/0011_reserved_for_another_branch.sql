-- PLACEHOLDER, not for main: migration 0011 belongs to another branch of issue 15. It exists here only so
-- that this branch's 0012 applies (the runner refuses gaps). Drop this file, its fixture step and
-- tests/fixtures/db/v11.sqlite when merging, then rebuild v12 on top of the real 0011:
--   npm run fixtures:db -- --rebuild 12
SELECT 1;
