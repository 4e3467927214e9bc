-- PLACEHOLDER, not for main: migration 0018 belongs to another branch. It exists here only so that this
-- branch's 0020 applies (the runner refuses gaps). Drop this file, its fixture step and
-- tests/fixtures/db/v18.sqlite when merging, then rebuild v20 on top of the real 0018–0019:
--   npm run fixtures:db -- --rebuild 20
SELECT 1;
