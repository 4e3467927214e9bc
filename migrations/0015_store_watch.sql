-- 常用药 and stock levels of each store, set by the pharmacist (issue 17). A store watches the drugs it used
-- in the last 90 days without any row here; a row adds a drug it did not use, takes one off (watched = 0), or
-- sets its own 下限/上限 instead of the ones suggested from the store's use. The catalog's hub_min/clinic_min
-- stay what they were (one level for every clinic); the alerts of a clinic no longer read clinic_min.
CREATE TABLE store_watch (
  store_id    INTEGER NOT NULL REFERENCES stores (id),
  drug_id     INTEGER NOT NULL REFERENCES drugs (id),
  watched     INTEGER NOT NULL CHECK (watched IN (0, 1)),
  min_qty     INTEGER CHECK (min_qty >= 0),
  max_qty     INTEGER CHECK (max_qty > 0),
  updated_by  INTEGER NOT NULL REFERENCES users (id),
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (store_id, drug_id),
  CHECK (min_qty IS NULL OR max_qty IS NULL OR min_qty <= max_qty)
) STRICT;
