-- Each history record's events, one row each, with what the history's
-- filters read as columns: the implementation, the time (UTC, as
-- tables.moment_text writes it, so that text order is time order) and who
-- (casefolded, as core.history.select compares it). The history routes
-- filter and page here instead of reading every record. The rows of the
-- records already kept are written by this migration's step in Python
-- (db/migrate.py), which reads each record as the server wrote it.
CREATE TABLE history_events (
    history_id INTEGER NOT NULL REFERENCES history (id),
    position INTEGER NOT NULL,
    at TEXT NOT NULL,
    who_folded TEXT NOT NULL,
    implementation TEXT,
    document TEXT NOT NULL,
    PRIMARY KEY (history_id, position)
);
CREATE INDEX history_events_by_implementation ON history_events (implementation, history_id, position);
CREATE INDEX history_events_by_time ON history_events (at);
