-- A scanned 码上放心 code names its product by its first 7 digits (drugs.trace_prefix): the drug picker's search,
-- the code lookup (追溯) and every counter scan of a code the hub never received read the drug by it, so it is a
-- seek, not a walk of the catalog. Partial: most drugs carry no prefix, and `trace_prefix = ?` implies NOT NULL.
CREATE INDEX drugs_trace_prefix ON drugs (trace_prefix) WHERE trace_prefix IS NOT NULL;
