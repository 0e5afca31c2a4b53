-- The per-user tokens of `ps-tui serve --database` (`ps-tui serve token add
-- NAME --database URL`): one per team member, kept as the SHA-256 digest of
-- the token (never the token) with its last characters, to tell two apart.
-- The server looks a request's token up by its digest.
CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    member TEXT NOT NULL UNIQUE,
    digest TEXT NOT NULL UNIQUE,
    hint TEXT NOT NULL,
    read_only INTEGER NOT NULL CHECK (read_only IN (0, 1)),
    created TEXT NOT NULL
);
