-- A clinic's delivery list, newest first (deliveries.list, the village doctor's 配送单 page): the only index by
-- clinic was (clinic_id, status), so SQLite read every delivery the clinic ever had, counted the lines of each and
-- sorted them to return twenty — 3–14 ms per call at ten years, on the thread that answers the villages. By
-- (clinic_id, id) the newest twenty are read in order and nothing is sorted. No data changes.
CREATE INDEX deliveries_clinic_recent ON deliveries (clinic_id, id);
