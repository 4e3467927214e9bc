-- GSP, the rest (issue 21): a drug issued to a store that cannot keep it as its label says, only with an
-- override and a reason.

-- 贮藏条件不符仍配送: who decided and why, on the delivery line (the note and the trace show it).
ALTER TABLE delivery_lines ADD COLUMN storage_override_reason TEXT;
ALTER TABLE delivery_lines ADD COLUMN storage_override_by INTEGER REFERENCES users (id);
