-- Box events by clinic and by day. box_events had indexes by code, document and ledger row only, so two new reads
-- would have walked every box event the hub ever wrote:
-- - the settlement reconciliation compares the boxes the fund paid for with the boxes a clinic scanned out at
--   dispensing, from the day it first did (reconciliation/dispensed-codes.ts): by clinic and day, dispense only;
-- - the prefecture package carries the month's box moves (prefecture/trace-events.ts): by day.
-- No data changes.
CREATE INDEX box_events_dispensed ON box_events (clinic_id, business_date) WHERE event = 'dispense';
CREATE INDEX box_events_date ON box_events (business_date);
