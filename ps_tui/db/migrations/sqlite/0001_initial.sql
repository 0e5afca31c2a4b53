-- The store as tables: the reference data (one row), the implementations
-- (one row each, the document as msgspec encodes it, with the columns the
-- list filters use), the change log and the history.

-- The last change's number. Every write takes it up by one first: that
-- serialises the writers, so the changes commit in the order of their numbers.
CREATE TABLE change_sequence (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    seq INTEGER NOT NULL
);
INSERT INTO change_sequence (only_row, seq) VALUES (1, 0);

CREATE TABLE reference (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    version INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    schema_version INTEGER NOT NULL,
    document TEXT NOT NULL
);

CREATE TABLE implementations (
    id TEXT PRIMARY KEY,
    -- The store's order: a new one goes last.
    position INTEGER NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    -- The change that wrote this version.
    seq INTEGER NOT NULL,
    etag TEXT NOT NULL,
    status TEXT NOT NULL,
    ie_owner_folded TEXT,
    segment TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX implementations_by_seq ON implementations (seq);
CREATE INDEX implementations_by_status ON implementations (status, position);
CREATE INDEX implementations_by_owner ON implementations (ie_owner_folded, position);
CREATE INDEX implementations_by_segment ON implementations (segment, position);

-- Every change, kept: a deletion's row is its tombstone.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('import', 'save', 'delete', 'reference')),
    implementation TEXT
);
CREATE INDEX changes_by_at ON changes (at);
CREATE INDEX changes_deleted ON changes (seq, implementation) WHERE action = 'delete';

-- One row per save, as a history file holds one line per save.
CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    digest TEXT NOT NULL,
    record TEXT NOT NULL
);
