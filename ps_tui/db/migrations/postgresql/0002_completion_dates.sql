-- The dates the KPI reads, as columns: the implementation-duration
-- statistics (completions in a window, their median and p90) run in SQL.
ALTER TABLE implementations ADD COLUMN kickoff DATE;
ALTER TABLE implementations ADD COLUMN production_ready DATE;
UPDATE implementations SET
    kickoff = (document::json ->> 'kickoff')::date,
    production_ready = (document::json ->> 'production_ready')::date;
CREATE INDEX implementations_completions ON implementations (status, production_ready);
