"""The import pipeline: small modules with one job each.

reading    -- encoding, dialect and header; streams records with their spreadsheet row numbers
mapping    -- which file column feeds which dataset column (names, aliases, column_mapping)
counting   -- pass 1: how many data records the file holds
validating -- a dataset compiled into one flat per-row function
loading    -- one interface, two loaders: PostgreSQL COPY + ON CONFLICT, and the ORM for SQLite
progress   -- a batch's outcome, committed with the job's counters and checkpoint
results    -- the typed per-row outcomes the counters are sums of
run        -- pass 2: ties the modules together for one job
"""
