"""Every statement on the store's tables, written once for both dialects
(see `migrations/` for the tables themselves).

An implementation is kept as msgspec encodes it (the JSON the API sends),
beside the columns the list filters and the change feed read: its status,
its IE owner casefolded, its segment, its version (one more with every
write), the number of the change that wrote it, and its ETag (the same
content digest `core.model.etag` gives, so a client's If-Match means the
same against a file and a database); and the number its id holds, which
the next id follows (`next_id`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import msgspec

from ps_tui.core.history import Event, Save, events_between
from ps_tui.core.model import Implementation, Reference, Status, StoreFile, etag
from ps_tui.core.portfolio import id_number, numbered_id
from ps_tui.db.connection import Cursor
from ps_tui.store.tokens import TokenRecord

_ENCODER = msgspec.json.Encoder()
_IMPLEMENTATION = msgspec.json.Decoder(Implementation)
_REFERENCE = msgspec.json.Decoder(Reference)
_SAVE = msgspec.json.Decoder(Save)
_EVENT = msgspec.json.Decoder(Event)


def moment_text(moment: dt.datetime) -> str:
    """A time as the tables keep it: UTC, to the microsecond, one fixed width,
    so that text order is time order."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Stored:
    """One implementation's row."""

    implementation: Implementation
    version: int
    etag: str
    position: int


@dataclass(frozen=True)
class Delta:
    """What changed after a change number: the implementations written (in
    store order), the ids deleted (and not written again), the reference
    data if it changed (a store without implementations), and the number of
    the last change."""

    seq: int
    #: (position, implementation), in store order.
    implementations: list[tuple[int, Implementation]]
    deleted: list[str]
    reference: StoreFile | None


def current_seq(cursor: Cursor) -> int:
    row = cursor.one("SELECT seq FROM change_sequence WHERE only_row = 1")
    return int(row[0]) if row else 0


def next_seq(cursor: Cursor) -> int:
    """Take the next change number. The row stays locked until the
    transaction ends, so writers commit in the order of their numbers and a
    reader that has seen change N has seen every change before it."""
    row = cursor.one("UPDATE change_sequence SET seq = seq + 1 WHERE only_row = 1 RETURNING seq")
    assert row is not None, "the change_sequence row is made by the first migration"
    return int(row[0])


def reference_store(cursor: Cursor) -> StoreFile | None:
    """The reference data as a store without implementations; None before an import."""
    row = cursor.one("SELECT schema_version, document FROM reference WHERE only_row = 1")
    if row is None:
        return None
    return _as_store(int(row[0]), str(row[1]))


def _as_store(schema_version: int, document: str) -> StoreFile:
    reference = _REFERENCE.decode(document)
    return StoreFile(schema_version=schema_version, implementations=[]).with_reference(reference)


def delta_since(cursor: Cursor, since: int) -> Delta:
    """Everything changed after change `since` (0: everything there is)."""
    seq = current_seq(cursor)
    # Sorted here, not by ORDER BY position: SQLite would then walk every
    # row in position order instead of the few after `since` by their seq.
    rows = cursor.all("SELECT position, document FROM implementations WHERE seq > ?", (since,))
    written = sorted(((int(row[0]), _IMPLEMENTATION.decode(row[1])) for row in rows), key=_first)
    ids = {impl.id for _, impl in written}
    deleted = [gone for gone in deleted_since(cursor, since) if gone not in ids]
    reference_row = cursor.one(
        "SELECT schema_version, document FROM reference WHERE only_row = 1 AND seq > ?", (since,)
    )
    reference = None if reference_row is None else _as_store(int(reference_row[0]), str(reference_row[1]))
    return Delta(seq, written, deleted, reference)


def _first(pair: tuple[int, Implementation]) -> int:
    return pair[0]


def deleted_since(cursor: Cursor, since: int) -> list[str]:
    """The ids deleted after change `since` that do not exist now."""
    rows = cursor.all(
        "SELECT DISTINCT c.implementation FROM changes c WHERE c.action = 'delete' AND c.seq > ? "
        "AND NOT EXISTS (SELECT 1 FROM implementations i WHERE i.id = c.implementation) "
        "ORDER BY c.implementation",
        (since,),
    )
    return [str(row[0]) for row in rows]


def change_time(cursor: Cursor, seq: int) -> dt.datetime | None:
    """When change `seq` was made (None: no such change)."""
    row = cursor.one("SELECT at FROM changes WHERE seq = ?", (seq,))
    return None if row is None else _moment(str(row[0]))


def _moment(text: str) -> dt.datetime:
    """A time as `moment_text` wrote it."""
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)


def seq_before(cursor: Cursor, moment: dt.datetime) -> int:
    """The number of the last change before `moment` (for `updated_since`)."""
    row = cursor.one("SELECT MIN(seq) FROM changes WHERE at >= ?", (moment_text(moment),))
    if row is None or row[0] is None:
        return current_seq(cursor)
    return int(row[0]) - 1


def stored(cursor: Cursor, implementation_id: str) -> Stored | None:
    row = cursor.one(
        "SELECT document, version, etag, position FROM implementations WHERE id = ?", (implementation_id,)
    )
    if row is None:
        return None
    return Stored(_IMPLEMENTATION.decode(row[0]), int(row[1]), str(row[2]), int(row[3]))


def all_ids(cursor: Cursor) -> list[str]:
    return [str(row[0]) for row in cursor.all("SELECT id FROM implementations")]


def id_number_key(implementation_id: str) -> str | None:
    """The `id_number` column: the number `portfolio.id_number` reads in the
    id, as its count of digits (two: an id holds at most 64) and its digits,
    so that text order is number order; None when it holds none (0)."""
    number = id_number(implementation_id)
    if number == 0:
        return None
    digits = str(number)
    return f"{len(digits):02d}{digits}"


def next_id(cursor: Cursor) -> str:
    """`portfolio.next_id` of the implementations in the table: one MAX on
    the `id_number` index, not every id read (a create without an id costs
    the same at any size)."""
    row = cursor.one("SELECT MAX(id_number) FROM implementations")
    key = None if row is None else row[0]
    return numbered_id((0 if key is None else int(str(key)[2:])) + 1)


def number_ids(cursor: Cursor) -> None:
    """The `id_number` of every row (migration 0005's step)."""
    keys = [
        (key, implementation_id)
        for implementation_id in all_ids(cursor)
        if (key := id_number_key(implementation_id))
    ]
    cursor.many("UPDATE implementations SET id_number = ? WHERE id = ?", keys)


#: The columns `_columns` gives, in its order, after id, position, version and seq.
_COLUMNS = "status, ie_owner_folded, segment, etag, kickoff, production_ready, document"

Columns = tuple[str, str | None, str, str, str | None, str | None, str]


def _columns(implementation: Implementation) -> Columns:
    owner = implementation.ie_owner.casefold() if implementation.ie_owner is not None else None
    document = _ENCODER.encode(implementation).decode("utf-8")
    kickoff, ready = implementation.kickoff, implementation.production_ready
    return (
        implementation.status.value,
        owner,
        implementation.segment,
        etag(implementation),
        None if kickoff is None else kickoff.isoformat(),
        None if ready is None else ready.isoformat(),
        document,
    )


_INSERT = (
    f"INSERT INTO implementations (id, id_number, position, version, seq, {_COLUMNS}) "
    "VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _key(implementation: Implementation) -> tuple[str, str | None]:
    """A new row's id and `id_number`."""
    return implementation.id, id_number_key(implementation.id)


def insert(cursor: Cursor, implementation: Implementation, seq: int, position: int | None = None) -> int:
    """A new implementation, last in the store's order (or at `position`); its position."""
    if position is None:
        row = cursor.one("SELECT COALESCE(MAX(position), 0) + 1 FROM implementations")
        assert row is not None
        position = int(row[0])
    cursor.run(_INSERT, (*_key(implementation), position, seq, *_columns(implementation)))
    return position


def insert_all(cursor: Cursor, implementations: list[Implementation], seq: int) -> None:
    """Implementations into an empty table, in this order (an import)."""
    rows = [
        (*_key(implementation), position, seq, *_columns(implementation))
        for position, implementation in enumerate(implementations, 1)
    ]
    cursor.many(_INSERT, rows)


def all_implementations(cursor: Cursor) -> list[Implementation]:
    rows = cursor.all("SELECT document FROM implementations ORDER BY position")
    return [_IMPLEMENTATION.decode(row[0]) for row in rows]


def update(cursor: Cursor, implementation: Implementation, version: int, seq: int) -> bool:
    """Write `implementation` over its stored `version`: False when the row
    is no longer at that version (the check and the write are one statement)."""
    changed = cursor.run(
        "UPDATE implementations SET version = version + 1, seq = ?, status = ?, ie_owner_folded = ?, "
        "segment = ?, etag = ?, kickoff = ?, production_ready = ?, document = ? "
        "WHERE id = ? AND version = ?",
        (seq, *_columns(implementation), implementation.id, version),
    )
    return changed == 1


def delete(cursor: Cursor, implementation_id: str, version: int) -> bool:
    changed = cursor.run(
        "DELETE FROM implementations WHERE id = ? AND version = ?", (implementation_id, version)
    )
    return changed == 1


def log_change(cursor: Cursor, seq: int, at: dt.datetime, action: str, implementation_id: str | None) -> None:
    """Log change `seq`, announced to the watching processes when it commits."""
    cursor.run(
        "INSERT INTO changes (seq, at, action, implementation) VALUES (?, ?, ?, ?)",
        (seq, moment_text(at), action, implementation_id),
    )
    cursor.announce(seq)


@dataclass(frozen=True)
class Logged:
    """One change as the change log holds it."""

    seq: int
    at: dt.datetime
    #: import, save, delete or reference.
    action: str
    implementation: str | None


def logged_after(cursor: Cursor, since: int, limit: int) -> list[Logged]:
    """The changes after change `since`, oldest first, `limit` of them at most."""
    rows = cursor.all(
        "SELECT seq, at, action, implementation FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
        (since, limit),
    )
    return [
        Logged(
            int(seq),
            dt.datetime.strptime(str(at), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC),
            str(action),
            None if implementation is None else str(implementation),
        )
        for seq, at, action, implementation in rows
    ]


def write_reference(cursor: Cursor, store: StoreFile, seq: int) -> None:
    """Insert or replace the one row of reference data (from `store`'s reference fields)."""
    reference = Reference(**{name: getattr(store, name) for name in Reference.__struct_fields__})
    document = _ENCODER.encode(reference).decode("utf-8")
    changed = cursor.run(
        "UPDATE reference SET version = version + 1, seq = ?, schema_version = ?, document = ? "
        "WHERE only_row = 1",
        (seq, store.schema_version, document),
    )
    if changed == 0:
        cursor.run(
            "INSERT INTO reference (only_row, version, seq, schema_version, document) VALUES (1, 1, ?, ?, ?)",
            (seq, store.schema_version, document),
        )


def page(
    cursor: Cursor,
    *,
    status: Status | None,
    owner: str | None,
    segment: str | None,
    since: int | None,
    limit: int,
    offset: int,
) -> tuple[list[Implementation], int]:
    """One page of the implementations that match, in store order, and how many match."""
    tests: list[str] = []
    params: list[object] = []
    for column, value in (
        ("status", None if status is None else status.value),
        ("ie_owner_folded", None if owner is None else owner.casefold()),
        ("segment", segment),
    ):
        if value is not None:
            tests.append(f"{column} = ?")
            params.append(value)
    if since is not None:
        tests.append("seq > ?")
        params.append(since)
    where = f" WHERE {' AND '.join(tests)}" if tests else ""
    offset = min(offset, 2**62)  # past any table, and within a 64-bit integer
    count = cursor.one(f"SELECT COUNT(*) FROM implementations{where}", params)
    rows = cursor.all(
        f"SELECT document FROM implementations{where} ORDER BY position LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [_IMPLEMENTATION.decode(row[0]) for row in rows], int(count[0]) if count else 0


# -- history ------------------------------------------------------------------------------


def record(cursor: Cursor, old: StoreFile, new: StoreFile, who: str, at: dt.datetime) -> None:
    """The history record of the change from `old` to `new` (the events
    `core.history` names, as a history file records them). A database has no
    file digests: each record's `parent` is the one before's `digest`, and
    its `digest` the hash of the two, so the records form the same chain."""
    events = events_between(old, new, who, at)
    if not events:
        return
    row = cursor.one("SELECT digest FROM history ORDER BY id DESC LIMIT 1")
    parent = str(row[0]) if row else ""
    digest = hashlib.sha256(parent.encode() + _ENCODER.encode(events)).hexdigest()
    add_save(cursor, Save(at=at, who=who, parent=parent, digest=digest, events=events))


def _save_row(save: Save) -> tuple[str, str, str, str]:
    return moment_text(save.at), save.who, save.digest, _ENCODER.encode(save).decode("utf-8")


def add_save(cursor: Cursor, save: Save) -> None:
    """One record, and a row for each of its events (`history_events`)."""
    row = cursor.one(
        "INSERT INTO history (at, who, digest, record) VALUES (?, ?, ?, ?) RETURNING id", _save_row(save)
    )
    assert row is not None
    _add_events(cursor, int(row[0]), save)


def _add_events(cursor: Cursor, history_id: int, save: Save) -> None:
    cursor.many(
        "INSERT INTO history_events (history_id, position, at, who_folded, implementation, document) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                history_id,
                position,
                moment_text(event.at),
                event.who.casefold(),
                event.implementation,
                _ENCODER.encode(event).decode("utf-8"),
            )
            for position, event in enumerate(save.events)
        ],
    )


def add_saves(cursor: Cursor, saves: list[Save]) -> None:
    for save in saves:
        add_save(cursor, save)


def index_history(cursor: Cursor) -> None:
    """The `history_events` rows of every record that has none (migration 0004's step)."""
    rows = cursor.all(
        "SELECT h.id, h.record FROM history h WHERE NOT EXISTS "
        "(SELECT 1 FROM history_events e WHERE e.history_id = h.id) ORDER BY h.id"
    )
    for row in rows:
        _add_events(cursor, int(row[0]), _SAVE.decode(row[1]))


def saves(cursor: Cursor) -> list[Save]:
    """Every recorded save, oldest first."""
    return [_SAVE.decode(row[0]) for row in cursor.all("SELECT record FROM history ORDER BY id")]


def events_page(
    cursor: Cursor,
    dialect: str,
    *,
    implementation: str | None,
    since: dt.date | None,
    by: str | None,
    limit: int | None,
    offset: int,
) -> tuple[list[Event], int]:
    """`core.history.select`'s answer in SQL: the events of one
    implementation, on or after a day (UTC), by someone (part of the name,
    any case), newest first; one page of them (`limit` None: all from
    `offset`) and how many there are."""
    tests: list[str] = []
    params: list[object] = []
    if implementation is not None:
        tests.append("implementation = ?")
        params.append(implementation)
    if since is not None:
        # 'YYYY-MM-DDT...' >= 'YYYY-MM-DD' exactly when the day is on or after.
        tests.append("at >= ?")
        params.append(since.isoformat())
    if by:
        tests.append("strpos(who_folded, ?) > 0" if dialect == "postgresql" else "instr(who_folded, ?) > 0")
        params.append(by.casefold())
    where = f" WHERE {' AND '.join(tests)}" if tests else ""
    count = cursor.one(f"SELECT COUNT(*) FROM history_events{where}", params)
    rows = cursor.all(
        f"SELECT document FROM history_events{where} ORDER BY history_id DESC, position DESC "
        "LIMIT ? OFFSET ?",
        [*params, 2**62 if limit is None else limit, min(offset, 2**62)],
    )
    return [_EVENT.decode(row[0]) for row in rows], int(count[0]) if count else 0


def events_after(cursor: Cursor, history_id: int) -> tuple[int, list[Event]]:
    """The events of the records after `history_id`, oldest first, and the
    last record's id (`history_id` when there is none after it)."""
    rows = cursor.all(
        "SELECT history_id, document FROM history_events WHERE history_id > ? ORDER BY history_id, position",
        (history_id,),
    )
    last = int(rows[-1][0]) if rows else history_id
    return last, [_EVENT.decode(row[1]) for row in rows]


def record_digest(cursor: Cursor, history_id: int) -> str | None:
    """The digest of history record `history_id` (None: no such record)."""
    row = cursor.one("SELECT digest FROM history WHERE id = ?", (history_id,))
    return None if row is None else str(row[0])


# -- per-user tokens ---------------------------------------------------------------------


def token_holder(cursor: Cursor, digest: str) -> tuple[str, bool] | None:
    """The member and read-only flag of the token whose SHA-256 is `digest`."""
    row = cursor.one("SELECT member, read_only FROM tokens WHERE digest = ?", (digest,))
    return None if row is None else (str(row[0]), bool(row[1]))


def token_records(cursor: Cursor) -> list[TokenRecord]:
    """Every token as kept (digests), oldest first."""
    rows = cursor.all("SELECT member, read_only, created, hint, digest FROM tokens ORDER BY id")
    return [
        TokenRecord(
            name=str(r[0]), read_only=bool(r[1]), created=_moment(str(r[2])), hint=str(r[3]), sha256=str(r[4])
        )
        for r in rows
    ]


def add_tokens(cursor: Cursor, records: list[TokenRecord]) -> None:
    cursor.many(
        "INSERT INTO tokens (member, digest, hint, read_only, created) VALUES (?, ?, ?, ?, ?)",
        [(r.name, r.sha256, r.hint, r.read_only, moment_text(r.created)) for r in records],
    )


def revoke_token(cursor: Cursor, member: str) -> bool:
    return cursor.run("DELETE FROM tokens WHERE member = ?", (member,)) == 1


# -- the KPI's statistics -----------------------------------------------------------------


@dataclass(frozen=True)
class Durations:
    """The implementation durations (kickoff to production-ready, in days) of
    the completions in a window: how many, their median and nearest-rank p90
    (as `core.stats.median` and `percentile(..., 90)`), None when there are none."""

    count: int
    median: float | None
    p90: float | None


def durations(cursor: Cursor, dialect: str, today: dt.date, window_days: int | None) -> Durations:
    """`core.kpi.compute_kpis`'s completed, median and p90, in SQL: completed
    implementations with both dates, production-ready on or before `today`
    and, with a window, after `today - window_days`."""
    params: list[object] = [today.isoformat()]
    window = ""
    if window_days is not None:
        window = " AND production_ready > ?"
        params.append((today - dt.timedelta(days=window_days)).isoformat())
    chosen = (
        "FROM implementations WHERE status = 'completed' AND kickoff IS NOT NULL "
        f"AND production_ready IS NOT NULL AND production_ready <= ?{window}"
    )
    if dialect == "postgresql":
        row = cursor.one(
            "SELECT COUNT(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY production_ready - kickoff), "
            f"percentile_disc(0.9) WITHIN GROUP (ORDER BY production_ready - kickoff) {chosen}",
            params,
        )
        assert row is not None
        count = int(row[0])
        return Durations(count, _number(row[1]), _number(row[2]))
    # SQLite has no percentile functions: the middle rows and the row of
    # rank ceil(0.9 n) (in whole numbers: (9n + 9) // 10), by offset.
    days = "CAST(julianday(production_ready) - julianday(kickoff) AS INTEGER)"
    counted = cursor.one(f"SELECT COUNT(*) {chosen}", params)
    count = int(counted[0]) if counted else 0
    if count == 0:
        return Durations(0, None, None)
    ordered = f"SELECT {days} {chosen} ORDER BY 1 LIMIT ? OFFSET ?"
    middle = cursor.all(ordered, [*params, 2 - count % 2, (count - 1) // 2])
    p90 = cursor.one(ordered, [*params, 1, (9 * count + 9) // 10 - 1])
    assert p90 is not None
    return Durations(count, sum(int(row[0]) for row in middle) / len(middle), float(p90[0]))


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
