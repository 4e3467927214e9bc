-- Master data: suppliers (配送企业), the drug catalog (药品目录) and contract prices.
-- Prices are integers in micro-yuan (1 yuan = 1,000,000) per PACK as suppliers quote them;
-- stock and ledger costs are per base unit. Quantities (min/max levels) are in base units.

CREATE TABLE suppliers (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  credit_code  TEXT NOT NULL UNIQUE,          -- 统一社会信用代码, 18 chars, checksum validated
  licence_no   TEXT,                          -- 药品经营许可证号
  contact      TEXT,
  phone        TEXT,
  address      TEXT,
  active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
) STRICT;

CREATE TABLE drugs (
  id                  INTEGER PRIMARY KEY,
  nhsa_code           TEXT NOT NULL UNIQUE CHECK (length(nhsa_code) BETWEEN 2 AND 50),  -- 医保药品编码
  generic_name        TEXT NOT NULL,          -- 通用名 / 注册名称
  trade_name          TEXT,                   -- 商品名
  dosage_form         TEXT NOT NULL,          -- 剂型
  spec                TEXT NOT NULL,          -- 规格
  pack_unit           TEXT NOT NULL,          -- 包装单位, e.g. 盒
  base_unit           TEXT NOT NULL,          -- 最小单位, e.g. 粒
  pack_size           INTEGER NOT NULL CHECK (pack_size > 0),   -- base units per pack
  manufacturer        TEXT NOT NULL,
  approval_no         TEXT,                   -- 国药准字H12345678
  insurance_class     TEXT NOT NULL CHECK (insurance_class IN ('A', 'B', 'none')),  -- 甲 / 乙 / not in catalog
  essential           INTEGER NOT NULL DEFAULT 0 CHECK (essential IN (0, 1)),       -- 基本药物
  vbp                 INTEGER NOT NULL DEFAULT 0 CHECK (vbp IN (0, 1)),             -- 集采中选
  vbp_batch           TEXT,                   -- 第N批
  vbp_price           INTEGER CHECK (vbp_price IS NULL OR vbp_price >= 0),          -- winning price per pack
  reference_price     INTEGER CHECK (reference_price IS NULL OR reference_price >= 0), -- price per pack before 集采, for savings
  rx                  INTEGER NOT NULL DEFAULT 1 CHECK (rx IN (0, 1)),              -- 1 prescription, 0 OTC
  zero_markup         INTEGER NOT NULL DEFAULT 1 CHECK (zero_markup IN (0, 1)),
  default_supplier_id INTEGER REFERENCES suppliers (id),
  hub_min             INTEGER CHECK (hub_min IS NULL OR hub_min >= 0),
  hub_max             INTEGER CHECK (hub_max IS NULL OR hub_max >= 0),
  clinic_min          INTEGER CHECK (clinic_min IS NULL OR clinic_min >= 0),
  clinic_max          INTEGER CHECK (clinic_max IS NULL OR clinic_max >= 0),
  trace_prefix        TEXT CHECK (trace_prefix IS NULL OR (length(trace_prefix) = 7 AND trace_prefix NOT GLOB '*[^0-9]*')),
  active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL,
  CHECK (vbp = 1 OR (vbp_batch IS NULL AND vbp_price IS NULL))
) STRICT;
CREATE INDEX drugs_generic ON drugs (generic_name, dosage_form);
CREATE INDEX drugs_supplier ON drugs (default_supplier_id);

-- Contract prices: which supplier delivers which drug at which price per pack.
CREATE TABLE supplier_prices (
  supplier_id INTEGER NOT NULL REFERENCES suppliers (id),
  drug_id     INTEGER NOT NULL REFERENCES drugs (id),
  pack_price  INTEGER NOT NULL CHECK (pack_price >= 0),
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (supplier_id, drug_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX supplier_prices_drug ON supplier_prices (drug_id);

CREATE INDEX drugs_trade ON drugs (trade_name) WHERE trade_name IS NOT NULL;
-- Approval numbers are found without their '国药准字' prefix ('H20003263') or by their digits alone.
CREATE INDEX drugs_approval_letter ON drugs (substr(approval_no, 5)) WHERE approval_no IS NOT NULL;
CREATE INDEX drugs_approval_digits ON drugs (substr(approval_no, 6)) WHERE approval_no IS NOT NULL;

-- Drug search index (药品检索). Every distinct generic or trade name gets one search_names row and,
-- computed once when the name first appears, its search terms: every suffix of
--   * the name itself (normalised: NFKC, lower case, punctuation and spaces removed),
--   * its pinyin initials ('amxljn' for 阿莫西林胶囊), and
--   * its full pinyin, cut at syllable boundaries ('amoxilinjiaonang', 'moxilinjiaonang', …),
-- for every reading of its polyphonic characters (capped), so 重组 matches 'cz' and 'zz'.
-- A query is then a B-tree range on the primary key: term >= q AND term < q || U+10FFFF finds the
-- names where q starts some suffix, i.e. occurs in the name. at_start = 1 marks the suffixes that start
-- at the name's first character; it leads the key, so prefix matches (ranked first) are one range and
-- substring matches another, read only when the prefix matches do not fill the page. Names join back
-- to drugs through drugs_generic / drugs_trade, so the terms grow with distinct names, not with the
-- catalog. NHSA codes and approval numbers are looked up directly on drugs through their own indexes.
-- sort_key: the name's pinyin in context, syllable by syllable ('a mo xi lin jiao nang'): lists sort as a dictionary does.
CREATE TABLE search_names (
  id       INTEGER PRIMARY KEY,
  name     TEXT NOT NULL UNIQUE,
  sort_key TEXT NOT NULL
) STRICT;

CREATE TABLE search_terms (
  at_start INTEGER NOT NULL CHECK (at_start IN (0, 1)),
  term     TEXT NOT NULL,
  name_id  INTEGER NOT NULL REFERENCES search_names (id),
  PRIMARY KEY (at_start, term, name_id)
) STRICT, WITHOUT ROWID;
