-- The dates the KPI reads, as columns: the implementation-duration
-- statistics (completions in a window, their median and p90) run in SQL.
ALTER TABLE implementations ADD COLUMN kickoff TEXT;
ALTER TABLE implementations ADD COLUMN production_ready TEXT;
UPDATE implementations SET
    kickoff = json_extract(document, '$.kickoff'),
    production_ready = json_extract(document, '$.production_ready');
CREATE INDEX implementations_completions ON implementations (status, production_ready);
