-- The number each implementation's id holds (`portfolio.id_number`), as
-- text that sorts as the number does (`tables.id_number_key`), indexed:
-- a new implementation without an id takes the one after the highest
-- (`portfolio.next_id`) with one indexed MAX, not by reading every id.
-- NULL when the id holds no number. The rows already there are filled in
-- by this migration's step in Python (db/migrate.py), by that same rule.
-- Compared byte by byte ("C"), whatever the database's collation.
ALTER TABLE implementations ADD COLUMN id_number TEXT COLLATE "C";
CREATE INDEX implementations_by_id_number ON implementations (id_number);
