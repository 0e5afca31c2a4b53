"""The file backend: a TOML or JSON store on disk, saved atomically and surgically.

A save changes only the bytes of what changed (`toml_edit`, `json_edit`):
the team's comments, blank lines, key order and keys stay as they wrote them.
It writes a temporary file beside the store, fsyncs it, keeps the previous
version as `NAME.bak` and renames over the original, so a crash at any moment
leaves either the old file or the new one. Before each save the file on disk is
compared with what was loaded; if someone else changed it, the save is refused
instead of overwriting their work.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import getpass
import hashlib
import json
import math
import os
import re
import stat
import threading
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from ps_tui import collector
from ps_tui.core import portfolio
from ps_tui.core.history import Save, events_between
from ps_tui.core.model import Implementation, Reference, StoreFile
from ps_tui.core.numbers import MAX_DIGITS, first_bad_json_number, first_long_number
from ps_tui.core.safe_text import control_problems, may_hold_control
from ps_tui.core.validate import InvalidData, Problem, check_store, decode_store
from ps_tui.store import history_file, json_pieces
from ps_tui.store.atomic import atomic_write, locked, sweep_stale_temps
from ps_tui.store.base import LoadProgress, Progress, counting
from ps_tui.store.errors import (
    StoreConflict,
    StoreError,
    StoreInvalid,
    StoreUnreadable,
    StoreWriteFailed,
    edit_errors,
)
from ps_tui.store.history_file import History, digest, history_path
from ps_tui.store.locate import json_duplicate, json_lines, line_of, toml_lines

FORMATS = {".toml": "toml", ".json": "json"}

#: Files up to this size load (and are assessed) in a few tens of
#: milliseconds: about 250 implementations in TOML, 1,300 in JSON.
QUICK_BYTES = {"toml": 256 * 1024, "json": 2 * 1024 * 1024}


@dataclass(frozen=True)
class Fingerprint:
    """What the file looked like when it was read or last written."""

    size: int
    mtime_ns: int
    inode: int
    digest: str


def store_format(path: Path) -> str:
    """ "toml" or "json" from the file's extension; StoreUnreadable otherwise."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise StoreUnreadable(f"{path}: unknown store format {path.suffix!r}; use a .toml or .json file")
    return kind


#: The largest store file read. A 1,000,000-implementation JSON store is
#: about 1.5 GB; anything far beyond is not a store (a sparse file, say).
MAX_STORE_BYTES = 4 * 2**30

_NOT_REGULAR = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def _read_bytes(path: Path, limit: int = MAX_STORE_BYTES) -> bytes:
    """The file's bytes. Only a regular file of at most `limit` bytes is
    read: a FIFO would block forever, /dev/zero would never end."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise StoreUnreadable(f"{path}: no such file (create one with `ps-tui init`)") from None
    except IsADirectoryError:
        raise StoreUnreadable(f"{path}: is a directory, not a store file") from None
    except PermissionError:
        raise StoreUnreadable(f"{path}: permission denied (cannot read)") from None
    except OSError as error:
        raise StoreUnreadable(f"{path}: cannot read ({error.strerror or error})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise StoreUnreadable(f"{path}: is a directory, not a store file")
        if not stat.S_ISREG(info.st_mode):
            what = _NOT_REGULAR.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise StoreUnreadable(
                f"{path}: is {what}, not a store file; a store is a regular .toml or .json file"
            )
        if info.st_size > limit:
            raise StoreUnreadable(_too_big(path, info.st_size, limit))
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise StoreUnreadable(f"{path}: cannot read ({error.strerror or error})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise StoreUnreadable(_too_big(path, len(data), limit))
    return data


def _too_big(path: Path, size: int, limit: int) -> str:
    return (
        f"{path}: {size / 2**20:,.0f} MiB is more than a store may be ({limit / 2**20:,.0f} MiB; "
        "`max_store_mb` in the config raises it)"
    )


def _decode_text(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise StoreInvalid(str(path), [Problem("", f"not valid UTF-8 (byte {error.start})", line)]) from None


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def _parse(path: Path, kind: str, data: bytes) -> Any:
    text = _decode_text(path, data)
    if not text.strip():
        raise StoreInvalid(
            str(path), [Problem("", "the file is empty; expected a store (see `ps-tui init`)", 1)]
        )
    if text.startswith("\ufeff"):
        message = "starts with a byte-order mark (BOM); save it as UTF-8 without one"
        raise StoreInvalid(str(path), [Problem("", message, 1)])
    if kind == "toml" and text.lstrip().startswith("{"):
        message = "looks like JSON, but the name ends in .toml; rename it to .json"
        raise StoreInvalid(str(path), [Problem("", message, 1)])
    if kind == "toml":
        try:
            return tomllib.loads(text), text
        except RecursionError:
            raise StoreInvalid(str(path), [Problem("", "TOML syntax: nested too deeply", None)]) from None
        except tomllib.TOMLDecodeError as error:
            message = str(error)
            match = _TOML_AT.search(message)
            line = int(match[1]) if match else text.count("\n") + 1
            reason = _TOML_AT.sub("", message).strip()
            if match:
                reason += f" (column {match[2]})"
            raise StoreInvalid(str(path), [Problem("", f"TOML syntax: {reason}", line)]) from None
        except ValueError:
            # Past Python's integer conversion limit (4,300 digits).
            long = first_long_number(text)
            message = long.message if long else "a number too long to read"
            raise StoreInvalid(str(path), [Problem("", message, long.line(text) if long else None)]) from None
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, **_NUMBER_HOOKS), text
    except _Unreadable:
        bad = first_bad_json_number(text)
        if bad is None:  # the hooks and the scan disagree: say what the hook saw
            raise StoreInvalid(str(path), [Problem("", "JSON: a number ps-tui cannot read", None)]) from None
        problem = Problem("", f"JSON: {bad.message} (column {bad.column(text)})", bad.line(text))
        raise StoreInvalid(str(path), [problem]) from None
    except _DuplicateKey:
        found = json_duplicate(text)
        message = "duplicate key (JSON keeps only the last; write it once)"
        problem = Problem(found[0], message, found[1]) if found else Problem("", message)
        raise StoreInvalid(str(path), [problem]) from None
    except json.JSONDecodeError as error:
        hint = "; it looks like TOML: rename it to .toml" if _looks_like_toml(text) else ""
        problem = Problem("", f"JSON syntax: {error.msg} (column {error.colno}){hint}", error.lineno)
        raise StoreInvalid(str(path), [problem]) from None
    except RecursionError:
        raise StoreInvalid(str(path), [Problem("", "JSON syntax: nested too deeply", None)]) from None


def _text_checked(store: StoreFile, data: bytes) -> StoreFile:
    """`store`, after refusing control characters in its text when the file
    may hold any (see `core.safe_text`)."""
    if may_hold_control(data):
        problems = control_problems(store)
        if problems:
            raise InvalidData(problems)
    return store


def _keys_unique(data: bytes) -> bool:
    try:
        json.loads(data, object_pairs_hook=_unique_keys, **_NUMBER_HOOKS)
    except _DuplicateKey:
        return False
    except (ValueError, RecursionError):
        return True  # not a duplicate: the slow path reports what it is
    return True


def _looks_like_toml(text: str) -> bool:
    return re.match(r"\s*(#|\[|[A-Za-z_][\w-]*\s*=)", text) is not None


class _Unreadable(ValueError):
    """A number in a JSON text that no field can hold (see core.numbers)."""


def _constant(name: str) -> float:
    raise _Unreadable(name)


def _float(token: str) -> float:
    value = float(token)
    if math.isinf(value):
        raise _Unreadable(token)
    return value


def _int(token: str) -> int:
    if len(token) > MAX_DIGITS + 1:
        raise _Unreadable(token)
    return int(token)


_NUMBER_HOOKS: dict[str, Any] = {"parse_constant": _constant, "parse_float": _float, "parse_int": _int}


class _DuplicateKey(ValueError):
    """A JSON object with the same key twice."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _DuplicateKey
    return found


def _locate(kind: str, text: str, problems: list[Problem]) -> list[Problem]:
    lines = toml_lines(text) if kind == "toml" else json_lines(text)
    return [Problem(p.path, p.message, line_of(p.path, lines)) for p in problems]


#: JSON files up to this size are checked for duplicate keys on every load
#: (about 2,700 implementations; the check costs about 15 ms per 1,000, three
#: times the typed decode); `validate` and `ps-tui serve` check files of any size.
DUPLICATE_CHECK_BYTES = 4 * 2**20


def _sliced_store() -> type[msgspec.Struct]:
    """StoreFile with its implementations left as raw JSON, one `Raw` each,
    to be decoded one slice at a time (see `_decode_in_slices`). Made from
    StoreFile's own fields, so the two cannot drift apart."""
    fields: list[tuple[str, Any, Any]] = []
    for info in msgspec.structs.fields(StoreFile):
        kind = list[msgspec.Raw] if info.name == "implementations" else info.type
        if info.default_factory is not msgspec.NODEFAULT:
            default = msgspec.field(default_factory=info.default_factory)
        else:
            default = info.default
        fields.append((info.name, kind, default))
    return msgspec.defstruct("SlicedStore", fields, kw_only=True, forbid_unknown_fields=True, gc=False)


_SlicedStore = _sliced_store()

#: Implementations decoded between two reports of a load's progress.
DECODE_SLICE = 2_000


def _decode_in_slices(data: bytes, progress: Progress) -> StoreFile:
    """The typed decode of a JSON store, a slice of implementations at a
    time with `progress` told after each. One decode of a whole big store
    holds the interpreter for most of a second (the UI thread with it), so a
    key pressed meanwhile, `q` included, waits; between slices it is served.
    A file in ps-tui's own layout is cut into pieces first (`json_pieces`);
    any other is read in one first pass, each implementation left raw, then
    decoded in slices (about 15% more work than one decode: only the app
    loads this way). Raises what `msgspec.json.decode` raises."""
    pieces = json_pieces.find(data)
    if pieces is not None:
        with contextlib.suppress(msgspec.ValidationError, msgspec.DecodeError):
            return _decode_pieces(pieces, progress)
        # Not cut where items meet, or an item is wrong: the whole decode
        # below finds which (and raises it, as one decode would).
    sliced = msgspec.json.decode(data, type=_SlicedStore)
    raws: list[msgspec.Raw] = sliced.implementations  # type: ignore[attr-defined]
    decode = msgspec.json.Decoder(Implementation).decode
    implementations: list[Implementation] = []
    total = len(raws)
    progress(LoadProgress("Decoding", 0, total, "implementations"))
    for start in range(0, total, DECODE_SLICE):
        implementations += map(decode, raws[start : start + DECODE_SLICE])
        progress(LoadProgress("Decoding", len(implementations), total, "implementations"))
    fields = {name: getattr(sliced, name) for name in StoreFile.__struct_fields__}
    fields["implementations"] = implementations
    return StoreFile(**fields)


def _decode_pieces(pieces: json_pieces.Pieces, progress: Progress) -> StoreFile:
    """The typed decode of a store cut into pieces, one piece at a time
    with `progress` told how many implementations are decoded so far."""
    decode = msgspec.json.Decoder(list[Implementation]).decode
    implementations: list[Implementation] = []
    progress(LoadProgress("Decoding", 0, None, "implementations"))
    for piece in pieces.each():
        implementations += decode(piece)
        progress(LoadProgress("Decoding", len(implementations), None, "implementations"))
    store = msgspec.json.decode(pieces.rest(), type=StoreFile)
    total = len(implementations)
    progress(LoadProgress("Decoding", total, total, "implementations"))
    return msgspec.structs.replace(store, implementations=implementations)


def parse_store(
    path: Path, data: bytes, *, thorough: bool = False, progress: Progress | None = None
) -> StoreFile:
    """Decode and validate the bytes of a store file; StoreInvalid lists every
    problem with its line where the format gives one. `thorough` checks a
    JSON file of any size for duplicate keys. `progress`, when given, is told
    how the decode and the checks go, in slices (see `_decode_in_slices`)."""
    with collector.paused(len(data) > collector.BIG_BYTES):
        return _parse_store(path, data, thorough, progress)


def _parse_store(path: Path, data: bytes, thorough: bool, progress: Progress | None) -> StoreFile:
    kind = store_format(path)
    if kind == "json":
        # Fast path: a typed decode straight from bytes; the slow path below
        # runs only when it fails, to report every problem with its line.
        try:
            if progress is None:
                store = msgspec.json.decode(data, type=StoreFile)
            else:
                store = _decode_in_slices(data, progress)
        except (msgspec.ValidationError, msgspec.DecodeError):
            pass
        else:
            # The typed decode fills in a missing schema_version; the slow
            # path reports it as the TOML path does. It also keeps the last
            # of two equal keys without a word, which the slow path refuses.
            unique = (len(data) > DUPLICATE_CHECK_BYTES and not thorough) or _keys_unique(data)
            clean = not may_hold_control(data)
            if (
                b'"schema_version"' in data
                and unique
                and clean
                and not check_store(store, counting(progress, "Checking", len(store.implementations)))
            ):
                return store
    elif progress is not None:
        progress(LoadProgress("Parsing", 0, None, "implementations"))
    raw, text = _parse(path, kind, data)
    try:
        return _text_checked(decode_store(raw), data)
    except InvalidData as invalid:
        raise StoreInvalid(str(path), _locate(kind, text, invalid.problems)) from None


def encode_store(store: StoreFile, kind: str) -> bytes:
    """The bytes of a new store file in `kind` ("toml" or "json"), in the
    layout that later surgical saves keep."""
    from ps_tui.store import json_edit, toml_write  # only when saving: off the launch path

    text = toml_write.dump_store(store) if kind == "toml" else json_edit.dump_store(store)
    return text.encode("utf-8")


def edit_text(path: Path, text: str, old: StoreFile, new: StoreFile) -> str:
    """`text`, which holds `old`, changed only where `new` differs from it.

    When no surgical edit fits, the store is written anew, but only after
    the text is read again, thoroughly, and found to hold exactly `old`: a
    load that misread the file (a duplicate key once hid 42 implementations)
    must never become the basis of a whole-file rewrite."""
    from ps_tui.store import json_edit, toml_edit

    def rewrite(store: StoreFile) -> str:
        try:
            again = parse_store(path, text.encode("utf-8"), thorough=True)
        except StoreInvalid as invalid:
            again, problem = None, f"it does not read back ({invalid})"
        else:
            problem = "it reads back as other data than was loaded"
        if again != old:
            raise StoreWriteFailed(
                f"{path}: not saved: {problem}, so writing it anew could lose what it holds; "
                f"the file and its .bak are left as they are (check it with `ps-tui validate {path}`)"
            )
        return encode_store(store, store_format(path)).decode("utf-8")

    if store_format(path) == "toml":
        return toml_edit.edit_toml(text, old, new, rewrite)
    return json_edit.edit_json(text, old, new, rewrite)


def default_who() -> str:
    """Who a save is recorded as when the config names nobody (`me`): the
    login name, marked as such."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):
        name = "unknown"
    return f"{name} (login name)"


def _fingerprint(path: Path, data: bytes) -> Fingerprint:
    # The size is the data's own: a stat may already describe a newer file
    # (another writer's, replaced while this one was reading or parsing).
    info = path.stat()
    return Fingerprint(len(data), info.st_mtime_ns, info.st_ino, hashlib.sha256(data).hexdigest())


class FileStore:
    """A store in one TOML or JSON file."""

    persistent = True

    def __init__(
        self,
        path: Path | str,
        max_bytes: int = MAX_STORE_BYTES,
        *,
        who: str | None = None,
        history: bool = True,
    ) -> None:
        self.path = Path(path).expanduser()
        self.max_bytes = max_bytes
        #: Who the history records as making this store's saves.
        self.who = who or default_who()
        #: Where each save over an existing file is recorded (None: nowhere).
        self.history_path: Path | None = history_path(self.path) if history else None
        self.kind = store_format(self.path)
        self.location = str(self.path)
        self._store: StoreFile | None = None
        self._seen: Fingerprint | None = None
        # One save at a time within this process; the file lock covers others.
        self._mutex = threading.Lock()

    # -- synchronous API (CLI, threads) ------------------------------------

    def read(self, thorough: bool = False, progress: Progress | None = None) -> StoreFile:
        """Load and validate the file; remembers its fingerprint for saves.
        `thorough`: every check, whatever the file's size (see parse_store);
        `progress`: told how the load goes (the Store protocol's `load`)."""
        if progress is not None:
            progress(LoadProgress("Reading", 0, self._size(), "bytes"))
        data = _read_bytes(self.path, self.max_bytes)
        if progress is not None:
            progress(LoadProgress("Reading", len(data), len(data), "bytes"))
        store = parse_store(self.path, data, thorough=thorough, progress=progress)
        self._store, self._seen = store, _fingerprint(self.path, data)
        return store

    def write(self, store: StoreFile, *, who: str | None = None) -> StoreFile:
        """Save a whole store: a new file in the app's layout, or, over the
        file that was read, only what differs from it."""
        with self._mutex, locked(self.path):
            before = self._check_unchanged()
            self._write_unlocked(store, before, who or self.who)
        return store

    def _write_unlocked(self, store: StoreFile, before: bytes | None, who: str) -> None:
        if before is None or self._store is None:
            data = encode_store(store, self.kind)
        else:
            data = edit_text(self.path, before.decode("utf-8"), self._store, store).encode("utf-8")
            self._record(self._store, store, before, data, who)
        try:
            atomic_write(self.path, data)
        except OSError as error:
            reason = error.strerror or str(error)
            raise StoreWriteFailed(f"{self.path}: save failed ({reason}); the file was not changed") from None
        self._store, self._seen = store, _fingerprint(self.path, data)
        sweep_stale_temps(self.path)

    def _record(self, old: StoreFile, new: StoreFile, before: bytes, data: bytes, who: str) -> None:
        """Append the save's events to the history, synced, before the store
        file is replaced: a change is never in the store without its record."""
        if self.history_path is None:
            return
        now = dt.datetime.now(dt.UTC)
        events = events_between(old, new, who, now)
        if events:
            save = Save(at=now, who=who, parent=digest(before), digest=digest(data), events=events)
            try:
                history_file.append(self.history_path, save)
            except StoreWriteFailed as failed:
                raise StoreWriteFailed(
                    f"{self.path}: save failed: the change could not be recorded ({failed}); "
                    "the file was not changed"
                ) from None

    def history(self) -> History:
        """The recorded saves of this store that landed (none without a history)."""
        if self.history_path is None:
            return History([])
        try:
            current: bytes | None = _read_bytes(self.path, self.max_bytes)
        except StoreError:
            current = None
        return history_file.read(self.history_path, current)

    def _check_unchanged(self) -> bytes | None:
        """The file's bytes, after checking they are the ones last read or
        written; None when there is no file yet (and none was read)."""
        if self._seen is None:
            if self.path.exists():
                raise StoreConflict(
                    f"{self.path}: already exists and was not loaded; refusing to overwrite it"
                )
            return None
        try:
            info = self.path.stat()
        except FileNotFoundError:
            raise StoreConflict(
                f"{self.path}: was deleted since it was loaded; reload before saving"
            ) from None
        # Only the content decides. An equal (inode, size, mtime) is no proof:
        # with a coarse clock (a few ms a tick on many kernels) a file
        # replaced three times within one tick can get back a freed inode
        # number with the same size and mtime. A different size is proof.
        data = b"" if info.st_size != self._seen.size else _read_bytes(self.path, self.max_bytes)
        if info.st_size != self._seen.size or hashlib.sha256(data).hexdigest() != self._seen.digest:
            raise StoreConflict(
                f"{self.path}: changed on disk since it was loaded, so nothing was saved; "
                "reload to see the other changes"
            )
        return data

    def _edit(self, change: Callable[[StoreFile], StoreFile], who: str | None) -> StoreFile:
        with self._mutex, locked(self.path):
            if self._store is None:
                self.read()
            before = self._check_unchanged()
            assert self._store is not None
            with edit_errors(self.location):
                updated = change(self._store)
            self._write_unlocked(updated, before, who or self.who)
            return updated

    # `who`: whom the history records for this save (None: `self.who`).

    def save_implementations_sync(
        self, implementations: Sequence[Implementation], *, who: str | None = None
    ) -> StoreFile:
        """Insert or replace several in one save (one history record): all
        of them are written, or none."""

        return self._edit(lambda store: portfolio.upsert_all(store, implementations), who)

    def save_implementation_sync(
        self, implementation: Implementation, *, who: str | None = None
    ) -> StoreFile:
        return self._edit(lambda store: portfolio.upsert(store, implementation), who)

    def delete_implementation_sync(self, implementation_id: str, *, who: str | None = None) -> StoreFile:
        return self._edit(lambda store: portfolio.remove(store, implementation_id), who)

    def save_reference_sync(self, reference: Reference, *, who: str | None = None) -> StoreFile:
        return self._edit(lambda store: portfolio.replace_reference(store, reference), who)

    # -- the Store protocol ---------------------------------------------------

    def _size(self) -> int | None:
        try:
            return self.path.stat().st_size
        except OSError:
            return None  # the read says what is wrong

    def loads_quickly(self) -> bool:
        size = self._size()
        return size is not None and size <= QUICK_BYTES[self.kind]

    async def load(self, progress: Progress | None = None) -> StoreFile:
        return await asyncio.to_thread(self.read, progress=progress)

    async def save_implementation(
        self, implementation: Implementation, *, who: str | None = None
    ) -> StoreFile:
        return await asyncio.to_thread(self.save_implementation_sync, implementation, who=who)

    async def delete_implementation(self, implementation_id: str, *, who: str | None = None) -> StoreFile:
        return await asyncio.to_thread(self.delete_implementation_sync, implementation_id, who=who)

    async def save_reference(self, reference: Reference, *, who: str | None = None) -> StoreFile:
        return await asyncio.to_thread(self.save_reference_sync, reference, who=who)
