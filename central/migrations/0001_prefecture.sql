-- The prefecture server (地市医保监管): counties and their hubs, users and sessions, the audit log, the packages
-- received, and the facts they carried. Amounts are bigint fen, unit prices bigint micro-yuan, quantities bigint
-- base units. A fact row keeps the hub's own codes (clinic code, NHSA drug code, supplier credit code): nothing is
-- remapped. Every fact table carries (hub_id, period) and is replaced whole when a newer version of that
-- hub × month arrives.

CREATE TABLE counties (
  code  text PRIMARY KEY CHECK (code ~ '^\d{6}$'),
  name  text NOT NULL
);

-- A hub is registered by the prefecture administrator with its code, county and public key (Ed25519, DER SPKI
-- base64, as the hub's 上报地市 page shows it). A package is accepted only when signed by that key.
CREATE TABLE hubs (
  id             serial PRIMARY KEY,
  code           text NOT NULL UNIQUE,
  name           text NOT NULL,
  county_code    text NOT NULL REFERENCES counties (code),
  public_key     text NOT NULL,
  key_id         text NOT NULL,
  active         boolean NOT NULL DEFAULT true,
  registered_at  timestamptz NOT NULL,
  registered_by  integer
);
CREATE INDEX hubs_county ON hubs (county_code);

CREATE TABLE users (
  id                    serial PRIMARY KEY,
  username              text NOT NULL,
  display_name          text NOT NULL,
  role                  text NOT NULL CHECK (role IN ('prefecture_admin', 'county_viewer', 'director')),
  county_code           text REFERENCES counties (code),
  password_hash         text NOT NULL,
  must_change_password  boolean NOT NULL DEFAULT false,
  active                boolean NOT NULL DEFAULT true,
  created_at            timestamptz NOT NULL,
  -- A county viewer sees exactly one county; nobody else is bound to one.
  CHECK ((role = 'county_viewer') = (county_code IS NOT NULL))
);
CREATE UNIQUE INDEX users_username ON users (lower(username));

-- Only a SHA-256 of the session token is stored.
CREATE TABLE sessions (
  token_hash    text PRIMARY KEY,
  user_id       integer NOT NULL REFERENCES users (id),
  created_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  ip            text
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_attempts (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL,
  username  text NOT NULL,
  ip        text NOT NULL,
  success   boolean NOT NULL
);
CREATE INDEX login_attempts_username ON login_attempts (lower(username), at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

-- Every action: each method call that writes, every refusal, every package received or refused. Append-only.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  user_id     integer,
  username    text,
  role        text,
  ip          text,
  method      text NOT NULL,
  outcome     text NOT NULL CHECK (outcome IN ('ok', 'denied', 'rejected')),
  error_code  text,
  target      text,
  details     jsonb
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- One row per version received. The current version of a hub × month is the one whose facts are loaded.
CREATE TABLE packages (
  id            bigserial PRIMARY KEY,
  hub_id        integer NOT NULL REFERENCES hubs (id),
  period        date NOT NULL CHECK (extract(day FROM period) = 1),
  version       integer NOT NULL CHECK (version > 0),
  status        text NOT NULL CHECK (status IN ('current', 'replaced')),
  manifest_sha  text NOT NULL,
  manifest      jsonb NOT NULL,
  closed_at     timestamptz,
  produced_at   timestamptz,
  received_at   timestamptz NOT NULL,
  replaced_at   timestamptz,
  bytes         bigint NOT NULL,
  UNIQUE (hub_id, period, version)
);
CREATE UNIQUE INDEX packages_one_current ON packages (hub_id, period) WHERE status = 'current';
CREATE INDEX packages_period ON packages (period, status);

-- ───────────── Facts ─────────────
-- Every fact table but the boxes' is range-partitioned by month (partitions made when a month's first package
-- arrives, central/server/partitions.ts), so a month's figures read that month's partitions however many are kept.

CREATE TABLE clinic_facts (
  hub_id       integer NOT NULL,
  period       date NOT NULL,
  clinic_code  text NOT NULL,
  name         text NOT NULL,
  village      text,
  active       boolean NOT NULL,
  PRIMARY KEY (hub_id, period, clinic_code)
) PARTITION BY RANGE (period);
CREATE INDEX clinic_facts_period ON clinic_facts (period);

CREATE TABLE drug_facts (
  hub_id           integer NOT NULL,
  period           date NOT NULL,
  nhsa_code        text NOT NULL,
  generic_name     text NOT NULL,
  dosage_form      text NOT NULL,
  spec             text NOT NULL,
  manufacturer     text NOT NULL,
  pack_unit        text NOT NULL,
  base_unit        text NOT NULL,
  pack_size        integer NOT NULL,
  insurance_class  text NOT NULL,
  essential        boolean NOT NULL,
  vbp              boolean NOT NULL,
  vbp_batch        text,
  vbp_price        bigint,
  reference_price  bigint,
  PRIMARY KEY (hub_id, period, nhsa_code)
) PARTITION BY RANGE (period);
CREATE INDEX drug_facts_period ON drug_facts (period, nhsa_code);

CREATE TABLE supplier_facts (
  hub_id         integer NOT NULL,
  period         date NOT NULL,
  supplier_code  text NOT NULL,
  name           text NOT NULL,
  PRIMARY KEY (hub_id, period, supplier_code)
) PARTITION BY RANGE (period);

CREATE TABLE snapshot_facts (
  hub_id       integer NOT NULL,
  period       date NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('opening', 'closing')),
  store_kind   text NOT NULL,
  clinic_code  text,
  nhsa_code    text NOT NULL,
  qty          bigint NOT NULL,
  value        bigint NOT NULL
) PARTITION BY RANGE (period);
CREATE INDEX snapshot_facts_hub ON snapshot_facts (hub_id, period);
CREATE INDEX snapshot_facts_period ON snapshot_facts (period);

-- The ledger: the big one (a prefecture of 6,000 clinics ≈ 190 M rows a year), one partition per month, made when
-- a package of that month first arrives. Its key includes the partition column, as PostgreSQL requires.
CREATE TABLE ledger_facts (
  hub_id         integer NOT NULL,
  period         date NOT NULL,
  ledger_id      bigint NOT NULL,
  store_kind     text NOT NULL,
  clinic_code    text,
  nhsa_code      text NOT NULL,
  business_date  date NOT NULL,
  movement       text NOT NULL,
  qty            bigint NOT NULL,
  unit_cost      bigint NOT NULL,
  amount         bigint NOT NULL,
  doc_type       text NOT NULL,
  doc_key        text NOT NULL,
  batch_no       text NOT NULL,
  expiry_date    date NOT NULL,
  supplier_code  text,
  reverses_id    bigint,
  PRIMARY KEY (period, hub_id, ledger_id)
) PARTITION BY RANGE (period);
-- Drill-downs read one hub's month by the key's (period, hub_id) prefix; rankings read whole months (one partition).
-- No other index: each one costs the bulk load more than the few-thousand-row month of a hub costs to filter.

CREATE TABLE document_facts (
  hub_id         integer NOT NULL,
  period         date NOT NULL,
  doc_key        text NOT NULL,
  doc_type       text NOT NULL,
  doc_no         text NOT NULL,
  clinic_code    text,
  supplier_code  text,
  business_date  date,
  status         text NOT NULL,
  total_amount   bigint NOT NULL,
  lines          integer NOT NULL,
  PRIMARY KEY (period, hub_id, doc_key)
) PARTITION BY RANGE (period);

CREATE TABLE price_facts (
  hub_id         integer NOT NULL,
  period         date NOT NULL,
  nhsa_code      text NOT NULL,
  batch_no       text NOT NULL,
  supplier_code  text NOT NULL,
  pack_price     bigint NOT NULL,
  pack_size      integer NOT NULL,
  qty            bigint NOT NULL,
  amount         bigint NOT NULL,
  receipts       integer NOT NULL
) PARTITION BY RANGE (period);
CREATE INDEX price_facts_key ON price_facts (nhsa_code, batch_no, supplier_code, period);
CREATE INDEX price_facts_hub ON price_facts (hub_id, period);

CREATE TABLE accuracy_facts (
  hub_id           integer NOT NULL,
  period           date NOT NULL,
  clinic_code      text,
  stocktakes       integer NOT NULL,
  counted_lines    integer NOT NULL,
  matched_lines    integer NOT NULL,
  surplus_amount   bigint NOT NULL,
  shortage_amount  bigint NOT NULL
) PARTITION BY RANGE (period);
CREATE INDEX accuracy_facts_hub ON accuracy_facts (hub_id, period);
CREATE INDEX accuracy_facts_period ON accuracy_facts (period);

CREATE TABLE stockout_facts (
  hub_id       integer NOT NULL,
  period       date NOT NULL,
  clinic_code  text NOT NULL,
  nhsa_code    text NOT NULL,
  out_days     integer NOT NULL
) PARTITION BY RANGE (period);
CREATE INDEX stockout_facts_hub ON stockout_facts (hub_id, period);
CREATE INDEX stockout_facts_period ON stockout_facts (period);

CREATE TABLE signal_facts (
  hub_id       integer NOT NULL,
  period       date NOT NULL,
  clinic_code  text NOT NULL,
  fingerprint  text NOT NULL,
  rule_key     text NOT NULL,
  rule_title   text NOT NULL,
  nhsa_codes   text[] NOT NULL,
  period_from  date NOT NULL,
  period_to    date NOT NULL,
  summary      text NOT NULL,
  severity     double precision NOT NULL,
  numbers      jsonb NOT NULL,
  status       text NOT NULL
) PARTITION BY RANGE (period);
CREATE INDEX signal_facts_hub ON signal_facts (hub_id, period);
CREATE INDEX signal_facts_period ON signal_facts (period);

CREATE TABLE dismissal_facts (
  hub_id        integer NOT NULL,
  period        date NOT NULL,
  clinic_code   text NOT NULL,
  fingerprint   text NOT NULL,
  rule_key      text NOT NULL,
  severity      double precision NOT NULL,
  note          text NOT NULL,
  dismissed_by  text NOT NULL,
  dismissed_at  text NOT NULL
) PARTITION BY RANGE (period);
CREATE INDEX dismissal_facts_hub ON dismissal_facts (hub_id, period);

-- A box's moves (药品追溯码). A box is sold once: the database itself refuses a second sale of the same code,
-- wherever it comes from; ingest puts the refused duplicate in trace_conflicts, which the cross-hub signal reads.
CREATE TABLE trace_facts (
  hub_id         integer NOT NULL,
  period         date NOT NULL,
  clinic_code    text,
  nhsa_code      text NOT NULL,
  trace_code     text NOT NULL,
  event          text NOT NULL,
  business_date  date NOT NULL,
  doc_key        text NOT NULL,
  ledger_id      bigint
);
CREATE UNIQUE INDEX trace_facts_sold_once ON trace_facts (trace_code) WHERE event = 'dispense';
CREATE INDEX trace_facts_hub ON trace_facts (hub_id, period);
CREATE INDEX trace_facts_code ON trace_facts (trace_code);

CREATE TABLE trace_conflicts (
  id             bigserial PRIMARY KEY,
  trace_code     text NOT NULL,
  -- The sale already on file …
  first_hub_id   integer NOT NULL,
  first_period   date NOT NULL,
  -- … and the second sale of the same box, refused by trace_facts_sold_once.
  hub_id         integer NOT NULL,
  period         date NOT NULL,
  clinic_code    text,
  nhsa_code      text NOT NULL,
  business_date  date NOT NULL,
  doc_key        text NOT NULL,
  ledger_id      bigint,
  found_at       timestamptz NOT NULL
);
CREATE INDEX trace_conflicts_hub ON trace_conflicts (hub_id, period);
CREATE INDEX trace_conflicts_first ON trace_conflicts (first_hub_id, first_period);
CREATE INDEX trace_conflicts_code ON trace_conflicts (trace_code);
