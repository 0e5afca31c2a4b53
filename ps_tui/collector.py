"""Keeping the cyclic garbage collector out of a big store's decode.

Decoding builds every implementation and its lists at once, and each
allocation counts towards the collector's next pass: at 1,000,000
implementations its full passes over the growing heap took three quarters of
the decode (14.6 s, against 3.4 s with the collector off). A decode builds
nothing it throws away in cycles, so there is nothing for those passes to find.

`paused(big)` turns the collector off while a big store is built and, once the
build has succeeded (or was cancelled, as a screen's work is by newer
input), freezes what is alive (`gc.freeze`): the next passes walk only
objects made afterwards, instead of the whole store once more (a second at
1,000,000). A failed build is not frozen, so its garbage (a traceback holds
frames in cycles) is collected. The
app and the server freeze their heap after a load anyway; small stores, where
a pass costs next to nothing, leave the collector alone.

`ps-tui` holds the collector off from its start to its first frame (`hold`,
`release`) for the same reason: the imports, widgets and styles made before
it live as long as the app, and the passes over them (about 20 ms, mostly
while Textual is imported) were a tenth of the time to that frame.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: A store file this big (about 2,700 JSON implementations), or this many
#: implementations, pauses the collector while it is built.
BIG_BYTES = 4 * 2**20
BIG_COUNT = 2_500

#: Holds in progress, in any thread, and whether the collector ran before
#: the first of them: the last to end restores it.
_lock = threading.Lock()
_depth = 0
_was_enabled = False


def hold() -> None:
    """Turn the collector off until the matching `release`. Holds nest and
    may overlap in threads: the collector comes back with the last release
    (and stays off if it was off before the first hold)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1


def release(freeze: bool) -> None:
    """End a `hold`; with `freeze`, freeze what is alive first (see the
    module's docstring)."""
    global _depth
    with _lock:
        if freeze:
            gc.freeze()
        _depth -= 1
        if _depth == 0 and _was_enabled:
            gc.enable()


@contextmanager
def paused(big: bool) -> Iterator[None]:
    """Run the body with the collector off when `big`; on success, freeze
    what is alive (see the module's docstring). Pauses nest and may overlap
    in threads: the collector comes back when the last one ends."""
    if not big:
        yield
        return
    hold()
    succeeded = False
    try:
        yield
        succeeded = True
    except BaseException as error:
        # Work dropped for newer input: what it built is freed as it goes
        # (reference counts, no cycles), and what it left alive must not
        # fall to the next pass at once.
        succeeded = _cancelled(error)
        raise
    finally:
        release(freeze=succeeded)


def _cancelled(error: BaseException) -> bool:
    # Only asyncio cancels, and whoever does has imported it; this module
    # does not (the command line holds the collector while it imports).
    asyncio = sys.modules.get("asyncio")
    return asyncio is not None and isinstance(error, asyncio.CancelledError)
