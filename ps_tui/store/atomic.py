"""Writing a file so that a crash leaves the old one or the new one, and
the lock that keeps two savers from interleaving.

`atomic_write` writes a temporary file beside the target, fsyncs it, keeps
the previous version as `NAME.bak` and renames over the target. `locked`
takes an advisory lock on the target's directory (nothing is left beside
the file), and `sweep_stale_temps` removes what a killed writer left.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from ps_tui.store.errors import StoreWriteFailed


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An advisory lock that keeps two processes from interleaving the
    check-then-write of a save.

    It is taken on the store's directory, so nothing is left beside the
    store; where a directory cannot be locked (some network filesystems), on
    a file named after the store in the user's runtime directory instead."""
    try:
        handle = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as error:
        raise StoreWriteFailed(f"{path}: cannot lock for saving ({error.strerror or error})") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError:
            os.close(handle)
            handle = _fallback_lock(path)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def _fallback_lock(path: Path) -> int:
    from platformdirs import user_runtime_dir

    digest = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    directory = Path(user_runtime_dir("ps-tui", ensure_exists=True))
    try:
        return os.open(directory / f"{digest}-{path.name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise StoreWriteFailed(f"{path}: cannot lock for saving ({error.strerror or error})") from None


_UMASK: int | None = None


def _umask() -> int:
    """The process's umask, read without changing it where the kernel tells."""
    global _UMASK
    if _UMASK is None:
        try:
            with open("/proc/self/status", encoding="ascii") as status:
                line = next(line for line in status if line.startswith("Umask:"))
            _UMASK = int(line.split()[1], 8)
        except (OSError, StopIteration, ValueError, IndexError):
            _UMASK = os.umask(0o022)
            os.umask(_UMASK)
    return _UMASK


def atomic_write(path: Path, data: bytes, backup: bool = True, private: bool = False) -> None:
    """Replace `path` with `data` so that readers see the old or the new file,
    never a mix. Keeps the previous version as `NAME.bak` when `backup`. A new
    file gets the user's umask, or owner-only access when `private`."""
    directory = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
            if backup:
                _backup(path)
        elif not private:
            # mkstemp makes the file private; a new store gets the mode any
            # new file of the user's would (readable by the team, usually).
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    # The new file is in place: syncing the directory entry is best effort
    # (some filesystems refuse fsync on a directory), and a failure here must
    # not be reported as "the file was not changed".
    with contextlib.suppress(OSError):
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


#: When this process loaded the module (about when it started): a temporary
#: file older than this was left by a writer that died mid-save.
_STARTED = time.time()


def sweep_stale_temps(path: Path) -> None:
    """Remove `.NAME.*.tmp` files that a killed writer left beside `path`.

    Called after a successful save, under the lock (so no other FileStore is
    between its mkstemp and its rename). Only files older than this process
    go: one younger could belong to a writer that does not take the lock.
    Best effort: a file that cannot be removed is simply left."""
    prefix = f".{path.name}."
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith(prefix) and name.endswith(".tmp") and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < _STARTED:
                        os.unlink(entry.path)


def _backup(path: Path) -> None:
    """Point `NAME.bak` at the current file's content without copying it."""
    bak = path.with_name(path.name + ".bak")
    staging = path.with_name(f".{path.name}.bak.tmp")
    staging.unlink(missing_ok=True)
    try:
        try:
            os.link(path, staging)
        except OSError:
            staging.write_bytes(path.read_bytes())
        os.replace(staging, bak)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
