-- 终止收货: the pharmacist closes a partly received purchase order short, with a reason, when the supplier
-- will not deliver the rest. Nothing more is expected, so the order's stored status becomes 'received' (it
-- leaves what is on order, the receiving list and the month-end warning by the rules that already hold for a
-- fully received order); these columns say that the rest never came, who decided it and why, and the API
-- shows such an order as 'short_closed'. A new value in the status CHECK would need purchase_orders rebuilt,
-- which SQLite refuses inside this migration's transaction while other tables reference the table.
ALTER TABLE purchase_orders ADD COLUMN short_closed_at TEXT;
ALTER TABLE purchase_orders ADD COLUMN short_closed_by INTEGER REFERENCES users (id);
ALTER TABLE purchase_orders ADD COLUMN short_close_reason TEXT
  CHECK ((short_closed_at IS NULL) = (short_close_reason IS NULL)
     AND (short_closed_at IS NULL OR (status = 'received' AND short_closed_by IS NOT NULL AND length(trim(short_close_reason)) > 0)));
